"""Coordinators create, edit, copy and cancel meetings; calendars get an updated event, never a duplicate."""

from datetime import UTC, datetime, timedelta

import pytest

from qicop.integrations.ical import read_events
from qicop.meetings.agenda import services as agenda
from qicop.meetings.models import AgendaItem, Meeting, MeetingSeries, Registration
from qicop.network.models import Topic


@pytest.fixture
def announced(monkeypatch):
    """Every call the mail engineer's ``meeting_changed`` receives."""
    calls = []
    monkeypatch.setattr(
        "qicop.meetings.mail.triggers.meeting_changed",
        lambda meeting, cancelled=False: calls.append((meeting.pk, cancelled)),
    )
    return calls


def form_data(world, **overrides):
    data = {
        "title": "Retention in care",
        "kind": "virtual",
        "status": "planned",
        "time_zone": "Africa/Nairobi",
        "start": "2030-04-01T16:00",
        "end": "2030-04-01T17:30",
        "join_url": "https://zoom.example.org/j/999",
        "reminder_offsets": "7d,1d",
        "countries": [world.kenya.pk, world.haiti.pk],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def edit_data(world, meeting, **overrides):
    data = form_data(
        world,
        title=meeting.title,
        status=meeting.status,
        start="2030-03-10T16:00",
        end="2030-03-10T17:30",
        join_url=meeting.join_url,
        countries=[c.pk for c in meeting.countries.all()],
    )
    data.update(overrides)
    return data


def test_a_coordinator_plans_a_meeting_typed_in_the_organisers_zone_and_stored_in_utc(world):
    topic = Topic.objects.create(network=world.network, slug="retention", name="Retention")
    response = world.client_for("carla").post(
        "/n/vln/meetings/new/", form_data(world, topics=[topic.pk], capacity="80")
    )
    meeting = Meeting.objects.get(title="Retention in care")
    assert response.status_code == 302 and response["Location"].endswith(f"/{meeting.pk}/agenda/")
    assert meeting.start == datetime(2030, 4, 1, 13, 0, tzinfo=UTC)  # 16:00 in Nairobi
    assert meeting.end - meeting.start == timedelta(minutes=90)
    assert meeting.time_zone == "Africa/Nairobi" and meeting.capacity == 80
    assert meeting.sequence == 0 and meeting.created_by == world.carla.user
    assert set(meeting.countries.all()) == {world.kenya, world.haiti}
    assert list(meeting.topics.all()) == [topic]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end": "2030-04-01T15:00"}, "The meeting must end after it starts."),
        ({"time_zone": "Africa/Atlantis"}, "Unknown time zone: Africa/Atlantis"),
        ({"start": "next tuesday"}, "Enter a date and time such as 2030-03-10 16:00."),
        ({"end": "2030-05-01T17:30"}, "A meeting lasts at most 14 days"),
        ({"venue": "Hilton"}, "A virtual meeting has no venue"),
        ({"kind": "in_person", "join_url": None}, "Give the city where the meeting takes place."),
        ({"kind": "in_person", "city": "Nairobi"}, "An in-person meeting has no join link"),
        ({"reminder_offsets": "a week"}, "Write offsets such as 7d,1d or 2h."),
        ({"capacity": "0"}, "greater than or equal to 1"),
        # Haiti's clocks jump from 02:00 to 03:00 on 10 March 2030.
        (
            {"time_zone": "America/Port-au-Prince", "start": "2030-03-10T02:30"},
            "This time does not exist in Port-au-Prince (UTC",
        ),
    ],
)
def test_bad_meeting_input_is_explained_and_the_typed_values_kept(world, overrides, message):
    response = world.client_for("carla").post("/n/vln/meetings/new/", form_data(world, **overrides))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'value="Retention in care"' in page
    assert not Meeting.objects.filter(title="Retention in care").exists()


def test_a_hybrid_meeting_has_both_a_venue_and_a_join_link(world):
    data = form_data(
        world, kind="hybrid", venue="Safari Park Hotel", city="Nairobi", host_country=world.kenya.pk
    )
    assert world.client_for("carla").post("/n/vln/meetings/new/", data).status_code == 302
    meeting = Meeting.objects.get(title="Retention in care")
    assert meeting.city == "Nairobi" and meeting.join_url and meeting.host_country == world.kenya


def test_the_edit_form_shows_times_in_the_organisers_zone(world):
    page = world.client_for("carla").get(f"/n/vln/meetings/{world.meeting.pk}/edit/").content.decode()
    assert 'value="2030-03-10T16:00"' in page  # 13:00 UTC in Nairobi


