"""Meeting materials: uploads checked by their content (not their name), stored privately.

A file is accepted when its bytes are a PDF, an Office Open XML document (PPTX, DOCX, XLSX) or an image
(PNG, JPEG, GIF, WebP), and it is no larger than ``QICOP_UPLOAD_MAX_BYTES``. Anything else is refused
with the reason, and nothing is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings.models import AgendaItem, Material, Meeting

# content type → (kind of material, extension for downloads)
OOXML = "application/vnd.openxmlformats-officedocument."
ACCEPTED = {
    "application/pdf": (Material.Kind.DOCUMENT, "pdf"),
    OOXML + "presentationml.presentation": (Material.Kind.SLIDES, "pptx"),
    OOXML + "wordprocessingml.document": (Material.Kind.DOCUMENT, "docx"),
    OOXML + "spreadsheetml.sheet": (Material.Kind.SPREADSHEET, "xlsx"),
    "image/png": (Material.Kind.IMAGE, "png"),
    "image/jpeg": (Material.Kind.IMAGE, "jpg"),
    "image/gif": (Material.Kind.IMAGE, "gif"),
    "image/webp": (Material.Kind.IMAGE, "webp"),
}


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    kind: str
    extension: str
    size: int
    sha256: str


def check_upload(upload) -> CheckedUpload:
    """Read an uploaded file's head and size; raise ValidationError saying why it is refused."""
    size = upload.size
    limit = settings.QICOP_UPLOAD_MAX_BYTES
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    guess = filetype.guess(head)
    if guess is None or guess.mime not in ACCEPTED:
        found = guess.mime if guess is not None else _("unknown")
        raise ValidationError(
            _(
                "This file is not a PDF, PowerPoint, Word, Excel or image file (its content is %(found)s), "
                "whatever its name says."
            )
            % {"found": found},
            code="wrong_type",
        )
    digest = hashlib.sha256(head)
    for chunk in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    kind, extension = ACCEPTED[guess.mime]
    return CheckedUpload(guess.mime, kind, extension, size, digest.hexdigest())


@transaction.atomic
def store_material(
    *,
    actor,
    meeting: Meeting,
    title: str,
    upload=None,
    url: str = "",
    kind: str | None = None,
    agenda_item: AgendaItem | None = None,
    language: str = "",
) -> Material:
    """Store a file (checked first) or a link as a material of ``meeting``. Permission is the caller's
    to check (``meetings.permissions.can_upload_material``)."""
    if (upload is None) == (not url):
        raise ValidationError(_("Give either a file or a link."), code="file_or_link")
    member = getattr(actor, "member", None)
    material = Material(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        url=url,
        language=language,
        uploaded_by=member,
    )
    if upload is not None:
        checked = check_upload(upload)
        material.kind = kind or checked.kind
        material.content_type = checked.content_type
        material.size = checked.size
        material.sha256 = checked.sha256
        material.original_name = (upload.name or f"material.{checked.extension}")[-255:]
        # The file is written first, then the row; if the row fails the file is removed again, so a
        # failed upload leaves nothing behind.
        material.file.save(material.original_name, upload, save=False)
        try:
            material.save()
        except Exception:
            material.file.storage.delete(material.file.name)
            raise
    else:
        material.kind = kind or Material.Kind.LINK
        material.save()
    audit(actor=actor, verb="meeting.material", target=meeting, material=material.pk, title=title)
    return material
