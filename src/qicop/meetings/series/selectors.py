"""Reads of meeting series: the series pages' lists, and the inconvenience each country bore in a series'
past sessions (what "find a time" rotates).

A series (e.g. the virtual network's sessions) holds meetings; carrying actions forward, the proposed
interval of a copy and the rotation of the inconvenience in "find a time" all work per series.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from qicop.meetings.models import Meeting, MeetingSeries
from qicop.network.models import Country, Network
from qicop.scheduling import WORKING_HOURS, outside_working_hours, penalty

# The sessions that count towards a country's inconvenience: those that took place (held, or confirmed and
# over), the latest first; older history than this no longer weighs on the next session.
PAST_STATUSES = (Meeting.Status.HELD, Meeting.Status.CONFIRMED)
RECENT_SESSIONS = 12


def series_of_network(network: Network) -> QuerySet[MeetingSeries]:
    """The network's series, each with its number of meetings and its next and last (not cancelled)
    meeting annotated as ``next_id``/``next_title``/``next_start`` and ``last_id``/``last_title``/
    ``last_start``: one query however many series and meetings there are."""
    now = timezone.now()
    alive = Meeting.objects.filter(series=OuterRef("pk")).exclude(status=Meeting.Status.CANCELLED)
    coming = alive.filter(start__gte=now).order_by("start", "pk")
    past = alive.filter(start__lt=now).order_by("-start", "-pk")
    return (
        MeetingSeries.objects.filter(network=network)
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            cancelled_count=Count(
                "meetings", filter=Q(meetings__status=Meeting.Status.CANCELLED), distinct=True
            ),
            next_id=Subquery(coming.values("pk")[:1]),
            next_title=Subquery(coming.values("title")[:1]),
            next_start=Subquery(coming.values("start")[:1]),
            last_id=Subquery(past.values("pk")[:1]),
            last_title=Subquery(past.values("title")[:1]),
            last_start=Subquery(past.values("start")[:1]),
        )
        .order_by("title", "pk")
    )


def series_in_network(network: Network, series_id: int) -> MeetingSeries:
    """One series of the network; 404 alike for a missing series and one of another network."""
    series = series_of_network(network).filter(pk=series_id).first()
    if series is None:
        raise Http404("No such series")
    return series


def meetings_of_series(series: MeetingSeries) -> QuerySet[Meeting]:
    """The series' meetings, latest first (what the series page lists, a page at a time)."""
    return (
        Meeting.objects.filter(series=series)
        .select_related("series", "host_country")
        .prefetch_related("topics")
        .order_by("-start", "-pk")
    )


def title_taken(network: Network, title: str, *, exclude: MeetingSeries | None = None) -> bool:
    """Whether another series of the network already has this title (ignoring case and outer spaces)."""
    others = MeetingSeries.objects.filter(network=network, title__iexact=title.strip())
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


@dataclass
class Inconvenience:
    """What a country went through at a series' past sessions."""

    country: Country
    sessions: int = 0  # past sessions it took part in
    outside: int = 0  # of which outside its working hours
    streak: int = 0  # how many of its latest sessions in a row were outside its working hours
    burden: float = 0.0  # the sum of those sessions' penalties (scheduling.penalty), as rotate_series adds up

    @property
    def weight(self) -> float:
        """What rank_slots multiplies this country's penalty by: 1 + burden."""
        return 1 + self.burden


def past_sessions(series: MeetingSeries, *, now: datetime | None = None, limit: int = RECENT_SESSIONS):
    """The series' latest sessions that took place (held, or confirmed and over), latest first."""
    return list(
        Meeting.objects.filter(series=series, status__in=PAST_STATUSES, end__lt=now or timezone.now())
        .prefetch_related("countries")
        .order_by("-start", "-pk")[:limit]
    )


def inconvenience_of_series(
    sessions: list[Meeting], *, working_hours: tuple[time, time] = WORKING_HOURS
) -> dict[int, Inconvenience]:
    """Each participating country's inconvenience over ``sessions`` (latest first), by country id.

    The burden is what ``scheduling.rotate_series`` accrues session after session: the sum of the country's
    penalties, each computed like a candidate slot's (how far the session reached outside the country's
    working hours, in its own time zone on that day)."""
    found: dict[int, Inconvenience] = {}
    for meeting in sessions:
        for country in meeting.countries.all():
            cost = penalty(
                outside_working_hours(
                    meeting.start,
                    meeting.end,
                    country.time_zone,
                    working_hours=working_hours,
                    meeting_zone=meeting.time_zone or None,
                )
            )
            entry = found.setdefault(country.pk, Inconvenience(country))
            if cost > 0 and entry.streak == entry.sessions:  # every later session was outside too
                entry.streak += 1
            entry.sessions += 1
            entry.outside += cost > 0
            entry.burden += cost
    return found
