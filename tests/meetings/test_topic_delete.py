"""Coordinators delete a topic after a confirmation step that says what it carries: the case studies,
resources, meetings and discussions tagged with it stay and only lose the tag (search forgets it too);
the deletion is a POST, audited; nobody else may do it."""

from __future__ import annotations

from knowledge.test_topics import gathered
from qicop.core.models import AuditEntry
from qicop.knowledge.models import CaseStudy, Resource, Thread
from qicop.network.models import Topic
from qicop.search.models import SearchEntry

TOPICS = "/n/vln/meetings/topics/"


def confirm_page(world, topic, persona="carla"):
    return world.client_for(persona).get(TOPICS, {"topic": topic.pk, "delete": "1"})


def delete(world, topic, persona="carla"):
    return world.client_for(persona).post(TOPICS, {"topic": topic.pk, "action": "delete"})


def test_the_list_offers_a_delete_link_for_each_topic(world):
    topic = gathered(world)
    page = world.client_for("carla").get(TOPICS).content.decode()
    assert f'href="?topic={topic.pk}&amp;delete=1">Delete</a>' in page


def test_the_confirmation_step_says_what_carries_the_topic_and_that_it_stays(world):
    topic = gathered(world)
    response = confirm_page(world, topic)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Delete “Retention in care”?" in page
    for count in (
        "2 case studies carry it",
        "1 resource carries it",
        "1 meeting carries it",
        "2 discussions carry it",
    ):
        assert count in page, count
    assert "only lose this tag" in page
    assert '<input type="hidden" name="action" value="delete">' in page
    # Looking is not deleting.
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_deleting_removes_the_tag_and_keeps_every_item(world):
    topic = gathered(world)
    carla = world.client_for("carla")
    response = carla.post(TOPICS, {"topic": topic.pk, "action": "delete"})
    assert response.status_code == 302 and response["Location"] == TOPICS
    assert "The topic “Retention in care” is deleted" in carla.get(TOPICS).content.decode()
    assert not Topic.objects.filter(pk=topic.pk).exists()
    assert CaseStudy.objects.count() == 2 and Resource.objects.count() == 1 and Thread.objects.count() == 2
    assert not any(case.topics.exists() for case in CaseStudy.objects.all())
    assert not Resource.objects.get().topics.exists()
    assert not world.meeting.topics.exists()
    assert set(Thread.objects.values_list("topic", flat=True)) == {None}
    assert world.client_for("kim").get("/n/vln/topics/retention/").status_code == 404


def test_the_deletion_is_audited_with_what_lost_the_tag(world):
    topic = gathered(world)
    delete(world, topic)
    entry = AuditEntry.objects.get(verb="topic.delete")
    assert entry.actor == world.carla.user and entry.target_id == str(topic.pk)
    assert entry.data["name"] == "Retention in care"
    assert entry.data["untagged"] == {"case_studies": 2, "resources": 1, "meetings": 1, "discussions": 2}


def test_search_no_longer_files_the_items_under_the_deleted_topic(world):
    topic = gathered(world)
    published = CaseStudy.objects.get(status="published")
    tagged = f" {topic.pk} "
    assert tagged in SearchEntry.objects.get(kind="case_study", object_id=str(published.pk)).topic_ids
    delete(world, topic)
    assert not SearchEntry.objects.filter(topic_ids__contains=tagged).exists()
    assert SearchEntry.objects.filter(kind="case_study", object_id=str(published.pk)).exists()


def test_only_coordinators_delete_topics(world):
    topic = gathered(world)
    for persona, status in [("faith", 403), ("kim", 403), ("olga", 403), ("oscar", 404)]:
        assert confirm_page(world, topic, persona).status_code == status, persona
        assert delete(world, topic, persona).status_code == status, persona
    assert Topic.objects.filter(pk=topic.pk).exists()


def test_a_deletion_without_a_topic_is_refused_with_the_reason(world):
    gathered(world)
    response = world.client_for("carla").post(TOPICS, {"action": "delete"})
    assert response.status_code == 400
    assert "Choose the topic to delete" in response.content.decode()
    assert Topic.objects.count() == 1


def test_another_networks_topic_cannot_be_deleted(world):
    elsewhere = Topic.objects.create(network=world.other_network, slug="x", name="Elsewhere")
    assert delete(world, elsewhere).status_code == 404
    assert Topic.objects.filter(pk=elsewhere.pk).exists()
