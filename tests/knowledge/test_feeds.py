"""The Atom feed of a network's published case studies: members only, drafts never."""

from __future__ import annotations

from django.utils import timezone

from qicop.knowledge.models import CaseStudy

FEED = "/n/vln/case-studies/feed.atom"


def test_the_feed_lists_published_case_studies_and_never_drafts(world):
    case = CaseStudy.objects.create(
        network=world.network,
        country=world.kenya,
        title="Refill groups <b>work</b>",
        summary="Suppression rose.",
        status="published",
        published_at=timezone.now(),
    )
    case.authors.add(world.kim)
    CaseStudy.objects.create(network=world.network, country=world.kenya, title="Secret draft")
    CaseStudy.objects.create(network=world.network, country=world.kenya, title="In review", status="review")
    response = world.client_for("carla").get(FEED)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    feed = response.content.decode()
    assert "Refill groups &lt;b&gt;work&lt;/b&gt;" in feed and "Kim Member" in feed
    assert f"/n/vln/case-studies/{case.pk}/" in feed
    assert "Secret draft" not in feed and "In review" not in feed


def test_the_feed_is_for_members_of_the_network(world):
    assert world.client_for("olga").get(FEED).status_code == 200
    assert world.client_for("oscar").get(FEED).status_code == 404
    assert world.client_for("anonymous").get(FEED).status_code == 302
