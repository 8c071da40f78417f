"""A case study cites change ideas from its own side: its authors (and whoever may edit it) tick the ideas
it tells the story of on a page of the library reached from the case study; the case study lists them and
each idea lists the case study."""

from __future__ import annotations

from django.utils import timezone

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.models import ChangeIdea
from qicop.knowledge.models import CaseStudy


def kims_case(world, status="draft") -> CaseStudy:
    case = CaseStudy.objects.create(
        network=world.network,
        country=world.kenya,
        title="Same-day review in Nakuru",
        status=status,
        published_at=timezone.now() if status == "published" else None,
        created_by=world.kim.user,
    )
    case.authors.add(world.kim)
    return case


def cite_url(case) -> str:
    return f"/n/vln/case-studies/{case.pk}/change-ideas/"


def test_the_author_cites_a_change_idea_and_both_pages_show_the_link(world):
    work = improvement_of(world)
    case = kims_case(world, "published")
    kim = world.client_for("kim")
    detail = kim.get(f"/n/vln/case-studies/{case.pk}/").content.decode()
    assert f'href="{cite_url(case)}"' in detail  # the author is offered the page
    form = kim.get(cite_url(case)).content.decode()
    assert work.idea.title in form and 'type="checkbox"' in form
    response = kim.post(cite_url(case), {"ideas": [work.idea.pk]})
    assert response.status_code == 302 and response["Location"] == f"/n/vln/case-studies/{case.pk}/"
    assert list(case.change_ideas.all()) == [work.idea]
    assert AuditEntry.objects.filter(verb="case_study.cite_change_ideas", target_id=str(case.pk)).exists()
    detail = kim.get(f"/n/vln/case-studies/{case.pk}/").content.decode()
    assert f'href="/n/vln/change-ideas/{work.idea.pk}/">{work.idea.title}</a>' in detail
    idea_page = world.client_for("henri").get(f"/n/vln/change-ideas/{work.idea.pk}/").content.decode()
    assert case.title in idea_page


def test_unticking_every_idea_removes_the_citations(world):
    work = improvement_of(world)
    case = kims_case(world)
    case.change_ideas.add(work.idea)
    assert world.client_for("kim").post(cite_url(case), {}).status_code == 302
    assert not case.change_ideas.exists()


def test_the_focal_point_may_cite_for_a_draft_of_her_country(world):
    work = improvement_of(world)
    case = kims_case(world)
    assert world.client_for("faith").post(cite_url(case), {"ideas": [work.idea.pk]}).status_code == 302


def test_members_who_may_not_edit_the_case_study_are_refused_and_not_offered_the_page(world):
    work = improvement_of(world)
    case = kims_case(world, "published")
    for persona in ("dan", "henri", "olga"):
        client = world.client_for(persona)
        assert (
            f'href="{cite_url(case)}"' not in client.get(f"/n/vln/case-studies/{case.pk}/").content.decode()
        )
        assert client.get(cite_url(case)).status_code == 403, persona
        assert client.post(cite_url(case), {"ideas": [work.idea.pk]}).status_code == 403, persona
    assert not case.change_ideas.exists()


def test_a_draft_is_not_found_by_those_who_may_not_see_it(world):
    case = kims_case(world)
    assert world.client_for("henri").get(cite_url(case)).status_code == 404


def test_an_idea_of_another_network_is_refused_and_nothing_is_saved(world):
    work = improvement_of(world)
    case = kims_case(world)
    stranger = ChangeIdea.objects.create(
        network=world.other_network, title="Elsewhere", created_by=world.carla.user
    )
    response = world.client_for("kim").post(cite_url(case), {"ideas": [work.idea.pk, stranger.pk]})
    assert response.status_code == 400
    assert "Choose change ideas of this network&#x27;s library." in response.content.decode()
    assert not case.change_ideas.exists()


def test_a_retired_idea_already_cited_stays_ticked_and_is_kept_on_saving(world):
    work = improvement_of(world)
    case = kims_case(world)
    case.change_ideas.add(work.idea)
    work.idea.retired = True
    work.idea.save(update_fields=["retired"])
    form = world.client_for("kim").get(cite_url(case)).content.decode()
    assert work.idea.title in form and "checked" in form
    assert world.client_for("kim").post(cite_url(case), {"ideas": [work.idea.pk]}).status_code == 302
    assert list(case.change_ideas.all()) == [work.idea]
