"""Attendance of a meeting from the Zoom or Teams report, matched to members."""

from django.core.files.uploadedfile import SimpleUploadedFile

from qicop.meetings.models import Attendance

ZOOM = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Kim Member,kim@example.org,03/10/2030 01:00:12 PM,03/10/2030 02:20:00 PM,80,No\n"
    "Henri Haitien,,03/10/2030 01:05:00 PM,03/10/2030 02:30:00 PM,85,Yes\n"
    "Someone Else,,03/10/2030 01:10:00 PM,03/10/2030 01:40:00 PM,30,Yes\n"
)


def upload(client, world, content: bytes, name="participants.csv"):
    return client.post(
        f"/n/vln/meetings/{world.meeting.pk}/attendance/", {"report": SimpleUploadedFile(name, content)}
    )


def test_a_zoom_report_is_matched_by_email_then_by_name(world):
    response = upload(world.client_for("carla"), world, ZOOM.encode())
    assert response.status_code == 302
    rows = {a.name: a for a in Attendance.objects.all()}
    assert rows["Kim Member"].member == world.kim and rows["Kim Member"].matched_by == "email"
    assert rows["Henri Haitien"].member == world.henri and rows["Henri Haitien"].matched_by == "name"
    assert rows["Someone Else"].member is None
    assert rows["Kim Member"].minutes == 80


def test_unmatched_people_are_linked_by_hand_and_stay_linked_after_a_reimport(world):
    client = world.client_for("carla")
    upload(client, world, ZOOM.encode())
    stranger = Attendance.objects.get(name="Someone Else")
    page = client.get(f"/n/vln/meetings/{world.meeting.pk}/attendance/").content.decode()
    assert "Link to a member" in page
    client.post(
        f"/n/vln/meetings/{world.meeting.pk}/attendance/",
        {"attendance": stranger.pk, "member": world.olga.pk},
    )
    upload(client, world, ZOOM.encode())
    assert Attendance.objects.get(name="Someone Else").member == world.olga
    assert Attendance.objects.count() == 3


def test_a_file_that_is_no_attendance_report_is_refused_with_the_reason(world):
    response = upload(world.client_for("carla"), world, b"a,b,c\n1,2,3\n")
    assert response.status_code == 400
    assert "Zoom" in response.content.decode()
    assert not Attendance.objects.exists()


def test_only_coordinators_record_attendance(world):
    assert upload(world.client_for("faith"), world, ZOOM.encode()).status_code == 403
    assert not Attendance.objects.exists()


def test_a_report_replaces_what_was_recorded_by_hand_for_the_same_member(world):
    Attendance.objects.create(
        meeting=world.meeting, member=world.kim, name="Kim Member", minutes=90, source="manual"
    )
    Attendance.objects.create(
        meeting=world.meeting, member=world.faith, name="Faith Focal", minutes=90, source="manual"
    )
    upload(world.client_for("carla"), world, ZOOM.encode())
    kim = Attendance.objects.filter(meeting=world.meeting, member=world.kim)
    assert [(a.source, a.minutes) for a in kim] == [("zoom", 80)]
    # someone recorded by hand and absent from the report keeps the hand-made row
    assert Attendance.objects.filter(member=world.faith, source="manual").exists()
