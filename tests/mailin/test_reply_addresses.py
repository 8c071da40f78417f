"""Reply addresses: each notification mail about a discussion or a case study in review carries one, made
for its recipient, signed, expiring, revocable by the member; mailing-list mode sends every post at once."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from mailing import thread_with_reply_to_kim

from qicop.knowledge import notifications
from qicop.knowledge.cases import services as cases
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, NotificationSettings
from qicop.mailin import services, tokens
from qicop.mailin.models import MemberMailPreference, ReplyKey


def test_a_discussion_notification_carries_a_reply_address_made_for_its_recipient(world, settings):
    settings.QICOP_MAIL_DOMAIN = "replies.example.org"
    thread, address = thread_with_reply_to_kim(world)
    local, domain = address.split("@")
    assert domain == "replies.example.org" and local.startswith("reply+")
    assert len(local) <= 64 and local == local.lower()  # fits an address, survives servers that lower case
    target = tokens.read_token(tokens.token_in(address))
    assert (target.member_id, target.kind, target.object_id) == (world.kim.pk, "t", thread.pk)


def test_the_notification_mail_says_it_can_be_answered_by_replying(world):
    thread_with_reply_to_kim(world)
    discussions.post_reply(
        actor=world.henri.user, author=world.henri, thread=discussions.Thread.objects.get(), body="Again."
    )
    [message] = mail.outbox
    assert "Or reply to this e-mail" in message.body


def test_a_case_study_submitted_for_review_can_be_answered_by_its_reviewers(world):
    case = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Courier routes", summary="Routes."
    )
    case.authors.set([world.kim])
    mail.outbox.clear()
    cases.case_study_submit(actor=world.kim.user, case_study=case)
    by_reviewer = {m.to[0]: m for m in mail.outbox}
    target = tokens.read_token(tokens.token_in(by_reviewer["faith@example.org"].reply_to[0]))
    assert (target.member_id, target.kind, target.object_id) == (world.faith.pk, "c", case.pk)


def test_no_reply_address_when_the_site_takes_no_replies_by_mail(world, settings):
    settings.QICOP_MAIL_REPLIES = False
    thread = discussions.thread_start(
        actor=world.kim.user, author=world.kim, network=world.network, title="T", body="B"
    )
    mail.outbox.clear()
    discussions.post_reply(actor=world.henri.user, author=world.henri, thread=thread, body="R")
    [message] = mail.outbox
    assert message.reply_to == [] and "Or reply to this e-mail" not in message.body


def test_a_token_expires_after_the_days_set(settings):
    settings.QICOP_MAIL_REPLY_DAYS = 60
    now = time.time()
    token = tokens.make_token(member_id=7, kind="t", object_id=9, version=0, now=now - 59 * 86400)
    assert tokens.read_token(token, now=now).object_id == 9
    old = tokens.make_token(member_id=7, kind="t", object_id=9, version=0, now=now - 61 * 86400)
    with pytest.raises(tokens.BadToken) as refused:
        tokens.read_token(old, now=now)
    assert refused.value.reason == "expired"


@pytest.mark.parametrize("change", ["another thread", "another member", "one character"])
def test_a_changed_token_is_refused_as_forged(change):
    token = tokens.make_token(member_id=7, kind="t", object_id=9, version=0)
    value, signature = token.rsplit(".", 1)
    if change == "another thread":
        forged = token.replace(".t9.", ".t8.")
    elif change == "another member":
        forged = "8" + token[1:]
    else:
        forged = f"{value}.{'a' if signature[0] != 'a' else 'b'}{signature[1:]}"
    assert forged != token
    with pytest.raises(tokens.BadToken) as refused:
        tokens.read_token(forged)
    assert refused.value.reason == "forged"


def test_a_token_signed_with_another_secret_is_forged(settings):
    token = tokens.make_token(member_id=7, kind="t", object_id=9, version=0)
    settings.SECRET_KEY = "another-secret-key-that-is-long-enough-0123456789"
    with pytest.raises(tokens.BadToken):
        tokens.read_token(token)


def test_revoking_raises_the_version_new_mail_carries(world):
    _thread, address = thread_with_reply_to_kim(world)
    assert tokens.read_token(tokens.token_in(address)).version == 0
    services.reply_addresses_revoke(actor=world.kim.user, member=world.kim)
    services.reply_addresses_revoke(actor=world.kim.user, member=world.kim)
    assert ReplyKey.objects.get(member=world.kim).version == 2


def test_the_revoke_button_revokes_and_says_so(world):
    client = world.client_for("kim")
    page = client.get("/notifications/replies/")
    assert page.status_code == 200 and "Revoke my reply addresses" in page.content.decode()
    done = client.post("/notifications/replies/revoke/", follow=True)
    assert "no longer works" in done.content.decode()
    assert ReplyKey.objects.get(member=world.kim).version == 1


def test_the_profile_page_leads_to_replying_by_e_mail(world):
    page = world.client_for("kim").get("/accounts/profile/").content.decode()
    assert 'href="/notifications/replies/"' in page


def test_mailing_list_mode_is_chosen_on_the_page_and_kept(world):
    client = world.client_for("kim")
    client.post("/notifications/replies/", {"every_post": "on"})
    assert MemberMailPreference.objects.get(member=world.kim).every_post
    client.post("/notifications/replies/", {})
    assert not MemberMailPreference.objects.get(member=world.kim).every_post


def test_mailing_list_mode_mails_every_post_at_once_even_to_a_daily_member(world):
    notifications.settings_update(
        actor=world.kim.user, member=world.kim, email=NotificationSettings.Email.DAILY
    )
    thread = discussions.thread_start(
        actor=world.kim.user, author=world.kim, network=world.network, title="T", body="B"
    )
    discussions.post_reply(actor=world.henri.user, author=world.henri, thread=thread, body="First.")
    assert mail.outbox == []  # on "daily", the reply waits for the digest
    services.mail_preference_update(actor=world.kim.user, member=world.kim, every_post=True)
    discussions.post_reply(actor=world.henri.user, author=world.henri, thread=thread, body="Second.")
    [message] = mail.outbox
    assert "Second." in message.body and message.reply_to[0].startswith("reply+")
