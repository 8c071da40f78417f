"""Attendance of a meeting from the Zoom or Teams report, matched to members."""

import re
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qicop.meetings.models import Attendance, Meeting

ZOOM = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Kim Member,kim@example.org,03/10/2030 01:00:12 PM,03/10/2030 02:20:00 PM,80,No\n"
    "Henri Haitien,,03/10/2030 01:05:00 PM,03/10/2030 02:30:00 PM,85,Yes\n"
    "Someone Else,,03/10/2030 01:10:00 PM,03/10/2030 01:40:00 PM,30,Yes\n"
)


def upload(client, world, content: bytes, name="participants.csv", *, confirm=True):
    """Upload a report; where the meeting already has attendance, confirm the replacement (or not)."""
    url = f"/n/vln/meetings/{world.meeting.pk}/attendance/"
    response = client.post(url, {"report": SimpleUploadedFile(name, content)})
    token = re.search(r'name="pending" value="([^"]+)"', response.content.decode())
    if token and confirm:
        return client.post(url, {"pending": token.group(1), "confirm": "replace"})
    return response


def pending_files(world) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "attendance-pending" / str(world.meeting.pk)
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


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


SHORTER = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Kim Member,kim@example.org,03/10/2030 01:00:12 PM,03/10/2030 02:20:00 PM,80,No\n"
)


def test_importing_over_an_attendance_record_asks_first_and_shows_what_would_be_replaced(world):
    client = world.client_for("carla")
    upload(client, world, ZOOM.encode())
    before = sorted(Attendance.objects.values_list("pk", "name", "member_id", "minutes"))
    response = upload(client, world, SHORTER.encode(), confirm=False)
    page = response.content.decode()
    assert response.status_code == 200 and "Replace the attendance?" in page
    counts = re.findall(r'<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td>', page)
    assert counts == [("People", "3", "1"), ("Matched to members", "2", "1")]
    assert "Importing this Zoom report replaces" in page
    # Nothing changed yet; the file waits on the server, not in the page.
    assert sorted(Attendance.objects.values_list("pk", "name", "member_id", "minutes")) == before
    assert len(pending_files(world)) == 1
    token = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    response = client.post(
        f"/n/vln/meetings/{world.meeting.pk}/attendance/", {"pending": token, "confirm": "replace"}
    )
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("name", flat=True)) == ["Kim Member"]
    assert pending_files(world) == []


def test_cancelling_a_replacement_changes_nothing_and_forgets_the_file(world):
    client = world.client_for("carla")
    upload(client, world, ZOOM.encode())
    before = sorted(Attendance.objects.values_list("pk", "minutes"))
    page = upload(client, world, SHORTER.encode(), confirm=False).content.decode()
    token = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    url = f"/n/vln/meetings/{world.meeting.pk}/attendance/"
    assert client.post(url, {"pending": token, "confirm": "cancel"}).status_code == 302
    assert sorted(Attendance.objects.values_list("pk", "minutes")) == before
    assert pending_files(world) == []
    # The cancelled upload cannot be confirmed afterwards.
    response = client.post(url, {"pending": token, "confirm": "replace"})
    assert response.status_code == 400 and "choose the file again" in response.content.decode()
    assert sorted(Attendance.objects.values_list("pk", "minutes")) == before


def test_a_pending_upload_is_confirmed_only_for_its_own_meeting_and_a_forged_token_is_refused(world):
    client = world.client_for("carla")
    upload(client, world, ZOOM.encode())
    page = upload(client, world, SHORTER.encode(), confirm=False).content.decode()
    token = re.search(r'name="pending" value="([^"]+)"', page).group(1)
    other = Meeting.objects.create(
        network=world.network, title="Another session", start=world.meeting.start, end=world.meeting.end
    )
    for meeting_id, forged in (
        (other.pk, token),
        (world.meeting.pk, "../../secret_key"),
        (world.meeting.pk, "x"),
    ):
        response = client.post(
            f"/n/vln/meetings/{meeting_id}/attendance/", {"pending": forged, "confirm": "replace"}
        )
        assert response.status_code == 400
    assert not Attendance.objects.filter(meeting=other).exists()
    assert Attendance.objects.filter(meeting=world.meeting).count() == 3
    client.post(f"/n/vln/meetings/{world.meeting.pk}/attendance/", {"pending": token, "confirm": "cancel"})
    assert pending_files(world) == []


def test_a_bad_file_over_an_existing_record_is_refused_without_a_confirmation(world):
    client = world.client_for("carla")
    upload(client, world, ZOOM.encode())
    response = upload(client, world, b"a,b,c\n1,2,3\n", confirm=False)
    assert response.status_code == 400 and "Replace the attendance?" not in response.content.decode()
    assert Attendance.objects.count() == 3 and pending_files(world) == []
