"""The low-bandwidth pack: one ZIP per meeting with its files, its agenda and minutes (as a small
self-contained web page and as plain Markdown) and the links to its recordings.

Planning the pack reads only the database; its ETag comes from what goes into it (the text documents,
the materials' names and sha256 digests), so a member whose copy is current gets a 304 without the ZIP
being built. Building writes to a temporary file, one material at a time, so memory stays small however
large the files are.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from qicop.core.markdown import render_markdown
from qicop.core.uploads import ACCEPTED
from qicop.core.when import when, when_range, zone_label
from qicop.meetings import times
from qicop.meetings.models import Material, Meeting

# Formats that are compressed already (images, and Office files, which are ZIP archives themselves):
# deflating them again costs time and saves nothing.
ALREADY_COMPRESSED = frozenset(ACCEPTED) - {"application/pdf"}
# A pack lists at most this many materials; a meeting never comes near it.
MAX_MATERIALS = 500
# The agenda, minutes and links add a few kilobytes to the files themselves.
TEXT_ALLOWANCE = 8 * 1024


@dataclass(frozen=True)
class PackFile:
    name: str  # the name inside the ZIP: "<nn>-<title>.<ext>", no folders
    material: Material


@dataclass(frozen=True)
class Link:
    kind: str  # Material.Kind value
    label: str
    title: str
    url: str


@dataclass(frozen=True)
class PackPlan:
    meeting: Meeting
    files: list[PackFile]
    documents: dict[str, str]  # name inside the ZIP → text
    etag: str
    last_modified: datetime
    filename: str  # of the ZIP itself


def materials_of(meeting: Meeting) -> list[Material]:
    """The meeting's materials in agenda order, the ones of no agenda item last."""
    materials = list(
        Material.objects.filter(meeting=meeting)
        .select_related("agenda_item")
        .order_by("agenda_item__start", "agenda_item_id", "title", "id")[:MAX_MATERIALS]
    )
    return [m for m in materials if m.agenda_item_id] + [m for m in materials if not m.agenda_item_id]


def approximate_size(materials: list[Material]) -> int:
    return sum(m.size for m in materials if m.file) + TEXT_ALLOWANCE


def file_names(materials: list[Material]) -> dict[int, str]:
    """Material id → its name in the pack. Built only from a number, a slug and a known extension, so
    no name can climb out of the folder the pack is unpacked into."""
    names = {}
    for number, material in enumerate((m for m in materials if m.file), start=1):
        extension = ACCEPTED.get(material.content_type, (None, "bin"))[1]
        stem = slugify(material.title)[:60].strip("-") or "material"
        names[material.pk] = f"{number:02d}-{stem}.{extension}"
    return names


def recordings_and_links(meeting: Meeting, materials: list[Material]) -> list[Link]:
    """The meeting's recording and its materials that are links, recordings first."""
    recording = Material.Kind.RECORDING
    found = []
    if meeting.recording_url:
        found.append(Link(recording, str(recording.label), meeting.title, meeting.recording_url))
    found += [
        Link(m.kind, m.get_kind_display(), m.title, m.url)
        for m in sorted(materials, key=lambda m: m.kind != recording)
        if not m.file and m.url
    ]
    return found


def plan_pack(meeting: Meeting) -> PackPlan:
    """What the pack of ``meeting`` holds, in the active language and time zone."""
    materials = materials_of(meeting)
    names = file_names(materials)
    agenda = list(meeting.agenda.select_related("country").prefetch_related("presenters", "panellists"))
    by_item: dict[int | None, list[tuple[Material, str]]] = {}
    for material in materials:
        by_item.setdefault(material.agenda_item_id, []).append((material, names.get(material.pk, "")))
    links = recordings_and_links(meeting, materials)
    context = {
        "meeting": meeting,
        "agenda": [(item, by_item.get(item.pk, [])) for item in agenda],
        "other_materials": by_item.get(None, []),
        "minutes_html": render_markdown(meeting.minutes) if meeting.minutes else "",
        "decisions": list(meeting.decisions.all()),
        "actions": list(meeting.actions.select_related("owner")),
        "links": links,
        # A meeting held somewhere is written on the venue's clock; a virtual one on the reader's.
        "generated_for": times.clock_zone(meeting),
    }
    context["zone"] = context["generated_for"]
    with timezone.override(ZoneInfo(context["generated_for"])):
        # Over several days (or across midnight on that clock), every time says its day.
        context["several_days"] = (
            timezone.localtime(meeting.start).date() != timezone.localtime(meeting.end).date()
        )
        documents = {
            "agenda-and-minutes.html": render_to_string("meetings/pack_agenda.html", context),
            "agenda-and-minutes.md": agenda_markdown(context),
        }
    if links:
        documents["links.txt"] = links_text(meeting, links)
    files = [PackFile(names[m.pk], m) for m in materials if m.pk in names]
    digest = hashlib.sha256(f"{meeting.pk}|{translation.get_language()}".encode())
    for name, text in documents.items():
        digest.update(f"\0{name}\0{text}".encode())
    for entry in files:
        digest.update(f"\0{entry.name}\0{entry.material.sha256}\0{entry.material.size}".encode())
    moments = [meeting.updated_at, *(m.updated_at for m in materials)]
    moments += [d.updated_at for d in context["decisions"]] + [a.updated_at for a in context["actions"]]
    stem = "-".join(
        part
        for part in (f"{timezone.localtime(meeting.start):%Y-%m-%d}", slugify(meeting.title)[:60].strip("-"))
        if part
    )
    return PackPlan(
        meeting=meeting,
        files=files,
        documents=documents,
        etag=f'"{digest.hexdigest()[:32]}"',
        last_modified=max(moments),
        filename=f"{stem}.zip",
    )


