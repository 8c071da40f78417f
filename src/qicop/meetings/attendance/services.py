"""Attendance: import a meeting's Zoom or Teams report, match people to members, link the rest by hand.

``Attendance.matched_by`` says how a row got its person: ``email`` or ``name`` (the automatic matcher),
``hand`` (a coordinator linked it to a member), ``guest`` (a coordinator kept it as a named guest who is
not a member: counted as a guest, and given a certificate), ``unlinked`` (a coordinator undid a wrong
automatic match) or empty (nobody decided yet: "iPhone (2)" and the like, with no certificate). What a
coordinator decided survives a re-import of the same report.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.integrations.attendance import (
    AttendanceFormatError,
    match_participants,
    read_attendance,
)
from qicop.meetings.attendance.permissions import can_record_attendance
from qicop.meetings.attendance.selectors import GUEST, HAND, UNLINKED
from qicop.meetings.models import Attendance, Meeting
from qicop.network.models import Member

MAX_BYTES = 5 * 1024 * 1024
# The tools' own names, as people write them.
TOOL_NAMES = {"zoom": "Zoom", "teams": "Microsoft Teams"}

# Decisions of a coordinator, which a re-import keeps for the same name in the report.
DECIDED = (HAND, GUEST, UNLINKED)


@dataclass(frozen=True)
class ImportResult:
    tool: str
    people: int
    matched: int
    warnings: list[str]


@transaction.atomic
def import_attendance(*, actor, meeting: Meeting, data: bytes, filename: str = "") -> ImportResult:
    """Replace the meeting's imported attendance with the report's, matched to the network's members.

    Rows linked by hand survive a re-import of the same person. Nothing is stored when the file is not a
    Zoom or Teams report (ValidationError with the reason)."""
    if not can_record_attendance(actor, meeting):
        raise PermissionDenied(_("Only coordinators record attendance."))
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is too large: an attendance report is at most 5 MB."))
    try:
        report = read_attendance(data, filename=filename or None, time_zone=meeting.time_zone)
    except AttendanceFormatError as error:
        raise ValidationError(str(error)) from None
    members = list(
        Member.objects.filter(memberships__network=meeting.network)
        .distinct()
        .values_list("id", "full_name", "user__email")
    )
    # What coordinators decided about the people of the last import outranks the matcher; what they
    # recorded by hand only fills in for people the matcher left unmatched.
    decided, by_hand = {}, {}
    earlier = Attendance.objects.filter(meeting=meeting, matched_by__in=DECIDED)
    for name, member_id, method, source in earlier.values_list("name", "member_id", "matched_by", "source"):
        (by_hand if source == Attendance.Source.MANUAL else decided)[name] = (member_id, method)
    Attendance.objects.filter(meeting=meeting).exclude(source=Attendance.Source.MANUAL).delete()
    source = Attendance.Source.ZOOM if report.tool == "zoom" else Attendance.Source.TEAMS
    rows = []
    for match in match_participants(report.participants, members):
        person = match.participant
        member_id, method = match.member_id, match.method or ""
        name = person.name[:200]
        if name in decided:
            member_id, method = decided[name]
        elif member_id is None and name in by_hand:
            member_id, method = by_hand[name]
        first = min((s.joined for s in person.segments if s.joined), default=None)
        rows.append(
            Attendance(
                meeting=meeting,
                member_id=member_id,
                name=name,
                email=(person.email or "")[:254],
                minutes=round(person.total_minutes, 1),
                first_joined=first,
                source=source,
                matched_by=method,
            )
        )
    # The report measures what a hand-made record only estimated: a member found in it loses the
    # hand-made row, so nobody is counted twice.
    Attendance.objects.filter(
        meeting=meeting,
        source=Attendance.Source.MANUAL,
        member_id__in={r.member_id for r in rows if r.member_id},
    ).delete()
    Attendance.objects.filter(
        meeting=meeting,
        source=Attendance.Source.MANUAL,
        matched_by=GUEST,
        name__in=[r.name for r in rows if r.matched_by == GUEST],
    ).delete()
    Attendance.objects.bulk_create(rows)
    audit(actor=actor, verb="meeting.attendance_import", target=meeting, people=len(rows), tool=report.tool)
    return ImportResult(report.tool, len(rows), sum(1 for r in rows if r.member_id), list(report.warnings))


@dataclass(frozen=True)
class ImportPreview:
    """What importing a report would do to a meeting's attendance, for the coordinator to confirm."""

    tool: str
    before_people: int
    before_matched: int
    before_by_hand: int  # recorded by hand or decided by a coordinator: kept unless the report has them
    after_people: int
    after_matched: int
    warnings: list[str]

    @property
    def tool_name(self) -> str:
        return TOOL_NAMES.get(self.tool, self.tool)


class _DryRun(Exception):
    pass


def _counts(meeting: Meeting) -> tuple[int, int]:
    rows = Attendance.objects.filter(meeting=meeting)
    return rows.count(), rows.exclude(member=None).count()


def has_attendance(meeting: Meeting) -> bool:
    return Attendance.objects.filter(meeting=meeting).exists()


def preview_attendance_import(*, actor, meeting: Meeting, data: bytes, filename: str = "") -> ImportPreview:
    """What ``import_attendance`` would leave, computed by running it and rolling it back: nothing is
    stored. ValidationError (with the reason) when the file is not a Zoom or Teams report."""
    before_people, before_matched = _counts(meeting)
    before_by_hand = (
        Attendance.objects.filter(meeting=meeting)
        .filter(Q(source=Attendance.Source.MANUAL) | Q(matched_by__in=DECIDED))
        .count()
    )
    try:
        with transaction.atomic():
            result = import_attendance(actor=actor, meeting=meeting, data=data, filename=filename)
            after_people, after_matched = _counts(meeting)
            raise _DryRun
    except _DryRun:
        pass
    return ImportPreview(
        result.tool,
        before_people,
        before_matched,
        before_by_hand,
        after_people,
        after_matched,
        result.warnings,
    )


def _decide(actor, attendance: Attendance, member: Member | None, method: str, verb: str) -> None:
    if not can_record_attendance(actor, attendance.meeting):
        raise PermissionDenied(_("Only coordinators record attendance."))
    attendance.member, attendance.matched_by = member, method
    attendance.save(update_fields=["member", "matched_by", "updated_at"])
    audit(
        actor=actor,
        verb=verb,
        target=attendance.meeting,
        name=attendance.name,
        member=member.pk if member else None,
    )


@transaction.atomic
def link_attendance(*, actor, attendance: Attendance, member: Member) -> None:
    """Link a row to ``member``: an unmatched one, or one the matcher linked to the wrong person."""
    _decide(actor, attendance, member, HAND, "meeting.attendance_link")


@transaction.atomic
def add_as_guest(*, actor, attendance: Attendance) -> None:
    """Keep a row as a named guest who is not a member (it may then have a certificate)."""
    if not attendance.name.strip():
        raise ValidationError(_("A guest needs a name."))
    _decide(actor, attendance, None, GUEST, "meeting.attendance_guest")


@transaction.atomic
def unlink_attendance(*, actor, attendance: Attendance) -> None:
    """Undo a wrong match (or a guest): the row is unmatched again, and a re-import leaves it so."""
    _decide(actor, attendance, None, UNLINKED, "meeting.attendance_unlink")
