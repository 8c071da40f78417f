"""Crafted ids and dates on the meetings pages get a 404 or a form error, never a 500.

"²" passes ``str.isdigit`` but not ``int``; a date near the end of the calendar overflows when days are
added to it."""

import pytest

from qicop.meetings.models import ActionItem, Attendance


@pytest.mark.parametrize("bad", ["²", "١٢", "9" * 40, "abc", "-1"])
def test_crafted_attendance_ids_are_not_found(world, bad):
    Attendance.objects.create(meeting=world.meeting, name="Kim", minutes=30, source="zoom")
    carla = world.client_for("carla")
    page = f"/n/vln/meetings/{world.meeting.pk}/attendance/"
    assert carla.post(page, {"do": f"guest:{bad}"}).status_code == 404
    assert carla.post(page, {"attendance": bad, "member": world.kim.pk}).status_code == 404


@pytest.mark.parametrize("bad", ["²", "9" * 40, "abc"])
def test_crafted_action_and_decision_ids_are_not_found(world, bad):
    ActionItem.objects.create(meeting=world.meeting, description="Share the SOP")
    carla = world.client_for("carla")
    page = f"/n/vln/meetings/{world.meeting.pk}/minutes/"
    assert carla.get(page, {"edit_action": bad}).status_code == 404
    assert carla.post(page, {"form": "status", "action": bad, "status": "done"}).status_code == 404


@pytest.mark.parametrize("bad", ["²", "9" * 40, "abc"])
def test_a_crafted_series_id_shows_the_empty_find_a_time_form(world, bad):
    response = world.client_for("kim").get("/n/vln/meetings/find-a-time/", {"series": bad})
    assert response.status_code == 200


def test_a_first_day_at_the_end_of_the_calendar_is_explained(world):
    response = world.client_for("kim").get(
        "/n/vln/meetings/find-a-time/",
        {"countries": ["KE", "HT"], "duration": 60, "first_day": "9999-12-30", "days": 3},
    )
    assert response.status_code == 400
    assert "between the years 1990 and 2199" in response.content.decode()
