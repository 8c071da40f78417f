"""Writes of the minutes room: the minutes, decisions and action items of a meeting, each atomic and
audited, by the network's coordinators only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings import permissions
from qicop.meetings.models import ActionItem, Decision, Meeting
from qicop.network.permissions import viewer_for


def _coordinator(actor, meeting: Meeting) -> None:
    if not permissions.can_manage_meetings(viewer_for(actor), meeting.network_id):
        raise PermissionDenied(_("Only coordinators write the minutes."))


@transaction.atomic
def save_minutes(*, actor, meeting: Meeting, minutes: str) -> None:
    _coordinator(actor, meeting)
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes", "updated_at"])
    audit(actor=actor, verb="meeting.minutes", target=meeting)


@transaction.atomic
def add_decision(*, actor, meeting: Meeting, text: str):

    _coordinator(actor, meeting)
    decision = Decision.objects.create(meeting=meeting, text=text.strip())
    audit(actor=actor, verb="meeting.decision", target=meeting)
    return decision


@transaction.atomic
def add_action(*, actor, meeting: Meeting, description: str, owner=None, country=None, due=None):

    _coordinator(actor, meeting)
    if country is None and owner is not None:
        country = owner.country  # an action without a country is its owner's country's
    action = ActionItem.objects.create(
        meeting=meeting, description=description.strip(), owner=owner, country=country, due=due
    )
    audit(actor=actor, verb="meeting.action", target=meeting, action=action.pk)
    return action


@transaction.atomic
def update_decision(*, actor, decision, text: str) -> None:
    _coordinator(actor, decision.meeting)
    decision.text = text.strip()
    decision.save(update_fields=["text", "updated_at"])
    audit(actor=actor, verb="meeting.decision_change", target=decision.meeting, decision=decision.pk)


@transaction.atomic
def delete_decision(*, actor, decision) -> None:
    _coordinator(actor, decision.meeting)
    audit(
        actor=actor,
        verb="meeting.decision_delete",
        target=decision.meeting,
        decision=decision.pk,
        text=decision.text,
    )
    decision.delete()


@transaction.atomic
def update_action(*, actor, action, description: str, owner=None, country=None, due=None) -> None:
    """Change what an action says, who owns it, for which country and by when (its status is set apart).
    Left without a country, it takes its owner's."""
    _coordinator(actor, action.meeting)
    action.description = description.strip()
    action.owner = owner
    action.country = country if country is not None else (owner.country if owner else None)
    action.due = due
    action.save(update_fields=["description", "owner", "country", "due", "updated_at"])
    audit(actor=actor, verb="meeting.action_change", target=action.meeting, action=action.pk)


@transaction.atomic
def delete_action(*, actor, action) -> None:
    _coordinator(actor, action.meeting)
    audit(
        actor=actor,
        verb="meeting.action_delete",
        target=action.meeting,
        action=action.pk,
        description=action.description,
    )
    action.delete()


@transaction.atomic
def set_action_status(*, actor, action, status: str) -> None:
    _coordinator(actor, action.meeting)
    action.status = status
    action.save(update_fields=["status", "updated_at"])
    audit(actor=actor, verb="meeting.action_status", target=action.meeting, action=action.pk, status=status)
