"""An edited post notifies the members it mentions for the first time, once — as a new post would — and
nobody the earlier text already mentioned; nor its author, nor anyone who may not read the thread."""

from __future__ import annotations

from django.core import mail

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import Notification, Thread

THREADS = "/n/vln/discussions/"


def start(world, body="Samples wait for days.") -> Thread:
    return discussions.thread_start(
        actor=world.kim.user, author=world.kim, network=world.network, title="Courier delays", body=body
    )


def edit(world, thread, body):
    post = thread.posts.get()
    response = world.client_for("kim").post(f"{THREADS}{thread.pk}/posts/{post.pk}/edit/", {"body": body})
    assert response.status_code == 302
    return post


def mentioned() -> list[int]:
    return sorted(Notification.objects.filter(kind="mention").values_list("member_id", flat=True))


def test_a_member_mentioned_in_an_edit_is_notified_in_the_site_and_by_e_mail(world):
    thread = start(world)
    mail.outbox.clear()
    post = edit(world, thread, "Samples wait for days. What do you think, @dan?")
    assert mentioned() == [world.dan.pk]
    assert Notification.objects.get(kind="mention").post == post
    [message] = mail.outbox
    assert message.to == ["dan@example.org"] and "mentioned you" in message.subject
    assert f"/n/vln/discussions/{thread.pk}/posts/{post.pk}/" in message.body


def test_members_the_earlier_text_mentioned_are_not_notified_again(world):
    thread = start(world, body="Over to @dan.")
    assert mentioned() == [world.dan.pk]
    edit(world, thread, "Over to @dan, and to @henri.")
    assert mentioned() == [world.dan.pk, world.henri.pk]


def test_an_edit_notifies_each_newly_mentioned_member_once(world):
    thread = start(world)
    edit(world, thread, "Ask @dan.")
    edit(world, thread, "Ask @dan, please.")
    # Taken out, then put back: still the same mention of the same post.
    edit(world, thread, "Ask someone.")
    edit(world, thread, "Ask @dan after all.")
    assert mentioned() == [world.dan.pk]


def test_an_edit_mentions_neither_its_author_nor_who_may_not_read_the_thread(world):
    thread = start(world)
    mail.outbox.clear()
    edit(world, thread, "Note to self, @kim; and to @olga, who observes.")
    assert mentioned() == []
    assert not mail.outbox


def test_an_edit_that_mentions_nobody_new_notifies_nobody(world):
    thread = start(world, body="Thanks @faith.")
    mail.outbox.clear()
    edit(world, thread, "Thank you, @faith.")
    assert mentioned() == [world.faith.pk]
    assert not mail.outbox
