"""Real Zoom and Teams exports go through the attendance page as a coordinator uploads them, and their
people are stored and matched; a file over the size limit is refused with the reason, nothing stored.

The samples sit beside the repository (``../shared/formats``) and are read from there, never copied in; a
fresh clone without them skips the tests that need them.
"""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from personas import make_member
from qicop.meetings.attendance.services import MAX_BYTES
from qicop.meetings.models import Attendance
from qicop.network.models import Role


@pytest.fixture
def shared_formats() -> Path:
    """The real sample files (``shared/formats``), which sit beside the repository, not inside it."""
    repository = Path(__file__).resolve().parents[2]
    formats = repository.parent / "shared" / "formats"
    if formats.is_dir():
        return formats
    pytest.skip(
        "shared/formats is absent (a fresh clone): the real Zoom and Teams exports live beside the repository"
    )


def page(world):
    return f"/n/vln/meetings/{world.meeting.pk}/attendance/"


def upload(client, world, path: Path):
    return client.post(page(world), {"report": SimpleUploadedFile(path.name, path.read_bytes())}, follow=True)


def test_a_utf16_teams_report_is_imported_and_matched_by_email(world, shared_formats):
    sample = shared_formats / "teams-attendance" / "IDL-14-11-22.csv"
    assert sample.read_bytes()[:2] == b"\xfe\xff"  # UTF-16 with its byte-order mark, as Teams saves it
    pedro = make_member(
        "pgsimon@spain.es", "Pedro García Simón", world.kenya, network=world.network, roles=[Role.MEMBER]
    )
    response = upload(world.client_for("carla"), world, sample)
    assert response.status_code == 200
    assert "7 people read from the Microsoft Teams report; 1 matched to members." in response.content.decode()
    rows = Attendance.objects.filter(meeting=world.meeting)
    assert rows.count() == 7 and {r.source for r in rows} == {"teams"}
    row = rows.get(name="García Simón, Pedro")
    assert (row.member, row.matched_by, row.minutes) == (pedro, "email", 19.4)
    assert row.first_joined is not None


def test_a_legacy_utf16_teams_list_with_tabs_merges_each_persons_stays(world, shared_formats):
    sample = shared_formats / "teams-attendance" / "dominikhoebert" / "meetingAttendanceList.csv"
    assert sample.read_bytes()[:2] == b"\xff\xfe"  # UTF-16LE
    response = upload(world.client_for("carla"), world, sample)
    assert response.status_code == 200
    rows = Attendance.objects.filter(meeting=world.meeting)
    assert rows.count() == 5
    assert rows.get(name="Müller Hans").minutes == 25.6  # six stays, one row


def test_a_zoom_report_is_imported_and_matched_by_name(world, shared_formats):
    sample = shared_formats / "zoom-participants" / "participants_heroes.csv"
    loki = make_member(
        "loki@example.org", "Loki Laufeyson", world.kenya, network=world.network, roles=[Role.MEMBER]
    )
    response = upload(world.client_for("carla"), world, sample)
    assert response.status_code == 200
    assert "27 people read from the Zoom report" in response.content.decode()
    rows = Attendance.objects.filter(meeting=world.meeting)
    assert rows.count() == 27 and {r.source for r in rows} == {"zoom"}
    row = rows.get(name="015_Loki (Loki Laufeyson)")
    assert (row.member, row.matched_by) == (loki, "name")
    assert rows.get(name="003_Power Girl (Kara Zor-L)").minutes == 114.5  # two overlapping stays, merged


def test_the_zoom_report_with_its_meeting_block_on_top_is_imported_too(world, shared_formats):
    sample = shared_formats / "zoom-participants" / "participants_heroes_full.csv"
    assert upload(world.client_for("carla"), world, sample).status_code == 200
    assert Attendance.objects.filter(meeting=world.meeting).count() == 27


def test_a_file_over_the_size_limit_is_refused_with_the_reason_and_nothing_changes(world, shared_formats):
    client = world.client_for("carla")
    upload(client, world, shared_formats / "zoom-participants" / "participants_heroes.csv")
    before = list(Attendance.objects.filter(meeting=world.meeting).values_list("pk", flat=True))
    too_large = SimpleUploadedFile("participants.csv", b"Name,User Email\n" + b"x" * MAX_BYTES)
    response = client.post(page(world), {"report": too_large})
    assert response.status_code == 400
    assert "The file is too large: an attendance report is at most 5 MB." in response.content.decode()
    assert list(Attendance.objects.filter(meeting=world.meeting).values_list("pk", flat=True)) == before


def test_the_size_limit_holds_without_the_samples_too(world):
    too_large = SimpleUploadedFile("participants.csv", b"x" * (MAX_BYTES + 1))
    response = world.client_for("carla").post(page(world), {"report": too_large})
    assert response.status_code == 400 and "at most 5 MB" in response.content.decode()
    assert not Attendance.objects.exists()


def test_the_page_of_a_report_of_two_hundred_people_stays_under_100_kb(world, shared_formats):
    client = world.client_for("carla")
    upload(client, world, shared_formats / "zoom-participants" / "example.csv")  # Japanese names, 204 people
    assert Attendance.objects.filter(meeting=world.meeting).count() == 204
    response = client.get(page(world))
    assert response.status_code == 200 and len(response.content) < 100 * 1024
