"""What's new: published case studies and resources, replies in followed threads, upcoming meetings,
since the last visit (30 days at most); observers see what they may read only."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Resource

URL = "/n/vln/whats-new/"


def test_members_see_new_published_case_studies_resources_replies_and_meetings(world):
    now = timezone.now()
    CaseStudy.objects.create(
        network=world.network,
        country=world.kenya,
        title="Published study",
        status="published",
        published_at=now,
    )
    CaseStudy.objects.create(network=world.network, country=world.kenya, title="Draft study")
    Resource.objects.create(network=world.network, title="VL toolkit", kind="tool")
    thread = discussions.thread_start(
        actor=world.kim.user, author=world.kim, network=world.network, title="Courier delays", body="Help"
    )
    discussions.post_reply(actor=world.henri.user, author=world.henri, thread=thread, body="Motorbikes")
    world.meeting.start, world.meeting.end = now + timedelta(days=3), now + timedelta(days=3, hours=1)
    world.meeting.save()
    page = world.client_for("kim").get(URL).content.decode()
    assert "Published study" in page and "Draft study" not in page and "VL toolkit" in page
    assert "Courier delays" in page and "Motorbikes" in page
    assert "Reaching the second 95" in page
    observer = world.client_for("olga").get(URL).content.decode()
    assert "Published study" in observer and "VL toolkit" in observer
    assert "Courier delays" not in observer and "Reaching the second 95" not in observer


def test_the_second_visit_shows_only_what_is_newer(world):
    client = world.client_for("kim")
    Resource.objects.create(network=world.network, title="Old toolkit", kind="tool")
    assert "Old toolkit" in client.get(URL).content.decode()
    Resource.objects.create(network=world.network, title="New toolkit", kind="tool")
    page = client.get(URL).content.decode()
    assert "New toolkit" in page and "Old toolkit" not in page


def test_nothing_older_than_thirty_days_is_new(world):
    old = Resource.objects.create(network=world.network, title="Ancient toolkit", kind="tool")
    Resource.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    assert "Ancient toolkit" not in world.client_for("kim").get(URL).content.decode()


def test_the_page_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for i in range(15):
        Resource.objects.create(network=world.network, title=f"Toolkit {i}", kind="tool")
        thread = discussions.thread_start(
            actor=world.kim.user, author=world.kim, network=world.network, title=f"T{i}", body="Help"
        )
        discussions.post_reply(actor=world.henri.user, author=world.henri, thread=thread, body="Reply")
    client = world.client_for("kim")
    with django_assert_max_num_queries(14):
        assert client.get(URL).status_code == 200
