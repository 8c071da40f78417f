"""Find a time: rank meeting slots for participants spread from UTC-5 (Haiti) to UTC+10 (Papua New Guinea).

Pure Python (zoneinfo); no Django. Every candidate slot is converted to each participant's local time for
its own date, so daylight-saving changes (Haiti springs forward in March) move local times correctly.

How a slot is scored
--------------------
For each participant the meeting is either inside working hours (default 07:00–19:00, local weekday) or
outside by a distance ``d``: how far the meeting reaches beyond the nearest weekday working window (a meeting
06:30–07:30 is 0.5 h out; 02:00–03:00 is 5 h out, measured to 07:00 the same morning). Weekends have no
working window, so a Saturday meeting is measured to Friday's or Monday's window and is usually far out.

    penalty(d) = 0                                  if d == 0
               = 0.5 + 0.5 * min(d, NIGHT_HOURS) / NIGHT_HOURS  otherwise

The step of 0.5 makes "more people inside hours" dominate (two people just outside cost more than one at
night), and the slope makes 06:30 cheaper than 02:00. With ``burden`` (a country's past inconvenience, e.g.
the penalties of its past sessions) a participant's penalty is multiplied by ``1 + burden``, so a country that
has already met at night often becomes expensive to put at night again: that rotates the inconvenience.

    score = 1 - sum(weight * penalty * (1 + burden)) / sum(weight)

1.0 means everyone inside hours; higher is better. Ties go to the earlier slot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple
from zoneinfo import ZoneInfo

WORKING_HOURS = (time(7), time(19))
NIGHT_HOURS = 6.0  # beyond this distance from working hours every hour is as bad as any other: it is night


@dataclass(frozen=True)
class Participant:
    """A person, or a country's delegation with ``weight`` = the number of people."""

    country: str
    time_zone: str
    weight: float = 1.0


@dataclass
class Slot:
    start_utc: datetime
    end_utc: datetime
    inside: float  # weighted share of participants whose whole meeting falls inside their working hours
    outside: list[str]  # countries outside their working hours, in participant order
    local_times: dict[str, tuple[datetime, datetime]]
    score: float
    penalties: dict[str, float] = field(
        default_factory=dict
    )  # per country, 0 = inside; what rotation adds up


def rank_slots(
    participants: Sequence[Participant],
    *,
    duration: timedelta,
    days: Sequence[date],
    working_hours: tuple[time, time] = WORKING_HOURS,
    step: timedelta = timedelta(minutes=30),
    burden: Mapping[str, float] | None = None,
    top: int = 10,
) -> list[Slot]:
    """The ``top`` best slots starting on ``days`` (UTC dates, every ``step`` from 00:00 UTC), best first."""
    if not participants:
        raise ValueError("rank_slots needs at least one participant")
    if duration <= timedelta(0) or step <= timedelta(0):
        raise ValueError("duration and step must be positive")
    slots = [
        _evaluate(participants, start, start + duration, working_hours, burden or {})
        for day in days
        for start in _starts(day, step)
    ]
    slots.sort(key=lambda slot: (-slot.score, slot.start_utc))
    return slots[:top]


def rotate_series(
    participants: Sequence[Participant],
    *,
    duration: timedelta,
    dates: Sequence[date],
    working_hours: tuple[time, time] = WORKING_HOURS,
    step: timedelta = timedelta(minutes=30),
    burden: Mapping[str, float] | None = None,
) -> list[Slot]:
    """One slot per date, chosen in order; each session's penalties are added to the countries' burden.

    Greedy, not a global optimum: it is what a coordinator would do session after session, and a later
    session can still be re-planned with the burden actually accrued.
    """
    accrued = dict(burden or {})
    chosen = []
    for day in dates:
        slot = rank_slots(
            participants,
            duration=duration,
            days=[day],
            working_hours=working_hours,
            step=step,
            burden=accrued,
            top=1,
        )[0]
        for country, penalty in slot.penalties.items():
            accrued[country] = accrued.get(country, 0.0) + penalty
        chosen.append(slot)
    return chosen


