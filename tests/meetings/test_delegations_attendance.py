"""Attendance recorded by hand: coordinators mark a member present, once."""

from qicop.core.models import AuditEntry
from qicop.meetings.models import Attendance


def url(world):
    return f"/n/vln/meetings/{world.meeting.pk}/attendance/record/"


def test_a_coordinator_records_a_member_present_for_the_whole_meeting(world):
    response = world.client_for("carla").post(url(world), {"member": world.henri.pk, "minutes": ""})
    assert response.status_code == 302
    row = Attendance.objects.get()
    assert (row.member, row.source, row.matched_by) == (world.henri, "manual", "hand")
    assert row.minutes == 90  # 13:00 to 14:30
    assert row.name == "Henri Haïtien" and row.email == "henri@example.org"
    assert AuditEntry.objects.filter(verb="meeting.attendance_record").exists()


def test_minutes_may_be_given(world):
    world.client_for("carla").post(url(world), {"member": world.kim.pk, "minutes": "45"})
    assert Attendance.objects.get().minutes == 45


def test_a_member_already_recorded_is_not_recorded_twice(world):
    Attendance.objects.create(
        meeting=world.meeting, member=world.kim, name="Kim M.", minutes=70, source="zoom"
    )
    response = world.client_for("carla").post(url(world), {"member": world.kim.pk, "minutes": "30"})
    assert response.status_code == 400
    assert "Kim Member is already recorded as attending this meeting" in response.content.decode()
    assert Attendance.objects.count() == 1


def test_bad_minutes_are_explained_and_kept(world):
    response = world.client_for("carla").post(url(world), {"member": world.kim.pk, "minutes": "-5"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "greater than or equal to 1" in page and 'value="-5"' in page
    assert not Attendance.objects.exists()


def test_only_coordinators_record_attendance_by_hand(world):
    for persona in ("faith", "dan", "kim"):
        assert world.client_for(persona).post(url(world), {"member": world.kim.pk}).status_code == 403
    assert not Attendance.objects.exists()


def test_the_meeting_page_links_coordinators_to_recording_and_statistics(world):
    page = world.client_for("carla").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert url(world) in page and "/n/vln/meetings/statistics/" in page
    page = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert url(world) not in page


def test_the_people_offered_are_the_participating_countries_members_and_the_coordinators(world):
    page = world.client_for("carla").get(url(world)).content.decode()
    assert "Henri Haïtien" in page and "Kim Member" in page and "Carla Coordinator" in page
    assert "Olga Observer" not in page  # Namibia does not take part in this meeting


def test_the_whole_of_a_meeting_of_several_days_is_its_daily_hours_added_up(world):
    from datetime import UTC, datetime

    from qicop.meetings.models import Meeting

    # Tuesday to Thursday, 08:30–17:00 in Nairobi (05:30–14:00 UTC): three days of 8.5 hours.
    Meeting.objects.filter(pk=world.meeting.pk).update(
        kind=Meeting.Kind.IN_PERSON,
        city="Nairobi",
        start=datetime(2029, 10, 9, 5, 30, tzinfo=UTC),
        end=datetime(2029, 10, 11, 14, tzinfo=UTC),
    )
    world.client_for("carla").post(url(world), {"member": world.henri.pk, "minutes": ""})
    assert Attendance.objects.get().minutes == 3 * 8.5 * 60  # not the 3,390 minutes from first to last
