"""Following a topic: a member follows a topic of a network where they take part, from its discussions
page; a new discussion in it notifies its followers once (never its author, never someone who may not
read it); in mailing-list mode every post of its discussions comes by e-mail; the notification settings
page lists the topics followed, each with a way to stop."""

from __future__ import annotations

from django.core import mail

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Notification, NotificationSettings, Thread, TopicSubscription
from qicop.mailin import services as mailin
from qicop.network.models import Topic

THREADS = "/n/vln/discussions/"
SETTINGS = "/notifications/settings/"


def viral_load(world) -> Topic:
    return Topic.objects.create(network=world.network, slug="vl", name="Viral load")


def follow(world, persona, topic):
    member = getattr(world, persona)
    discussions.topic_follow(actor=member.user, member=member, topic=topic, follow=True)


def start(world, persona="kim", body="Samples wait for days.", **attached) -> Thread:
    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user, author=member, network=world.network, title="Courier delays", body=body, **attached
    )


def reply(world, thread, persona, body):
    member = getattr(world, persona)
    return discussions.post_reply(actor=member.user, author=member, thread=thread, body=body)


def kinds_for(member) -> list[str]:
    return sorted(Notification.objects.filter(member=member).values_list("kind", flat=True))


def mails_to(address) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_a_member_follows_a_topic_from_its_discussions_page_and_stops_following_it(world):
    topic = viral_load(world)
    client = world.client_for("henri")
    assert "Follow this topic" in client.get(THREADS + "?topic=vl").content.decode()
    response = client.post(THREADS + "topics/vl/follow/", {"action": "follow"})
    assert response.status_code == 302 and response["Location"] == THREADS + "?topic=vl"
    assert TopicSubscription.objects.filter(member=world.henri, topic=topic).exists()
    assert "Stop following this topic" in client.get(THREADS + "?topic=vl").content.decode()
    client.post(THREADS + "topics/vl/follow/", {"action": "unfollow"})
    assert not TopicSubscription.objects.exists()


def test_the_list_of_all_topics_offers_no_follow_button(world):
    viral_load(world)
    assert "Follow this topic" not in world.client_for("henri").get(THREADS).content.decode()


def test_a_new_discussion_in_a_followed_topic_notifies_each_follower_once_and_never_its_author(world):
    topic = viral_load(world)
    for persona in ("henri", "faith", "kim"):
        follow(world, persona, topic)
    mail.outbox.clear()
    thread = start(world, body="How do you keep samples moving, @faith?", topic=topic)
    assert kinds_for(world.henri) == ["new_thread"]
    assert kinds_for(world.faith) == ["mention"]  # the mention, not the mention and the new discussion
    assert kinds_for(world.kim) == []  # she started it
    [message] = mails_to("henri@example.org")
    # in Henri's language, French
    assert message.subject == "Nouvelle discussion dans « Viral load » : Courier delays"
    assert "a lancé la discussion « Courier delays » dans le thème « Viral load »" in message.body
    assert "parce que vous suivez le thème « Viral load »" in message.body
    assert message.reply_to  # answered by replying, as any discussion's notification
    assert len(mails_to("faith@example.org")) == 1 and mails_to("kim@example.org") == []
    # A reply notifies the thread's followers as before, not the topic's (outside mailing-list mode).
    reply(world, thread, "dan", "Motorbikes.")
    assert kinds_for(world.henri) == ["new_thread"]


def test_a_discussion_in_another_topic_or_none_notifies_no_follower(world):
    topic = viral_load(world)
    other = Topic.objects.create(network=world.network, slug="ret", name="Retention")
    follow(world, "henri", topic)
    start(world, topic=other)
    start(world)
    assert kinds_for(world.henri) == []


def test_the_followers_own_email_choice_holds_daily_waits_for_the_digest_never_sends_nothing(world):
    topic = viral_load(world)
    follow(world, "henri", topic)
    follow(world, "faith", topic)
    NotificationSettings.objects.create(member=world.henri, email="daily")
    NotificationSettings.objects.create(member=world.faith, email="never")
    mail.outbox.clear()
    start(world, topic=topic)
    assert kinds_for(world.henri) == ["new_thread"] and kinds_for(world.faith) == ["new_thread"]
    assert mail.outbox == []
    from qicop.knowledge import notifications  # the daily digest carries it

    assert notifications.send_digests() == 1
    [digest] = mail.outbox
    assert digest.to == ["henri@example.org"]
    assert "Kim Member a lancé « Courier delays » dans le thème « Viral load »" in digest.body


def test_after_unfollowing_a_new_discussion_notifies_no_more(world):
    topic = viral_load(world)
    follow(world, "henri", topic)
    discussions.topic_follow(actor=world.henri.user, member=world.henri, topic=topic, follow=False)
    start(world, topic=topic)
    assert kinds_for(world.henri) == []


