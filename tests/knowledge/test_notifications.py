"""Notifications: replies notify the thread's followers, mentions the members mentioned, acceptance the
answer's author; by e-mail at once (in the recipient's language and time zone, never twice), in a daily
digest, or not at all; never about what the recipient may not read."""

from __future__ import annotations

import io
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from qicop.core.when import when
from qicop.knowledge import notifications
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Notification, NotificationSettings, Subscription, Thread

THREADS = "/n/vln/discussions/"


def start(world, persona="kim", body="Samples wait for days.", **attached) -> Thread:
    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user, author=member, network=world.network, title="Courier delays", body=body, **attached
    )


def reply(world, thread, persona, body):
    member = getattr(world, persona)
    return discussions.post_reply(actor=member.user, author=member, thread=thread, body=body)


def daily(*members):
    for member in members:
        NotificationSettings.objects.update_or_create(member=member, defaults={"email": "daily"})


def test_a_reply_notifies_every_follower_but_its_author(world):
    thread = start(world)
    Subscription.objects.create(member=world.faith, thread=thread)
    mail.outbox.clear()
    reply(world, thread, "henri", "We use motorbikes.")
    notified = set(Notification.objects.filter(kind="reply").values_list("member_id", flat=True))
    assert notified == {world.kim.pk, world.faith.pk}
    assert sorted(m.to[0] for m in mail.outbox) == ["faith@example.org", "kim@example.org"]


def test_a_discussion_reply_emails_the_followers_in_their_language_and_time_zone(world):
    world.henri.user.language = "fr"
    world.henri.user.save()
    thread = start(world)
    reply(world, thread, "henri", "Nous utilisons des motos.")
    mail.outbox.clear()
    post = reply(world, thread, "kim", "Thank you, Henri.")
    [message] = mail.outbox
    assert message.to == ["henri@example.org"]
    assert "Courier delays" in message.subject and "Thank you, Henri." in message.body
    assert f"/n/vln/discussions/{thread.pk}/posts/{post.pk}/" in message.body
    # In French, at Port-au-Prince's time (Henri's country; he chose no zone of his own).
    haiti = ZoneInfo("America/Port-au-Prince")
    written = when(post.created_at, "datetime", language="fr", zone=haiti)
    behind = -post.created_at.astimezone(haiti).utcoffset().total_seconds() // 3600  # 5, or 4 in summer
    assert f"{written} (Port-au-Prince, UTC\u2212{behind:.0f})" in message.body


def test_a_mention_notifies_the_member_once_as_a_mention(world):
    thread = start(world)
    reply(world, thread, "henri", f"Over to @kim and @dan: and @nobody, and @#{world.carla.pk}.")
    kinds = dict(Notification.objects.values_list("member_id", "kind"))
    assert kinds == {world.kim.pk: "mention", world.dan.pk: "mention", world.carla.pk: "mention"}
    assert Notification.objects.filter(member=world.kim).count() == 1


def test_mentions_of_observers_outsiders_or_e_mail_addresses_notify_nobody(world):
    start(world, body="Ask @olga, or write to dan@example.org.")
    assert not Notification.objects.exists()


def test_accepting_an_answer_notifies_its_author(world):
    thread = start(world)
    answer = reply(world, thread, "henri", "Pool samples at the hub.")
    mail.outbox.clear()
    discussions.answer_accept(actor=world.kim.user, thread=thread, post=answer)
    [note] = Notification.objects.filter(kind="accepted")
    assert note.member == world.henri and note.post == answer
    assert [m.to for m in mail.outbox] == [["henri@example.org"]]


def test_an_email_is_never_sent_twice(world):
    thread = start(world)
    reply(world, thread, "henri", "Hello")
    note = Notification.objects.get(member=world.kim)
    assert note.emailed_at is not None and len(mail.outbox) == 1
    assert notifications.send_notification_email(note.pk) is False
    assert len(mail.outbox) == 1


def test_members_who_chose_never_get_no_email_but_still_a_notification(world):
    thread = start(world)
    NotificationSettings.objects.create(member=world.kim, email="never")
    mail.outbox.clear()
    reply(world, thread, "henri", "Hello")
    assert Notification.objects.filter(member=world.kim).exists() and mail.outbox == []
    assert notifications.send_digests() == 0


