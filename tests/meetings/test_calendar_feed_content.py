"""What calendars receive: the joining details (link, meeting id, passcode) only for registered members, and
a private feed that follows the member's networks, cancellations included."""

from datetime import UTC, datetime

import icalendar
import pytest
from django.test import Client

from qicop.meetings import services
from qicop.meetings.models import Meeting, Registration
from qicop.network.models import Membership

JOIN = "https://zoom.example.org/j/123"
CODE = "123 456 789"
PASSCODE = "blue-heron-42"


@pytest.fixture
def joining(world):
    """The personas' session, with a meeting id and passcode besides its join link."""
    Meeting.objects.filter(pk=world.meeting.pk).update(meeting_code=CODE, passcode=PASSCODE)
    world.meeting.refresh_from_db()
    return world.meeting


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def events_by_summary(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def meeting_file(world, persona: str) -> icalendar.Event:
    response = world.client_for(persona).get(f"/n/vln/meetings/{world.meeting.pk}/meeting.ics")
    assert response.status_code == 200
    (event,) = parse(response.content).walk("VEVENT")
    return event


def feed_of(member) -> icalendar.Calendar:
    token = services.create_calendar_feed(member=member)
    response = Client().get(f"/calendar/{token}.ics")  # calendar apps do not sign in: the token is the key
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return parse(response.content)


def register(world, persona: str, meeting: Meeting) -> None:
    Registration.objects.create(meeting=meeting, member=getattr(world, persona), status="registered")


def test_a_registered_members_calendar_file_gives_the_meeting_id_and_passcode(world, joining):
    register(world, "kim", joining)
    event = meeting_file(world, "kim")
    description = str(event["DESCRIPTION"])
    assert JOIN in description
    assert f"Meeting ID: {CODE}" in description
    assert f"Passcode: {PASSCODE}" in description
    location = str(event["LOCATION"])
    assert location.startswith(JOIN) and CODE in location and PASSCODE in location


def test_an_unregistered_members_calendar_file_gives_no_joining_details(world, joining):
    Registration.objects.create(meeting=joining, member=world.henri, status="declined")
    for persona in ("kim", "henri"):
        response = world.client_for(persona).get(f"/n/vln/meetings/{joining.pk}/meeting.ics")
        for secret in (JOIN, CODE, PASSCODE):
            assert secret.encode() not in response.content, (persona, secret)


def test_the_feed_carries_joining_details_only_for_meetings_the_member_registered_for(world, joining):
    other = Meeting.objects.create(
        network=world.network,
        title="Consumer involvement",
        start=datetime(2030, 5, 12, 13, tzinfo=UTC),
        end=datetime(2030, 5, 12, 14, 30, tzinfo=UTC),
        time_zone="Africa/Nairobi",
        join_url="https://zoom.example.org/j/777",
        meeting_code="777 000",
        passcode="other-pass",
        status=Meeting.Status.CONFIRMED,
    )
    register(world, "kim", joining)
    events = events_by_summary(feed_of(world.kim))
    mine, not_mine = events["Reaching the second 95"], events["Consumer involvement"]
    assert JOIN in str(mine["DESCRIPTION"]) and PASSCODE in str(mine["DESCRIPTION"])
    assert str(mine["LOCATION"]).startswith(JOIN)
    assert "zoom.example.org" not in str(not_mine.get("DESCRIPTION", ""))
    assert "other-pass" not in str(not_mine.get("DESCRIPTION", "")) and "LOCATION" not in not_mine
    # The meeting page is there for everyone: that is where one registers.
    assert str(not_mine["URL"]).endswith(f"/n/vln/meetings/{other.pk}/")


def test_the_feed_leaves_out_meetings_of_networks_where_the_member_only_observes(world):
    # Kim observes the all-country network; Olga only observes the virtual one.
    Membership.objects.create(member=world.kim, network=world.other_network, role="observer")
    Meeting.objects.create(
        network=world.other_network,
        title="All-country meeting 2030",
        kind=Meeting.Kind.IN_PERSON,
        start=datetime(2030, 10, 14, 6, tzinfo=UTC),
        end=datetime(2030, 10, 17, 16, tzinfo=UTC),
        time_zone="Africa/Nairobi",
    )
    assert set(events_by_summary(feed_of(world.kim))) == {"Reaching the second 95"}
    assert events_by_summary(feed_of(world.olga)) == {}


def test_a_network_where_the_member_also_has_another_role_stays_in_the_feed(world):
    Membership.objects.create(member=world.faith, network=world.network, role="observer")
    assert "Reaching the second 95" in events_by_summary(feed_of(world.faith))


def test_a_cancelled_meeting_stays_in_the_feed_as_cancelled_with_its_time_zone(world, joining):
    register(world, "kim", joining)
    Meeting.objects.filter(pk=joining.pk).update(status=Meeting.Status.CANCELLED, sequence=2)
    calendar = feed_of(world.kim)
    (event,) = calendar.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert int(event["SEQUENCE"]) == 2
    assert str(event["UID"]) == f"{joining.uid}@qicop"
    assert event["DTSTART"].params["TZID"] == "Africa/Nairobi"
    assert event.decoded("DTSTART").astimezone(UTC) == joining.start
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Africa/Nairobi"]
