"""What is waiting for me, on the network's home and on the home page: what each role owes, most urgent
first, each with where it is done and its due moment in the reader's zone; nothing of another country;
an empty state that says what to do next; a fixed number of queries whatever the data."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from data_world import DataWorld
from qicop.indicators import services as data_services
from qicop.indicators.models import DataImport
from qicop.knowledge.models import CaseStudy
from qicop.meetings.models import CasePresentation, Meeting
from qicop.network.models import Invitation

HOME = "/n/vln/"
WAITING = 'id="waiting"'


DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
VALUE = {"dataElement": "VlTested01a", "period": "202401", "orgUnit": "NakuruHosp1", "value": "5"}
VALUES = json.dumps({"dataValues": [VALUE]}).encode()


def upload(client) -> DataImport:
    """Dan's upload of one Kenyan value of January 2024, queued (not run)."""
    with override_settings(TASKS=DUMMY_QUEUE):
        client.post(
            "/n/vln/data/import/",
            {
                "file": SimpleUploadedFile("values.json", VALUES),
                "strategy": "CREATE_AND_UPDATE",
                "id_scheme": "UID",
            },
        )
    return DataImport.objects.latest("pk")


def page(world, persona, url=HOME) -> str:
    return world.client_for(persona).get(url).content.decode()


def waiting_part(text: str) -> str:
    start = text.index(WAITING)
    return text[start : text.index("</section>", start)]


def meeting(world, title, days) -> Meeting:
    start = timezone.now() + timedelta(days=days)
    return Meeting.objects.create(
        network=world.network,
        title=title,
        kind=Meeting.Kind.VIRTUAL,
        start=start,
        end=start + timedelta(hours=1),
        time_zone="Africa/Nairobi",
        status=Meeting.Status.CONFIRMED,
    )


def kenya_case(world, *, days=5, status=CasePresentation.Status.ASSIGNED, title="Reaching the first 95"):
    held = meeting(world, title, days + 7)
    return CasePresentation.objects.create(
        meeting=held, country=world.kenya, deadline=timezone.now() + timedelta(days=days), status=status
    )


def in_review(world, country, title="Keeping people in care") -> CaseStudy:
    return CaseStudy.objects.create(
        network=world.network, country=country, title=title, status=CaseStudy.Status.REVIEW
    )


def test_the_focal_point_owes_her_countrys_case_presentation_with_its_deadline_and_link(world):
    case = kenya_case(world)
    part = waiting_part(page(world, "faith"))
    assert "Submit the case presentation of Kenya for “Reaching the first 95”" in part
    assert f"/n/vln/meetings/{case.meeting_id}/cases/{case.pk}/" in part
    assert "due by" in part


def test_the_coordinator_approves_what_was_submitted_and_does_not_submit_for_a_country(world):
    kenya_case(world)
    assert "Submit the case presentation" not in waiting_part(page(world, "carla"))
    kenya_case(world, status=CasePresentation.Status.SUBMITTED, title="Second meeting")
    part = waiting_part(page(world, "carla"))
    assert "Approve or return the case presentation of Kenya for “Second meeting”" in part


@pytest.mark.parametrize("persona", ["kim", "dan", "henri", "olga"])
def test_nobody_else_owes_kenyas_case_presentation(world, persona):
    kenya_case(world)
    kenya_case(world, status=CasePresentation.Status.SUBMITTED, title="Second meeting")
    part = waiting_part(page(world, persona))
    assert "Submit the case presentation" not in part and "Approve or return" not in part


def test_reviews_are_owed_by_the_coordinator_and_the_countrys_focal_point_only(world):
    in_review(world, world.kenya)
    in_review(world, world.haiti, "A story from Haiti")
    carla, faith, henri = (waiting_part(page(world, p)) for p in ("carla", "faith", "henri"))
    assert "Keeping people in care" in carla and "A story from Haiti" in carla
    assert "Keeping people in care" in faith and "A story from Haiti" not in faith
    assert "Review the case study" not in henri


def test_the_most_urgent_comes_first_and_what_has_no_due_date_last(world):
    later = kenya_case(world, days=10, title="Later meeting")
    sooner = kenya_case(world, days=2, title="Sooner meeting")
    late = kenya_case(world, days=-1, status=CasePresentation.Status.CHANGES_REQUESTED, title="Late one")
    in_review(world, world.kenya)
    part = waiting_part(page(world, "faith"))
    positions = [part.index(f"/cases/{c.pk}/") for c in (late, sooner, later)]
    assert positions == sorted(positions)
    assert part.index("late: it was due by") < positions[1]
    assert part.index("Keeping people in care") > positions[-1]


