"""Attendance statistics per series, per meeting and per country, aggregated in the database.

A year is a calendar year in UTC, as in the proceedings (``proceedings.year_bounds``): a meeting counts in
the same year for every viewer, whatever their time zone, and in the same year as in the proceedings.

"People" counts attendance rows (everyone in the Zoom or Teams report, or recorded by hand); "members"
counts the distinct members they were matched to. Countries are known through the matched members only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from django.db.models import Count, Sum
from django.utils import timezone

from qicop.meetings.models import Attendance, Meeting, MeetingSeries
from qicop.meetings.proceedings.selectors import year_bounds
from qicop.network.models import Country, Network

MAX_MEETINGS = 24  # columns of the countries × meetings table


@dataclass(frozen=True)
class SeriesRow:
    title: str  # "" for meetings outside any series
    meetings: int
    people: int
    members: int
    minutes: float


@dataclass(frozen=True)
class MeetingRow:
    meeting: Meeting
    people: int
    members: int
    minutes: float


@dataclass(frozen=True)
class CountryRow:
    country: Country
    # Members of the country at each meeting of the selection, in the order of ``meetings``; None where the
    # country was neither invited nor came.
    cells: list[int | None]
    attended: int  # meetings at which one of its members at least was recorded: the cells above 0
    took_part: int  # meetings it was invited to or came to: the cells that are not None


@dataclass(frozen=True)
class SelectionStatistics:
    meetings: list[MeetingRow]
    countries: list[CountryRow]
    truncated: bool  # more meetings matched than the table shows (the latest are shown)


def series_totals(network: Network) -> list[SeriesRow]:
    """One row per series of the network (and one for meetings outside any series), one query."""
    rows = (
        Attendance.objects.filter(meeting__network=network)
        .values("meeting__series_id", "meeting__series__title")
        .annotate(
            meetings=Count("meeting", distinct=True),
            people=Count("id"),
            members=Count("member", distinct=True),
            minutes=Sum("minutes"),
        )
        .order_by("meeting__series__title")
    )
    return [
        SeriesRow(
            title=row["meeting__series__title"] or "",
            meetings=row["meetings"],
            people=row["people"],
            members=row["members"],
            minutes=row["minutes"] or 0,
        )
        for row in rows
    ]


def held_meetings(network: Network, *, series_id: int | None = None, year: int | None = None):
    """The network's meetings that have taken place (not cancelled), optionally of one series or year."""
    meetings = Meeting.objects.filter(network=network, start__lte=timezone.now()).exclude(
        status=Meeting.Status.CANCELLED
    )
    if series_id is not None:
        meetings = meetings.filter(series_id=series_id)
    if year is not None:
        start, end = year_bounds(year)
        meetings = meetings.filter(start__gte=start, start__lt=end)
    return meetings


def selection_statistics(
    network: Network, *, series_id: int | None = None, year: int | None = None, limit: int = MAX_MEETINGS
) -> SelectionStatistics:
    """Per meeting and per country for the chosen series and/or year: four queries whatever the size."""
    annotated = (
        held_meetings(network, series_id=series_id, year=year)
        .annotate(
            people=Count("attendance"),
            members=Count("attendance__member", distinct=True),
            minutes_attended=Sum("attendance__minutes"),
        )
        .order_by("-start", "-id")
    )
    latest = list(annotated[: limit + 1])
    truncated = len(latest) > limit
    meetings = sorted(latest[:limit], key=lambda m: (m.start, m.pk))
    meeting_rows = [MeetingRow(m, m.people, m.members, m.minutes_attended or 0) for m in meetings]
    ids = [m.pk for m in meetings]
    if not ids:
        return SelectionStatistics(meeting_rows, [], truncated)

    present: dict[tuple[int, int], int] = {
        (row["member__country_id"], row["meeting_id"]): row["people"]
        for row in Attendance.objects.filter(meeting_id__in=ids, member__isnull=False)
        .values("member__country_id", "meeting_id")
        .annotate(people=Count("member", distinct=True))
        .order_by()
    }
    invited = set(
        Meeting.countries.through.objects.filter(meeting_id__in=ids).values_list("country_id", "meeting_id")
    )
    # A meeting that lists no countries was open to all: every country that came took part.
    listed = {m for _c, m in invited}
    invited |= {key for key in present if key[1] not in listed}
    country_ids = {c for c, _m in invited} | {c for c, _m in present}
    countries = sorted(Country.objects.filter(pk__in=country_ids), key=lambda c: c.display_name)
    country_rows = []
    for country in countries:
        keys = [(country.pk, meeting_id) for meeting_id in ids]
        # The total says what the cells show: a meeting with a figure counts, whether the country was
        # invited to it or its members came all the same ("attended 2 of 2" beside seven figures was
        # the count of invitations, not of the row).
        cells = [present.get(key, 0) if key in present or key in invited else None for key in keys]
        country_rows.append(
            CountryRow(
                country=country,
                cells=cells,
                attended=sum(1 for cell in cells if cell),
                took_part=sum(1 for cell in cells if cell is not None),
            )
        )
    return SelectionStatistics(meeting_rows, country_rows, truncated)


def filter_choices(network: Network) -> tuple[list[tuple[int, str]], list[int]]:
    """The series and the years a visitor may pick: two queries."""
    series = list(MeetingSeries.objects.filter(network=network).values_list("pk", "title"))
    years = [d.year for d in held_meetings(network).datetimes("start", "year", order="DESC", tzinfo=UTC)]
    return series, years