class LocalTimes(NamedTuple):
    """One country's row of a meeting's local-time table; unpacks as (country, start, end, inside)."""

    country: str
    start: datetime  # local, aware
    end: datetime
    inside: bool  # inside working hours (each day, for a meeting that lasts days)

    @property
    def ends_another_day(self) -> bool:
        """The meeting ends on another local date than it starts: the end needs its date."""
        return self.end.date() != self.start.date()

    @property
    def lasts_days(self) -> bool:
        """A meeting of several days (an in-person meeting), not a session that crosses midnight."""
        return lasts_days(self.start, self.end)


def lasts_days(start: datetime, end: datetime) -> bool:
    """True for a meeting of several days, meeting every day from its start time to its end time (an
    all-country meeting 12–15 October, 08:00–18:00); false for a session, even one crossing midnight."""
    return end.astimezone(UTC) - start.astimezone(UTC) > timedelta(days=1)


def daily_sessions(
    local_start: datetime, local_end: datetime, meeting_zone: tzinfo | None = None
) -> list[tuple[datetime, datetime]]:
    """The days of a meeting as (start, end) in the zone of ``local_start``: for a meeting of several days,
    each day from the start's wall-clock time to the end's (the last ending at ``local_end``); for a
    shorter meeting, the one span.

    The days are those of the meeting's own clock, ``meeting_zone`` (the organiser's; by default the zone
    of ``local_start``): a meeting held 08:00–18:00 in Nairobi stays 08:00–18:00 there every day, and so
    moves by an hour in Paris when Paris leaves summer time during the meeting."""
    if not lasts_days(local_start, local_end):
        return [(local_start, local_end)]
    zone = local_start.tzinfo
    own = meeting_zone or zone
    opens, closes = (
        local_start.astimezone(own).replace(tzinfo=None),
        local_end.astimezone(own).replace(tzinfo=None),
    )
    # Wall-clock length of one day's meeting; a window ending at or before its start time crosses midnight.
    length = datetime.combine(opens.date(), closes.time()) - opens
    if length <= timedelta(0):
        length += timedelta(days=1)
    days = []
    day = opens
    while day + length <= closes:
        days.append(
            (day.replace(tzinfo=own).astimezone(zone), (day + length).replace(tzinfo=own).astimezone(zone))
        )
        day += timedelta(days=1)
    # Only a daylight-saving change could leave no whole day; then the span is all there is.
    return days or [(local_start, local_end)]


def outside_working_hours(
    start: datetime,
    end: datetime,
    zone: str | tzinfo,
    *,
    working_hours: tuple[time, time] = WORKING_HOURS,
    meeting_zone: str | tzinfo | None = None,
) -> float:
    """THE definition of "inside working hours", for every page that judges it (a meeting's local-time
    table, "find a time" and its ranking, a series' inconvenience): how many hours the meeting ``start``–
    ``end`` reaches beyond the working hours of a person in ``zone``, 0 when it is inside them.

    Working hours are ``working_hours`` on a local weekday; a Saturday or a Sunday has none, so a meeting
    on a local weekend is outside. A meeting of several days is judged day by day on the clock of
    ``meeting_zone`` (the organiser's or the venue's): its distance is that of its worst day."""
    local = ZoneInfo(zone) if isinstance(zone, str) else zone
    own = ZoneInfo(meeting_zone) if isinstance(meeting_zone, str) and meeting_zone else meeting_zone or None
    return hours_outside(start.astimezone(local), end.astimezone(local), working_hours, meeting_zone=own)


def inside_working_hours(
    start: datetime,
    end: datetime,
    zone: str | tzinfo,
    *,
    working_hours: tuple[time, time] = WORKING_HOURS,
    meeting_zone: str | tzinfo | None = None,
) -> bool:
    """Whether the meeting falls wholly inside working hours in ``zone`` (see ``outside_working_hours``)."""
    return (
        outside_working_hours(start, end, zone, working_hours=working_hours, meeting_zone=meeting_zone) == 0
    )


