"""Minutes, decisions and actions; open actions carry forward to the next meeting of the series."""

from datetime import UTC, datetime

from qicop.meetings.models import ActionItem, Meeting, MeetingSeries


def url(world, meeting=None):
    return f"/n/vln/meetings/{(meeting or world.meeting).pk}/minutes/"


def test_a_coordinator_writes_minutes_shown_safely_on_the_meeting_page(world):
    client = world.client_for("carla")
    client.post(url(world), {"form": "minutes", "minutes": "**Kenya** presented.<script>alert(1)</script>"})
    page = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "<strong>Kenya</strong> presented." in page
    assert "<script>alert(1)" not in page


def test_decisions_and_actions_are_recorded_and_closed(world):
    client = world.client_for("carla")
    client.post(url(world), {"form": "decision", "text": "Share the retention toolkit"})
    client.post(
        url(world),
        {"form": "action", "description": "Send the toolkit", "owner": world.faith.pk, "due": "2030-04-01"},
    )
    action = ActionItem.objects.get()
    assert action.owner == world.faith and action.country == world.kenya
    client.post(url(world), {"form": "status", "action": action.pk, "status": "done"})
    action.refresh_from_db()
    assert action.status == "done"
    page = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "Share the retention toolkit" in page and "Send the toolkit" in page


def test_open_actions_carry_forward_to_the_next_meeting_of_the_series(world):
    series = MeetingSeries.objects.create(network=world.network, title="Sessions")
    Meeting.objects.filter(pk=world.meeting.pk).update(series=series)
    later = Meeting.objects.create(
        network=world.network,
        series=series,
        title="Next session",
        start=datetime(2030, 5, 12, 13, tzinfo=UTC),
        end=datetime(2030, 5, 12, 14, tzinfo=UTC),
    )
    ActionItem.objects.create(meeting=world.meeting, description="Still to do")
    ActionItem.objects.create(meeting=world.meeting, description="Finished", status="done")
    page = world.client_for("kim").get(f"/n/vln/meetings/{later.pk}/").content.decode()
    assert "Open actions from earlier sessions" in page
    assert "Still to do" in page and "Finished" not in page


def test_only_coordinators_write_minutes(world):
    response = world.client_for("faith").post(url(world), {"form": "minutes", "minutes": "x"})
    assert response.status_code == 403
    world.meeting.refresh_from_db()
    assert world.meeting.minutes == ""


def test_an_invalid_action_redisplays_the_form(world):
    response = world.client_for("carla").post(
        url(world), {"form": "action", "description": "", "due": "soon"}
    )
    assert response.status_code == 400
    assert 'value="soon"' in response.content.decode()
