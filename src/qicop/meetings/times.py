"""When a meeting runs, written for a person: the one place that decides whose clock a meeting is read on.

An in-person meeting happens at its venue: its days and hours are the venue's (the meeting's time zone,
which for an in-person meeting is where it is held), whoever reads the page and wherever they live. The
delegates fly in; "Oct 12 – Oct 15, each day 1 p.m. – 11 p.m." for a meeting held 08:30–17:00 in Bangkok
over three days would be true of nobody. A virtual session is read on the reader's own clock (the active
time zone); a hybrid meeting shows both, the venue's first.

Every text goes through the one formatter (``qicop.core.when``).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.when import when, when_range, zone_label
from qicop.scheduling import daily_sessions, lasts_days


@dataclass(frozen=True)
class MeetingTime:
    text: str  # "Fri, Oct 12 – Sun, Oct 14, 2012, each day 8:30 AM – 5:00 PM"
    zone: str  # the zone the text is written in
    venue: bool  # the venue's clock (not the reader's)


def span_text(start, end, zone) -> str:
    """``start``–``end`` written in ``zone``: a meeting of several days as its days and its daily hours; a
    session as its day and hours, with the end's day when it ends on another day there."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    if lasts_days(start, end) and local_start.time() < local_end.time():
        return _("%(days)s, each day %(hours)s") % {
            "days": when_range(start, end, "day", zone=zone),
            "hours": when_range(start, end, "time", zone=zone),
        }
    if local_start.date() != local_end.date():
        return f"{when(start, 'day_time', zone=zone)} – {when(end, 'day_time', zone=zone)}"
    return f"{when(start, 'day', zone=zone)}, {when_range(start, end, 'time', zone=zone)}"


def meeting_times(meeting) -> list[MeetingTime]:
    """The lines a meeting page writes for when the meeting runs, the venue's first (see the module)."""
    reader_zone = timezone.get_current_timezone()
    reader = MeetingTime(
        span_text(meeting.start, meeting.end, reader_zone), timezone.get_current_timezone_name(), False
    )
    if meeting.kind == meeting.Kind.VIRTUAL or not meeting.time_zone:
        return [reader]
    venue_zone = ZoneInfo(meeting.time_zone)
    venue = MeetingTime(span_text(meeting.start, meeting.end, venue_zone), meeting.time_zone, True)
    if meeting.kind == meeting.Kind.IN_PERSON or reader.text == venue.text:
        return [venue]
    return [venue, reader]


def meeting_dates(meeting) -> str:
    """A meetings list's "When" cell: an in-person meeting's days at its venue (its hours are on its page);
    a session's day and hours on the reader's clock."""
    if meeting.kind == meeting.Kind.VIRTUAL or not meeting.time_zone:
        return span_text(meeting.start, meeting.end, timezone.get_current_timezone())
    zone = ZoneInfo(meeting.time_zone)
    if lasts_days(meeting.start, meeting.end):
        return when_range(meeting.start, meeting.end, "day", zone=zone)
    text = span_text(meeting.start, meeting.end, zone)
    # Hours on the venue's clock say so where the reader's clock is another (the page says "times in …").
    if meeting.time_zone != timezone.get_current_timezone_name():
        text = f"{text} ({zone_label(meeting.time_zone, at=meeting.start, inline=True)})"
    return text


def clock_zone(meeting) -> str:
    """The zone a meeting's timetable (its agenda, its hours) is read in: the venue's for a meeting held
    somewhere (in person or hybrid), the reader's (the active zone) for a virtual session."""
    if meeting.kind != meeting.Kind.VIRTUAL and meeting.time_zone:
        return meeting.time_zone
    return timezone.get_current_timezone_name()


def own_topic(meeting, topics=None) -> str:
    """The meeting's topic in words, unless it only repeats its title or one of its topic tags (the demo's
    sessions are titled by their topic): a list or a page then says it once."""
    names = {topic.name for topic in (meeting.topics.all() if topics is None else topics)}
    if not meeting.topic or meeting.topic == meeting.title or meeting.topic in names:
        return ""
    return meeting.topic


def meeting_minutes(meeting) -> float:
    """How long the meeting sits, in minutes: its daily hours added up for a meeting of several days
    (three days 08:30–17:00 are 1,530 minutes, not the 3,390 from the first morning to the last evening)."""
    zone = ZoneInfo(meeting.time_zone or "UTC")
    days = daily_sessions(meeting.start.astimezone(zone), meeting.end.astimezone(zone), zone)
    return sum((end - start).total_seconds() for start, end in days) / 60
