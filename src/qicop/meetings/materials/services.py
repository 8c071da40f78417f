"""Meeting materials: uploads checked by their content (qicop.core.uploads), stored privately.

A file is accepted when its bytes are a PDF, an Office Open XML document (PPTX, DOCX, XLSX) or an image
(PNG, JPEG, GIF, WebP), and it is no larger than ``QICOP_UPLOAD_MAX_BYTES``. Anything else is refused
with the reason, and nothing is stored. SVG is refused on purpose: it is a document that can carry script.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.uploads import check_upload, safe_file_name
from qicop.meetings.models import AgendaItem, Material, Meeting

FILE_KINDS = frozenset(
    {Material.Kind.SLIDES, Material.Kind.DOCUMENT, Material.Kind.SPREADSHEET, Material.Kind.IMAGE}
)
LINK_KINDS = frozenset({Material.Kind.RECORDING, Material.Kind.LINK})


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
    to check (``meetings.permissions.can_upload_material``). Refused input raises ValidationError and
    leaves neither a row nor a file behind."""
    if (upload is None) == (not url):
        raise ValidationError(_("Give either a file or a link."), code="file_or_link")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ValidationError(_("That agenda item belongs to another meeting."), code="agenda_item")
    member = getattr(actor, "member", None)
    material = Material(
        meeting=meeting,
        agenda_item=agenda_item,
        title=title,
        url=url,
        language=language,
        uploaded_by=member,
    )
    if upload is None:
        material.kind = kind or Material.Kind.LINK
        material.save()
        audit(actor=actor, verb="meeting.material", target=meeting, material=material.pk, title=title)
    else:
        if kind in LINK_KINDS:
            raise ValidationError(
                _("Recordings and links are given by their address, not uploaded."), code="kind"
            )
        checked = check_upload(upload)
        material.kind = kind or checked.kind
        material.content_type = checked.content_type
        material.size = checked.size
        material.sha256 = checked.sha256
        material.original_name = safe_file_name(upload.name, checked.extension)
        # The file is written first, then the row; if anything after fails the file is removed again,
        # so a failed upload leaves nothing behind.
        material.file.save(material.original_name, upload, save=False)
        try:
            material.save()
            audit(actor=actor, verb="meeting.material", target=meeting, material=material.pk, title=title)
        except Exception:
            material.file.storage.delete(material.file.name)
            raise
    return material


@transaction.atomic
def delete_material(*, actor, material: Material) -> None:
    """Remove a material; its file leaves the private storage once the deletion is committed. Permission
    is the caller's to check (``can_delete_material``)."""
    meeting = material.meeting
    name = material.file.name if material.file else ""
    storage = material.file.storage
    audit(
        actor=actor,
        verb="meeting.material_delete",
        target=meeting,
        material=material.pk,
        title=material.title,
    )
    material.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
