"""Certificates of attendance: for the member who attended and for coordinators, with a code anyone can
verify."""

import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qicop.meetings.delegations import documents
from qicop.meetings.models import Attendance, Meeting


@pytest.fixture
def attended(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(status=Meeting.Status.HELD)
    world.meeting.refresh_from_db()
    return Attendance.objects.create(
        meeting=world.meeting, member=world.kim, name="Kim Member", minutes=80.4, source="zoom"
    )


def url(world, row):
    return f"/n/vln/meetings/{world.meeting.pk}/attendance/{row.pk}/certificate.pdf"


def test_the_member_who_attended_and_coordinators_download_the_certificate(world, attended):
    for persona in ("kim", "carla"):
        response = world.client_for(persona).get(url(world, attended))
        assert response.status_code == 200, persona
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")


def test_nobody_else_learns_that_the_certificate_exists(world, attended):
    for persona in ("faith", "dan", "henri"):
        assert world.client_for(persona).get(url(world, attended)).status_code == 404, persona


def test_unmatched_attendance_has_no_certificate(world):
    row = Attendance.objects.create(meeting=world.meeting, name="iPhone", minutes=30, source="zoom")
    assert world.client_for("carla").get(url(world, row)).status_code == 404


def test_the_certificate_names_the_person_the_meeting_its_date_the_minutes_and_a_code(world, attended):
    html = documents.certificate_html(attended)
    assert "Kim Member" in html and "Reaching the second 95" in html
    assert "Mar 10, 2030" in html  # in the meeting's time zone (Nairobi)
    assert "Time attended: 80 minutes" in html
    code = documents.certificate_code(attended)
    assert code in html and "/certificates/verify/?code=" in html


def test_a_genuine_code_is_confirmed_publicly_with_name_and_meeting_only(world, attended):
    code = documents.certificate_code(attended)
    page = Client().get(f"/certificates/verify/?code={quote(code)}").content.decode()
    assert "This certificate is genuine" in page
    assert "Kim Member" in page and "Reaching the second 95" in page
    assert "kim@example.org" not in page
    # The minutes attended stay private. (Look for the phrase, not a bare "80": the page's
    # random CSRF token may contain those two digits.)
    assert "Time attended" not in page and "80 min" not in page


def test_a_forged_or_mistyped_code_is_not_genuine(world, attended):
    code = documents.certificate_code(attended)
    forged = code.replace(f"{attended.pk}-", f"{attended.pk + 1}-", 1)
    for bad in (forged, code[:-2], "nonsense"):
        page = Client().get(f"/certificates/verify/?code={quote(bad)}").content.decode()
        assert "This code is not genuine" in page and "Kim Member" not in page


def test_a_certificate_stays_genuine_after_the_report_is_imported_again(world, attended):
    code = documents.certificate_code(attended)
    report = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Kim Member,kim@example.org,03/10/2030 01:00:12 PM,03/10/2030 02:20:00 PM,80,No\n"
    )
    url = f"/n/vln/meetings/{world.meeting.pk}/attendance/"
    client = world.client_for("carla")
    confirm = client.post(url, {"report": SimpleUploadedFile("participants.csv", report.encode())})
    token = re.search(r'name="pending" value="([^"]+)"', confirm.content.decode()).group(1)
    client.post(url, {"pending": token, "confirm": "replace"})
    assert not Attendance.objects.filter(pk=attended.pk).exists()  # the import replaced the row
    assert documents.attendance_for_code(code).member == world.kim


def test_a_withdrawn_attendance_voids_the_certificate(world, attended):
    code = documents.certificate_code(attended)
    attended.delete()
    assert documents.attendance_for_code(code) is None


def test_the_meeting_page_offers_the_certificate_to_those_who_attended(world, attended):
    link = url(world, attended)
    assert link in world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert link not in world.client_for("henri").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()


def test_a_french_members_certificate_is_in_french(world, attended):
    world.kim.user.language = "fr"
    world.kim.user.save()
    attended.refresh_from_db()
    html = documents.certificate_html(attended)
    assert 'lang="fr"' in html and "10 mars 2030" in html


def test_the_verification_page_dates_the_meeting_as_the_certificate_does(world, attended):
    # 22:30 UTC on 10 March is 01:30 on 11 March in Nairobi, where the meeting was held.
    Meeting.objects.filter(pk=world.meeting.pk).update(
        start=datetime(2030, 3, 10, 22, 30, tzinfo=UTC), end=datetime(2030, 3, 11, 0, 0, tzinfo=UTC)
    )
    attended.refresh_from_db()
    assert "Mar 11, 2030" in documents.certificate_html(attended)
    code = documents.certificate_code(attended)
    page = Client().get(f"/certificates/verify/?code={quote(code)}").content.decode()
    assert "on Mar 11, 2030." in page
