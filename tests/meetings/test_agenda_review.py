"""Review of meeting planning: bad input never 500s, calendars hear only of real changes, and moving or
copying a meeting keeps every agenda item at its wall-clock time across changes of daylight time."""

from datetime import UTC, datetime

import pytest
from test_meeting_editing import announced, edit_data, form_data  # noqa: F401 - the fixture

from qicop.meetings.agenda import services as agenda
from qicop.meetings.models import AgendaItem, Meeting

# Haiti's clocks jump from 02:00 to 03:00 on Sunday 10 March 2030 (UTC-5 → UTC-4).
HAITI = "America/Port-au-Prince"


@pytest.mark.parametrize("topic", ["abc", "1e3", "²", "99999999999999999999999999"])
def test_a_mangled_topic_id_is_not_found_never_an_error(world, topic):
    client = world.client_for("carla")
    assert client.get("/n/vln/meetings/topics/", {"topic": topic}).status_code == 404
    assert client.post("/n/vln/meetings/topics/", {"topic": topic, "name": "X"}).status_code == 404


def test_a_huge_capacity_is_refused_with_the_reason(world):
    response = world.client_for("carla").post(
        "/n/vln/meetings/new/", form_data(world, capacity="99999999999999999999")
    )
    assert response.status_code == 400
    assert "less than or equal to 100000" in response.content.decode()
    assert not Meeting.objects.filter(title="Retention in care").exists()


def test_marking_a_confirmed_meeting_held_sends_no_update(world, announced):  # noqa: F811
    told = agenda.update_meeting(actor=world.carla.user, meeting=world.meeting, status="held")
    world.meeting.refresh_from_db()
    assert told is False and world.meeting.status == "held" and world.meeting.sequence == 0
    assert announced == []


def test_confirming_a_planned_meeting_is_an_update(world, announced):  # noqa: F811
    Meeting.objects.filter(pk=world.meeting.pk).update(status="planned")
    world.meeting.refresh_from_db()
    assert agenda.update_meeting(actor=world.carla.user, meeting=world.meeting, status="confirmed")
    world.meeting.refresh_from_db()
    assert world.meeting.sequence == 1 and announced == [(world.meeting.pk, False)]


def local(moment, zone=HAITI):
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(zone)).strftime("%a %d %H:%M")


def three_days_in_haiti(world) -> Meeting:
    """Friday 8 March 09:00 to Monday 11 March 17:00, Port-au-Prince: daylight time starts inside."""
    meeting = Meeting.objects.create(
        network=world.network,
        title="All-country meeting",
        kind=Meeting.Kind.IN_PERSON,
        city="Port-au-Prince",
        start=datetime(2030, 3, 8, 14, 0, tzinfo=UTC),  # 09:00 EST
        end=datetime(2030, 3, 11, 21, 0, tzinfo=UTC),  # 17:00 EDT
        time_zone=HAITI,
    )
    for day, start_utc in ((8, 14), (11, 13)):  # 09:00 local both days
        AgendaItem.objects.create(
            meeting=meeting,
            start=datetime(2030, 3, day, start_utc, 0, tzinfo=UTC),
            end=datetime(2030, 3, day, start_utc + 1, 0, tzinfo=UTC),
            kind="opening" if day == 8 else "closing",
            title=f"Day {day}",
        )
    return meeting


def test_a_copy_keeps_each_days_items_at_their_wall_clock_time_across_daylight_time(world):
    meeting = three_days_in_haiti(world)
    response = world.client_for("carla").post(
        f"/n/vln/meetings/{meeting.pk}/copy/", {"title": "Next year", "start": "2030-04-05T09:00"}
    )
    assert response.status_code == 302
    copy = Meeting.objects.get(title="Next year")
    assert [local(copy.start), local(copy.end)] == ["Fri 05 09:00", "Mon 08 17:00"]
    assert [(local(i.start), local(i.end)) for i in copy.agenda.order_by("start")] == [
        ("Fri 05 09:00", "Fri 05 10:00"),
        ("Mon 08 09:00", "Mon 08 10:00"),
    ]


def test_moving_a_meeting_moves_its_items_on_the_wall_clock(world, announced):  # noqa: F811
    meeting = three_days_in_haiti(world)
    data = edit_data(
        world,
        meeting,
        kind="in_person",
        city="Port-au-Prince",
        join_url="",
        time_zone=HAITI,
        start="2030-03-01T09:00",
        end="2030-03-04T17:00",
        move_agenda="on",
    )
    response = world.client_for("carla").post(f"/n/vln/meetings/{meeting.pk}/edit/", data)
    assert response.status_code == 302
    assert [(local(i.start), local(i.end)) for i in meeting.agenda.order_by("start")] == [
        ("Fri 01 09:00", "Fri 01 10:00"),
        ("Mon 04 09:00", "Mon 04 10:00"),
    ]
