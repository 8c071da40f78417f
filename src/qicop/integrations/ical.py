"""iCalendar for meetings: invitations (iTIP, RFC 5546), subscription feeds, and reading invitations back.

Pure Python on top of the ``icalendar`` library (RFC 5545 serialisation: CRLF, 75-octet folding, TEXT
escaping). Meetings are stored in UTC with the organiser's IANA zone; here the zone is put back so that
a calendar client shows "14:00 Nairobi" rather than "11:00 UTC", and every TZID comes with its VTIMEZONE,
because Outlook and Thunderbird refuse (or silently shift) a TZID they cannot resolve.

What goes into an event is decided by the caller: the join link belongs in ``url``, ``location`` or
``description`` only when the recipient is a registered member.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import icalendar

Method = Literal["PUBLISH", "REQUEST", "CANCEL"]
Status = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]

DEFAULT_PRODID = "-//qicop//learning network//EN"

# Feeds are polled; one hour keeps a moved or cancelled meeting from lingering for a day in clients that
# honour the hint (Outlook reads X-PUBLISHED-TTL, Apple and RFC 7986 clients REFRESH-INTERVAL).
FEED_REFRESH = timedelta(hours=1)

# Exchange and Outlook write Windows zone names as TZIDs, often with a VTIMEZONE that only carries the current
# rule (DTSTART 1601-01-01). The IANA zone knows the history, so these names are read as their IANA zone
# (CLDR windowsZones "001" territory). Only the zones of the network's countries and the common producers.
WINDOWS_ZONES: dict[str, str] = {
    "UTC": "UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "South Africa Standard Time": "Africa/Johannesburg",
    "Namibia Standard Time": "Africa/Windhoek",
    "E. Africa Standard Time": "Africa/Nairobi",
    "Arabian Standard Time": "Asia/Dubai",
    "India Standard Time": "Asia/Calcutta",
    "SE Asia Standard Time": "Asia/Bangkok",
    "China Standard Time": "Asia/Shanghai",
    "Tokyo Standard Time": "Asia/Tokyo",
    "West Pacific Standard Time": "Pacific/Port_Moresby",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "Fiji Standard Time": "Pacific/Fiji",
    "Eastern Standard Time": "America/New_York",
    "Haiti Standard Time": "America/Port-au-Prince",
    "Central Standard Time": "America/Chicago",
    "Mountain Standard Time": "America/Denver",
    "Pacific Standard Time": "America/Los_Angeles",
    "SA Pacific Standard Time": "America/Bogota",
    "Pacific SA Standard Time": "America/Santiago",
    "E. South America Standard Time": "America/Sao_Paulo",
}


@dataclass(frozen=True)
class EventData:
    """One meeting as it goes into a calendar: aware ``start``/``end``, ``time_zone`` the organiser's."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    time_zone: str
    summary: str
    description: str
    location: str | None
    url: str | None
    organizer_email: str
    organizer_name: str
    attendees: Sequence[tuple[str, str]] = ()  # (email, name)
    status: Status = "CONFIRMED"
    last_modified: datetime | None = None
    categories: Sequence[str] = ()

    def __post_init__(self) -> None:
        for label, value in (("start", self.start), ("end", self.end)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"EventData.{label} must be timezone-aware, got {value!r}")
        if self.end < self.start:
            raise ValueError("EventData.end is before start")
        ZoneInfo(self.time_zone)  # fail early on a zone no client could resolve


@dataclass(frozen=True)
class ReadEvent:
    """A VEVENT read from someone else's calendar: dates for all-day events, else aware datetimes."""

    uid: str | None
    summary: str | None
    start: datetime | date | None
    end: datetime | date | None
    all_day: bool
    time_zone_name: str | None
    warnings: tuple[str, ...] = ()


def next_revision(event: EventData, **changes: object) -> EventData:
    """The event after an edit: iTIP clients only replace their copy when SEQUENCE goes up."""
    return dataclasses.replace(event, sequence=event.sequence + 1, **changes)


def cancellation(event: EventData) -> EventData:
    """The event as it must be sent with METHOD:CANCEL: same UID, higher SEQUENCE, STATUS:CANCELLED."""
    return next_revision(event, status="CANCELLED")


# --------------------------------------------------------------------------------------------------- writing


def event_calendar(
    event: EventData,
    *,
    method: Method = "PUBLISH",
    prodid: str = DEFAULT_PRODID,
    stamp: datetime,
) -> bytes:
    """A VCALENDAR with one VEVENT: PUBLISH for a download, REQUEST/CANCEL for mailed invitations.
    ``stamp`` (DTSTAMP) is the moment it is written: the caller's clock, never read here.

    ATTENDEEs go only into REQUEST and CANCEL: RFC 5546 forbids them in PUBLISH, and a download must not
    disclose the other members' addresses.
    """
    calendar = _new_calendar(method, prodid)
    if method == "CANCEL":
        event = dataclasses.replace(event, status="CANCELLED")
    with_attendees = method in ("REQUEST", "CANCEL")
    calendar.add_component(_vevent(event, stamp, attendees=with_attendees, rsvp=method == "REQUEST"))
    _add_timezones(calendar, [event])
    return calendar.to_ical()


