"""Demo materials: a few tiny files on the demo agendas and the held virtual sessions' recordings."""

from __future__ import annotations

from qicop.accounts.models import User
from qicop.core.pdf import html_to_pdf
from qicop.meetings.materials.services import store_material
from qicop.meetings.models import AgendaItem, Material, Meeting

# Demo data


def load_demo() -> None:
    """Give the demo meetings a few tiny materials and the held virtual sessions their recordings.
    Idempotent: a meeting that has materials already is left alone."""
    from django.core.files.base import ContentFile

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
