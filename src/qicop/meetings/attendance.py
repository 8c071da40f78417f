"""Attendance: import a meeting's Zoom or Teams report, match people to members, link the rest by hand."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.integrations.attendance import AttendanceFormatError, match_participants, read_attendance
from qicop.meetings.models import Attendance, Meeting
from qicop.network.models import Member
from qicop.network.permissions import viewer_for

MAX_BYTES = 5 * 1024 * 1024


def can_record_attendance(user, meeting: Meeting) -> bool:
    return viewer_for(user).is_coordinator(meeting.network)


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
    linked = dict(
        Attendance.objects.filter(meeting=meeting, matched_by="hand").values_list("name", "member_id")
    )
    Attendance.objects.filter(meeting=meeting).exclude(source=Attendance.Source.MANUAL).delete()
    source = Attendance.Source.ZOOM if report.tool == "zoom" else Attendance.Source.TEAMS
    rows = []
    for match in match_participants(report.participants, members):
        person = match.participant
        member_id, method = match.member_id, match.method or ""
        if member_id is None and person.name in linked:
            member_id, method = linked[person.name], "hand"
        first = min((s.joined for s in person.segments if s.joined), default=None)
        rows.append(
            Attendance(
                meeting=meeting,
                member_id=member_id,
                name=person.name[:200],
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
    Attendance.objects.bulk_create(rows)
    audit(actor=actor, verb="meeting.attendance_import", target=meeting, people=len(rows), tool=report.tool)
    return ImportResult(report.tool, len(rows), sum(1 for r in rows if r.member_id), list(report.warnings))


@transaction.atomic
def link_attendance(*, actor, attendance: Attendance, member: Member) -> None:
    if not can_record_attendance(actor, attendance.meeting):
        raise PermissionDenied
    attendance.member, attendance.matched_by = member, "hand"
    attendance.save(update_fields=["member", "matched_by", "updated_at"])
    audit(actor=actor, verb="meeting.attendance_link", target=attendance.meeting, name=attendance.name)


def statistics(meeting: Meeting) -> dict:
    """People, minutes and countries represented, for the meeting page."""
    rows = Attendance.objects.filter(meeting=meeting)
    per_country = (
        rows.exclude(member=None)
        .values("member__country__name")
        .annotate(people=Count("member", distinct=True))
        .order_by("member__country__name")
    )
    totals = rows.aggregate(people=Count("id"), minutes=Sum("minutes"))
    return {
        "people": totals["people"] or 0,
        "minutes": totals["minutes"] or 0,
        "unmatched": rows.filter(member=None).count(),
        "countries": list(per_country),
    }