def test_daily_members_get_one_digest_a_day_listing_what_was_not_emailed(world):
    thread = start(world)
    daily(world.kim)
    mail.outbox.clear()
    reply(world, thread, "henri", "First reply")
    reply(world, thread, "faith", "Second reply")
    assert all(m.to != ["kim@example.org"] for m in mail.outbox)
    mail.outbox.clear()
    call_command("send_digests", stdout=io.StringIO())
    [digest] = mail.outbox
    assert digest.to == ["kim@example.org"] and "2 notifications" in digest.subject
    assert "First reply" in digest.body and "Second reply" in digest.body
    reply(world, thread, "henri", "Third reply")
    assert notifications.send_digests() == 0  # not 24 hours yet
    later = timezone.now() + timedelta(hours=24, minutes=1)
    assert notifications.send_digests(now=later) == 1
    assert mail.outbox[-1].to == ["kim@example.org"]
    assert "Third reply" in mail.outbox[-1].body and "First reply" not in mail.outbox[-1].body
    assert notifications.send_digests(now=later + timedelta(hours=1)) == 0


def test_the_digest_is_in_the_members_language(world):
    world.henri.user.language = "fr"
    world.henri.user.save()
    thread = start(world, persona="henri")
    daily(world.henri)
    reply(world, thread, "kim", "Thanks")
    mail.outbox.clear()
    notifications.send_digests()
    [digest] = mail.outbox
    created = Notification.objects.get().post.created_at
    haiti = ZoneInfo("America/Port-au-Prince")
    written = when(created, "datetime", language="fr", zone=haiti)
    behind = -created.astimezone(haiti).utcoffset().total_seconds() // 3600
    assert f"{written} (Port-au-Prince, UTC\u2212{behind:.0f})" in digest.body
    assert "Thanks" in digest.body


def test_a_post_hidden_before_sending_is_not_emailed(world):
    thread = start(world)
    daily(world.kim)
    spam = reply(world, thread, "henri", "Buy cheap watches")
    discussions.post_hide(actor=world.carla.user, post=spam, hidden=True)
    mail.outbox.clear()
    assert notifications.send_digests() == 0 and mail.outbox == []


def test_drafts_never_leak_into_notifications_or_emails(world):
    draft = CaseStudy.objects.create(network=world.network, country=world.kenya, title="Draft")
    draft.authors.add(world.kim)
    thread = start(world, case_study=draft)
    Subscription.objects.create(member=world.henri, thread=thread)  # followed before it was restricted
    mail.outbox.clear()
    reply(world, thread, "faith", "Ask @henri about it.")
    assert not Notification.objects.filter(member=world.henri).exists()
    assert all(m.to != ["henri@example.org"] for m in mail.outbox)


def test_the_notifications_page_lists_and_marks_them_read(world, django_assert_max_num_queries):
    thread = start(world)
    for i in range(30):
        reply(world, thread, "henri" if i % 2 else "faith", f"Reply {i}")
    client = world.client_for("kim")
    with django_assert_max_num_queries(10):
        response = client.get("/notifications/")
    text = response.content.decode()
    assert "Henri Haïtien replied in “Courier delays”" in text and "Page 1 of 2" in text
    assert Notification.objects.filter(member=world.kim, read_at__isnull=False).count() == 25
    assert "<strong>New</strong>" in text
    assert "<strong>New</strong>" not in client.get("/notifications/").content.decode()


def test_opening_the_thread_reads_its_notifications(world):
    thread = start(world)
    reply(world, thread, "henri", "Hello")
    world.client_for("kim").get(f"{THREADS}{thread.pk}/")
    assert not Notification.objects.filter(member=world.kim, read_at__isnull=True).exists()


def test_members_choose_how_they_are_emailed(world):
    client = world.client_for("kim")
    assert client.post("/notifications/settings/", {"email": "daily"}).status_code == 302
    assert NotificationSettings.objects.get(member=world.kim).email == "daily"
    response = client.post("/notifications/settings/", {"email": "hourly"})
    assert response.status_code == 400
    assert NotificationSettings.objects.get(member=world.kim).email == "daily"
