"""Files attached to a reply by e-mail: checked as every upload (by content, size and number), posted with
the reply when they pass; those that do not are named, each with why, in one message back, and the words
are posted with the files that passed. Never more than one message back per message."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import pytest
from django.core import mail
from django.db import OperationalError
from mailing import QUOTE, reply, thread_with_reply_to_kim

from qicop.core.models import AuditEntry
from qicop.knowledge.cases import services as cases
from qicop.knowledge.models import CaseStudy, Post, PostFile, ReviewComment
from qicop.mailin import receive

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 40
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def pdf(name: str) -> tuple:
    return (name, PDF, "application", "pdf")


def last_post(thread) -> Post:
    return Post.objects.filter(thread=thread).order_by("id").last()


def to_kim() -> list:
    return [m for m in mail.outbox if m.to == ["kim@example.org"]]


def stored_files(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "discussions"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_reply_with_a_good_attachment_is_posted_with_the_file_and_nothing_comes_back(world):
    thread, address = thread_with_reply_to_kim(world)
    outcome = receive.handle(reply(address, "See the routes." + QUOTE, attachments=[pdf("routes.pdf")]))
    assert (outcome.status, outcome.bounced, outcome.notes) == ("posted", False, ())
    post = last_post(thread)
    assert (post.author, post.body) == (world.kim, "See the routes.")
    [stored] = post.files.all()
    assert (stored.original_name, stored.content_type, stored.size) == (
        "routes.pdf",
        "application/pdf",
        len(PDF),
    )
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF
    assert to_kim() == []
    [to_henri] = mail.outbox  # the follower hears of the reply, and of its file
    assert to_henri.to == ["henri@example.org"] and "routes.pdf (PDF" in to_henri.body
    download = f"/n/vln/discussions/{thread.pk}/posts/{post.pk}/files/{stored.pk}/"
    assert world.client_for("henri").get(download).status_code == 200


def test_a_refused_attachment_is_named_with_why_in_one_message_and_the_rest_is_posted(world):
    thread, address = thread_with_reply_to_kim(world)
    attachments = [
        pdf("routes.pdf"),
        ("drawing.svg", SVG, "image", "svg+xml"),
        ("map.png", PNG, "image", "png"),
    ]
    outcome = receive.handle(reply(address, "Routes and map." + QUOTE, attachments=attachments))
    assert (outcome.status, outcome.notes) == ("posted", ("not posted: drawing.svg",))
    post = last_post(thread)
    assert post.body == "Routes and map."
    assert sorted(post.files.values_list("original_name", flat=True)) == ["map.png", "routes.pdf"]
    [note] = to_kim()
    assert note.subject == "Your reply was posted without some of its files"
    assert "- drawing.svg: This file is not a PDF" in note.body and "can carry scripts" in note.body
    assert "routes.pdf" not in note.body and "map.png" not in note.body
    assert f"/n/vln/discussions/{thread.pk}/" in note.body
    assert note.extra_headers["Auto-Submitted"] == "auto-replied"
    assert AuditEntry.objects.get(verb="mailin.posted").data["refused_files"] == ["drawing.svg"]


def test_a_reply_carries_at_most_five_files_the_others_are_named(world):
    thread, address = thread_with_reply_to_kim(world)
    attachments = [pdf(f"page-{i}.pdf") for i in range(7)]
    outcome = receive.handle(reply(address, "All pages." + QUOTE, attachments=attachments))
    assert outcome.status == "posted"
    assert last_post(thread).files.count() == 5
    [note] = to_kim()
    assert "- page-5.pdf: a post carries at most 5 files." in note.body
    assert "- page-6.pdf: a post carries at most 5 files." in note.body


def test_the_message_back_names_the_refused_files_in_the_senders_language(world):
    world.kim.user.language = "fr"
    world.kim.user.save()
    thread, address = thread_with_reply_to_kim(world)
    receive.handle(reply(address, "Voici." + QUOTE, attachments=[("x.svg", SVG, "image", "svg+xml")]))
    assert last_post(thread).body == "Voici."
    [note] = to_kim()
    assert "Ce fichier n'est pas un fichier PDF" in note.body


def test_a_reply_refused_for_another_reason_gets_one_bounce_and_stores_no_file(world):
    thread, address = thread_with_reply_to_kim(world)
    attachments = [pdf("routes.pdf"), ("x.svg", SVG, "image", "svg+xml")]
    outcome = receive.handle(reply(address, QUOTE.strip(), attachments=attachments))  # only the quote
    assert (outcome.reason, outcome.bounced) == ("empty", True)
    assert len(mail.outbox) == 1 and not PostFile.objects.exists()
    assert Post.objects.filter(thread=thread).count() == 2


def test_files_sent_with_a_review_comment_are_named_in_one_message_and_the_comment_posted(world):
    case = CaseStudy.objects.create(network=world.network, country=world.kenya, title="Routes", summary="R.")
    case.authors.set([world.kim])
    mail.outbox.clear()
    cases.case_study_submit(actor=world.kim.user, case_study=case)
    [to_faith] = [m for m in mail.outbox if m.to == ["faith@example.org"]]
    mail.outbox.clear()
    raw = reply(
        to_faith.reply_to[0], "Costs, please." + QUOTE, sender="faith@example.org", attachments=[pdf("c.pdf")]
    )
    assert receive.handle(raw).status == "posted"
    assert ReviewComment.objects.get().body == "Costs, please."
    [note] = [m for m in mail.outbox if m.to == ["faith@example.org"]]
    assert "- c.pdf: a review comment takes text only" in note.body
    assert not PostFile.objects.exists()


def test_images_that_only_decorate_an_html_reply_are_not_posted_as_files(world):
    thread, address = thread_with_reply_to_kim(world)
    message = EmailMessage()
    message["From"] = "Kim Member <kim@example.org>"
    message["To"] = address
    message["Subject"] = "Re: Courier delays"
    message["Message-ID"] = make_msgid(domain="example.org")
    logo = make_msgid()
    message.set_content(f'<p>Motorbikes it is.</p><img src="cid:{logo[1:-1]}">', subtype="html")
    message.add_related(PNG, "image", "png", cid=logo, disposition="inline", filename="logo.png")
    assert receive.handle(message.as_bytes()).status == "posted"
    assert last_post(thread).body == "Motorbikes it is." and not PostFile.objects.exists()
    assert to_kim() == []


def test_a_reply_whose_recording_fails_is_not_posted_and_leaves_no_file_in_storage(
    world, settings, monkeypatch, after_commit_for_real, django_capture_on_commit_callbacks
):
    thread, address = thread_with_reply_to_kim(world)
    after_commit_for_real()  # the files wait for the commit, as in production

    def database_locked(**entry):
        raise OperationalError("database is locked")

    # The received message's audit entry is written in the reply's transaction, after the post and its files.
    monkeypatch.setattr(receive, "audit", database_locked)
    raw = reply(address, "See the routes." + QUOTE, attachments=[pdf("routes.pdf")])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(OperationalError):
        receive.handle(raw)
    assert Post.objects.filter(thread=thread).count() == 2  # Kim's start and Henri's reply only
    assert not PostFile.objects.exists() and stored_files(settings) == []
