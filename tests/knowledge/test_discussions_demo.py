"""The demo discussions: active threads in three languages, with a quote, a mention, an accepted answer
and followers; loading twice changes nothing."""

from __future__ import annotations

from qicop.knowledge.discussions import demo as demo_discussions
from qicop.knowledge.models import Notification, Post, Subscription, Thread, TopicSubscription
from qicop.network.models import Member


def test_the_demo_has_active_threads_in_three_languages_and_loads_once(demo):
    demo_discussions.load_demo()
    threads = Thread.objects.filter(network__slug="virtual")
    assert threads.count() == 3
    titles = set(threads.values_list("title", flat=True))
    assert demo_discussions.FIRST_TITLE in titles
    assert any("perdus de vue" in t for t in titles) and any("ARV" in t for t in titles)
    courier = threads.get(title=demo_discussions.FIRST_TITLE)
    assert courier.accepted_post is not None and courier.post_count == courier.posts.count() >= 5
    assert courier.posts.values("author").distinct().count() >= 3
    assert Post.objects.filter(thread__in=threads, quote_of__isnull=False).exists()
    focal = Member.objects.get(user__email="focal.ke@example.org")
    assert Notification.objects.filter(member=focal, kind="mention").exists()
    assert Subscription.objects.filter(thread=courier).count() >= 3
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()  # no e-mail storm
    followed = TopicSubscription.objects.filter(member=focal).values_list("topic__name", flat=True)
    assert list(followed) == ["Retention in care"]  # where Haiti's question is, for her home to name


def test_the_demo_threads_are_readable_and_searchable(demo, client):
    client.force_login(Member.objects.get(user__email="member.ht@example.org").user)
    listing = client.get("/n/virtual/discussions/").content.decode()
    assert "perdus de vue" in listing
    courier = Thread.objects.get(title=demo_discussions.FIRST_TITLE)
    page = client.get(f"/n/virtual/discussions/{courier.pk}/").content.decode()
    assert "dried blood spots" in page
    assert len(page.encode()) < 100_000  # light pages for costly connections
    found = client.get("/n/virtual/search/", {"q": "dried blood spots"}).content.decode()
    assert "keep viral-load samples moving" in found


def test_the_demo_notifications_are_dated_when_their_posts_were_written(demo):
    notifications = Notification.objects.filter(post__isnull=False).select_related("post")
    assert notifications.exists()
    for notification in notifications:
        if notification.kind == "accepted":
            assert notification.created_at > notification.post.created_at
        else:
            assert notification.created_at == notification.post.created_at