def test_editing_the_time_sends_an_update_of_the_same_calendar_event(world, announced):
    url = f"/n/vln/meetings/{world.meeting.pk}/meeting.ics"
    before = read_events(world.client_for("kim").get(url).content)[0]
    response = world.client_for("carla").post(
        f"/n/vln/meetings/{world.meeting.pk}/edit/",
        edit_data(world, world.meeting, start="2030-03-10T17:00", end="2030-03-10T18:30"),
    )
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.start == datetime(2030, 3, 10, 14, 0, tzinfo=UTC)
    assert world.meeting.sequence == 1
    assert announced == [(world.meeting.pk, False)]
    content = world.client_for("kim").get(url).content
    after = read_events(content)[0]
    assert after.uid == before.uid and b"SEQUENCE:1" in content


def test_a_change_calendars_do_not_carry_is_saved_without_an_update(world, announced):
    response = world.client_for("carla").post(
        f"/n/vln/meetings/{world.meeting.pk}/edit/", edit_data(world, world.meeting, capacity="40")
    )
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.capacity == 40 and world.meeting.sequence == 0
    assert announced == []


def test_moving_a_meeting_moves_its_agenda_when_asked(world, announced):
    item = AgendaItem.objects.create(
        meeting=world.meeting,
        start=world.meeting.start,
        end=world.meeting.end,
        kind="opening",
        title="Welcome",
    )
    world.client_for("carla").post(
        f"/n/vln/meetings/{world.meeting.pk}/edit/",
        edit_data(world, world.meeting, start="2030-03-17T16:00", end="2030-03-17T17:30", move_agenda="on"),
    )
    item.refresh_from_db()
    assert item.start == datetime(2030, 3, 17, 13, 0, tzinfo=UTC)


def test_a_bad_edit_changes_nothing(world, announced):
    response = world.client_for("carla").post(
        f"/n/vln/meetings/{world.meeting.pk}/edit/",
        edit_data(world, world.meeting, title="Moved", end="2030-03-10T15:00"),
    )
    assert response.status_code == 400 and 'value="Moved"' in response.content.decode()
    world.meeting.refresh_from_db()
    assert world.meeting.title == "Reaching the second 95" and world.meeting.sequence == 0
    assert announced == []


def test_only_coordinators_edit_meetings(world, announced):
    for persona in ("faith", "kim"):
        response = world.client_for(persona).post(
            f"/n/vln/meetings/{world.meeting.pk}/edit/", edit_data(world, world.meeting, title="Mine")
        )
        assert response.status_code == 403
    world.meeting.refresh_from_db()
    assert world.meeting.title == "Reaching the second 95"


def test_cancelling_sends_a_cancellation_of_the_same_event(world, announced):
    client = world.client_for("carla")
    assert client.get(f"/n/vln/meetings/{world.meeting.pk}/cancel/").status_code == 200
    response = client.post(f"/n/vln/meetings/{world.meeting.pk}/cancel/")
    assert response.status_code == 302
    world.meeting.refresh_from_db()
    assert world.meeting.status == "cancelled" and world.meeting.sequence == 1
    assert announced == [(world.meeting.pk, True)]
    content = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/meeting.ics").content
    assert b"METHOD:CANCEL" in content


def test_a_meeting_already_held_cannot_be_cancelled(world, announced):
    Meeting.objects.filter(pk=world.meeting.pk).update(status="held")
    response = world.client_for("carla").post(f"/n/vln/meetings/{world.meeting.pk}/cancel/")
    assert response.status_code == 400 and "was held" in response.content.decode()
    assert announced == []


def series_of_three(world):
    series = MeetingSeries.objects.create(network=world.network, title="Sessions")
    for weeks in (0, 8):
        start = world.meeting.start - timedelta(weeks=16 - weeks)
        Meeting.objects.create(
            network=world.network, series=series, title="Earlier", start=start, end=start + timedelta(hours=1)
        )
    Meeting.objects.filter(pk=world.meeting.pk).update(series=series)
    world.meeting.refresh_from_db()
    return series


def test_the_copy_form_proposes_the_series_usual_interval(world):
    series_of_three(world)  # a session every eight weeks
    page = world.client_for("carla").get(f"/n/vln/meetings/{world.meeting.pk}/copy/").content.decode()
    assert 'value="2030-05-05T16:00"' in page  # eight weeks after 10 March, at 16:00 in Nairobi