def feed_calendar(
    events: Iterable[EventData], *, name: str, stamp: datetime, prodid: str = DEFAULT_PRODID
) -> bytes:
    """A member's subscription feed; cancelled meetings stay, with STATUS:CANCELLED, so clients drop them."""
    events = list(events)
    calendar = _new_calendar("PUBLISH", prodid)
    calendar.add("NAME", name)
    calendar.add("X-WR-CALNAME", name)
    # X- properties have no default type in icalendar: without vDuration the TTL would be written "1:00:00".
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(FEED_REFRESH))
    calendar.add("REFRESH-INTERVAL", icalendar.vDuration(FEED_REFRESH), parameters={"VALUE": "DURATION"})
    for event in events:
        calendar.add_component(_vevent(event, stamp, attendees=False, rsvp=False))
    _add_timezones(calendar, events)
    return calendar.to_ical()


def _new_calendar(method: Method, prodid: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("PRODID", prodid)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    return calendar


def _vevent(event: EventData, stamp: datetime, *, attendees: bool, rsvp: bool) -> icalendar.Event:
    zone = ZoneInfo(event.time_zone)
    vevent = icalendar.Event()
    vevent.add("UID", event.uid)
    vevent.add("SEQUENCE", event.sequence)
    vevent.add("DTSTAMP", stamp.astimezone(UTC))
    # A zoneinfo datetime makes icalendar write TZID=<IANA key>; UTC is written "…Z" and needs no VTIMEZONE.
    vevent.add("DTSTART", event.start.astimezone(zone))
    vevent.add("DTEND", event.end.astimezone(zone))
    vevent.add("SUMMARY", event.summary)
    if event.description:
        vevent.add("DESCRIPTION", event.description)
    if event.location:
        vevent.add("LOCATION", event.location)
    if event.url:
        vevent.add("URL", event.url)
    vevent.add("ORGANIZER", icalendar.vCalAddress.new(event.organizer_email, cn=event.organizer_name))
    if attendees:
        for email, name in event.attendees:
            address = icalendar.vCalAddress.new(
                email, cn=name, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp=True if rsvp else None
            )
            vevent.add("ATTENDEE", address)
    vevent.add("STATUS", event.status)
    if event.categories:
        vevent.add("CATEGORIES", list(event.categories))
    vevent.add("LAST-MODIFIED", (event.last_modified or stamp).astimezone(UTC))
    return vevent


def _add_timezones(calendar: icalendar.Calendar, events: Sequence[EventData]) -> None:
    """One VTIMEZONE per zone used, covering the years of that zone's events.

    Each covers 1 January of the first event's year to 1 January after the last one, so every event in the
    file gets its offset from the real (IANA) transitions, without a decades-long component in each
    invitation.
    """
    spans: dict[str, tuple[int, int]] = {}
    for event in events:
        if event.time_zone == "UTC":
            continue
        first, last = event.start.astimezone(UTC).year, event.end.astimezone(UTC).year
        known = spans.get(event.time_zone, (first, last))
        spans[event.time_zone] = (min(first, known[0]), max(last, known[1]))
    for zone_name, (first, last) in sorted(spans.items()):
        # VTIMEZONEs precede the events that use them: some clients resolve TZIDs in one pass.
        calendar.subcomponents.insert(len(calendar.timezones), vtimezone(zone_name, first, last + 1))


def vtimezone(zone_name: str, first_year: int, end_year: int) -> icalendar.Timezone:
    """A VTIMEZONE for an IANA zone from 1 January ``first_year`` to 1 January ``end_year``.

    Built here rather than with ``icalendar.Timezone.from_tzid`` because that (7.x) writes the onset of
    daylight time as the new wall-clock time (03:00 for a 02:00 spring-forward), while RFC 5545 wants the
    onset in the old offset (``DTSTART:…T020000`` with ``TZOFFSETFROM:-0500``). Each transition is one
    observance (DTSTART, no RRULE): explicit, and read the same way by every client.
    """
    zone = ZoneInfo(zone_name)
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(end_year, 1, 1, tzinfo=UTC)
    timezone = icalendar.Timezone()
    timezone.add("TZID", zone_name)
    first = start.astimezone(zone)
    timezone.add_component(_observance(first, first.utcoffset(), first.replace(tzinfo=None)))
    for instant in _transitions(zone, start, end):
        before, after = (instant - timedelta(seconds=1)).astimezone(zone), instant.astimezone(zone)
        onset = (instant + before.utcoffset()).replace(tzinfo=None)
        timezone.add_component(_observance(after, before.utcoffset(), onset))
    return timezone


def _observance(local: datetime, offset_from: timedelta, onset: datetime) -> icalendar.Component:
    observance = icalendar.TimezoneDaylight() if local.dst() else icalendar.TimezoneStandard()
    observance.add("TZNAME", local.tzname())
    observance.add("TZOFFSETFROM", offset_from)
    observance.add("TZOFFSETTO", local.utcoffset())
    observance.add("DTSTART", onset)
    return observance


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC instants at which ``zone`` changes offset (or name) between ``start`` and ``end``."""
    found = []
    day = start
    while day < end:
        following = min(day + timedelta(days=1), end)
        if _state(zone, day) != _state(zone, following):
            low, high = day, following  # bisect to the second: the state changes once within a day
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if _state(zone, middle) == _state(zone, low) else (low, middle)
            found.append(high.replace(microsecond=0))
        day = following
    return found


def _state(zone: ZoneInfo, instant: datetime) -> tuple[timedelta | None, str | None]:
    local = instant.astimezone(zone)
    return local.utcoffset(), local.tzname()


# --------------------------------------------------------------------------------------------------- reading


def read_events(data: bytes, *, default_zone: str = "UTC") -> list[ReadEvent]:
    """Every VEVENT in ``data`` (one or more VCALENDARs, or a bare VEVENT) with its times resolved.

    TZIDs are resolved in this order: a Windows zone name → its IANA zone; a VTIMEZONE in the file → that
    definition (custom, quoted and non-ASCII names included); an IANA name → zoneinfo; anything else → UTC,
    with a warning. Floating times are read in the calendar's X-WR-TIMEZONE (Google) or ``default_zone``.
    """
    components = icalendar.Component.from_ical(data, multiple=True)
    events: list[ReadEvent] = []
    for component in components:
        defined = {timezone.tz_name for timezone in component.walk("VTIMEZONE")}
        floating_zone = str(component.get("X-WR-TIMEZONE") or default_zone)
        for vevent in component.walk("VEVENT"):
            events.append(_read_event(vevent, defined, floating_zone))
    return events


def _read_event(vevent: icalendar.Component, defined: set[str], floating_zone: str) -> ReadEvent:
    warnings: list[str] = []
    start_prop = _single(vevent, "DTSTART", warnings)
    uid = str(vevent["UID"]) if "UID" in vevent else None
    summary = str(vevent["SUMMARY"]) if "SUMMARY" in vevent else None
    if start_prop is None:
        warnings.append("VEVENT has no DTSTART: it cannot be placed in time")
        return ReadEvent(uid, summary, None, None, False, None, tuple(warnings))
    start, zone_name = _resolve(start_prop, defined, floating_zone, warnings)
    all_day = not isinstance(start, datetime)
    end_prop = _single(vevent, "DTEND", warnings)
    if end_prop is not None:
        end, _ = _resolve(end_prop, defined, floating_zone, warnings)
    elif "DURATION" in vevent:
        end = start + vevent["DURATION"].dt
    else:
        # RFC 5545 3.6.1: without DTEND or DURATION a dated event lasts the day, a timed one is an instant.
        end = start + timedelta(days=1) if all_day else start
    return ReadEvent(uid, summary, start, end, all_day, zone_name, tuple(dict.fromkeys(warnings)))


def _single(vevent: icalendar.Component, name: str, warnings: list[str]) -> object | None:
    value = vevent.get(name)
    if isinstance(value, list):
        # Seen in the wild (a Fiji sample with two DTSTARTs): RFC 5545 allows one; keep the first.
        warnings.append(f"VEVENT has {len(value)} {name} properties; the first is used")
        return value[0]
    return value


def _resolve(
    prop: object, defined: set[str], floating_zone: str, warnings: list[str]
) -> tuple[datetime | date, str | None]:
    value = prop.dt
    if not isinstance(value, datetime):
        return value, None
    tzid = prop.params.get("TZID")
    local = value.replace(tzinfo=None)
    if tzid is None:
        if value.tzinfo is not None:
            return value.astimezone(UTC), "UTC"
        warnings.append(f"floating times (no TZID) read in {floating_zone}")
        return local.replace(tzinfo=_zone(floating_zone) or UTC), floating_zone
    tzid = str(tzid)
    if tzid in WINDOWS_ZONES:
        iana = WINDOWS_ZONES[tzid]
        return local.replace(tzinfo=ZoneInfo(iana)), iana
    if tzid in defined and value.tzinfo is not None:
        # icalendar built this zone from the file's VTIMEZONE; the sender's definition is authoritative.
        return value, tzid
    zone = _zone(tzid)
    if zone is not None:
        return local.replace(tzinfo=zone), tzid
    warnings.append(f"unknown time zone {tzid!r} without VTIMEZONE: read as UTC")
    return local.replace(tzinfo=UTC), "UTC"


def _zone(name: str) -> tzinfo | None:
    if name not in _iana_names():
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


_IANA: set[str] = set()


def _iana_names() -> set[str]:
    # available_timezones() scans the tz database on every call; once per process is enough.
    if not _IANA:
        _IANA.update(available_timezones(), {"UTC"})
    return _IANA