def _date_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    moment = timezone.localtime(moment)
    return max(moment.timetuple()[:6], (1980, 1, 1, 0, 0, 0))


def build_pack(plan: PackPlan):
    """The ZIP of ``plan`` in an anonymous temporary file, rewound; closing it deletes it. Files missing
    from the storage are left out (the agenda page still names them)."""
    out = tempfile.TemporaryFile(suffix=".zip")  # noqa: SIM115 - the response closes it, after streaming
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            stamp = _date_time(plan.last_modified)
            for name, text in plan.documents.items():
                archive.writestr(zipfile.ZipInfo(name, stamp), text.encode(), zipfile.ZIP_DEFLATED)
            for entry in plan.files:
                _add_file(archive, entry)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _add_file(archive: zipfile.ZipFile, entry: PackFile) -> None:
    material = entry.material
    info = zipfile.ZipInfo(entry.name, _date_time(material.updated_at))
    info.compress_type = (
        zipfile.ZIP_STORED if material.content_type in ALREADY_COMPRESSED else zipfile.ZIP_DEFLATED
    )
    info.file_size = material.size
    try:
        source = material.file.open("rb")
    except FileNotFoundError:
        return
    with source, archive.open(info, "w", force_zip64=material.size > 2**31) as target:
        shutil.copyfileobj(source, target, 1024 * 1024)


def agenda_markdown(context: dict) -> str:
    """The agenda and minutes as plain Markdown: readable in any text editor, on any phone. Times are
    written by the one formatter, on the clock the active zone gives (``plan_pack`` sets it)."""
    meeting = context["meeting"]
    lines = [f"# {meeting.title}", ""]
    several_days = context["several_days"]
    zone = timezone.get_current_timezone()
    lines.append(
        f"{times.span_text(meeting.start, meeting.end, zone)}"
        f" ({zone_label(context['generated_for'], at=meeting.start, inline=True)})"
        f" · {meeting.get_kind_display()}"
    )
    if meeting.venue or meeting.city:
        lines.append(", ".join(part for part in (meeting.venue, meeting.city) if part))
    lines.append("")
    if meeting.description:
        lines += [meeting.description, ""]
    if context["agenda"]:
        lines += [f"## {_('Agenda')}", ""]
        for item, materials in context["agenda"]:
            people = [p.full_name for p in item.presenters.all()] + [
                p.full_name for p in item.panellists.all()
            ]
            if item.speakers:
                people.append(item.speakers)
            who = f" — {', '.join(people)}" if people else ""
            if timezone.localtime(item.start).date() != timezone.localtime(item.end).date():
                span = times.span_text(item.start, item.end, zone)
            else:
                day = f"{when(item.start, 'short_day')}, " if several_days else ""
                span = day + when_range(item.start, item.end, "time")
            lines.append(f"- **{span}** {item.title}{who}")
            lines += [f"  - {material.title}: {name or material.url}" for material, name in materials]
        lines.append("")
    if context["other_materials"]:
        lines += [f"## {_('Other materials')}", ""]
        lines += [
            f"- {material.title}: {name or material.url}" for material, name in context["other_materials"]
        ]
        lines.append("")
    if meeting.minutes:
        lines += [f"## {_('Minutes')}", "", meeting.minutes.strip(), ""]
    if context["decisions"]:
        lines += [f"## {_('Decisions')}", ""] + [f"- {d.text}" for d in context["decisions"]] + [""]
    if context["actions"]:
        lines += [f"## {_('Actions')}", ""]
        for action in context["actions"]:
            details = [action.owner.full_name if action.owner else "", action.get_status_display()]
            if action.due:
                details.append(_("due %(date)s") % {"date": when(action.due)})
            lines.append(f"- {action.description} ({', '.join(d for d in details if d)})")
        lines.append("")
    return "\n".join(lines)


def links_text(meeting: Meeting, links: list[Link]) -> str:
    """One line per recording or link: open them when the connection allows."""
    header = _("Recordings and links of “%(title)s”") % {"title": meeting.title}
    return "\n".join([header, "", *(f"{link.label}: {link.title}\n  {link.url}" for link in links), ""])