def test_copying_creates_the_next_meeting_with_the_agenda_moved_and_presenters_kept(world):
    series = series_of_three(world)
    topic = Topic.objects.create(network=world.network, slug="vl", name="Viral load")
    world.meeting.topics.set([topic])
    Meeting.objects.filter(pk=world.meeting.pk).update(minutes="Done.", sequence=3, capacity=50)
    item = AgendaItem.objects.create(
        meeting=world.meeting,
        start=world.meeting.start + timedelta(minutes=10),
        end=world.meeting.start + timedelta(minutes=40),
        kind="country",
        title="Kenya presents",
        country=world.kenya,
        moderator=world.carla,
        speakers="Dr A. Expert",
    )
    item.presenters.set([world.faith])
    Registration.objects.create(meeting=world.meeting, member=world.kim, status="registered")

    response = world.client_for("carla").post(
        f"/n/vln/meetings/{world.meeting.pk}/copy/", {"title": "Next session", "start": "2030-05-12T16:00"}
    )
    copy = Meeting.objects.get(title="Next session")
    assert response.status_code == 302
    assert copy.series == series and copy.copied_from_id == world.meeting.pk
    assert copy.start == datetime(2030, 5, 12, 13, 0, tzinfo=UTC) and copy.end - copy.start == timedelta(
        minutes=90
    )
    assert copy.uid != world.meeting.uid and copy.sequence == 0 and copy.status == "planned"
    assert (
        copy.join_url == world.meeting.join_url and copy.capacity == 50 and copy.time_zone == "Africa/Nairobi"
    )
    assert set(copy.countries.all()) == set(world.meeting.countries.all()) and list(copy.topics.all()) == [
        topic
    ]
    assert copy.minutes == "" and not copy.registrations.exists()
    (moved,) = copy.agenda.all()
    assert moved.start == copy.start + timedelta(minutes=10) and moved.title == "Kenya presents"
    assert list(moved.presenters.all()) == [world.faith] and moved.moderator == world.carla
    assert moved.speakers == "Dr A. Expert" and moved.country == world.kenya
    assert world.meeting.agenda.count() == 1  # the original keeps its own


def test_a_copy_needs_a_date_of_its_own(world):
    response = world.client_for("carla").post(
        f"/n/vln/meetings/{world.meeting.pk}/copy/", {"title": "Again", "start": "2030-03-10T16:00"}
    )
    assert response.status_code == 400 and "another time" in response.content.decode()
    assert not Meeting.objects.filter(title="Again").exists()


def test_coordinators_add_and_rename_topics_and_their_links_stay(world):
    client = world.client_for("carla")
    client.post("/n/vln/meetings/topics/", {"name": "Implication des usagers"})
    topic = Topic.objects.get(network=world.network)
    assert topic.slug == "implication-des-usagers"
    duplicate = client.post("/n/vln/meetings/topics/", {"name": "implication des usagers"})
    assert duplicate.status_code == 400 and "already has a topic" in duplicate.content.decode()
    client.post("/n/vln/meetings/topics/", {"topic": topic.pk, "name": "Consumer involvement"})
    topic.refresh_from_db()
    assert topic.name == "Consumer involvement" and topic.slug == "implication-des-usagers"
    assert world.client_for("faith").post("/n/vln/meetings/topics/", {"name": "Mine"}).status_code == 403


def test_a_meeting_cannot_carry_another_networks_topic(world):
    foreign = Topic.objects.create(network=world.other_network, slug="x", name="Elsewhere")
    response = world.client_for("carla").post("/n/vln/meetings/new/", form_data(world, topics=[foreign.pk]))
    assert response.status_code == 400
    assert not Meeting.objects.filter(title="Retention in care").exists()


def test_the_admin_saves_through_the_same_services(world, announced):
    from qicop.meetings.admin import MeetingAdmin

    admin = MeetingAdmin(Meeting, None)
    request = type("R", (), {"user": world.carla.user})()
    world.meeting.passcode = "new-code"
    admin.save_model(request, world.meeting, form=None, change=True)
    world.meeting.refresh_from_db()
    assert world.meeting.sequence == 1 and world.meeting.passcode == "new-code"
    assert announced == [(world.meeting.pk, False)]
    new = Meeting(
        network=world.network,
        title="From the admin",
        start=world.meeting.start,
        end=world.meeting.end,
        time_zone="UTC",
    )
    admin.save_model(request, new, form=None, change=False)
    assert Meeting.objects.get(title="From the admin").created_by == world.carla.user


def test_the_services_refuse_a_coordinator_of_another_network(world):
    from django.core.exceptions import PermissionDenied

    from personas import make_member
    from qicop.network.models import Role

    other = make_member(
        "c2@example.org",
        "Other Coordinator",
        world.kenya,
        network=world.other_network,
        roles=[Role.COORDINATOR],
    )
    with pytest.raises(PermissionDenied):
        agenda.update_meeting(actor=other.user, meeting=world.meeting, title="Hijacked")
