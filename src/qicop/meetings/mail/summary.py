"""The mail panel of a meeting page: what went out, and when the reminders are due."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, Q

from qicop.meetings.mail.recipients import INVITATION_PREFIX
from qicop.meetings.mail.triggers import parse_offsets
from qicop.meetings.models import Meeting, SentMail

# --------------------------------------------------------------------------------------------- the panel


def mail_summary(meeting: Meeting) -> dict:
    """For the coordinators' panel: how many had the invitation (and when last), and the follow-up."""
    invitations = SentMail.objects.filter(
        meeting=meeting, key__startswith=INVITATION_PREFIX.format(meeting=meeting.pk)
    ).aggregate(
        members=Count("member", distinct=True),
        addresses=Count("email", distinct=True, filter=Q(member__isnull=True)),
        last=Max("sent_at"),
    )
    follow_ups = SentMail.objects.filter(meeting=meeting, key=f"follow_up:{meeting.pk}").aggregate(
        members=Count("member"), last=Max("sent_at")
    )
    return {"invitations": invitations, "follow_ups": follow_ups}


def reminder_schedule(meeting: Meeting) -> list[tuple[str, datetime]]:
    return sorted(
        ((label, meeting.start - delta) for label, delta in parse_offsets(meeting.reminder_offsets)),
        key=lambda pair: pair[1],
    )
