"""Microsoft Teams attendance reports, current and pre-2021.

Current (2021+): ``1. Summary`` (label/value rows), ``2. Participants`` (one row per person: first join, last
leave, total) and ``3. In-Meeting activities`` (one row per stay). Section titles and headings follow the
language of the person who downloaded it; the section numbers do not. Stays are read from section 3 when it
is there, since section 2 hides the gaps between rejoins; section 2 is the fallback.

Pre-2021 (``meetingAttendanceList.csv``): ``Full Name, User Action, Timestamp``, one row per join or leave.
"""

from __future__ import annotations

from ._columns import (
    ACTION,
    DURATION,
    EMAIL,
    JOIN,
    LEAVE,
    LEGACY_JOINED,
    LEGACY_LEFT,
    NAME,
    ROLE,
    TEAMS_COLUMNS,
    TEAMS_LEGACY_COLUMNS,
    TEAMS_SUMMARY,
    TIMESTAMP,
    USER_ID,
    is_section_title,
    lookup,
    map_header,
    normalise,
    role_label,
)
from ._model import TEAMS, TEAMS_LEGACY, AttendanceFormatError
from ._segments import RawReport, RawRow

# Headings of the two tables in English, for error messages (section 2 uses "First join"/"Last leave").
_ACTIVITY_HEADINGS = {NAME: "Name", JOIN: "Join time", LEAVE: "Leave time"}
_PARTICIPANT_HEADINGS = {NAME: "Name", JOIN: "First join", LEAVE: "Last leave"}


def read_teams(rows: list[list[str]]) -> RawReport:
    report = RawReport(tool=TEAMS, rows=[])
    tables = _tables(rows)
    if not tables:
        raise AttendanceFormatError(
            "This looks like a Teams attendance report but it has no participants table "
            "(a row with 'Name', 'Join time', 'Leave time' headings)"
        )
    _read_summary(rows[: tables[0][0]], report)
    header_at, end = tables[-1]
    headings = _ACTIVITY_HEADINGS if len(tables) > 1 else _PARTICIPANT_HEADINGS
    columns = map_header(rows[header_at], TEAMS_COLUMNS)
    missing = [headings[field] for field in (NAME, JOIN, LEAVE) if field not in columns]
    if missing:
        table = "in-meeting activities table" if len(tables) > 1 else "participants table"
        found = ", ".join(cell for cell in rows[header_at] if cell)
        raise AttendanceFormatError(
            f"This looks like a Teams attendance report but its {table} has no "
            f"""'{"' or '".join(missing)}' column (found: {found})""",
            line=header_at + 1,
        )
    for index in range(header_at + 1, end):
        cells = rows[index]
        if any(cells):
            report.rows.append(_row(cells, columns, index + 1))
    return report


def _tables(rows: list[list[str]]) -> list[tuple[int, int]]:
    """(header index, end index) of each table: a row with three or more known headings, up to the next
    empty row or section title."""
    tables = []
    index = 0
    while index < len(rows):
        if len(map_header(rows[index], TEAMS_COLUMNS)) >= 3:
            end = index + 1
            while end < len(rows) and any(rows[end]) and not is_section_title(rows[end]):
                end += 1
            tables.append((index, end))
            index = end
        index += 1
    return tables


def _read_summary(rows: list[list[str]], report: RawReport) -> None:
    labels = lookup(TEAMS_SUMMARY)
    for cells in rows:
        if len(cells) < 2:
            continue
        field = labels.get(normalise(cells[0]))
        if field == "title":
            report.title = cells[1]
        elif field in ("start", "end", "duration"):
            setattr(report, field, cells[1])
        elif field == "attended" and cells[1].isdigit():
            report.expected_count = int(cells[1])


def _row(cells: list[str], columns: dict[str, int], line: int) -> RawRow:
    def cell(field: str) -> str | None:
        index = columns.get(field)
        if index is None:
            return None
        return cells[index] if index < len(cells) else ""

    return RawRow(
        name=cell(NAME) or "",
        email=cell(EMAIL),
        join=cell(JOIN),
        leave=cell(LEAVE),
        duration=cell(DURATION),
        role=role_label(cell(ROLE) or ""),
        user_id=cell(USER_ID),
        line=line,
    )


def read_teams_legacy(rows: list[list[str]]) -> RawReport:
    """Pairs each person's joins and leaves in file order (the list is chronological). Two joins before a
    leave (a second device) open one stay that ends when the person has left from every device; a join with
    no leave is a stay still open when the list was downloaded."""
    report = RawReport(tool=TEAMS_LEGACY, rows=[])
    header_at, columns = _legacy_header(rows)
    open_stays: dict[str, tuple[str, int, int]] = {}  # name → (join text, devices, line)
    for index in range(header_at + 1, len(rows)):
        cells = rows[index]
        if not any(cells):
            continue
        name, action, stamp = (
            cells[columns[f]] if columns[f] < len(cells) else "" for f in (NAME, ACTION, TIMESTAMP)
        )
        kind = normalise(action)
        if kind in LEGACY_JOINED:
            join, devices, line = open_stays.get(name, (stamp, 0, index + 1))
            open_stays[name] = (join, devices + 1, line)
        elif kind in LEGACY_LEFT:
            if name not in open_stays:
                report.warnings.append(f"{name}: left at {stamp} without a join before it; not counted")
                report.rows.append(RawRow(name=name, email=None, join=None, leave=stamp, line=index + 1))
                continue
            join, devices, line = open_stays.pop(name)
            if devices > 1:
                open_stays[name] = (join, devices - 1, line)
            else:
                report.rows.append(RawRow(name=name, email=None, join=join, leave=stamp, line=line))
        else:
            report.warnings.append(f"Line {index + 1}: unknown action {action!r} for {name}; skipped")
    for name, (join, _devices, line) in open_stays.items():
        report.rows.append(RawRow(name=name, email=None, join=join, leave=None, line=line))
    report.rows.sort(key=lambda row: row.line or 0)
    return report


def _legacy_header(rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    for index, cells in enumerate(rows[:10]):
        columns = map_header(cells, TEAMS_LEGACY_COLUMNS)
        if len(columns) >= 2:
            missing = [TEAMS_LEGACY_COLUMNS[f][0] for f in (NAME, ACTION, TIMESTAMP) if f not in columns]
            if missing:
                raise AttendanceFormatError(
                    f"""This looks like a Teams attendance list but it has no '{"' or '".join(missing)}' """
                    f"column (found: {', '.join(c for c in cells if c)})",
                    line=index + 1,
                )
            return index, columns
    raise AttendanceFormatError("This looks like a Teams attendance list but it has no header row")
