"""Writes of the meetings app, each atomic and audited."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings.models import CalendarFeed, Meeting, Registration
from qicop.network.models import Member, Role
from qicop.network.permissions import viewer_for


@transaction.atomic
def register(*, actor, meeting: Meeting, attending: bool) -> Registration:
    """Register for a meeting (or decline it). Observers follow the network but do not register."""
    viewer = viewer_for(actor)
    roles = viewer.roles.get(meeting.network_id, frozenset())
    if viewer.member_id is None or not roles or roles == {Role.OBSERVER}:
        raise PermissionDenied(_("Only members of the network register for its meetings."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise PermissionDenied(_("This meeting was cancelled."))
    status = Registration.Status.REGISTERED if attending else Registration.Status.DECLINED
    if attending and meeting.capacity is not None:
        _claim_a_seat(meeting, viewer.member_id)
    registration, _created = Registration.objects.update_or_create(
        meeting=meeting, member_id=viewer.member_id, defaults={"status": status}
    )
    audit(actor=actor, verb="meeting.register", target=meeting, status=status)
    return registration


class MeetingFull(PermissionDenied):
    """Raised when a registration would go past the meeting's capacity."""


def _claim_a_seat(meeting: Meeting, member_id: int) -> None:
    """Refuse a new registration once the registered count reaches the capacity. The meeting row is
    locked first, so two members taking the last seat at once are served one after the other."""
    capacity = Meeting.objects.select_for_update().values_list("capacity", flat=True).get(pk=meeting.pk)
    if capacity is None:
        return
    registered = Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED)
    if registered.filter(member_id=member_id).exists():
        return  # already holds a seat
    if registered.count() >= capacity:
        raise MeetingFull(
            _(
                "This meeting is full: all %(capacity)d seats are taken. A seat frees up when someone "
                "declines."
            )
            % {"capacity": capacity}
        )


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_calendar_feed(*, member: Member) -> str:
    """A new private feed URL token for ``member``; earlier feeds keep working until revoked."""
    token = secrets.token_urlsafe(24)
    CalendarFeed.objects.create(member=member, token_hash=feed_token_hash(token))
    audit(actor=member.user, verb="calendar_feed.create", target=member)
    return token


@transaction.atomic
def revoke_calendar_feeds(*, member: Member) -> int:
    revoked = CalendarFeed.objects.filter(member=member, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit(actor=member.user, verb="calendar_feed.revoke", target=member, count=revoked)
    return revoked


def _coordinator(actor, meeting: Meeting) -> None:
    if not viewer_for(actor).is_coordinator(meeting.network):
        raise PermissionDenied(_("Only coordinators write the minutes."))


@transaction.atomic
def save_minutes(*, actor, meeting: Meeting, minutes: str) -> None:
    _coordinator(actor, meeting)
    meeting.minutes = minutes
    meeting.save(update_fields=["minutes", "updated_at"])
    audit(actor=actor, verb="meeting.minutes", target=meeting)


@transaction.atomic
def add_decision(*, actor, meeting: Meeting, text: str):
    from qicop.meetings.models import Decision

    _coordinator(actor, meeting)
    decision = Decision.objects.create(meeting=meeting, text=text.strip())
    audit(actor=actor, verb="meeting.decision", target=meeting)
    return decision


@transaction.atomic
def add_action(*, actor, meeting: Meeting, description: str, owner=None, country=None, due=None):
    from qicop.meetings.models import ActionItem

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
