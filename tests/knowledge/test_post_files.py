"""Files on discussion posts: attached to a reply or a new discussion from the site (a plain multipart
form), checked as every upload is (by content, size and number), listed under the post with their name,
size and type, and downloaded only by those who may read the thread. A refused file refuses the post and
keeps what was typed; nothing is stored."""

from __future__ import annotations

from pathlib import Path

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Post, PostFile, Thread

THREADS = "/n/vln/discussions/"
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\0" * 40
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def upload(name: str, content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def start(world, persona="kim", **attached) -> Thread:
    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user,
        author=member,
        network=world.network,
        title="Courier delays",
        body="Samples wait for days.",
        **attached,
    )


def stored_files(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "discussions"
    return list(folder.iterdir()) if folder.exists() else []


def test_a_reply_carries_files_that_readers_of_the_thread_download(world):
    thread = start(world)
    response = world.client_for("henri").post(
        f"{THREADS}{thread.pk}/reply/",
        {"body": "Our routes and the map.", "files": [upload("routes.pdf"), upload("map.png", PNG)]},
    )
    assert response.status_code == 302
    post = Post.objects.get(thread=thread, author=world.henri)
    routes, map_ = PostFile.objects.filter(post=post).order_by("id")
    assert (routes.original_name, routes.content_type, routes.size) == (
        "routes.pdf",
        "application/pdf",
        len(PDF),
    )
    assert (map_.original_name, map_.content_type) == ("map.png", "image/png")
    page = world.client_for("faith").get(f"{THREADS}{thread.pk}/").content.decode()
    assert "routes.pdf" in page and "PDF, 125\xa0bytes" in page and "map.png" in page and "PNG," in page
    download = f"{THREADS}{thread.pk}/posts/{post.pk}/files/{routes.pk}/"
    response = world.client_for("faith").get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert world.client_for("olga").get(download).status_code == 403  # observers take no part
    assert world.client_for("oscar").get(download).status_code == 404
    assert world.client_for("anonymous").get(download).status_code == 302
    # A file of another post, named under this one, is not found.
    other = start(world, "faith", files=[upload("other.pdf")]).posts.get()
    wrong = f"{THREADS}{thread.pk}/posts/{post.pk}/files/{other.files.get().pk}/"
    assert world.client_for("faith").get(wrong).status_code == 404


def test_a_new_discussion_carries_files_and_its_notification_names_them(world):
    response = world.client_for("kim").post(
        THREADS + "new/",
        {"title": "Courier delays", "body": "See the routes.", "files": [upload("routes.pdf")]},
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert [f.original_name for f in PostFile.objects.filter(post__thread=thread)] == ["routes.pdf"]
    mail.outbox.clear()
    discussions.post_reply(
        actor=world.henri.user,
        author=world.henri,
        thread=thread,
        body="And ours.",
        files=[upload("ours.pdf")],
    )
    [message] = mail.outbox
    assert message.to == ["kim@example.org"] and "ours.pdf (PDF, 125\xa0bytes)" in message.body


def test_a_file_of_a_refused_type_refuses_the_reply_and_keeps_the_text(world, settings):
    thread = start(world)
    response = world.client_for("henri").post(
        f"{THREADS}{thread.pk}/reply/",
        {"body": "Our routes, as a drawing.", "files": [upload("routes.pdf"), upload("routes.svg", SVG)]},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "routes.svg" in text and "can carry scripts" in text
    assert "Our routes, as a drawing." in text and "choose the files to attach again" in text
    assert not Post.objects.filter(author=world.henri).exists() and not PostFile.objects.exists()
    assert stored_files(settings) == []


@override_settings(QICOP_UPLOAD_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(world, settings):
    response = world.client_for("kim").post(
        THREADS + "new/",
        {"title": "Big files", "body": "The scan.", "files": [upload("scan.pdf", PDF + b"x" * 200)]},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "“scan.pdf”: the file is larger than the limit of 100" in text
    assert 'value="Big files"' in text and "The scan." in text
    assert not Thread.objects.exists() and stored_files(settings) == []


def test_a_post_carries_at_most_five_files(world, settings):
    thread = start(world)
    response = world.client_for("henri").post(
        f"{THREADS}{thread.pk}/reply/",
        {"body": "All pages.", "files": [upload(f"p{i}.pdf") for i in range(6)]},
    )
    assert response.status_code == 400
    assert "“p5.pdf”: a post carries at most 5 files." in response.content.decode()
    assert not PostFile.objects.exists() and stored_files(settings) == []
    response = world.client_for("henri").post(
        f"{THREADS}{thread.pk}/reply/",
        {"body": "Five pages.", "files": [upload(f"p{i}.pdf") for i in range(5)]},
    )
    assert response.status_code == 302 and PostFile.objects.count() == 5


def test_files_of_a_draft_case_studys_discussion_go_only_to_those_who_read_the_draft(world):
    draft = CaseStudy.objects.create(
        network=world.network, country=world.kenya, title="Refill groups", created_by=world.kim.user
    )
    thread = start(world, case_study=draft, files=[upload("draft.pdf")])
    post = thread.posts.get()
    download = f"{THREADS}{thread.pk}/posts/{post.pk}/files/{post.files.get().pk}/"
    assert world.client_for("faith").get(download).status_code == 200  # Kenya's focal point
    assert world.client_for("henri").get(download).status_code == 404  # Haiti's member: not his to read
    assert world.client_for("dan").get(download).status_code == 404


def test_the_files_of_a_hidden_post_go_to_moderators_only(world):
    thread = start(world)
    post = discussions.post_reply(
        actor=world.henri.user, author=world.henri, thread=thread, body="Here.", files=[upload("x.pdf")]
    )
    discussions.post_hide(actor=world.carla.user, post=post, hidden=True)
    download = f"{THREADS}{thread.pk}/posts/{post.pk}/files/{post.files.get().pk}/"
    assert world.client_for("kim").get(download).status_code == 404
    assert "x.pdf" not in world.client_for("kim").get(f"{THREADS}{thread.pk}/").content.decode()
    assert world.client_for("carla").get(download).status_code == 200


def test_the_thread_page_with_files_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    thread = start(world)
    for i in range(20):
        persona = "henri" if i % 2 else "faith"
        member = getattr(world, persona)
        discussions.post_reply(
            actor=member.user,
            author=member,
            thread=thread,
            body=f"Reply {i}",
            files=[upload(f"a{i}.pdf"), upload(f"b{i}.png", PNG)],
        )
    client = world.client_for("kim")
    with django_assert_max_num_queries(13):  # as many as without files: one query fetches them all
        page = client.get(f"{THREADS}{thread.pk}/").content.decode()
    assert "a0.pdf" in page and "b19.png" in page
