"""The inbound pipeline, one bad input at a time: each is handled without posting garbage, with a bounce
only where a person should hear about it, and never more than one message back per message."""

from __future__ import annotations

import pytest
from django.core import mail
from mailing import QUOTE, reply, thread_with_reply_to_kim

from qicop.core.models import AuditEntry
from qicop.knowledge.cases import services as cases
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Post, PostFile, ReviewComment, Thread
from qicop.mailin import receive, services, tokens
from qicop.mailin.models import InboundMessage


def posts_by_kim(thread):
    return list(Post.objects.filter(thread=thread, author__user__email="kim@example.org").order_by("id"))


def bounces_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_a_reply_is_posted_in_the_thread_as_the_member_without_the_quote_or_signature(world):
    thread, address = thread_with_reply_to_kim(world)
    body = "Thank you, we will try motorbikes.\n\n-- \nKim Member\nQI Officer" + QUOTE
    outcome = receive.handle(reply(address, body))
    assert (outcome.status, outcome.reason, outcome.bounced) == ("posted", "posted", False)
    [_started, answer] = posts_by_kim(thread)
    assert answer.body == "Thank you, we will try motorbikes."
    assert answer.pk == outcome.post_id
    # As on the site: Henri, who follows, is notified; nothing goes back to Kim.
    assert [m.to for m in mail.outbox] == [["henri@example.org"]]
    record = InboundMessage.objects.get()
    assert (record.outcome, record.member, record.post_id) == ("posted", world.kim, answer.pk)
    assert "reply+…@" in record.recipient  # the working address is not kept
    assert AuditEntry.objects.filter(verb="discussion.reply", actor=world.kim.user).exists()
    assert AuditEntry.objects.filter(verb="mailin.posted", actor=world.kim.user).exists()


def test_a_reply_that_is_only_a_quote_posts_nothing_and_earns_one_bounce(world):
    thread, address = thread_with_reply_to_kim(world)
    outcome = receive.handle(reply(address, QUOTE.strip()))
    assert (outcome.status, outcome.reason, outcome.bounced) == ("bounced", "empty", True)
    assert len(posts_by_kim(thread)) == 1
    [bounce] = mail.outbox
    assert bounce.to == ["kim@example.org"] and "no words of its own" in bounce.body
    assert bounce.extra_headers["Auto-Submitted"] == "auto-replied"


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Auto-Submitted": "auto-generated"},
        {"Precedence": "bulk"},
        {"Precedence": "junk"},
        {"Precedence": "list"},
        {"X-Autoreply": "yes"},
    ],
)
def test_an_automatic_reply_is_dropped_without_a_bounce(world, headers):
    thread, address = thread_with_reply_to_kim(world)
    outcome = receive.handle(reply(address, "I am out of the office until Monday.", headers=headers))
    assert (outcome.status, outcome.reason, outcome.bounced) == ("dropped", "auto_reply", False)
    assert len(posts_by_kim(thread)) == 1 and mail.outbox == []


def test_auto_submitted_no_is_a_person_writing(world):
    _thread, address = thread_with_reply_to_kim(world)
    assert receive.handle(reply(address, headers={"Auto-Submitted": "no"})).status == "posted"


@pytest.mark.parametrize(
    "how",
    ["null envelope sender", "empty Return-Path", "from MAILER-DAEMON", "a delivery report"],
)
def test_a_bounce_is_never_answered(world, how):
    _thread, address = thread_with_reply_to_kim(world)
    sender = "MAILER-DAEMON@mail.example.org" if how == "from MAILER-DAEMON" else "kim@example.org"
    raw = reply(
        address,
        "Delivery failed.",
        sender=sender,
        headers={"Return-Path": "<>"} if how == "empty Return-Path" else {},
    )
    if how == "a delivery report":
        raw = raw.replace(
            b"Content-Type: text/plain",
            b"Content-Type: multipart/report; report-type=delivery-status; boundary=x",
            1,
        )
    envelope = "" if how == "null envelope sender" else None
    outcome = receive.handle(raw, envelope_sender=envelope)
    assert (outcome.status, outcome.reason, outcome.bounced) == ("dropped", "bounce", False)
    assert mail.outbox == []


def test_our_own_bounce_sent_back_to_a_reply_address_goes_no_further(world):
    """A mailbox that sends our bounce back (to the reply address) meets the Auto-Submitted mark: no loop."""
    _thread, address = thread_with_reply_to_kim(world)
    receive.handle(reply(address, QUOTE.strip()))
    [bounce] = mail.outbox
    mail.outbox.clear()
    returned = bounce.message()
    returned.replace_header("To", address)
    returned.replace_header("From", "kim@example.org")
    outcome = receive.handle(returned.as_bytes())
    assert (outcome.status, outcome.bounced) == ("dropped", False) and mail.outbox == []


def test_a_50_mb_attachment_is_refused_whole_with_one_bounce(world):
    thread, address = thread_with_reply_to_kim(world)
    big = b"\0" * (50 * 1024 * 1024)
    raw = reply(address, attachments=[("scan.pdf", big, "application", "pdf")])
    outcome = receive.handle(raw)
    assert (outcome.status, outcome.reason, outcome.bounced) == ("bounced", "too_large", True)
    assert len(posts_by_kim(thread)) == 1 and not PostFile.objects.exists()
    [bounce] = mail.outbox
    assert "25.0\xa0MB" in bounce.body  # the limit, QICOP_MAIL_MAX_BYTES


