"""Files attached to posts: checked as every upload of qicop is (core.uploads: by content, against the size
limit), at most FILES_PER_POST to a post, kept in private storage and handed out only by a view that
checks the reader (decision 0017).

The site refuses a reply whose files are not all accepted (the form comes back with the text typed); a
reply by e-mail is posted with the files that are accepted, and its sender hears which were not and why
(mailin.receive). Both sort the files with ``sort_files``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qicop.core.uploads import CheckedUpload, check_upload, safe_file_name
from qicop.knowledge.models import Post, PostFile

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
    """Store ``uploads`` as ``post``'s files. Precondition: inside the post's transaction. Refuses them all
    (ValidationError naming each refused file, nothing stored) unless every one is accepted."""
    accepted, refused = sort_files(uploads)
    if refused:
        raise ValidationError([str(r) for r in refused], code="files")
    rows: list[PostFile] = []
    try:
        for upload, checked in accepted:
            row = PostFile(
                post=post,
                content_type=checked.content_type,
                size=checked.size,
                original_name=safe_file_name(display_name(upload), checked.extension),
            )
            row.file.save(row.original_name, upload, save=False)
            rows.append(row)
        return PostFile.objects.bulk_create(rows)
    except Exception:
        for row in rows:  # written already: nothing of a refused post stays behind
            row.file.storage.delete(row.file.name)
        raise
