"""Case presentations, Project ECHO's way: the coordinator assigns a country, its focal point sends the
presentation and the question by the deadline (late is accepted, marked late), the coordinator approves or
asks for changes, and after the session the peers' recommendations are recorded."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from qicop.meetings.models import AgendaItem, CasePresentation, Material, Meeting

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _remove_stored_files():
    root = Path(settings.PRIVATE_ROOT) / "materials"

    def files():
        return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    before = files()
    yield
    for path in files() - before:
        path.unlink()


def meeting_url(world):
    return f"/n/vln/meetings/{world.meeting.pk}/"


def case_url(world, case):
    return f"{meeting_url(world)}cases/{case.pk}/"


def assign(world, **overrides):
    data = {"country": world.kenya.pk, "deadline": "2030-03-03T17:00"}
    data.update(overrides)
    return world.client_for("carla").post(f"{meeting_url(world)}cases/new/", data)


def kenya_case(world, **fields) -> CasePresentation:
    fields.setdefault("deadline", datetime(2030, 3, 3, 14, tzinfo=UTC))
    return CasePresentation.objects.create(meeting=world.meeting, country=world.kenya, **fields)


def submit(world, case, persona="faith", content=PDF, **overrides):
    data = {"form": "submit", "title": "Losing people after testing", "question": "How do you keep them?"}
    if content is not None:
        data["presentation"] = SimpleUploadedFile("case.pdf", content)
    data.update(overrides)
    return world.client_for(persona).post(case_url(world, case), data)


def review(world, case, decision, comment=""):
    return world.client_for("carla").post(
        case_url(world, case), {"form": "review", "decision": decision, "comment": comment}
    )


def test_a_coordinator_assigns_a_participating_country_with_a_deadline_read_in_her_own_zone(world):
    # Carla works in Bangkok; the meeting's organiser is in Nairobi. She types 17:00 and means Bangkok's.
    form = world.client_for("carla").get(f"{meeting_url(world)}cases/new/").content.decode()
    assert "Deadline (Bangkok, UTC+7, your time zone)" in form
    assert 'type="datetime-local"' in form
    response = assign(world)
    case = CasePresentation.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(case_url(world, case))
    assert case.country == world.kenya and case.status == "assigned"
    assert case.deadline == datetime(2030, 3, 3, 10, 0, tzinfo=UTC)  # 17:00 in Bangkok, not in Nairobi


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"country": "namibia"}, "Select a valid choice"),
        ({"deadline": "2030-03-11T09:00"}, "The deadline must come before the meeting starts."),
        ({"deadline": "soon"}, "Enter a date and time such as"),
    ],
)
def test_a_bad_assignment_is_explained(world, overrides, message):
    if overrides.get("country") == "namibia":
        overrides["country"] = world.namibia.pk  # in the network, not at this meeting
    response = assign(world, **overrides)
    assert response.status_code == 400 and message in response.content.decode()
    assert not CasePresentation.objects.exists()


def test_a_country_presents_one_case_per_meeting(world):
    kenya_case(world)
    response = assign(world)
    assert (
        response.status_code == 400 and "Kenya already has a case presentation" in response.content.decode()
    )


def test_the_case_can_sit_on_an_agenda_item_of_kind_case(world):
    item = AgendaItem.objects.create(
        meeting=world.meeting,
        start=world.meeting.start,
        end=world.meeting.end,
        kind="case",
        title="Kenya's case",
    )
    assign(world, agenda_item=item.pk)
    assert CasePresentation.objects.get().agenda_item == item
    other = AgendaItem.objects.create(
        meeting=world.meeting, start=world.meeting.start, end=world.meeting.end, kind="expert", title="Expert"
    )
    assert assign(world, country=world.haiti.pk, agenda_item=other.pk).status_code == 400


def test_the_focal_point_is_told_on_the_meeting_page_when_the_case_is_due(world):
    case = kenya_case(world)
    page = world.client_for("faith").get(meeting_url(world)).content.decode()
    assert "case presentation is due on" in page and case_url(world, case) in page
    assert (
        "case presentation is due on" not in world.client_for("kim").get(meeting_url(world)).content.decode()
    )
    panel = world.client_for("henri").get(meeting_url(world)).content.decode()
    assert "Case presentations" in panel and "Assigned" in panel


def test_the_focal_point_submits_the_presentation_and_the_question(world):
    case = kenya_case(world)
    response = submit(world, case)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted" and case.title == "Losing people after testing"
    assert case.question == "How do you keep them?" and case.submitted_at is not None
    assert case.presentation.kind == Material.Kind.SLIDES and case.presentation.meeting == world.meeting
    page = world.client_for("kim").get(case_url(world, case)).content.decode()
    assert "How do you keep them?" in page and "Download the presentation" in page and "late" not in page


def test_a_file_that_is_not_a_presentation_is_refused_with_the_reason_and_the_typed_text_kept(world):
    case = kenya_case(world)
    response = submit(world, case, content=b"MZ\x90\x00 not slides at all")
    page = response.content.decode()
    assert response.status_code == 400
    assert "whatever its name says" in page
    assert 'value="Losing people after testing"' in page and "How do you keep them?" in page
    case.refresh_from_db()
    assert case.status == "assigned" and not Material.objects.exists()


def test_the_first_submission_needs_the_file(world):
    case = kenya_case(world)
    response = submit(world, case, content=None)
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_a_late_submission_is_accepted_and_marked_late(world):
    case = kenya_case(world, deadline=datetime(2020, 1, 1, tzinfo=UTC))
    page = world.client_for("faith").get(case_url(world, case)).content.decode()
    assert "still accepted, marked late" in page
    submit(world, case)
    case.refresh_from_db()
    assert case.status == "submitted"
    assert "sent late" in world.client_for("carla").get(meeting_url(world)).content.decode()


@pytest.mark.parametrize("persona", ["dan", "kim", "henri"])
def test_only_the_assigned_countrys_focal_point_submits(world, persona):
    case = kenya_case(world)
    assert submit(world, case, persona=persona).status_code == 403
    case.refresh_from_db()
    assert case.status == "assigned"


def test_changes_are_requested_with_a_comment_then_the_case_is_sent_again_and_approved(world):
    case = kenya_case(world)
    submit(world, case)
    refused = review(world, case, "changes")
    assert refused.status_code == 400 and "Say what should change." in refused.content.decode()
    review(world, case, "changes", "Add your retention figures.")
    case.refresh_from_db()
    assert case.status == "changes" and case.review_comment == "Add your retention figures."
    page = world.client_for("faith").get(meeting_url(world)).content.decode()
    assert "asked for changes" in page
    assert (
        submit(world, case, content=None, question="How do you keep them? (with figures)").status_code == 302
    )
    case.refresh_from_db()
    assert case.status == "submitted" and case.presentation is not None  # the first file is kept
    review(world, case, "approve")
    case.refresh_from_db()
    assert case.status == "approved" and case.approved_by == world.carla.user and case.approved_at


def test_invalid_steps_of_the_workflow_are_refused(world):
    case = kenya_case(world)
    response = review(world, case, "approve")  # nothing submitted yet
    assert response.status_code == 400 and "Only a submitted case presentation" in response.content.decode()
    CasePresentation.objects.filter(pk=case.pk).update(status="approved")
    response = submit(world, case)
    assert response.status_code == 400 and "can no longer be changed" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "approved" and case.title == ""
    assert (
        world.client_for("faith")
        .post(case_url(world, case), {"form": "review", "decision": "approve"})
        .status_code
        == 403
    )


def test_recommendations_are_recorded_after_the_session_and_shown_safely(world):
    case = kenya_case(world, status="approved", title="Retention")
    data = {"form": "recommendations", "recommendations": "- **Call** within a week\n<script>x</script>"}
    before = world.client_for("carla").post(case_url(world, case), data)
    assert before.status_code == 400 and "once the session has taken place" in before.content.decode()
    Meeting.objects.filter(pk=world.meeting.pk).update(
        start=datetime(2020, 3, 10, 13, tzinfo=UTC), end=datetime(2020, 3, 10, 14, tzinfo=UTC)
    )
    assert world.client_for("carla").post(case_url(world, case), data).status_code == 302
    page = world.client_for("henri").get(case_url(world, case)).content.decode()
    assert "<strong>Call</strong> within a week" in page and "<script>x" not in page


def test_a_case_of_another_meeting_is_not_found(world):
    other = Meeting.objects.create(
        network=world.network,
        title="Other",
        start=world.meeting.start,
        end=world.meeting.end + timedelta(hours=1),
    )
    case = CasePresentation.objects.create(meeting=other, country=world.kenya, deadline=world.meeting.start)
    assert world.client_for("carla").get(f"{meeting_url(world)}cases/{case.pk}/").status_code == 404


def test_a_new_version_replaces_the_one_sent_before_among_the_meetings_materials(world):
    case = kenya_case(world)
    submit(world, case)
    case.refresh_from_db()
    first_path = Path(case.presentation.file.path)
    review(world, case, "changes", "Add your retention figures.")
    second = PDF.replace(b"%%EOF", b"% with figures\n%%EOF")
    assert submit(world, case, content=second).status_code == 302
    case.refresh_from_db()
    assert list(Material.objects.filter(meeting=world.meeting)) == [case.presentation]
    assert not first_path.exists() and Path(case.presentation.file.path).read_bytes() == second