def test_html_only_mail_is_posted_as_plain_text_without_its_scripts(world):
    thread, address = thread_with_reply_to_kim(world)
    markup = (
        "<html><head><script>alert('head')</script></head><body>"
        "<p>We tried <b>motorbikes</b> &amp; it worked.</p><script>alert('body')</script>"
        '<img src="x" onerror="alert(1)"><p><a href="javascript:alert(2)">Our routes</a></p>'
        "<blockquote>Henri wrote: We use motorbikes.</blockquote></body></html>"
    )
    assert receive.handle(reply(address, html=markup)).status == "posted"
    body = posts_by_kim(thread)[-1].body
    assert body == "We tried motorbikes & it worked.\nOur routes"
    assert "alert" not in body and "<" not in body and "Henri wrote" not in body


def test_a_reply_to_a_deleted_thread_posts_nothing_and_says_so(world):
    thread, address = thread_with_reply_to_kim(world)
    Thread.objects.filter(pk=thread.pk).delete()
    outcome = receive.handle(reply(address))
    assert (outcome.reason, outcome.bounced) == ("gone", True)
    assert not Post.objects.exists()
    [bounce] = mail.outbox
    assert "no longer exists" in bounce.body


def test_a_reply_to_a_hidden_or_locked_thread_posts_nothing(world):
    thread, address = thread_with_reply_to_kim(world)
    discussions.thread_moderate(actor=world.carla.user, thread=thread, locked=True)
    assert receive.handle(reply(address)).reason == "locked"
    discussions.thread_moderate(actor=world.carla.user, thread=thread, hidden=True, locked=False)
    assert receive.handle(reply(address)).reason == "gone"
    assert len(posts_by_kim(thread)) == 1 and len(mail.outbox) == 2


def test_a_member_no_longer_allowed_to_post_gets_a_bounce(world):
    thread, address = thread_with_reply_to_kim(world)
    world.kim.memberships.update(role="observer")
    outcome = receive.handle(reply(address))
    assert (outcome.reason, outcome.bounced) == ("not_allowed", True)
    assert len(posts_by_kim(thread)) == 1


def test_another_sender_using_the_address_posts_nothing_and_only_they_hear(world):
    thread, address = thread_with_reply_to_kim(world)
    outcome = receive.handle(reply(address, "Let me in.", sender="Mallory <mallory@example.net>"))
    assert (outcome.reason, outcome.bounced) == ("wrong_sender", True)
    assert len(posts_by_kim(thread)) == 1
    [bounce] = mail.outbox
    assert bounce.to == ["mallory@example.net"] and "another e-mail address" in bounce.body


def test_a_revoked_address_is_refused(world):
    thread, address = thread_with_reply_to_kim(world)
    services.reply_addresses_revoke(actor=world.kim.user, member=world.kim)
    outcome = receive.handle(reply(address))
    assert (outcome.reason, outcome.bounced) == ("revoked", True)
    assert "revoked" in mail.outbox[0].body and len(posts_by_kim(thread)) == 1


def test_an_expired_address_is_refused(world, settings):
    thread, _address = thread_with_reply_to_kim(world)
    settings.QICOP_MAIL_REPLY_DAYS = 1
    token = tokens.make_token(member_id=world.kim.pk, kind="t", object_id=thread.pk, version=0, now=0)
    outcome = receive.handle(reply(tokens.address_for(token)))
    assert (outcome.reason, outcome.bounced) == ("expired", True)
    assert "expired" in mail.outbox[0].body


def test_a_forged_or_unknown_address_is_refused(world):
    thread, address = thread_with_reply_to_kim(world)
    forged = address.replace("reply+", "reply+x")
    assert receive.handle(reply(forged)).reason == "forged"
    assert receive.handle(reply("someone@example.org")).reason == "no_address"
    assert len(posts_by_kim(thread)) == 1 and len(mail.outbox) == 2


def test_the_bounce_is_in_the_senders_language(world):
    world.kim.user.language = "fr"
    world.kim.user.save()
    _thread, address = thread_with_reply_to_kim(world)
    receive.handle(reply(address, QUOTE.strip()))
    [bounce] = mail.outbox
    # The greeting is catalogued already; the rest comes with the lead's translations.
    assert bounce.body.startswith("Bonjour Kim Member,")
    assert bounce.to == ["kim@example.org"]


def test_a_message_delivered_twice_is_posted_once(world):
    thread, address = thread_with_reply_to_kim(world)
    raw = reply(address)
    assert receive.handle(raw).status == "posted"
    assert receive.handle(raw).status == "duplicate"
    assert len(posts_by_kim(thread)) == 2


def test_the_token_is_found_in_delivered_to_when_to_names_someone_else(world):
    _thread, address = thread_with_reply_to_kim(world)
    raw = reply("list@example.org", headers={"Delivered-To": address})
    assert receive.handle(raw).status == "posted"


def test_a_reviewer_answers_a_case_study_in_review_with_a_review_comment(world):
    case = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Courier routes", summary="Routes."
    )
    case.authors.set([world.kim])
    mail.outbox.clear()
    cases.case_study_submit(actor=world.kim.user, case_study=case)
    [to_faith] = [m for m in mail.outbox if m.to == ["faith@example.org"]]
    raw = reply(to_faith.reply_to[0], "Add the costs, please." + QUOTE, sender="faith@example.org")
    assert receive.handle(raw).status == "posted"
    [comment] = ReviewComment.objects.all()
    assert (comment.author, comment.body) == (world.faith, "Add the costs, please.")
    cases.case_study_publish(actor=world.carla.user, case_study=case)
    assert receive.handle(reply(to_faith.reply_to[0], "More.", sender="faith@example.org")).reason == (
        "review_closed"
    )
