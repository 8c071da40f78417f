"""Writes of a meeting itself, each atomic and audited: registering (a seat, if the meeting has a
capacity) and the members' calendar feeds.
"""

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
    if meeting.end < timezone.now():
        raise PermissionDenied(_("This meeting is over: registration is closed."))
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