def test_due_moments_are_written_in_the_readers_zone(world):
    case = kenya_case(world, days=5)
    world.faith.user.time_zone = "Asia/Bangkok"
    world.faith.user.save()
    bangkok = case.deadline.astimezone(timezone.get_fixed_timezone(7 * 60))
    part = waiting_part(page(world, "faith"))
    assert f"{bangkok:%-I}:{bangkok:%M}" in part.replace("\u202f", " ")


def test_an_empty_list_says_what_to_do_next(world):
    part = waiting_part(page(world, "olga"))
    assert "Nothing is waiting for you." in part and "most urgent first" in part


def test_a_failed_import_is_owed_by_its_uploader_only_with_the_link_to_it(world, monkeypatch):
    data = DataWorld(world)
    queued = upload(data.world.client_for("dan"))
    DataImport.objects.filter(pk=queued.pk).update(
        status=DataImport.Status.FAILED, finished_at=timezone.now()
    )
    part = waiting_part(page(world, "dan"))
    assert "Your import of “values.json” failed" in part
    assert f"/n/vln/data/imports/{queued.pk}/" in part
    assert "values.json" not in waiting_part(page(world, "faith"))


def test_the_focal_point_is_asked_to_publish_months_with_values_and_others_are_not(world):
    data = DataWorld(world)
    queued = upload(data.world.client_for("dan"))
    data_services.run_import(queued.pk)
    assert "Publish Kenya’s data" in waiting_part(page(world, "faith")).replace("&#x27;", "’").replace(
        "'", "’"
    )
    for persona in ("dan", "kim", "henri", "carla"):
        assert "Publish" not in waiting_part(page(world, persona))
    data_services.publish_period(actor=world.faith.user, country=world.kenya, period_id="202401")
    assert "Publish" not in waiting_part(page(world, "faith"))


def test_an_invitation_to_a_network_waits_on_the_home_page_of_the_invited_address(world):
    Invitation.objects.create(
        network=world.other_network,
        country=world.kenya,
        email="Oscar@Example.org",
        full_name="Oscar",
        role="member",
        invited_by=world.carla.user,
        nonce="n0nce",
        expires_at=timezone.now() + timedelta(days=3),
    )
    part = waiting_part(page(world, "oscar", "/"))
    assert "Answer the invitation to join All-Country Network" in part and "/invite/" in part
    assert "All-Country Network" not in waiting_part(page(world, "kim"))


def test_the_network_home_asks_the_same_number_of_queries_whatever_is_owed(world):
    faith = world.client_for("faith")
    faith.get(HOME)
    with CaptureQueriesContext(connection) as few:
        faith.get(HOME)
    for days in (3, 6, 9):
        kenya_case(world, days=days, title=f"Meeting {days}")
    for n in range(3):
        in_review(world, world.kenya, f"Story {n}")
    with CaptureQueriesContext(connection) as many:
        text = faith.get(HOME).content.decode()
    assert "Meeting 9" in text and "Story 2" in text
    assert len(many) == len(few)


# Each participant's count holds one query for the new discussions of the topics they follow (portal.changes);
# observers, who take no part in discussions, skip it.
@pytest.mark.parametrize(("persona", "most"), [("kim", 28), ("faith", 34), ("carla", 32), ("olga", 18)])
def test_the_network_home_query_count_is_pinned(world, persona, most, django_assert_max_num_queries):
    client = world.client_for(persona)
    client.get(HOME)
    with django_assert_max_num_queries(most):
        client.get(HOME)


def test_the_home_page_of_a_member_of_two_networks_gathers_both_in_a_fixed_number_of_queries(world):
    from qicop.network.models import Membership, Role

    Membership.objects.create(member=world.faith, network=world.other_network, role=Role.FOCAL_POINT)
    faith = world.client_for("faith")
    faith.get("/")
    with CaptureQueriesContext(connection) as few:
        faith.get("/")
    kenya_case(world, days=4, title="In the first network")
    with CaptureQueriesContext(connection) as many:
        text = faith.get("/").content.decode()
    assert "In the first network" in text and "(Virtual Learning Network)" in text
    assert len(many) == len(few) <= 20
