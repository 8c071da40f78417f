"""Files attached to posts: checked as every upload of qicop is (core.uploads: by content, against the size
limit), at most FILES_PER_POST to a post, kept in private storage and handed out only by a view that
checks the reader (decision 0017).

The site refuses a reply whose files are not all accepted (the form comes back with the text typed); a
reply by e-mail is posted with the files that are accepted, and its sender hears which were not and why
(mailin.receive). Both sort the files with ``sort_files``.

The storage follows the rows: a file is written once the transaction that records its row commits, and
removed once the transaction that deletes its row (its post's, its thread's, a case study's or a whole
network's, by any cascade) commits. So a post rolled back — a later check that fails, a reply by e-mail
whose recording fails — leaves no file behind, a deleted post or thread takes its files with it, and a
deletion rolled back keeps them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.uploads import CheckedUpload, check_upload, safe_file_name
from qicop.knowledge.models import Post, PostFile

log = logging.getLogger(__name__)

#: The most files a post carries: the minutes, a protocol and a few photos, few enough that a page of a
#: thread stays light and a post's storage bounded.
FILES_PER_POST = 5


@dataclass(frozen=True)
class RefusedFile:
    name: str
    why: str

    def __str__(self) -> str:
        return _("“%(name)s”: %(why)s") % {"name": self.name, "why": self.why}


def display_name(upload) -> str:
    return (getattr(upload, "name", "") or "").strip() or _("(a file without a name)")


def too_many() -> str:
    return _("a post carries at most %(count)s files.") % {"count": FILES_PER_POST}


def sort_files(uploads) -> tuple[list[tuple[object, CheckedUpload]], list[RefusedFile]]:
    """The uploads accepted, each with its checked content, and those refused, each with why: by content
    and size (core.uploads.check_upload), then the first FILES_PER_POST accepted ones only."""
    accepted: list[tuple[object, CheckedUpload]] = []
    refused: list[RefusedFile] = []
    for upload in uploads:
        try:
            checked = check_upload(upload)
        except ValidationError as problem:
            refused.append(RefusedFile(display_name(upload), " ".join(problem.messages)))
            continue
        if len(accepted) >= FILES_PER_POST:
            refused.append(RefusedFile(display_name(upload), too_many()))
            continue
        accepted.append((upload, checked))
    return accepted, refused


def attach_files(post: Post, uploads) -> list[PostFile]:
    """Record ``uploads`` as ``post``'s files. Precondition: inside the post's transaction. Refuses them all
    (ValidationError naming each refused file, nothing recorded) unless every one is accepted. Effects: the
    rows now, each naming where its file will be; the files themselves once the transaction commits."""
    accepted, refused = sort_files(uploads)
    if refused:
        raise ValidationError([str(r) for r in refused], code="files")
    field = PostFile._meta.get_field("file")
    rows: list[PostFile] = []
    for upload, checked in accepted:
        row = PostFile(
            post=post,
            content_type=checked.content_type,
            size=checked.size,
            original_name=safe_file_name(display_name(upload), checked.extension),
        )
        row.file = field.generate_filename(row, row.original_name)  # a name only: nothing written yet
        rows.append(row)
    rows = PostFile.objects.bulk_create(rows)
    if rows:
        pairs = zip(rows, accepted, strict=True)
        waiting = [(row.pk, row.file.name, upload) for row, (upload, _checked) in pairs]
        transaction.on_commit(partial(_store_files, field, waiting))
    return rows


def _store_files(field, waiting: list[tuple[int, str, object]]) -> None:
    """After the commit: write each file where its row says. A file the storage cannot take (a full disk,
    an object store out of reach) loses its row, so that the post never lists a file nobody can download;
    the post itself stands, and the log says what was lost."""
    for pk, name, upload in waiting:
        try:
            stored = field.storage.save(name, upload, max_length=field.max_length)
        except Exception:
            log.exception("the file %s of a post could not be stored; its row %s is removed", name, pk)
            PostFile.objects.filter(pk=pk).delete()
            continue
        if stored != name:  # the storage chose another name (one was taken): the row follows it
            PostFile.objects.filter(pk=pk).update(file=stored)


def forget_stored_file(sender, instance: PostFile, using: str, **kwargs) -> None:
    """``post_delete`` of a post file, however it came (its post, its thread, or anything above them
    deleted): the stored file goes once the deletion commits, and stays if it is rolled back."""
    name, storage = instance.file.name, instance.file.storage
    if name:
        # robust: the rows are gone for good by then; a storage that fails to delete is logged, not raised
        transaction.on_commit(partial(storage.delete, name), using=using, robust=True)
