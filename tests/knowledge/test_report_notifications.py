"""A reported post notifies the network's coordinators — who moderate — in the site and by e-mail as
each chose, with a link to the moderation page; once per post while a report of it is open."""

from __future__ import annotations

from django.core import mail
from django.utils import timezone

from qicop.knowledge import notifications
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import Notification, NotificationSettings, PostReport
from qicop.network.models import Membership, Role

THREADS = "/n/vln/discussions/"
MODERATION = "/n/vln/moderation/"


def kims_post(world):
    thread = discussions.thread_start(
        actor=world.kim.user, author=world.kim, network=world.network, title="Courier delays", body="Buy now!"
    )
    return thread, thread.posts.get()


def report(world, persona, thread, post, reason="Advertising."):
    response = world.client_for(persona).post(
        f"{THREADS}{thread.pk}/posts/{post.pk}/report/", {"reason": reason}
    )
    assert response.status_code == 302
    return PostReport.objects.filter(post=post).latest("created_at", "id")


def told() -> list[int]:
    return sorted(Notification.objects.filter(kind="report").values_list("member_id", flat=True))


def test_a_report_notifies_the_coordinators_in_the_site_and_by_e_mail(world):
    thread, post = kims_post(world)
    mail.outbox.clear()
    report(world, "henri", thread, post, reason="This is advertising.")
    assert told() == [world.carla.pk]
    [message] = mail.outbox
    assert message.to == ["carla@example.org"]
    assert message.subject == "A post was reported: Courier delays"
    assert "This is advertising." in message.body and "Buy now!" in message.body
    assert f"{MODERATION}" in message.body


def test_the_notifications_page_links_the_report_to_the_moderation_page(world):
    thread, post = kims_post(world)
    report(world, "henri", thread, post)
    page = world.client_for("carla").get("/notifications/").content.decode()
    assert "A post by Kim Member in “Courier delays” was reported to the moderators" in page
    assert f'href="{MODERATION}"' in page
    assert world.client_for("carla").get(MODERATION).status_code == 200


def test_further_reports_of_a_post_already_reported_notify_nobody_until_it_is_resolved(world):
    thread, post = kims_post(world)
    first = report(world, "henri", thread, post)
    mail.outbox.clear()
    report(world, "dan", thread, post)
    assert told() == [world.carla.pk]
    assert not mail.outbox
    discussions.report_resolve(actor=world.carla.user, report=first)
    discussions.report_resolve(actor=world.carla.user, report=PostReport.objects.get(reporter=world.dan))
    report(world, "faith", thread, post)
    assert told() == [world.carla.pk, world.carla.pk]
    assert [m.to for m in mail.outbox] == [["carla@example.org"]]


def test_only_coordinators_are_notified_and_never_of_their_own_report(world):
    Membership.objects.create(member=world.faith, network=world.network, role=Role.COORDINATOR)
    thread, post = kims_post(world)
    report(world, "carla", thread, post)
    assert told() == [world.faith.pk]


def test_a_coordinator_on_the_daily_digest_finds_the_report_there_unless_it_was_resolved(world):
    NotificationSettings.objects.create(member=world.carla, email="daily")
    thread, post = kims_post(world)
    first = report(world, "henri", thread, post)
    assert not mail.outbox or all(m.to != ["carla@example.org"] for m in mail.outbox)
    mail.outbox.clear()
    assert notifications.send_digests() == 1
    [digest] = mail.outbox
    assert "A post by Kim Member in “Courier delays” was reported to the moderators" in digest.body
    assert MODERATION in digest.body
    # The next day's report, resolved before the digest goes out, is not e-mailed.
    discussions.report_resolve(actor=world.carla.user, report=first)
    NotificationSettings.objects.filter(member=world.carla).update(last_digest_at=None)
    second = report(world, "dan", thread, post)
    discussions.report_resolve(actor=world.carla.user, report=second)
    mail.outbox.clear()
    assert notifications.members_due_a_digest(timezone.now()) == []
    assert notifications.send_digests() == 0
    assert not mail.outbox
