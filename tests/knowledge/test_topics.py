"""Topic pages gather the network's published case studies, resources, meetings and discussions on a topic;
observers see the case studies and resources only; coordinators manage topics on the meetings' page."""

from __future__ import annotations

from django.utils import timezone

from qicop.knowledge.models import CaseStudy, Resource, Thread
from qicop.network.models import Topic


def gathered(world) -> Topic:
    topic = Topic.objects.create(network=world.network, slug="retention", name="Retention in care")
    published = CaseStudy.objects.create(
        network=world.network,
        country=world.kenya,
        title="Tracing clients lost to follow-up",
        status="published",
        published_at=timezone.now(),
    )
    draft = CaseStudy.objects.create(network=world.network, country=world.kenya, title="Unfinished draft")
    resource = Resource.objects.create(
        network=world.network, title="Tracing SOP", kind="tool", url="https://e.org"
    )
    for item in (published, draft, resource, world.meeting):
        item.topics.add(topic)
    Thread.objects.create(network=world.network, title="Who traces on weekends?", topic=topic)
    Thread.objects.create(network=world.network, title="Hidden thread", topic=topic, hidden=True)
    return topic


def test_a_topic_page_gathers_everything_on_it(world):
    gathered(world)
    page = world.client_for("henri").get("/n/vln/topics/retention/").content.decode()
    for title in ("Tracing clients lost to follow-up", "Tracing SOP", "Reaching the second 95", "Who traces"):
        assert title in page, title
    assert "Unfinished draft" not in page and "Hidden thread" not in page


def test_observers_see_case_studies_and_resources_but_not_meetings_or_discussions(world):
    gathered(world)
    page = world.client_for("olga").get("/n/vln/topics/retention/").content.decode()
    assert "Tracing clients lost to follow-up" in page and "Tracing SOP" in page
    assert "Reaching the second 95" not in page and "Who traces" not in page


def test_an_unknown_topic_is_404_and_outsiders_never_see_one(world):
    gathered(world)
    assert world.client_for("kim").get("/n/vln/topics/nothing/").status_code == 404
    assert world.client_for("oscar").get("/n/vln/topics/retention/").status_code == 404


def test_the_topic_list_links_coordinators_to_where_topics_are_managed(world):
    gathered(world)
    assert "/n/vln/meetings/topics/" in world.client_for("carla").get("/n/vln/topics/").content.decode()
    page = world.client_for("kim").get("/n/vln/topics/").content.decode()
    assert "Retention in care" in page and "/n/vln/meetings/topics/" not in page


def test_the_topic_page_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    topic = gathered(world)
    for n in range(40):
        case = CaseStudy.objects.create(
            network=world.network,
            country=world.kenya,
            title=f"C{n}",
            status="published",
            published_at=timezone.now(),
        )
        case.topics.add(topic)
    client = world.client_for("kim")
    with django_assert_max_num_queries(14):
        response = client.get("/n/vln/topics/retention/")
    assert response.content.decode().count("/n/vln/case-studies/") <= 25
