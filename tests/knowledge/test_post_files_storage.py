"""Where the files of posts are kept follows their rows: a file is written once the post that carries it
commits, and removed once the deletion of its row commits — a post's, a thread's, or anything's above
them. A post rolled back (a later check that fails; a reply by e-mail whose recording fails, in
tests/mailin/test_reply_files.py) leaves no file behind; a deletion rolled back keeps the files.

These tests let what waits for the commit wait for it, as in production (``after_commit_for_real``), and
commit with ``django_capture_on_commit_callbacks(execute=True)``; each test has a storage folder of its own
(conftest: ``_private_files_of_its_own``)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import CaseStudy, Post, PostFile, Thread

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def stored_files(settings) -> list[Path]:
    folder = Path(settings.PRIVATE_ROOT) / "discussions"
    return sorted(folder.iterdir()) if folder.exists() else []


def start(world, persona="kim", files=(), **attached) -> Thread:
    member = getattr(world, persona)
    return discussions.thread_start(
        actor=member.user,
        author=member,
        network=world.network,
        title="Courier delays",
        body="Samples wait for days.",
        files=files,
        **attached,
    )


def reply_with_files(world, thread, *names: str, persona="henri") -> Post:
    member = getattr(world, persona)
    return discussions.post_reply(
        actor=member.user,
        author=member,
        thread=thread,
        body="Our routes.",
        files=[upload(name) for name in names],
    )


def rolled_back(work) -> None:
    """Do ``work`` in a transaction that then fails, as a feature that writes, then checks something else
    that fails, would."""
    with transaction.atomic():
        work()
        raise ValidationError("a later check fails")


def test_a_file_is_written_once_its_post_commits_and_then_downloads(
    world, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    thread = start(world)
    after_commit_for_real()
    with django_capture_on_commit_callbacks(execute=True):
        post = reply_with_files(world, thread, "routes.pdf")
        assert post.files.count() == 1 and stored_files(settings) == []  # not before the commit
    [stored] = post.files.all()
    assert stored_files(settings) == [Path(stored.file.path)]
    download = f"/n/vln/discussions/{thread.pk}/posts/{post.pk}/files/{stored.pk}/"
    response = world.client_for("faith").get(download)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_a_post_rolled_back_by_a_later_failure_leaves_no_file_in_storage(
    world, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    thread = start(world)
    after_commit_for_real()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        rolled_back(lambda: reply_with_files(world, thread, "routes.pdf", "map.pdf"))
    assert not Post.objects.filter(author=world.henri).exists() and not PostFile.objects.exists()
    assert stored_files(settings) == []


def test_deleting_a_post_removes_its_files_from_storage_once_committed(
    world, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    thread = start(world, files=[upload("first.pdf")])
    post = reply_with_files(world, thread, "routes.pdf", "map.pdf")
    kept = Path(thread.posts.order_by("id").first().files.get().file.path)
    assert len(stored_files(settings)) == 3
    after_commit_for_real()
    with django_capture_on_commit_callbacks(execute=True):
        post.delete()
        assert len(stored_files(settings)) == 3  # not before the commit
    assert stored_files(settings) == [kept]  # the other post's file stays


def test_deleting_a_thread_removes_the_files_of_all_its_posts(
    world, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    thread = start(world, files=[upload("first.pdf")])
    reply_with_files(world, thread, "routes.pdf")
    other = start(world, "faith", files=[upload("other.pdf")])
    after_commit_for_real()
    with django_capture_on_commit_callbacks(execute=True):
        thread.delete()
    assert stored_files(settings) == [Path(other.posts.get().files.get().file.path)]


def test_deleting_a_case_study_takes_the_files_of_its_discussions_with_it(
    world, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    case = CaseStudy.objects.create(network=world.network, country=world.kenya, title="Refill groups")
    start(world, case_study=case, files=[upload("draft.pdf")])
    assert len(stored_files(settings)) == 1
    after_commit_for_real()
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()  # the cascade: case study → its threads → their posts → their files
    assert stored_files(settings) == [] and not PostFile.objects.exists()


def test_a_deletion_rolled_back_keeps_the_files(
    world, settings, after_commit_for_real, django_capture_on_commit_callbacks
):
    thread = start(world, files=[upload("first.pdf")])
    reply_with_files(world, thread, "routes.pdf")
    before = stored_files(settings)
    after_commit_for_real()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        rolled_back(thread.delete)  # the rows are gone, then the transaction fails
    assert len(before) == 2 and stored_files(settings) == before
    assert PostFile.objects.count() == 2


def test_a_file_the_storage_cannot_take_after_the_commit_loses_its_row_and_the_post_stands(
    world, settings, monkeypatch, caplog, after_commit_for_real, django_capture_on_commit_callbacks
):
    thread = start(world)
    storage = PostFile._meta.get_field("file").storage
    real_save = storage.save

    def disk_full_for_maps(name, content, max_length=None):
        if content.name == "map.pdf":
            raise OSError(28, "No space left on device")
        return real_save(name, content, max_length=max_length)

    monkeypatch.setattr(storage, "save", disk_full_for_maps)
    after_commit_for_real()
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        post = reply_with_files(world, thread, "routes.pdf", "map.pdf")
    assert Post.objects.filter(pk=post.pk).exists()
    assert [f.original_name for f in post.files.all()] == ["routes.pdf"]
    assert len(stored_files(settings)) == 1
    assert "could not be stored" in caplog.text
