"""Moderation: coordinators hide and lock; members report a post once; coordinators resolve reports.
Hidden posts say so to participants and show their text to coordinators only."""

from __future__ import annotations

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import Post, PostReport, Thread

THREADS = "/n/vln/discussions/"


def start(world) -> Thread:
    return discussions.thread_start(
        actor=world.kim.user,
        author=world.kim,
        network=world.network,
        title="Courier delays",
        body="Samples wait.",
    )


def spam(world, thread) -> Post:
    return discussions.post_reply(
        actor=world.henri.user, author=world.henri, thread=thread, body="Buy watches"
    )


def test_a_coordinator_hides_a_post_participants_see_that_it_was_hidden(world):
    thread = start(world)
    post = spam(world, thread)
    assert world.client_for("faith").post(f"{THREADS}{thread.pk}/posts/{post.pk}/hide/").status_code == 403
    world.client_for("carla").post(f"{THREADS}{thread.pk}/posts/{post.pk}/hide/", {"action": "hide"})
    post.refresh_from_db()
    assert post.hidden
    kims = world.client_for("kim").get(f"{THREADS}{thread.pk}/").content.decode()
    assert "hidden by a moderator" in kims and "Buy watches" not in kims
    carlas = world.client_for("carla").get(f"{THREADS}{thread.pk}/").content.decode()
    assert "hidden by a moderator" in carlas and "Buy watches" in carlas
    world.client_for("carla").post(f"{THREADS}{thread.pk}/posts/{post.pk}/hide/", {"action": "show"})
    assert "Buy watches" in world.client_for("kim").get(f"{THREADS}{thread.pk}/").content.decode()


def test_a_quote_of_a_hidden_post_does_not_show_its_text(world):
    thread = start(world)
    post = spam(world, thread)
    discussions.post_reply(actor=world.dan.user, author=world.dan, thread=thread, body="No!", quote_of=post)
    discussions.post_hide(actor=world.carla.user, post=post, hidden=True)
    assert "Buy watches" not in world.client_for("kim").get(f"{THREADS}{thread.pk}/").content.decode()
    assert (
        "Buy watches"
        not in world.client_for("kim").get(f"{THREADS}{thread.pk}/?quote={post.pk}").content.decode()
    )


def test_a_hidden_thread_is_seen_by_coordinators_only(world):
    thread = start(world)
    world.client_for("carla").post(f"{THREADS}{thread.pk}/moderate/", {"action": "hide"})
    assert world.client_for("kim").get(f"{THREADS}{thread.pk}/").status_code == 404
    assert "Courier delays" not in world.client_for("kim").get(THREADS).content.decode()
    assert world.client_for("carla").get(f"{THREADS}{thread.pk}/").status_code == 200


def test_a_locked_thread_takes_no_replies_with_a_clear_message(world):
    thread = start(world)
    assert (
        world.client_for("kim").post(f"{THREADS}{thread.pk}/moderate/", {"action": "lock"}).status_code == 403
    )
    world.client_for("carla").post(f"{THREADS}{thread.pk}/moderate/", {"action": "lock"})
    response = world.client_for("henri").post(f"{THREADS}{thread.pk}/reply/", {"body": "Late answer"})
    assert response.status_code == 403
    assert "locked" in response.content.decode()
    assert not Post.objects.filter(body="Late answer").exists()
    world.client_for("carla").post(f"{THREADS}{thread.pk}/moderate/", {"action": "unlock"})
    world.client_for("henri").post(f"{THREADS}{thread.pk}/reply/", {"body": "Late answer"})
    assert Post.objects.filter(body="Late answer").exists()


def test_members_report_a_post_once_and_coordinators_resolve_it(world):
    thread = start(world)
    post = spam(world, thread)
    url = f"{THREADS}{thread.pk}/posts/{post.pk}/report/"
    assert world.client_for("kim").post(url, {"reason": "Advertising"}).status_code == 302
    again = world.client_for("kim").post(url, {"reason": "Still advertising"})
    assert again.status_code == 400 and "already reported" in again.content.decode()
    assert PostReport.objects.count() == 1
    assert world.client_for("faith").get("/n/vln/moderation/").status_code == 403
    page = world.client_for("carla").get("/n/vln/moderation/").content.decode()
    assert "Advertising" in page and "Courier delays" in page
    report = PostReport.objects.get()
    world.client_for("carla").post(f"/n/vln/moderation/{report.pk}/resolve/")
    report.refresh_from_db()
    assert report.resolved_at is not None and report.resolved_by == world.carla.user
    assert "Advertising" not in world.client_for("carla").get("/n/vln/moderation/").content.decode()


def test_a_report_without_a_reason_is_refused(world):
    thread = start(world)
    post = spam(world, thread)
    response = world.client_for("kim").post(f"{THREADS}{thread.pk}/posts/{post.pk}/report/", {"reason": ""})
    assert response.status_code == 400 and "Say what is wrong" in response.content.decode()
    assert not PostReport.objects.exists()


def test_the_moderation_page_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    thread = start(world)
    for persona in ("kim", "faith", "dan"):
        for _ in range(10):
            post = spam(world, thread)
            discussions.post_report(actor=None, reporter=getattr(world, persona), post=post, reason="Spam")
    client = world.client_for("carla")
    with django_assert_max_num_queries(10):
        assert client.get("/n/vln/moderation/").status_code == 200
