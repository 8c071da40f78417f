"""What sets the batches off: a meeting changed or its delegations did, a coordinator's button, and the
reminders that fall due (the cron command and the tasks queue them)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings import permissions, tasks
from qicop.meetings.mail.recipients import (
    CANCELLATION_PREFIX,
    INVITATION_PREFIX,
    Address,
    focal_points,
    invitation_records,
    not_mailed,
    reminder_addresses,
    reminder_recipients,
)
from qicop.meetings.mail.sending import OPEN_CASES
from qicop.meetings.models import CasePresentation, Meeting, SentMail
from qicop.network.models import Member
from qicop.network.permissions import viewer_for

DEADLINE_OFFSETS = "7d,2d"
# Reminders are looked for in meetings starting within this horizon; longer offsets are not honoured.
REMINDER_HORIZON = timedelta(days=90)


# ----------------------------------------------------------------------------- what sets the batches off


def meeting_changed(meeting: Meeting, *, cancelled: bool = False) -> None:
    """Called (on commit) after a meeting's calendar data changed: sends the updated invitation (or the
    cancellation) to those who already received one. Nothing is sent when no invitation went out yet.

    Calendars only replace an event whose SEQUENCE went up. The planning services raise it; a change
    saved after the last version went out without raising it (a script, the shell) has it raised here.
    Calling this twice for one change sends nothing more: each version is mailed once.
    """

    sent = SentMail.objects.filter(meeting_id=meeting.pk).filter(
        Q(key__startswith=INVITATION_PREFIX.format(meeting=meeting.pk))
        | Q(key__startswith=CANCELLATION_PREFIX.format(meeting=meeting.pk))
    )
    versions: dict[int, datetime] = {}
    for key, when in _last_sent(sent):
        version = int(key.rsplit(":", 1)[1])
        versions[version] = max(when, versions.get(version, when))
    if not versions:
        return
    latest = max(versions)
    with transaction.atomic():
        unannounced = Meeting.objects.filter(
            pk=meeting.pk, sequence__lte=latest, updated_at__gt=versions[latest]
        ).update(sequence=latest + 1)
        if unannounced:
            audit(actor=None, verb="meeting.sequence", target=meeting, sequence=latest + 1)
    transaction.on_commit(lambda: tasks.send_updates.enqueue(meeting.pk, cancelled))


def delegation_changed(meeting: Meeting) -> None:
    """Called when a delegate is named (or their e-mail changes): once the meeting's invitations went out,
    the new delegate gets theirs on commit; everyone who had one is not mailed again."""

    if meeting.status == Meeting.Status.CANCELLED or meeting.end <= timezone.now():
        return
    if invitation_records(meeting).exists():
        transaction.on_commit(lambda: tasks.send_invitations.enqueue(meeting.pk))


def case_step(case: CasePresentation, step: str) -> None:
    """Called in the transaction of a case presentation's step (assigned, submitted, approved, returned):
    its e-mail goes once the step is committed. The step's moment names it, so that each occurrence of a
    step (a second submission) is mailed, and each once."""
    moment = {"assigned": case.created_at, "submitted": case.submitted_at}.get(step) or case.updated_at
    stamp = f"{moment:%Y%m%d%H%M%S%f}"
    transaction.on_commit(lambda: tasks.send_case_step.enqueue(case.pk, step, stamp))


def _last_sent(sent: QuerySet[SentMail]):
    return sent.values_list("key").annotate(last=Max("sent_at")).order_by()


def _coordinator(actor, meeting: Meeting) -> None:
    if not permissions.can_manage_meetings(viewer_for(actor), meeting.network_id):
        raise PermissionDenied(_("Only coordinators send the meeting's e-mails."))


@transaction.atomic
def request_invitations(*, actor, meeting: Meeting) -> None:
    """Queue the invitations of an upcoming meeting (a coordinator presses "Send invitations")."""

    _coordinator(actor, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is cancelled: no invitations are sent for it."))
    if meeting.end <= timezone.now():
        raise ValidationError(_("This meeting is over: invitations are no longer sent."))
    audit(actor=actor, verb="meeting.mail.invitations", target=meeting)
    transaction.on_commit(lambda: tasks.send_invitations.enqueue(meeting.pk))


@transaction.atomic
def request_follow_up(*, actor, meeting: Meeting) -> None:
    """Queue the follow-up mail of a meeting whose minutes are written."""

    _coordinator(actor, meeting)
    if not meeting.minutes.strip():
        raise ValidationError(_("Write the minutes first: the follow-up e-mail carries them."))
    audit(actor=actor, verb="meeting.mail.follow_up", target=meeting)
    transaction.on_commit(lambda: tasks.send_follow_up.enqueue(meeting.pk))


@dataclass(frozen=True)
class Due:
    """A batch of mail whose time has come: ``kind`` "reminder" (of a meeting) or "deadline" (of a case)."""

    kind: str
    object_id: int
    offset: str


def parse_offsets(text: str) -> list[tuple[str, timedelta]]:
    """'7d,1d' → [('7d', 7 days), ('1d', 1 day)]; parts that are not offsets are left out."""
    found = []
    for number, unit in re.findall(r"(\d+)\s*([dh])", text or ""):
        delta = timedelta(days=int(number)) if unit == "d" else timedelta(hours=int(number))
        found.append((f"{int(number)}{unit}", delta))
    return found


def latest_due(start: datetime, offsets: str, now: datetime) -> str | None:
    """The offset whose time came last: a member who registers late gets the nearest reminder only, and a
    7-day reminder never follows the 1-day one."""
    due = [(delta, label) for label, delta in parse_offsets(offsets) if start - delta <= now]
    return min(due)[1] if due else None


def due_now(now: datetime | None = None) -> list[Due]:
    """Reminder and deadline batches due at ``now`` that still have someone to mail."""
    now = now or timezone.now()
    due: list[Due] = []
    meetings = (
        Meeting.objects.filter(start__gt=now, start__lte=now + REMINDER_HORIZON)
        .exclude(status=Meeting.Status.CANCELLED)
        .only("pk", "network_id", "kind", "start", "reminder_offsets")
        .order_by("start")[:1000]
    )
    for meeting in meetings:
        offset = latest_due(meeting.start, meeting.reminder_offsets, now)
        key = f"reminder:{meeting.pk}:{offset}"
        if offset and (
            _pending(key, reminder_recipients(meeting))
            or _pending_addresses(key, reminder_addresses(meeting, key))
        ):
            due.append(Due("reminder", meeting.pk, offset))
    longest = max(delta for _label, delta in parse_offsets(DEADLINE_OFFSETS))
    cases = (
        CasePresentation.objects.filter(status__in=OPEN_CASES, deadline__gt=now, deadline__lte=now + longest)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting")
        .order_by("deadline")[:1000]
    )
    for case in cases:
        offset = latest_due(case.deadline, DEADLINE_OFFSETS, now)
        if offset and _pending(f"deadline:{case.pk}:{offset}", focal_points(case)):
            due.append(Due("deadline", case.pk, offset))
    return due


def _pending(key: str, members: QuerySet[Member]) -> bool:
    return not_mailed(members, SentMail.objects.filter(key=key)).exists()


def _pending_addresses(key: str, addresses: list[Address]) -> bool:
    if not addresses:
        return False
    done = set(SentMail.objects.filter(key=key, member__isnull=True).values_list("email", flat=True))
    return any(a.email not in done for a in addresses)


def enqueue_due(now: datetime | None = None) -> list[Due]:
    """Queue one task per due batch (the cron command's work)."""

    due = due_now(now)
    for batch in due:
        if batch.kind == "reminder":
            tasks.send_reminders.enqueue(batch.object_id, batch.offset)
        else:
            tasks.send_deadline_reminders.enqueue(batch.object_id, batch.offset)
    return due
