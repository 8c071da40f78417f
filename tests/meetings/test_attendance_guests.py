"""Deciding about the people of an attendance report: link them to members (the closest names offered
first), keep them as named guests, correct a wrong automatic match — and record a guest by hand, who then
has a certificate of attendance as members do. Unmatched rows nobody vouched for ("iPhone") have none."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qicop.core.models import AuditEntry
from qicop.meetings.delegations import documents
from qicop.meetings.models import Attendance

ZOOM = (
    b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    b"Kim Member,kim@example.org,03/10/2030 01:00:12 PM,03/10/2030 02:20:00 PM,80,No\n"
    b"Henri Haitien,,03/10/2030 01:05:00 PM,03/10/2030 02:30:00 PM,85,Yes\n"
    b"Henri H.,,03/10/2030 01:05:00 PM,03/10/2030 02:30:00 PM,60,Yes\n"
    b"Grace Visitor,,03/10/2030 01:10:00 PM,03/10/2030 01:40:00 PM,30,Yes\n"
    b"iPhone,,03/10/2030 01:10:00 PM,03/10/2030 01:50:00 PM,40,Yes\n"
)


def page_url(world):
    return f"/n/vln/meetings/{world.meeting.pk}/attendance/"


def certificate_url(world, row):
    return f"/n/vln/meetings/{world.meeting.pk}/attendance/{row.pk}/certificate.pdf"


@pytest.fixture
def imported(world):
    client = world.client_for("carla")
    response = client.post(page_url(world), {"report": SimpleUploadedFile("participants.csv", ZOOM)})
    assert response.status_code == 302
    return client


def row(name) -> Attendance:
    return Attendance.objects.get(name=name)


def test_an_unmatched_person_is_kept_as_a_named_guest_shown_and_counted_as_such(world, imported):
    response = imported.post(page_url(world), {"do": f"guest:{row('Grace Visitor').pk}"})
    assert response.status_code == 302
    grace = row("Grace Visitor")
    assert grace.member is None and grace.matched_by == "guest"
    page = imported.get(page_url(world)).content.decode()
    assert "Guest" in page and "not a member" in page
    # 5 people: Kim and Henri matched, Grace a guest, "Henri H." and "iPhone" still not matched
    assert "<strong>1</strong> guests (not members)" in page
    assert "<strong>2</strong> not matched to a member" in page
    assert AuditEntry.objects.filter(verb="meeting.attendance_guest").exists()


def test_the_matchers_suggestions_are_offered_first_for_an_unmatched_person(world, imported):
    page = imported.get(page_url(world)).content.decode()
    henri_h = row("Henri H.")
    assert henri_h.member is None  # too far from "Henri Haitien" to be linked without a person deciding
    line = page.split(f'<tr id="row-{henri_h.pk}">', 1)[1].split("</tr>", 1)[0]
    assert f'value="link:{henri_h.pk}:{world.henri.pk}"' in line
    assert f"Link to {world.henri.full_name}" in line
    imported.post(page_url(world), {"do": f"link:{henri_h.pk}:{world.henri.pk}"})  # the button
    assert row("Henri H.").member == world.henri and row("Henri H.").matched_by == "hand"


def test_a_wrong_automatic_match_is_unlinked_and_stays_unlinked_after_a_reimport(world, imported):
    assert row("Henri Haitien").matched_by == "name"
    imported.post(page_url(world), {"do": f"unlink:{row('Henri Haitien').pk}"})
    assert row("Henri Haitien").member is None and row("Henri Haitien").matched_by == "unlinked"
    imported.post(page_url(world), {"report": SimpleUploadedFile("participants.csv", ZOOM)})
    assert row("Henri Haitien").member is None


def test_a_wrong_automatic_match_is_linked_to_another_member_and_stays_so_after_a_reimport(world, imported):
    imported.post(page_url(world), {"attendance": row("Henri Haitien").pk, "member": world.dan.pk})
    imported.post(page_url(world), {"report": SimpleUploadedFile("participants.csv", ZOOM)})
    assert row("Henri Haitien").member == world.dan and row("Henri Haitien").matched_by == "hand"


def test_a_guest_stays_a_guest_after_a_reimport(world, imported):
    imported.post(page_url(world), {"attendance": row("Grace Visitor").pk, "op": "guest"})
    imported.post(page_url(world), {"report": SimpleUploadedFile("participants.csv", ZOOM)})
    assert row("Grace Visitor").matched_by == "guest"


def test_linking_without_choosing_a_member_is_answered_400_with_the_reason(world, imported):
    response = imported.post(page_url(world), {"attendance": row("iPhone").pk, "op": "link", "member": ""})
    assert response.status_code == 400
    assert "Choose the member to link" in response.content.decode()
    assert row("iPhone").member is None


def test_a_button_naming_a_row_of_another_meeting_finds_nothing(world, imported):
    from qicop.meetings.models import Meeting

    other = Meeting.objects.create(
        network=world.network, title="Other", start=world.meeting.start, end=world.meeting.end
    )
    foreign = Attendance.objects.create(meeting=other, name="Elsewhere", source="zoom")
    assert imported.post(page_url(world), {"do": f"guest:{foreign.pk}"}).status_code == 404
    assert imported.post(page_url(world), {"do": "guest:x"}).status_code == 404


def test_only_coordinators_decide_about_attendance_rows(world, imported):
    response = world.client_for("faith").post(
        page_url(world), {"attendance": row("iPhone").pk, "op": "guest"}
    )
    assert response.status_code == 403
    assert row("iPhone").matched_by == ""


def test_a_confirmed_guest_has_a_certificate_an_unmatched_row_has_none(world, imported):
    carla = imported
    assert carla.get(certificate_url(world, row("iPhone"))).status_code == 404
    carla.post(page_url(world), {"attendance": row("Grace Visitor").pk, "op": "guest"})
    response = carla.get(certificate_url(world, row("Grace Visitor")))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    # a member cannot download a guest's certificate: only coordinators hand it over
    assert world.client_for("kim").get(certificate_url(world, row("Grace Visitor"))).status_code == 404


def test_a_guest_recorded_by_hand_is_stored_with_name_email_and_minutes(world):
    client = world.client_for("carla")
    response = client.post(
        f"/n/vln/meetings/{world.meeting.pk}/attendance/record/",
        {"guest_name": "  Amara   Okafor ", "guest_email": "amara@partner.example", "minutes": "45"},
    )
    assert response.status_code == 302
    guest = Attendance.objects.get(meeting=world.meeting, member=None)
    assert (guest.name, guest.email, guest.minutes, guest.source, guest.matched_by) == (
        "Amara Okafor",
        "amara@partner.example",
        45,
        "manual",
        "guest",
    )
    page = client.get(f"/n/vln/meetings/{world.meeting.pk}/attendance/record/").content.decode()
    assert "Amara Okafor" in page and "(guest)" in page


def test_recording_needs_a_member_or_a_guests_name_and_not_both(world):
    client = world.client_for("carla")
    record = f"/n/vln/meetings/{world.meeting.pk}/attendance/record/"
    empty = client.post(record, {"minutes": "30"})
    assert empty.status_code == 400 and "type the guest" in empty.content.decode()
    both = client.post(record, {"member": world.kim.pk, "guest_name": "Amara Okafor"})
    assert both.status_code == 400 and "not both" in both.content.decode()
    client.post(record, {"guest_name": "Amara Okafor"})
    twice = client.post(record, {"guest_name": "amara okafor"})
    assert twice.status_code == 400 and "already recorded" in twice.content.decode()
    assert Attendance.objects.filter(meeting=world.meeting).count() == 1


def test_a_guest_recorded_by_hand_gets_a_verifiable_certificate_in_their_name(world):
    client = world.client_for("carla")
    client.post(f"/n/vln/meetings/{world.meeting.pk}/attendance/record/", {"guest_name": "Amara Okafor"})
    guest = Attendance.objects.get(meeting=world.meeting, member=None)
    response = client.get(certificate_url(world, guest))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert "Amara Okafor" in documents.certificate_html(guest)
    code = documents.certificate_code(guest)
    verified = Client().get(f"/certificates/verify/?code={quote(code)}").content.decode()
    assert "This certificate is genuine" in verified and "Amara Okafor" in verified


def test_a_guest_certificate_is_no_longer_genuine_once_the_row_is_unlinked(world, imported):
    imported.post(page_url(world), {"attendance": row("Grace Visitor").pk, "op": "guest"})
    code = documents.certificate_code(row("Grace Visitor"))
    assert documents.attendance_for_code(code) == row("Grace Visitor")
    # a re-import renumbers the rows; the code still finds the guest by name
    imported.post(page_url(world), {"report": SimpleUploadedFile("participants.csv", ZOOM)})
    assert documents.attendance_for_code(code) == row("Grace Visitor")
    imported.post(page_url(world), {"attendance": row("Grace Visitor").pk, "op": "unlink"})
    assert documents.attendance_for_code(code) is None
