"""``read_attendance``: which tool wrote the file, then its participants as aware, merged stays."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ._columns import (
    TEAMS_COLUMNS,
    TEAMS_LEGACY_COLUMNS,
    TEAMS_SUMMARY,
    ZOOM_COLUMNS,
    is_section_title,
    lookup,
    map_header,
    normalise,
)
from ._encoding import decode, rows, separator
from ._model import TEAMS, TEAMS_LEGACY, ZOOM, AttendanceFormatError, AttendanceReport, Participant
from ._people import clean_email, group
from ._segments import RawReport, TimeReader
from ._teams import read_teams, read_teams_legacy
from ._times import ambiguous_date, decide_order, parse_duration, parse_local
from ._zoom import read_zoom

_READERS = {ZOOM: read_zoom, TEAMS: read_teams, TEAMS_LEGACY: read_teams_legacy}


def read_attendance(
    data: bytes, *, filename: str | None = None, time_zone: str = "UTC", day_first: bool | None = None
) -> AttendanceReport:
    """Read a Zoom participants report or a Teams attendance report exactly as downloaded.

    ``time_zone`` is the zone the times in the file are written in: the organiser's, who downloads the report
    (neither tool writes an offset). ``day_first`` settles dates like ``3/10/25`` when the file itself cannot
    (see ``_times``); by default the file decides. ``filename`` only labels error messages.
    Raises ``AttendanceFormatError`` with a message naming what is missing.
    """
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise AttendanceFormatError(f"Unknown time zone {time_zone!r}") from exc
    try:
        return _read(data, zone, day_first)
    except AttendanceFormatError as exc:
        if filename:
            exc.message = f"{filename}: {exc.message}"
            exc.args = (exc.message,)
        raise


def _read(data: bytes, zone: ZoneInfo, day_first: bool | None) -> AttendanceReport:
    if not data.strip(b"\x00\t\r\n ,;\xef\xbb\xbf\xff\xfe"):
        raise AttendanceFormatError("The attendance file is empty")
    text, _encoding = decode(data)
    table = rows(text, separator(text))
    raw = _READERS[detect_tool(table)](table)
    if not raw.rows:
        raise AttendanceFormatError(f"This {_LABELS[raw.tool]} lists no participants")
    return _build(raw, zone, day_first)


_LABELS = {
    ZOOM: "Zoom participants report",
    TEAMS: "Teams attendance report",
    TEAMS_LEGACY: "Teams attendance list",
}


def detect_tool(table: list[list[str]]) -> str:
    """The tool whose headings best match one row near the top. Zoom and Teams share headings such as
    ``Join Time``, so the row with the most headings of one tool decides; Teams' numbered section titles
    and summary labels count for Teams."""
    head = table[:40]
    scores = dict.fromkeys(_READERS, 0)
    for cells in head:
        scores[ZOOM] = max(scores[ZOOM], len(map_header(cells, ZOOM_COLUMNS)))
        scores[TEAMS] = max(scores[TEAMS], len(map_header(cells, TEAMS_COLUMNS)))
        scores[TEAMS_LEGACY] = max(scores[TEAMS_LEGACY], len(map_header(cells, TEAMS_LEGACY_COLUMNS)))
    summary_labels = lookup(TEAMS_SUMMARY)
    if any(
        is_section_title(cells) or (cells and normalise(cells[0]) in summary_labels) for cells in head[:10]
    ):
        scores[TEAMS] += 2
    tool = max(scores, key=lambda name: scores[name])
    if scores[tool] < 2:
        first = next((cells for cells in table if any(cells)), [])
        shown = ", ".join(repr(cell) for cell in first[:8])
        raise AttendanceFormatError(
            "Neither a Zoom participants report nor a Teams attendance report: no name and join-time columns "
            f"(first row: {shown})"
        )
    return tool


def _build(raw: RawReport, zone: ZoneInfo, day_first: bool | None) -> AttendanceReport:
    texts = [text for row in raw.rows for text in (row.join, row.leave) if text]
    texts += [text for text in (raw.start, raw.end) if text]
    times = TimeReader(decide_order(texts, day_first), zone)
    pairs = [(row, times.segment(row)) for row in raw.rows]
    start, end = _meeting_times(raw, times)
    moments = [moment for _row, seg in pairs for moment in (seg.joined, seg.left) if moment is not None]
    report_end = max(moments, key=lambda moment: moment.timestamp()) if moments else end
    participants = group(pairs, report_end)
    warnings = list(raw.warnings)
    if times.order.guessed and any(ambiguous_date(text) for text in texts):
        warnings.append(_order_note(times.order.day_first, texts))
    warnings += times.notes
    open_stays = [p.name for p in participants if any(s.joined and s.left is None for s in p.segments)]
    if open_stays:
        warnings.append(
            f"{len(open_stays)} people had not left when the report was downloaded; their stays are counted "
            f"until the last time in the file ({report_end:%Y-%m-%d %H:%M}): {', '.join(open_stays)}"
        )
    warnings += _consistency(raw, participants, start)
    return AttendanceReport(raw.tool, raw.title, start, end, participants, warnings)


def _consistency(raw: RawReport, participants: list[Participant], start: datetime | None) -> list[str]:
    """What does not add up in the file itself: worth a look before the figures are trusted."""
    notes = []
    if raw.expected_count is not None and raw.expected_count != len(participants):
        notes.append(
            f"The report's summary counts {raw.expected_count} participants but it lists "
            f"{len(participants)} people"
        )
    placeholders = sorted({row.email for row in raw.rows if row.email and not clean_email(row.email)})
    if placeholders:
        notes.append(
            f"The e-mail column holds {', '.join(map(repr, placeholders[:3]))}, which are not addresses; "
            "people are told apart by name"
        )
    joins = [s.joined for p in participants for s in p.segments if s.joined is not None]
    if start is not None and joins:
        first = min(joins, key=lambda moment: moment.timestamp())
        if abs(first.timestamp() - start.timestamp()) > 12 * 3600:
            notes.append(
                f"The meeting starts on {start:%Y-%m-%d %H:%M} but the first person joined on "
                f"{first:%Y-%m-%d %H:%M}: check the dates of the file"
            )
    return notes


def _meeting_times(raw: RawReport, times: TimeReader) -> tuple[datetime | None, datetime | None]:
    start = parse_local(raw.start, times.order) if raw.start else None
    end = parse_local(raw.end, times.order) if raw.end else None
    if start and end:
        # The summary's duration settles an end time in the hour repeated when clocks go back.
        try:
            duration = parse_duration(raw.duration) if raw.duration else None
        except AttendanceFormatError:
            duration = None  # only a hint: a summary we cannot read must not block the import
        return times.pair(start, end, duration, "The meeting")
    return (times.single(start) if start else None, times.single(end) if end else None)


def _order_note(day_first: bool, texts: list[str]) -> str:
    example = next(text for text in texts if ambiguous_date(text))
    if day_first:
        return f"Dates such as {example!r} could be day/month or month/day; read as day/month (24-hour clock)"
    return (
        f"Dates such as {example!r} could be day/month or month/day; read as month/day because the times use "
        "a 12-hour clock (US style)"
    )
