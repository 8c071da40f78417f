"""iCalendar: invitations and feeds that clients accept, and invitations from real producers read back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest

from qicop.integrations.ical import (
    EventData,
    cancellation,
    event_calendar,
    feed_calendar,
    next_revision,
    read_events,
    vtimezone,
)

FORMATS = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "icalendar"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ical"
STAMP = datetime(2025, 1, 2, 9, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def as_utc(value: datetime | date | None) -> datetime | date | None:
    return value.astimezone(UTC) if isinstance(value, datetime) else value


NO_DTSTART = ("VEVENT has no DTSTART: it cannot be placed in time",)

# Per sample calendar, per VEVENT: (uid, summary, start as UTC instant or date, end, zone name, warnings).
SAMPLES = {
    "alarm_google_future.ics": [
        (
            "79fs7pkqvht9m5igs0vjv1sfra@google.com",
            "event with alarms",
            utc(2024, 10, 4, 18, 15),
            utc(2024, 10, 4, 19),
            "UTC",
            (),
        ),
    ],
    "alarm_thunderbird_future.ics": [
        (
            "b9a23b47-f109-4e7a-908c-75e925b27def",
            "event with alarms",
            utc(2024, 10, 23, 14),
            utc(2024, 10, 23, 15),
            "Europe/London",
            (),
        ),
    ],
    "america_new_york.ics": [  # custom TZID defined by its VTIMEZONE: EDT in August
        (
            "noend123",
            "an event with a custom tz name",
            utc(2014, 8, 29, 12),
            utc(2014, 8, 29, 14),
            "custom_America/New_York",
            (),
        ),
    ],
    "event_with_rsvp.ics": [(None, None, None, None, None, NO_DTSTART)],  # a bare VEVENT, no VCALENDAR
    "example.ics": [
        (
            "d755cef5-2311-46ed-a0e1-6733c9e15c63",
            "Pick up bicycle from the workshop.",
            utc(2026, 3, 21, 6, 30),
            utc(2026, 3, 21, 7, 30),
            "UTC",
            (),
        ),
        (
            "d755cef5-2311-46ed-a0e1-6733c9e15c63",
            "Morning ride with the team.",
            utc(2026, 3, 28, 7),
            utc(2026, 3, 28, 13, 30),
            "UTC",
            (),
        ),
    ],
    "issue_165_missing_event.ics": [  # Exchange CDO: quoted descriptive TZID with a 1601 rule
        (
            None,
            "Sprint 25 Daily Standup",
            utc(2015, 7, 3, 8),
            utc(2015, 7, 3, 8, 30),
            "GMT +0100 (Standard) / GMT +0200 (Daylight)",
            (),
        ),
    ],
    "issue_218_bad_tzid.ics": [
        (
            "1961094_636238800000000000",
            "TESTIN",
            utc(2017, 2, 28, 12),
            utc(2017, 2, 28, 12, 30),
            "UTC+11",
            (),
        ),
    ],
    "issue_237_fail_to_parse_timezone_with_non_ascii_tzid.ics": [
        (None, None, utc(2017, 5, 11, 16, 30), utc(2017, 5, 11, 17), "(UTC-03:00) Brasília", ()),
    ],
    "issue_466_respect_unique_timezone.ics": [
        (
            "0cab49a0-1167-40f0-bfed-ecb4d117047d",
            "Just chatting",
            utc(2022, 10, 21, 18),
            utc(2022, 10, 21, 19),
            "/Europe/CUSTOM",
            (),
        ),
    ],
    "issue_722_timezone_transition_ambiguity.ics": [  # +12 → +10 at 08:00 local; 06:00–08:00 happens twice
        ("0", "This event is clearly in winter", utc(2024, 3, 2, 20), utc(2024, 3, 2, 20), "MyTimezone", ()),
        ("1", "This event is clearly in summer", utc(2024, 8, 2, 22), utc(2024, 8, 2, 22), "MyTimezone", ()),
        (
            "2",
            "Transition is from 8am -> 6am, so 8:00:01 is summer",
            utc(2024, 5, 4, 22, 0, 1),
            utc(2024, 5, 4, 22, 0, 1),
            "MyTimezone",
            (),
        ),
        (
            "3",
            "Transition is from 8am -> 6am, so 7:00:01 is winter RFC5545 does not allow us to be at the "
            "later TZ.",
            utc(2024, 5, 4, 19, 0, 1),
            utc(2024, 5, 4, 19, 0, 1),
            "MyTimezone",
            (),
        ),
    ],
    "issue_836_do_not_quote_tzid.ics": [  # Windows zone name → IANA
        (
            "minimal-demo-event-est-20241028@example.com",
            "Anonymous Test Event for TZID",
            utc(2024, 10, 28, 21),
            utc(2024, 10, 28, 22),
            "America/New_York",
            (),
        ),
    ],
    "multiple_timezones.ics": [
        ("test-vtime-named-timezone", None, utc(2021, 3, 2, 5), utc(2021, 3, 2, 5), "America/New_York", ()),
        ("test-vtime-utc", None, utc(2021, 3, 2), utc(2021, 3, 2), "UTC", ()),
        (
            "test-vtime-floating",
            None,
            utc(2021, 3, 2),
            utc(2021, 3, 2),
            "UTC",
            ("floating times (no TZID) read in UTC",),
        ),
    ],
    "pacific_fiji.ics": [  # RDATE-based zone; the sample carries two DTSTARTs
        (
            "noend123",
            "an event with a custom tz name",
            utc(2014, 8, 28, 20),
            utc(2014, 8, 28, 20),
            "custom_Pacific/Fiji",
            ("VEVENT has 2 DTSTART properties; the first is used",),
        ),
    ],
    "property_params.ics": [  # BlackBerry all-day invitation
        (
            "XRIMCAL-628059586-522954492-9750559",
            "Test meeting from BB",
            date(2012, 8, 14),
            date(2012, 8, 15),
            None,
            (),
        ),
    ],
    "rfc_7256_multi_value_parameters.ics": [
        ("list", None, None, None, None, NO_DTSTART),
        ("single", None, None, None, None, NO_DTSTART),
    ],
    "timezone_same_start.ics": [  # Exchange "Pacific Standard Time" → America/Los_Angeles
        (
            "040000008200E00074C5B7101A82E0080000000090E19664858ED20100000000000000",
            "Test 4",
            utc(2017, 2, 24, 20),
            utc(2017, 2, 24, 20, 30),
            "America/Los_Angeles",
            (),
        ),
    ],
    "timezoned.ics": [
        ("123456", "artsprint 2012", utc(2012, 2, 13, 9), utc(2012, 2, 17, 17), "Europe/Vienna", ()),
    ],
    "x_location.ics": [
        (
            "BFE33ADD-5553-48B5-B5A5-F9DA5CA4C393",
            "Daily Sync",
            utc(2016, 10, 28, 12),
            utc(2016, 10, 28, 12, 30),
            "Europe/Zurich",
            (),
        ),
    ],
}


@pytest.fixture
def samples() -> Path:
    if not FORMATS.is_dir():
        pytest.skip(
            "shared/formats is absent (a fresh clone): the sample calendars live beside the repository"
        )
    return FORMATS


def test_every_sample_calendar_has_expectations(samples: Path) -> None:
    assert sorted(path.name for path in samples.glob("*.ics")) == sorted(SAMPLES)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_each_sample_calendar_reads_to_its_events_at_the_right_instants(samples: Path, name: str) -> None:
    events = read_events((samples / name).read_bytes())
    # Compared as UTC instants: Python never finds an ambiguous local time (issue 722) equal across zones.
    got = [(e.uid, e.summary, as_utc(e.start), as_utc(e.end), e.time_zone_name, e.warnings) for e in events]
    assert got == SAMPLES[name]
    for event in events:
        if isinstance(event.start, datetime):
            assert event.start.utcoffset() is not None and event.end.utcoffset() is not None
            assert not event.all_day


def test_an_all_day_invitation_is_read_as_dates(samples: Path) -> None:
    (event,) = read_events((samples / "property_params.ics").read_bytes())
    assert event.all_day
    assert type(event.start) is date and type(event.end) is date


def test_a_windows_zone_name_keeps_its_local_wall_time_in_the_iana_zone(samples: Path) -> None:
    (event,) = read_events((samples / "issue_836_do_not_quote_tzid.ics").read_bytes())
    assert event.start == datetime(2024, 10, 28, 17, tzinfo=ZoneInfo("America/New_York"))


def test_tzids_without_vtimezone_fall_back_to_iana_windows_then_utc_with_a_warning() -> None:
    nairobi, bangkok, unknown = read_events((FIXTURES / "tzid_without_vtimezone.ics").read_bytes())
    assert (nairobi.start, nairobi.end, nairobi.time_zone_name, nairobi.warnings) == (
        utc(2025, 3, 10, 11),
        utc(2025, 3, 10, 12, 30),
        "Africa/Nairobi",
        (),
    )
    assert (bangkok.start, bangkok.time_zone_name, bangkok.warnings) == (
        utc(2025, 3, 10, 11),
        "Asia/Bangkok",
        (),
    )
    assert (unknown.start, unknown.end, unknown.time_zone_name) == (
        utc(2025, 3, 10, 9),
        utc(2025, 3, 10, 10),
        "UTC",
    )
    assert unknown.warnings == ("unknown time zone 'Mars/Olympus_Mons' without VTIMEZONE: read as UTC",)


def test_floating_times_are_read_in_the_calendars_x_wr_timezone() -> None:
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-TIMEZONE:Africa/Nairobi\r\nBEGIN:VEVENT\r\nUID:f\r\n"
        b"DTSTART:20250310T140000\r\nDTEND:20250310T150000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = read_events(data)
    assert event.start == utc(2025, 3, 10, 11)
    assert event.warnings == ("floating times (no TZID) read in Africa/Nairobi",)


# ------------------------------------------------------------------------------------------------ writing


def meeting(zone: str = "Africa/Nairobi", start: datetime | None = None, **changes: object) -> EventData:
    start = start or datetime(2025, 3, 10, 14, tzinfo=ZoneInfo(zone))
    values: dict[str, object] = {
        "uid": "meeting-42@qicop.example",
        "sequence": 0,
        "start": start,
        "end": start + timedelta(hours=1, minutes=30),
        "time_zone": zone,
        "summary": "Session 8: consumer involvement, peer review; 95-95-95",
        "description": "Kenya presents its case.\nQuestions: how to keep QI coaches?",
        "location": "Zoom",
        "url": "https://qicop.example/meetings/42",
        "organizer_email": "coordinator@qicop.example",
        "organizer_name": "Network coordinator",
        "attendees": [
            ("amelie@sante.example", "Amélie Jean-Baptiste"),
            ("wanjiru@health.example", "Wanjiru"),
        ],
        "last_modified": STAMP,
        "categories": ["HIV", "QI"],
    }
    values.update(changes)
    return EventData(**values)


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def test_an_invitation_reads_back_to_the_same_utc_instants_with_one_matching_vtimezone() -> None:
    event = meeting()
    data = event_calendar(event, method="REQUEST", stamp=STAMP)
    calendar = parse(data)
    (vevent,) = calendar.walk("VEVENT")
    assert [tz.tz_name for tz in calendar.timezones] == ["Africa/Nairobi"]
    assert vevent["DTSTART"].params["TZID"] == "Africa/Nairobi"
    assert vevent["DTSTART"].dt == event.start and vevent["DTEND"].dt == event.end
    (read,) = read_events(data)
    assert (read.uid, read.start, read.end, read.time_zone_name) == (
        event.uid,
        utc(2025, 3, 10, 11),
        utc(2025, 3, 10, 12, 30),
        "Africa/Nairobi",
    )
    assert read.summary == event.summary


def test_an_invitation_carries_the_itip_properties_clients_require() -> None:
    calendar = parse(event_calendar(meeting(), method="REQUEST", stamp=STAMP))
    assert (str(calendar["VERSION"]), str(calendar["METHOD"]), str(calendar["CALSCALE"])) == (
        "2.0",
        "REQUEST",
        "GREGORIAN",
    )
    assert str(calendar["PRODID"]) == "-//qicop//learning network//EN"
    (vevent,) = calendar.walk("VEVENT")
    assert vevent["DTSTAMP"].dt == STAMP and vevent["SEQUENCE"] == 0 and str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["ORGANIZER"]) == "mailto:coordinator@qicop.example"
    assert vevent["ORGANIZER"].params["CN"] == "Network coordinator"
    attendees = vevent["ATTENDEE"]
    assert [str(a) for a in attendees] == ["mailto:amelie@sante.example", "mailto:wanjiru@health.example"]
    assert {
        (a.params["CN"], a.params["ROLE"], a.params["PARTSTAT"], a.params["RSVP"]) for a in attendees
    } == {
        ("Amélie Jean-Baptiste", "REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE"),
        ("Wanjiru", "REQ-PARTICIPANT", "NEEDS-ACTION", "TRUE"),
    }
    assert str(vevent["URL"]) == "https://qicop.example/meetings/42" and str(vevent["LOCATION"]) == "Zoom"
    assert vevent["LAST-MODIFIED"].dt == STAMP
    assert vevent["CATEGORIES"].cats == ["HIV", "QI"]


def test_the_wire_format_uses_crlf_folds_long_lines_and_escapes_text() -> None:
    data = event_calendar(meeting(summary="A very long title " * 6), method="REQUEST", stamp=STAMP)
    lines = data.split(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)
    assert b"DESCRIPTION:Kenya presents its case.\\nQuestions: how to keep QI coaches?" in data


def test_a_download_publishes_without_attendee_addresses() -> None:
    data = event_calendar(meeting(), stamp=STAMP)
    assert b"METHOD:PUBLISH" in data
    assert b"ATTENDEE" not in data and b"amelie@sante.example" not in data


def test_update_raises_sequence_and_cancel_keeps_the_uid_with_a_higher_sequence() -> None:
    first = meeting()
    moved = next_revision(first, start=first.start + timedelta(days=7), end=first.end + timedelta(days=7))
    cancelled = cancellation(moved)
    request, update = (
        parse(event_calendar(first, method="REQUEST", stamp=STAMP)),
        parse(event_calendar(moved, method="REQUEST", stamp=STAMP)),
    )
    cancel = parse(event_calendar(cancelled, method="CANCEL", stamp=STAMP))
    (a,), (b,), (c,) = request.walk("VEVENT"), update.walk("VEVENT"), cancel.walk("VEVENT")
    assert str(a["UID"]) == str(b["UID"]) == str(c["UID"]) == "meeting-42@qicop.example"
    assert (a["SEQUENCE"], b["SEQUENCE"], c["SEQUENCE"]) == (0, 1, 2)
    assert str(cancel["METHOD"]) == "CANCEL" and str(c["STATUS"]) == "CANCELLED"
    assert c["DTSTART"].dt == moved.start
    assert "RSVP" not in c["ATTENDEE"][0].params  # a cancellation asks for no reply


def test_method_cancel_forces_status_cancelled() -> None:
    (vevent,) = parse(event_calendar(meeting(sequence=3), method="CANCEL", stamp=STAMP)).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_a_port_moresby_event_gets_a_single_plus_ten_observance() -> None:
    event = meeting("Pacific/Port_Moresby", datetime(2025, 6, 5, 8, tzinfo=ZoneInfo("Pacific/Port_Moresby")))
    data = event_calendar(event, method="REQUEST", stamp=STAMP)
    (timezone,) = parse(data).timezones
    assert timezone.tz_name == "Pacific/Port_Moresby"
    assert [(o.name, o["TZOFFSETTO"].td) for o in timezone.walk() if o is not timezone] == [
        ("STANDARD", timedelta(hours=10))
    ]
    assert read_events(data)[0].start == utc(2025, 6, 4, 22)


def test_port_au_prince_events_either_side_of_spring_forward_keep_their_local_wall_time() -> None:
    zone = ZoneInfo("America/Port-au-Prince")
    before = meeting("America/Port-au-Prince", datetime(2025, 3, 7, 9, tzinfo=zone), uid="before")
    after = meeting("America/Port-au-Prince", datetime(2025, 3, 10, 9, tzinfo=zone), uid="after")
    data = feed_calendar([before, after], name="Haiti", stamp=STAMP)
    (timezone,) = parse(data).timezones
    daylight = timezone.daylight[0]
    # RFC 5545: the onset is written in the old offset, 02:00 EST, not the 03:00 the clocks jump to.
    assert daylight["DTSTART"].dt == datetime(2025, 3, 9, 2)
    assert (daylight["TZOFFSETFROM"].td, daylight["TZOFFSETTO"].td) == (
        timedelta(hours=-5),
        timedelta(hours=-4),
    )
    assert [e.start for e in read_events(data)] == [utc(2025, 3, 7, 14), utc(2025, 3, 10, 13)]


def test_a_utc_event_needs_no_vtimezone() -> None:
    data = event_calendar(meeting("UTC", utc(2025, 3, 10, 11)), stamp=STAMP)
    assert parse(data).timezones == []
    assert b"DTSTART:20250310T110000Z" in data


def test_the_feed_has_one_vtimezone_per_zone_and_the_subscription_hints() -> None:
    events = [
        meeting("America/Port-au-Prince", uid="a"),
        meeting("Africa/Nairobi", uid="b"),
        meeting("Asia/Bangkok", uid="c"),
        meeting("Africa/Nairobi", uid="d", start=datetime(2026, 2, 3, 9, tzinfo=ZoneInfo("Africa/Nairobi"))),
    ]
    calendar = parse(feed_calendar(events, name="QI learning network — Amélie", stamp=STAMP))
    assert sorted(tz.tz_name for tz in calendar.timezones) == [
        "Africa/Nairobi",
        "America/Port-au-Prince",
        "Asia/Bangkok",
    ]
    assert calendar.get_missing_tzids() == set()
    assert (
        str(calendar["METHOD"]) == "PUBLISH"
        and str(calendar["X-WR-CALNAME"]) == "QI learning network — Amélie"
    )
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert [str(v["UID"]) for v in calendar.walk("VEVENT")] == ["a", "b", "c", "d"]
    assert "ATTENDEE" not in calendar.walk("VEVENT")[0]


def test_the_vtimezone_spans_every_event_of_its_zone() -> None:
    timezone = vtimezone("America/Port-au-Prince", 2025, 2027)
    onsets = [o["DTSTART"].dt for o in timezone.daylight]
    assert onsets == [datetime(2025, 3, 9, 2), datetime(2026, 3, 8, 2)]


def test_event_data_refuses_naive_times_and_unknown_zones() -> None:
    with pytest.raises(ValueError, match="aware"):
        meeting(start=datetime(2025, 3, 10, 14))
    with pytest.raises(Exception, match="Nowhere"):
        meeting(time_zone="Nowhere/Land")