def test_a_discussion_of_a_draft_case_study_reaches_only_followers_who_may_read_the_draft(world):
    topic = viral_load(world)
    follow(world, "henri", topic)
    follow(world, "faith", topic)  # Kenya's focal point reads Kenya's drafts
    draft = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Refill groups", created_by=world.kim.user
    )
    start(world, topic=topic, case_study=draft)
    assert kinds_for(world.henri) == [] and kinds_for(world.faith) == ["new_thread"]


def test_only_participants_of_the_topics_network_follow_it(world):
    Topic.objects.create(network=world.other_network, slug="acn-only", name="In person")
    viral_load(world)
    # Kim is no member of the other network: its topics are not found for her, under either network.
    kim = world.client_for("kim")
    assert kim.post("/n/acn/discussions/topics/acn-only/follow/").status_code == 404
    assert kim.post(THREADS + "topics/acn-only/follow/").status_code == 404
    assert world.client_for("olga").post(THREADS + "topics/vl/follow/").status_code == 403  # an observer
    assert world.client_for("oscar").post(THREADS + "topics/vl/follow/").status_code == 404
    assert world.client_for("anonymous").post(THREADS + "topics/vl/follow/").status_code == 302
    assert not TopicSubscription.objects.exists()


def test_the_settings_page_lists_the_topics_followed_and_stops_each(world, django_assert_max_num_queries):
    topics = [
        Topic.objects.create(network=world.network, slug=f"t{i}", name=f"Topic {i:02}") for i in range(30)
    ]
    for topic in topics:
        follow(world, "henri", topic)
    follow(world, "kim", topics[0])
    client = world.client_for("henri")
    with django_assert_max_num_queries(12):
        page = client.get(SETTINGS).content.decode()
    assert "Topic 00" in page and "Topic 29" in page and "Virtual Learning Network" in page
    mine = TopicSubscription.objects.get(member=world.henri, topic=topics[0])
    kims = TopicSubscription.objects.get(member=world.kim)
    assert client.post(f"{SETTINGS}topics/{kims.pk}/stop/").status_code == 404  # not his
    response = client.post(f"{SETTINGS}topics/{mine.pk}/stop/")
    assert response.status_code == 302 and response["Location"] == SETTINGS
    assert TopicSubscription.objects.filter(member=world.henri).count() == 29
    assert TopicSubscription.objects.filter(member=world.kim).exists()


def test_a_topics_discussions_page_with_its_follow_button_takes_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
):
    topic = viral_load(world)
    for i in range(30):
        discussions.thread_start(
            actor=world.faith.user,
            author=world.faith,
            network=world.network,
            title=f"T{i}",
            body="B",
            topic=topic,
        )
    follow(world, "kim", topic)
    client = world.client_for("kim")
    with django_assert_max_num_queries(11):
        page = client.get(THREADS + "?topic=vl").content.decode()
    assert "Stop following this topic" in page and "T29" in page


def test_mailing_list_mode_mails_every_post_of_the_followed_topics_discussions(world):
    topic = viral_load(world)
    follow(world, "henri", topic)
    follow(world, "dan", topic)  # follows the topic, not in mailing-list mode
    NotificationSettings.objects.create(member=world.henri, email="daily")
    mailin.mail_preference_update(actor=world.henri.user, member=world.henri, every_post=True)
    thread = start(world, topic=topic)
    elsewhere = start(world)  # in no topic Henri follows
    mail.outbox.clear()
    reply(world, thread, "faith", "We use motorbikes.")
    reply(world, elsewhere, "faith", "Not about viral load.")
    [message] = mails_to("henri@example.org")  # at once, though he chose a daily digest
    assert message.subject == "Nouveau message dans « Viral load » : Courier delays"  # Henri reads French
    assert "We use motorbikes." in message.body and message.reply_to
    assert mails_to("dan@example.org") == []  # a topic follower hears of new discussions only
    # It is listed among his notifications, not counted as new: it reached him by mail.
    assert Notification.objects.get(member=world.henri, kind="topic_post").read_at is not None
    # Following the discussion too, he still gets one e-mail a post.
    discussions.thread_follow(actor=world.henri.user, member=world.henri, thread=thread, follow=True)
    mail.outbox.clear()
    reply(world, thread, "faith", "And bicycles.")
    assert len(mails_to("henri@example.org")) == 1
    assert kinds_for(world.henri).count("reply") == 1


def test_mailing_list_mode_never_mails_a_post_of_a_discussion_the_member_may_not_read(world):
    topic = viral_load(world)
    follow(world, "henri", topic)
    mailin.mail_preference_update(actor=world.henri.user, member=world.henri, every_post=True)
    draft = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Refill groups", created_by=world.kim.user
    )
    thread = start(world, topic=topic, case_study=draft)
    mail.outbox.clear()
    reply(world, thread, "faith", "Let us add the chart.")
    assert mails_to("henri@example.org") == [] and kinds_for(world.henri) == []
