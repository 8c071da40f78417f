"""Zoom's meeting participants report (Reports › Usage › Participants › Export).

One row per connection: a participant who rejoined has several rows. With "Export with meeting data" the
participants are preceded by a meeting-info header, its values row and an empty row.
"""

from __future__ import annotations

from ._columns import (
    DURATION,
    EMAIL,
    GUEST,
    JOIN,
    LEAVE,
    NAME,
    ROLE,
    USER_ID,
    ZOOM_COLUMNS,
    ZOOM_MEETING_INFO,
    map_header,
    normalise,
)
from ._model import ZOOM, AttendanceFormatError
from ._segments import RawReport, RawRow


def read_zoom(rows: list[list[str]]) -> RawReport:
    report = RawReport(tool=ZOOM, rows=[])
    start = _meeting_info(rows, report)
    header_at, columns = _participants_header(rows, start)
    _require(columns, rows[header_at])
    for index in range(header_at + 1, len(rows)):
        cells = rows[index]
        if len(cells) < 2:
            continue  # blank rows, and the section titles of multi-section (webinar) reports
        again = map_header(cells, ZOOM_COLUMNS)
        if len(again) >= 2:
            # A later section with its own header (e.g. panelists, then attendees): its columns may differ.
            _require(again, cells)
            columns = again
            continue
        name = _cell(cells, columns, NAME)
        if not name:
            report.warnings.append(f"Line {index + 1} has no name and was skipped")
            continue
        if _no_show(cells, columns):
            report.warnings.append(
                f"{name} is listed without any time (registered, did not attend); left out"
            )
            continue
        report.rows.append(
            RawRow(
                name=name,
                email=_cell(cells, columns, EMAIL),
                join=_cell(cells, columns, JOIN),
                leave=_cell(cells, columns, LEAVE),
                duration=_cell(cells, columns, DURATION),
                role=_cell(cells, columns, ROLE),
                guest=_cell(cells, columns, GUEST),
                user_id=_cell(cells, columns, USER_ID),
                line=index + 1,
            )
        )
    return report


def _meeting_info(rows: list[list[str]], report: RawReport) -> int:
    """Reads the meeting-info block if there is one; returns the index where participants may start."""
    for index, cells in enumerate(rows[:5]):
        columns = map_header(cells, ZOOM_MEETING_INFO)
        if "id" in columns or "title" in columns:
            values = rows[index + 1] if index + 1 < len(rows) else []
            report.title = _cell(values, columns, "title") or None
            report.start = _cell(values, columns, "start") or None
            report.end = _cell(values, columns, "end") or None
            count = next((i for i, cell in enumerate(cells) if normalise(cell) == "participants"), None)
            if count is not None and count < len(values) and values[count].isdigit():
                report.expected_count = int(values[count])
            return index + 2
    return 0


def _participants_header(rows: list[list[str]], start: int) -> tuple[int, dict[str, int]]:
    for index in range(start, min(len(rows), start + 20)):
        columns = map_header(rows[index], ZOOM_COLUMNS)
        if len(columns) >= 2:
            return index, columns
    raise AttendanceFormatError(
        "This looks like a Zoom participants report but it has no participants header "
        "('Name (Original Name)', 'Join Time', 'Leave Time')"
    )


def _require(columns: dict[str, int], header: list[str]) -> None:
    missing = [ZOOM_COLUMNS[field][0] for field in (NAME, JOIN) if field not in columns]
    if LEAVE not in columns and DURATION not in columns:
        missing.append(f"{ZOOM_COLUMNS[LEAVE][0]}' or '{ZOOM_COLUMNS[DURATION][0]}")
    if missing:
        names = "' and '".join(missing)
        found = ", ".join(cell for cell in header if cell)
        raise AttendanceFormatError(
            f"This looks like a Zoom participants report but it has no '{names}' column (found: {found})"
        )


def _no_show(cells: list[str], columns: dict[str, int]) -> bool:
    """Webinar reports list registrants who never came, with ``--`` for the times."""
    return all((_cell(cells, columns, field) or "").strip("-– ") == "" for field in (JOIN, LEAVE, DURATION))


def _cell(cells: list[str], columns: dict[str, int], field: str) -> str | None:
    """None when the file has no such column, "" when the row's cell is empty or missing."""
    index = columns.get(field)
    if index is None:
        return None
    return cells[index] if index < len(cells) else ""
