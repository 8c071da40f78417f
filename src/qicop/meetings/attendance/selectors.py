"""Reads of a meeting's attendance: who is a named guest, the matcher's suggestions for unmatched rows,
and the figures the meeting page shows."""

from __future__ import annotations

from django.db.models import Count, Sum

from qicop.integrations.attendance import (
    Participant,
    match_participants,
)
from qicop.meetings.models import Attendance, Meeting
from qicop.network.models import Member

HAND, GUEST, UNLINKED = "hand", "guest", "unlinked"


def is_guest(attendance: Attendance) -> bool:
    """A named guest a coordinator added or confirmed, as opposed to an unmatched row of a report."""
    return attendance.member_id is None and attendance.matched_by == GUEST


# Suggestions are only offered, never applied: the matcher may cast a wider net for them (candidates come
# from 10 points below this score) than for the links it makes on its own (85).
SUGGESTION_THRESHOLD = 70


def suggestions(rows, members) -> dict[int, list[Member]]:
    """For each undecided unmatched row, the members the fuzzy matcher found close, best first."""
    by_id = {m.pk: m for m in members}
    people = [(m.pk, m.full_name, None) for m in members]
    open_rows = [r for r in rows if r.member_id is None and r.matched_by != GUEST]
    if not open_rows or not people:
        return {}
    found = match_participants(
        [Participant(name=r.name, email=None, segments=[], total_minutes=0, guest=False) for r in open_rows],
        people,
        threshold=SUGGESTION_THRESHOLD,
    )
    result = {}
    for row, match in zip(open_rows, found, strict=True):
        ids = list(match.candidates) or ([match.member_id] if match.member_id else [])
        result[row.pk] = [by_id[i] for i in ids if i in by_id]
    return result


def statistics(meeting: Meeting) -> dict:
    """People, guests, minutes and countries represented, for the meeting page."""
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
        "guests": rows.filter(member=None, matched_by=GUEST).count(),
        "unmatched": rows.filter(member=None).exclude(matched_by=GUEST).count(),
        "countries": list(per_country),
    }