def local_time_table(
    start_utc: datetime,
    end_utc: datetime,
    zones: Mapping[str, str],
    working_hours: tuple[time, time] = WORKING_HOURS,
    meeting_zone: str = "",
) -> list[LocalTimes]:
    """For a meeting page: (country, local start, local end, inside working hours), in ``zones`` order.

    A meeting of several days is inside working hours when every one of its days is (see ``hours_outside``).
    """
    rows = []
    for country, zone_name in zones.items():
        zone = ZoneInfo(zone_name)
        inside = inside_working_hours(
            start_utc, end_utc, zone, working_hours=working_hours, meeting_zone=meeting_zone or None
        )
        rows.append(LocalTimes(country, start_utc.astimezone(zone), end_utc.astimezone(zone), inside))
    return rows


def penalty(distance_hours: float) -> float:
    """The cost of one participant ``distance_hours`` outside working hours (see the module docstring)."""
    if distance_hours <= 0:
        return 0.0
    return 0.5 + 0.5 * min(distance_hours, NIGHT_HOURS) / NIGHT_HOURS


def hours_outside(
    local_start: datetime,
    local_end: datetime,
    working_hours: tuple[time, time],
    *,
    meeting_zone: tzinfo | None = None,
) -> float:
    """Hours a meeting reaches beyond the nearest local weekday working window; 0 when inside one.

    A meeting of several days is judged day by day, from its daily start time to its daily end time in
    ``meeting_zone`` (see ``daily_sessions``): its distance is that of its worst day, not of the whole span
    taken as one slot.
    """
    days = daily_sessions(local_start, local_end, meeting_zone)
    return max(_span_outside(start, end, working_hours) for start, end in days)


def _span_outside(local_start: datetime, local_end: datetime, working_hours: tuple[time, time]) -> float:
    best = None
    for shift in (-1, 0, 1):
        day = local_start.date() + timedelta(days=shift)
        if day.weekday() >= 5:  # Saturday, Sunday: no working window
            continue
        # Wall-clock arithmetic on naive local times: working hours are wall-clock hours, even on a DST day.
        opens = datetime.combine(day, working_hours[0])
        closes = datetime.combine(day, working_hours[1])
        start, end = local_start.replace(tzinfo=None), local_end.replace(tzinfo=None)
        reach = max(opens - start, end - closes, timedelta(0))
        distance = reach.total_seconds() / 3600
        best = distance if best is None else min(best, distance)
    # A weekend day between two weekend days cannot happen; the fallback only guards odd working hours.
    return NIGHT_HOURS if best is None else best


def _starts(day: date, step: timedelta) -> list[datetime]:
    first = datetime.combine(day, time(0), tzinfo=UTC)
    count = int(timedelta(days=1) / step)
    return [first + step * index for index in range(count)]


def _evaluate(
    participants: Sequence[Participant],
    start: datetime,
    end: datetime,
    working_hours: tuple[time, time],
    burden: Mapping[str, float],
) -> Slot:
    labels = _labels(participants)
    total = sum(participant.weight for participant in participants)
    inside = cost = 0.0
    outside: list[str] = []
    local_times: dict[str, tuple[datetime, datetime]] = {}
    penalties: dict[str, float] = {}
    for participant, label in zip(participants, labels, strict=True):
        zone = ZoneInfo(participant.time_zone)
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        local_times[label] = (local_start, local_end)
        own = penalty(outside_working_hours(start, end, zone, working_hours=working_hours))
        penalties[participant.country] = max(penalties.get(participant.country, 0.0), own)
        cost += participant.weight * own * (1 + burden.get(participant.country, 0.0))
        if own == 0:
            inside += participant.weight
        elif label not in outside:
            outside.append(label)
    return Slot(start, end, inside / total, outside, local_times, 1 - cost / total, penalties)


def _labels(participants: Sequence[Participant]) -> list[str]:
    """Country names as keys; a country spanning zones (Brazil, Indonesia…) gets its zone appended."""
    zones: dict[str, set[str]] = {}
    for participant in participants:
        zones.setdefault(participant.country, set()).add(participant.time_zone)
    return [
        participant.country
        if len(zones[participant.country]) == 1
        else f"{participant.country} ({participant.time_zone})"
        for participant in participants
    ]
