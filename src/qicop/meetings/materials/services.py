"""Meeting materials: uploads checked by their content (qicop.core.uploads), stored privately.

A file is accepted when its bytes are a PDF, an Office Open XML document (PPTX, DOCX, XLSX) or an image
(PNG, JPEG, GIF, WebP), and it is no larger than ``QICOP_UPLOAD_MAX_BYTES``. Anything else is refused
with the reason, and nothing is stored. SVG is refused on purpose: it is a document that can carry script.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.uploads import (
    check_upload,
    safe_file_name,
)
from qicop.meetings import permissions
from qicop.meetings.models import AgendaItem, Material, Meeting
from qicop.network.permissions import Viewer

FILE_KINDS = frozenset(
    {Material.Kind.SLIDES, Material.Kind.DOCUMENT, Material.Kind.SPREADSHEET, Material.Kind.IMAGE}
)
LINK_KINDS = frozenset({Material.Kind.RECORDING, Material.Kind.LINK})


# Permission rules of this feature that meetings.permissions does not hold, one condition a line.


def upload_targets(viewer: Viewer, meeting: Meeting) -> list[AgendaItem]:
    """The agenda items of ``meeting`` the viewer may attach materials to: all of them for coordinators,
    the ones they present, sit on the panel of or moderate for anyone else."""
    items = meeting.agenda.all()
    if not permissions.can_manage_meetings(viewer, meeting.network_id):
        if viewer.member_id is None:
            return []
        mine = (
            Q(presenters__id=viewer.member_id)
            | Q(panellists__id=viewer.member_id)
            | Q(moderator_id=viewer.member_id)
        )
        items = items.filter(mine).distinct()
    items = items.prefetch_related("presenters", "panellists")
    return [item for item in items if permissions.can_upload_material(viewer, meeting, item)]


def can_add_materials(viewer: Viewer, meeting: Meeting, targets: list[AgendaItem]) -> bool:
    return permissions.can_manage_meetings(viewer, meeting.network_id) or bool(targets)


def can_delete_material(viewer: Viewer, material: Material, network_id: int) -> bool:
    if permissions.can_manage_meetings(viewer, network_id):
        return True
    return viewer.member_id is not None and material.uploaded_by_id == viewer.member_id


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


# Demo data


def load_demo() -> None:
    """Give the demo meetings a few tiny materials and the held virtual sessions their recordings.
    Idempotent: a meeting that has materials already is left alone."""
    from django.core.files.base import ContentFile

    from qicop.accounts.models import User

    actor = User.objects.filter(email="coordinator@example.org").first()
    meetings = list(
        Meeting.objects.filter(network__slug__in=["virtual", "all-country"], materials__isnull=True)
        .select_related("network")
        .prefetch_related("agenda__country")
        .order_by("start")
    )
    if actor is None or not meetings:
        return
    files = _demo_files()
    for meeting in meetings:
        agenda = {item.kind: item for item in meeting.agenda.all()}
        for item_kind, (title, name, language, kind) in _demo_plan(meeting, agenda).items():
            store_material(
                actor=actor,
                meeting=meeting,
                title=title,
                upload=ContentFile(files[name.rsplit(".", 1)[-1]], name=name),
                kind=kind,
                agenda_item=agenda.get(item_kind),
                language=language,
            )
        if meeting.network.slug == "virtual" and meeting.status == Meeting.Status.HELD:
            store_material(
                actor=actor,
                meeting=meeting,
                title="Recording of the session",
                url=f"https://recordings.example.org/vln/{meeting.start:%Y-%m-%d}",
                kind=Material.Kind.RECORDING,
            )


# Languages the demo countries present in, when not English.
DEMO_LANGUAGES = {"HT": "fr", "MZ": "pt"}


def _demo_plan(meeting: Meeting, agenda: dict) -> dict[str, tuple[str, str, str, str | None]]:
    """agenda item kind → (title, file name, language, kind) of the materials a demo meeting gets."""
    if meeting.network.slug == "virtual":
        country = agenda.get(AgendaItem.Kind.COUNTRY)
        country = country.country if country is not None else None
        iso2 = country.iso2 if country else ""
        return {
            AgendaItem.Kind.COUNTRY: (
                f"{country.name if country else 'Country'}: slides",
                f"{iso2 or 'country'}-slides.pdf",
                DEMO_LANGUAGES.get(iso2, "en"),
                Material.Kind.SLIDES,
            ),
            AgendaItem.Kind.EXPERT: ("Run chart discussed by the expert", "run-chart.png", "", None),
        }
    return {
        AgendaItem.Kind.EXPERT: (
            "Measuring for improvement",
            "measuring-for-improvement.pdf",
            "en",
            Material.Kind.SLIDES,
        ),
        AgendaItem.Kind.PANEL: ("Programme indicators by country", "indicators.xlsx", "en", None),
        AgendaItem.Kind.DISCUSSION: ("Flip chart from the discussions", "flip-chart.png", "", None),
    }


def _demo_files() -> dict[str, bytes]:
    """One tiny file of each kind, made once: a PDF, a spreadsheet and a run-chart picture."""
    import io

    from openpyxl import Workbook
    from PIL import Image, ImageDraw

    from qicop.core.pdf import html_to_pdf

    pdf = html_to_pdf(
        "<html><head><style>@page { size: A5 landscape } body { font-family: sans-serif }</style></head>"
        "<body><h1>Quality improvement: our work</h1><ul><li>Aim</li><li>Changes tested</li>"
        "<li>Run chart</li><li>Our question for the network</li></ul></body></html>"
    )
    book = Workbook()
    sheet = book.active
    sheet.title = "Indicators"
    sheet.append(["Country", "Viral load coverage (%)", "Suppression (%)"])
    for row in (["Kenya", 81, 90], ["Haiti", 64, 82], ["Namibia", 88, 93], ["Thailand", 85, 95]):
        sheet.append(row)
    spreadsheet = io.BytesIO()
    book.save(spreadsheet)
    image = Image.new("RGB", (160, 90), "white")
    draw = ImageDraw.Draw(image)
    points = [(10 + i * 14, 70 - (i * 5) % 40 - i * 2) for i in range(11)]
    draw.line([(5, 60), (155, 60)], fill="#a3261b")
    draw.line(points, fill="#0b5cad", width=2)
    png = io.BytesIO()
    image.save(png, "PNG", optimize=True)
    return {"pdf": pdf, "xlsx": spreadsheet.getvalue(), "png": png.getvalue()}
