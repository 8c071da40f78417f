"""DHIS2 data value sets as CSV: a streaming reader (header by name or by position) and a streaming writer.

Format (spec ``formats.md`` §1.4). DHIS2's documented column order, used when there is no header row::

    1 dataelement · 2 period · 3 orgunit · 4 categoryoptioncombo · 5 attributeoptioncombo · 6 value ·
    7 storedby · 8 lastupdated · 9 comment · 10 followup · 11 deleted

Rules applied by :func:`read`:

- Header or not: the first row is a header when its first cell, or at least two of its cells, are known column
  names (``firstRowIsHeader`` can force either way). Column names are matched case-insensitively, in any
  order, with the aliases seen in DHIS2 docs and files: ``de``, ``pe``, ``ou``, ``coc``/``catoptcombo``,
  ``acoc``/``attroptcombo``, ``strby``, ``timestamp``/``lstupd`` (= lastUpdated), ``cmt``,
  ``flwup``/``followUp``, plus ``created``. Unknown columns are ignored. A header without dataElement, period
  and orgUnit columns is a FormatError (nothing could be imported from it).
- Every cell is trimmed of surrounding whitespace, inside and outside quotes (``test-data-with-spaces.csv``:
  ``"T93kjopkTmR     "`` and ``  "WQa4uNduUev"``). Empty combo cells mean the default combo (None).
- Short rows are tolerated (``dataValueSetWithDataSetHeader.csv`` has 11 header columns, 10 per row): missing
  cells are absent, and an empty cell is no value (None). A row with more cells than the header (or than
  DHIS2's 11 columns) is a FormatError.
- Blank lines are not rows. A UTF-8 byte-order mark is dropped. Values are kept raw: no formula-injection
  escaping here — a DHIS2 CSV must round-trip byte for byte (that defence belongs to the people export).
- The data set of a CSV import is not in the file (DHIS2 takes ``?dataSet=`` from the URL), so the header
  returned is empty.
- Rows carry the 1-based line where they start and their 0-based index among data rows.
- The file must be UTF-8: the first byte that is not is a FormatError naming its line and byte offset. A
  line may be at most ``max_text`` bytes long and a cell at most the csv module's 131,072 characters
  (``qicop.integrations.limits``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO

from qicop.integrations.dhis2.formats import parse_flag
from qicop.integrations.dhis2.rows import DataValueRow, DataValueSetHeader
from qicop.integrations.errors import FormatError
from qicop.integrations.limits import text_lines

# Canonical field → accepted header spellings (compared lower-cased).
_ALIASES = {
    "data_element": ("dataelement", "de"),
    "period": ("period", "pe"),
    "org_unit": ("orgunit", "ou"),
    "category_option_combo": ("categoryoptioncombo", "catoptcombo", "coc"),
    "attribute_option_combo": ("attributeoptioncombo", "attroptcombo", "acoc", "aoc"),
    "value": ("value",),
    "stored_by": ("storedby", "strby"),
    "last_updated": ("lastupdated", "lstupd", "timestamp"),
    "comment": ("comment", "cmt"),
    "follow_up": ("followup", "flwup"),
    "deleted": ("deleted",),
    "created": ("created",),
}
_COLUMN = {alias: field for field, aliases in _ALIASES.items() for alias in aliases}
POSITIONAL = (
    "data_element",
    "period",
    "org_unit",
    "category_option_combo",
    "attribute_option_combo",
    "value",
    "stored_by",
    "last_updated",
    "comment",
    "follow_up",
    "deleted",
)
HEADER = (
    "dataelement",
    "period",
    "orgunit",
    "catoptcombo",
    "attroptcombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "flwup",
    "deleted",
)


def _text_stream(fileobj: IO[bytes] | IO[str]) -> Iterable[str]:
    if isinstance(fileobj, io.TextIOBase):
        return fileobj
    # Line by line, with their endings (the csv module needs them for quoted line breaks); a byte that is
    # not UTF-8 is a FormatError naming its line and offset, a line past the limit a LimitExceeded.
    return text_lines(fileobj)


def is_header(cells: list[str]) -> bool:
    """Whether a first row names columns rather than carrying a data value."""
    names = [cell.strip().lower() for cell in cells]
    return bool(names) and (names[0] in _COLUMN or sum(name in _COLUMN for name in names) >= 2)


def read(
    fileobj: IO[bytes] | IO[str], *, first_row_is_header: bool | None = None
) -> tuple[DataValueSetHeader, Iterator[DataValueRow]]:
    """Read a DHIS2 CSV data value set; ``first_row_is_header`` None means detect it (module docstring)."""
    return DataValueSetHeader(), _rows(_text_stream(fileobj), first_row_is_header)


def _rows(stream: Iterable[str], first_row_is_header: bool | None) -> Iterator[DataValueRow]:
    # skipinitialspace: `,  "WQa4uNduUev"` is a quoted cell after padding, not a cell holding quotes.
    reader = csv.reader(stream, skipinitialspace=True, strict=False)
    previous_end = 0
    try:
        first = next(reader, None)
        while first == []:
            previous_end = reader.line_num
            first = next(reader, None)
        if first is None:
            return
        header_line = previous_end + 1
        if first_row_is_header is None:
            first_row_is_header = is_header(first)
        if first_row_is_header:
            fields = [_COLUMN.get(cell.strip().lower()) for cell in first]
            missing = [name for name in ("data_element", "period", "org_unit") if name not in fields]
            if missing:
                names = ", ".join(_ALIASES[name][0] for name in missing)
                raise FormatError(f"The CSV header has no {names} column", line=header_line)
            width = len(fields)
            pending = None
            previous_end = reader.line_num
        else:
            fields = list(POSITIONAL)
            width = len(fields)
            pending = first
        slots = [(position, field) for position, field in enumerate(fields) if field is not None]
        index = 0
        while True:
            if pending is not None:
                cells, pending = pending, None
            else:
                cells = next(reader, None)
                if cells is None:
                    return
            line = previous_end + 1
            previous_end = reader.line_num
            if not cells:
                continue
            if len(cells) > width:
                raise FormatError(
                    f"This row has {len(cells)} columns, more than the {width} the file has",
                    line=line,
                    index=index,
                )
            yield _row(cells, slots, index, line)
            index += 1
    except csv.Error as exc:
        raise FormatError(f"Malformed CSV: {exc}", line=reader.line_num) from None


def _row(cells: list[str], slots: list[tuple[int, str]], index: int, line: int) -> DataValueRow:
    found = {}
    size = len(cells)
    for position, field in slots:
        if position < size:
            found[field] = cells[position].strip()
    get = found.get
    follow_up = get("follow_up")
    deleted = get("deleted")
    return DataValueRow(
        get("data_element", ""),
        get("period", ""),
        get("org_unit", ""),
        get("category_option_combo") or None,
        get("attribute_option_combo") or None,
        get("value") or None,
        get("stored_by") or None,
        get("created") or None,
        get("last_updated") or None,
        get("comment") or None,
        parse_flag(follow_up, "followup", index=index, line=line) if follow_up else None,
        parse_flag(deleted, "deleted", index=index, line=line) if deleted else None,
        (),
        (),
        index,
        line,
    )


def write(rows: Iterable[DataValueRow], out: IO[str], *, header: bool = True) -> int:
    """Write rows as DHIS2 CSV to the text stream ``out`` (opened with ``newline=""``); return the count.

    The header is DHIS2's export header (spec §1.4) with ``deleted`` as the 11th column, which DHIS2's
    positional reader also knows. Cells are written raw (quoted only where CSV needs it), never escaped
    against spreadsheet formulas: this file is for DHIS2, not for people.
    """
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(HEADER)
    count = 0
    for row in rows:
        writer.writerow(
            (
                row.data_element,
                row.period,
                row.org_unit,
                row.category_option_combo or "",
                row.attribute_option_combo or "",
                "" if row.value is None else row.value,
                row.stored_by or "",
                row.last_updated or "",
                row.comment or "",
                "" if row.follow_up is None else ("true" if row.follow_up else "false"),
                "" if row.deleted is None else ("true" if row.deleted else "false"),
            )
        )
        count += 1
    return count
