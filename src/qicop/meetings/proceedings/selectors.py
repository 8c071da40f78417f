"""A network's proceedings for a year, as read: every meeting with its agenda, presenters, materials,
minutes, decisions, countries, attendance and evaluation; and the years a viewer may open.

A year is a calendar year in UTC, like every stored datetime: a meeting on the night of 31 December
belongs to one year for everyone, whatever their time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear

from qicop.core.i18n import country_display_name
from qicop.core.markdown import render_markdown
from qicop.meetings import permissions, times
from qicop.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CasePresentation,
    Delegate,
    Meeting,
    Proceedings,
)
from qicop.meetings.proceedings import evaluation
from qicop.network.models import Network
from qicop.network.permissions import Viewer

FIRST_YEAR, LAST_YEAR = 1990, 2200  # anything else in a URL is a typo, not a year


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def meetings_of_record(network: Network):
    """The meetings proceedings tell of: every meeting but the cancelled ones."""
    return Meeting.objects.filter(network=network).exclude(status=Meeting.Status.CANCELLED)


@dataclass(frozen=True)
class YearEntry:
    year: int
    meetings: int
    published: bool


def years_for_viewer(viewer: Viewer, network: Network) -> list[YearEntry]:
    """The years with meetings, newest first, with whether each is published; observers get the
    published ones only. Two queries, however many years."""
    counts = dict(
        meetings_of_record(network)
        .annotate(year=ExtractYear("start", tzinfo=UTC))
        .values("year")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("year", "n")
    )
    published = set(
        Proceedings.objects.filter(network=network, published_at__isnull=False).values_list("year", flat=True)
    )
    participant = permissions.is_participant(viewer, network)
    return [
        YearEntry(year, counts[year], year in published)
        for year in sorted(counts, reverse=True)
        if participant or year in published
    ]


def proceedings_of(network: Network, year: int) -> Proceedings | None:
    return Proceedings.objects.filter(network=network, year=year).first()


@dataclass
class Delegation:
    country: str
    head: str
    people: int


@dataclass
class MeetingRecord:
    """What the proceedings say of one meeting; everything is loaded, so templates ask nothing more."""

    meeting: Meeting
    countries: list[str]
    agenda: list[AgendaItem]
    cases: list[tuple[CasePresentation, str]]  # with the recommendations as safe HTML
    materials: list
    minutes_html: str
    decisions: list
    actions: list[ActionItem]
    people_attending: int = 0
    countries_represented: list[str] = field(default_factory=list)
    delegations: list[Delegation] = field(default_factory=list)
    evaluation: evaluation.Summary | None = None

    @property
    def zone(self) -> str:
        """The clock the meeting is written on: the venue's for a meeting held somewhere."""
        return times.clock_zone(self.meeting)

    @property
    def several_days(self) -> bool:
        zone = ZoneInfo(self.zone)
        return self.meeting.start.astimezone(zone).date() != self.meeting.end.astimezone(zone).date()


def year_record(network: Network, year: int) -> list[MeetingRecord]:
    """Every meeting of ``network`` in ``year``, in order, with all the proceedings show of it.

    A fixed number of queries (eleven), however many meetings the year has: everything per meeting
    is prefetched, and attendance and evaluations are counted in one grouped query each.
    """
    start, end = year_bounds(year)
    meetings = list(
        meetings_of_record(network)
        .filter(start__gte=start, start__lt=end)
        .select_related("series", "host_country")
        .prefetch_related(
            "countries",
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related("country", "moderator").prefetch_related(
                    "presenters", "panellists"
                ),
            ),
            Prefetch(
                "case_presentations",
                queryset=CasePresentation.objects.filter(
                    status=CasePresentation.Status.APPROVED
                ).select_related("country"),
                to_attr="approved_cases",
            ),
            "materials",
            "decisions",
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner", "country")),
            Prefetch("delegates", queryset=Delegate.objects.select_related("country")),
        )
        .order_by("start", "id")
    )
    ids = [m.pk for m in meetings]
    attendance = _attendance(ids) if ids else {}
    summaries = evaluation.summaries(ids) if ids else {}
    records = []
    for meeting in meetings:
        people, represented = attendance.get(meeting.pk, (0, []))
        records.append(
            MeetingRecord(
                meeting=meeting,
                countries=sorted(c.display_name for c in meeting.countries.all()),
                agenda=list(meeting.agenda.all()),
                cases=[(c, render_markdown(c.recommendations)) for c in meeting.approved_cases],
                materials=list(meeting.materials.all()),
                minutes_html=render_markdown(meeting.minutes) if meeting.minutes else "",
                decisions=list(meeting.decisions.all()),
                actions=list(meeting.actions.all()),
                people_attending=people,
                countries_represented=represented,
                delegations=_delegations(meeting.delegates.all()),
                evaluation=summaries.get(meeting.pk),
            )
        )
    return records


def _attendance(meeting_ids: list[int]) -> dict[int, tuple[int, list[str]]]:
    """People attending and the countries they came from, per meeting, in one grouped query.
    People the report could not match to a member count as attending, from no known country."""
    rows = (
        Attendance.objects.filter(meeting_id__in=meeting_ids)
        .values("meeting_id", "member__country__iso2", "member__country__name")
        .annotate(people=Count("id"))
        .order_by()
    )
    figures: dict[int, tuple[int, list[str]]] = {}
    for row in rows:
        people, countries = figures.get(row["meeting_id"], (0, []))
        if row["member__country__iso2"]:
            countries.append(country_display_name(row["member__country__iso2"], row["member__country__name"]))
        figures[row["meeting_id"]] = (people + row["people"], countries)
    return {pk: (people, sorted(countries)) for pk, (people, countries) in figures.items()}


def _delegations(delegates) -> list[Delegation]:
    by_country: dict[int, Delegation] = {}
    for delegate in delegates:
        row = by_country.setdefault(delegate.country_id, Delegation(delegate.country.display_name, "", 0))
        row.people += 1
        if delegate.role == Delegate.Role.HEAD:
            row.head = delegate.full_name
    return sorted(by_country.values(), key=lambda d: d.country)
