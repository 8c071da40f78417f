"""Search says only what is true — never "similar words" above "nothing found" — and finds what a member
remembers of a meeting: its approved case presentations and its materials' titles."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.utils import timezone

from qicop.meetings.models import CasePresentation, Material, Meeting
from qicop.search.selectors import forget_vocabulary


def search(world, persona: str, query: str, **params) -> str:
    response = world.client_for(persona).get("/n/vln/search/", {"q": query, **params})
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def make_meeting(world, title: str, network=None) -> Meeting:
    start = datetime(2029, 5, 4, 12, tzinfo=UTC)
    return Meeting.objects.create(
        network=network or world.network, title=title, start=start, end=start + timedelta(hours=1)
    )


def test_similar_words_are_never_announced_when_they_find_nothing_the_reader_may_see(world):
    # The only meeting with the word is in a network Kim does not belong to: its words are in the
    # vocabulary all the same.
    make_meeting(world, "Relatório de avaliação nacional", network=world.other_network)
    forget_vocabulary()
    page = search(world, "kim", "evaluacao")
    assert "similar words" not in page
    assert "Nothing found for “evaluacao”" in page


def test_an_approved_case_presentation_is_found_by_its_title_and_question(world):
    meeting = make_meeting(world, "Monthly learning session")
    CasePresentation.objects.create(
        meeting=meeting,
        country=world.kenya,
        title="Courier networks for viral load samples",
        question="How do we keep motorbike riders?",
        deadline=timezone.now(),
        status=CasePresentation.Status.APPROVED,
    )
    assert "Monthly learning session" in search(world, "kim", "courier")
    assert "Monthly learning session" in search(world, "henri", "motorbike riders")


def test_a_case_presentation_still_in_preparation_is_not_found(world):
    meeting = make_meeting(world, "Monthly learning session")
    CasePresentation.objects.create(
        meeting=meeting,
        country=world.kenya,
        title="Draft about couriers",
        deadline=timezone.now(),
        status=CasePresentation.Status.SUBMITTED,
    )
    assert "Monthly learning session" not in search(world, "henri", "couriers")


def test_a_material_is_found_by_its_title(world):
    meeting = make_meeting(world, "Monthly learning session")
    Material.objects.create(meeting=meeting, title="Sample transport dashboard", kind=Material.Kind.LINK)
    assert "Monthly learning session" in search(world, "kim", "transport dashboard")


def test_similar_words_are_shown_as_the_results_write_them_not_as_index_terms(world):
    make_meeting(world, "Relatório de avaliação nacional do QI")
    forget_vocabulary()
    page = search(world, "kim", "evaluacao")
    assert "similar words: avaliação" in page and "avaliacao" not in page.split("similar words")[1][:40]
