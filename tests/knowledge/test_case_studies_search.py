"""Search finds published case studies and resources (observers included), in English, French and
Portuguese; drafts have no entry at all, and leave the index when a case study goes back to draft."""

from __future__ import annotations

from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import CaseStudy
from qicop.search.models import SearchEntry


def search(world, persona: str, query: str) -> str:
    response = world.client_for(persona).get("/n/vln/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def write(world, author, title: str, language: str = "en", **fields) -> CaseStudy:
    return cases.case_study_create(
        actor=author.user,
        network=world.network,
        fields={"title": title, "country": author.country, "language": language, **fields},
    )


def test_a_published_case_study_is_found_by_every_member_and_a_draft_by_nobody(world):
    case = write(world, world.kim, "Community refill groups", changes="Adherence clubs met monthly.")
    assert not SearchEntry.objects.filter(kind="case_study").exists()
    assert "Community refill groups" not in search(world, "carla", "adherence")
    cases.case_study_publish(actor=world.carla.user, case_study=case)
    assert "Community refill groups" in search(world, "henri", "adherence")
    assert "Community refill groups" in search(world, "olga", "adherence")  # observers read case studies
    cases.case_study_return_to_draft(actor=world.carla.user, case_study=case)
    assert "Community refill groups" not in search(world, "kim", "adherence")


def test_case_studies_are_found_in_french_and_portuguese(world):
    french = write(
        world,
        world.henri,
        "Comités de patients dans les cliniques",
        language="fr",
        results="La suppression de la charge virale est passée de 85 % à 93 %.",
    )
    portuguese = write(
        world,
        world.kim,
        "Grupos comunitários de adesão",
        language="pt",
        results="A supressão da carga viral aumentou com as paragens únicas.",
    )
    for case in (french, portuguese):
        cases.case_study_publish(actor=world.carla.user, case_study=case)
    assert "Comités de patients" in search(world, "kim", "charge virale")
    assert "Grupos comunitários" in search(world, "kim", "supressão carga viral")
    assert SearchEntry.objects.get(kind="case_study", object_id=str(french.pk)).language == "fr"


def test_topics_added_later_reach_the_index(world):
    from qicop.network.models import Topic

    topic = Topic.objects.create(network=world.network, slug="dsd", name="DSD")
    case = write(world, world.kim, "Refills")
    cases.case_study_publish(actor=world.carla.user, case_study=case)
    cases.case_study_update(actor=world.carla.user, case_study=case, fields={}, topics=[topic])
    assert SearchEntry.objects.get(kind="case_study").topic_ids.strip() == str(topic.pk)


def test_resources_are_found_by_every_member(world):
    cases.resource_create(
        actor=world.kim.user,
        network=world.network,
        fields={
            "title": "Tracing SOP",
            "kind": "tool",
            "url": "https://example.org/t",
            "description": "Weekend",
        },
    )
    assert "Tracing SOP" in search(world, "olga", "weekend")


def test_a_results_language_is_named_not_given_as_a_code(world):
    french = write(world, world.henri, "Comités de patients", language="fr", results="Charge virale.")
    cases.case_study_publish(actor=world.carla.user, case_study=french)
    page = search(world, "kim", "charge virale")
    assert '<span lang="fr">Français</span>' in page and " · fr<" not in page
