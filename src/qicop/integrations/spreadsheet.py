"""The simple spreadsheet template for countries without DHIS2, and CSV/XLSX exports for people.

Template (issue 4 "Import and export"; spec ``formats.md`` §1.7 for period ids), CSV or XLSX, one header row:

=============================  =====================================================================
``org_unit``                   org unit **code** (required)
``period``                     DHIS2 period id, e.g. ``202403``, ``2024Q1``, ``2024`` (required, text;
                               a date-formatted cell is refused: Excel turns ``2024-03`` into a date)
``indicator_or_data_element``  indicator or data element **code** (required; header ``code`` also accepted)
``value``                      the value, **or** ``numerator`` + ``denominator`` (never both)
``category_option_combo``      optional disaggregation (combo code); blank = the default combo
``comment``                    optional
=============================  =====================================================================

Headers are matched case-insensitively, spaces and hyphens counting as underscores; other columns are
ignored. Blank lines, and rows with no value, numerator or denominator (the untouched rows of a generated
template), are skipped. Numbers come out as text the way people wrote them: an XLSX number cell ``12.0`` is
``"12"``, ``12.5`` is ``"12.5"``. Problems raise :class:`FormatError` with the 1-based ``line`` (row) and
``column`` and the 0-based data ``index``. XLSX is read with openpyxl in read-only mode, row by row.

People exports (``write_people_csv``/``write_people_xlsx``, the only writers of files for people): numbers
are written as numbers, and text that a spreadsheet would run as a formula (``looks_like_formula``:
starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return — OWASP "CSV injection") is neutralised:
in CSV it gets a leading apostrophe; in XLSX it is a string cell, never a formula, marked with Excel's own
"quote prefix" (the apostrophe a person types), so that editing the cell keeps it text while its value
stays exactly what was stored. A people CSV starts with a UTF-8 byte order mark: without it, Excel on Windows
reads the file in the machine's code page, and "Haïti" or "Moçambique" come out garbled.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO, Any
from xml.etree.ElementTree import ParseError

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import ParseLimits, current, megabytes, text_lines

COLUMNS = (
    "org_unit", "period", "indicator_or_data_element", "value", "numerator", "denominator",
    "category_option_combo", "comment",
)  # fmt: skip
REQUIRED = ("org_unit", "period", "indicator_or_data_element")
_ALIASES = {"code": "indicator_or_data_element", "orgunit": "org_unit", "coc": "category_option_combo"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class TemplateRow:
    org_unit: str
    period: str
    code: str
    value: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    category_option_combo: str | None = None
    comment: str | None = None
    index: int = 0
    line: int | None = None


# ----------------------------------------------------------------------------------------------------- read


def _cell_text(value: Any) -> str | None:
    """A cell as the text a person meant: whole floats lose their ``.0``, blanks become None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _header(cells: Sequence[Any], line: int) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = re.sub(r"[\s\-]+", "_", str(cell or "").strip().lower())
        key = _ALIASES.get(key, key)
        if key in COLUMNS and key not in positions:
            positions[key] = i
    for name in REQUIRED:
        if name not in positions:
            raise FormatError(f"the header has no {name!r} column (columns: {', '.join(COLUMNS)})", line=line)
    if "value" not in positions and not {"numerator", "denominator"} <= positions.keys():
        raise FormatError(
            "the header needs a 'value' column or 'numerator' and 'denominator' columns", line=line
        )
    return positions


def _rows(source: Iterable[tuple[int, Sequence[Any]]]) -> Iterator[TemplateRow]:
    positions: dict[str, int] | None = None
    index = 0
    for line, cells in source:
        if not any(_cell_text(c) for c in cells):
            continue
        if positions is None:
            positions = _header(cells, line)
            continue
        got: dict[str, str | None] = {}
        for name, pos in positions.items():
            raw = cells[pos] if pos < len(cells) else None
            if name == "period" and isinstance(raw, (datetime, date)):
                raise FormatError(
                    f"row {line}: the period must be a DHIS2 period id like 202403 (text), "
                    f"not a date ({raw:%Y-%m-%d}); format the column as text",
                    line=line, column=pos + 1, index=index,
                )  # fmt: skip
            got[name] = _cell_text(raw)
        value, numerator, denominator = got.get("value"), got.get("numerator"), got.get("denominator")
        if value is None and numerator is None and denominator is None:
            continue  # an untouched row of a generated template
        for name in REQUIRED:
            if got[name] is None:
                raise FormatError(
                    f"row {line}: {name} is empty", line=line, column=positions[name] + 1, index=index
                )
        if value is not None and (numerator is not None or denominator is not None):
            column = positions["numerator" if numerator is not None else "denominator"] + 1
            message = f"row {line}: give either value or numerator + denominator, not both"
            raise FormatError(message, line=line, column=column, index=index)
        if value is None and (numerator is None or denominator is None):
            missing = "numerator" if numerator is None else "denominator"
            raise FormatError(
                f"row {line}: {missing} is empty; numerator and denominator go together",
                line=line, column=positions[missing] + 1, index=index,
            )  # fmt: skip
        yield TemplateRow(
            org_unit=got["org_unit"], period=got["period"], code=got["indicator_or_data_element"],
            value=value, numerator=numerator, denominator=denominator,
            category_option_combo=got.get("category_option_combo"), comment=got.get("comment"),
            index=index, line=line,
        )  # fmt: skip
        index += 1
    if positions is None:
        raise FormatError("the file is empty: no header row")


def read_csv(fileobj: IO) -> Iterator[TemplateRow]:
    """Read the template from CSV (UTF-8, BOM allowed; comma, semicolon or tab separated)."""
    # Streamed line by line: a byte that is not UTF-8 is a FormatError naming its line and offset (Excel's
    # "CSV UTF-8" is what to save as), a line longer than the limit for one text a LimitExceeded.
    lines = iter(fileobj) if isinstance(fileobj, io.TextIOBase) else text_lines(fileobj)
    first = next(lines, "").removeprefix("\ufeff")
    # Excel in many European locales saves CSV with ';'; pick the separator the header uses most.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter, strict=True)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise FormatError(f"not valid CSV: {exc}", line=reader.line_num) from None

    return _rows(numbered())


MAX_PARTS = 10_000  # files inside one workbook: a real one has a few dozen


def check_workbook(fileobj: IO[bytes], limits: ParseLimits | None = None) -> None:
    """Refuse an XLSX (a zip of XML parts) that would expand past the limits, before anything parses it.

    The parts' declared sizes must add up to at most ``max_expanded`` bytes and none may declare a
    compression ratio above ``max_ratio``; then each part is expanded once, counting what actually comes
    out (a zip may lie about its sizes), and stops at the first limit passed. Raises FormatError (a
    LimitExceeded for a limit) saying which. The stream is left at its start.
    """
    limits = limits or current()
    start = fileobj.tell()
    try:
        with zipfile.ZipFile(fileobj) as archive:
            parts = archive.infolist()
            if len(parts) > MAX_PARTS:
                raise LimitExceeded(f"The workbook holds more than {MAX_PARTS:,} parts: not a spreadsheet")
            declared = sum(part.file_size for part in parts)
            if declared > limits.max_expanded:
                raise _too_large(declared, limits)
            expanded = 0
            for part in parts:
                _check_ratio(part.filename, part.file_size, part.compress_size, limits)
                with archive.open(part) as inner:
                    size = 0
                    while chunk := inner.read(1024 * 1024):
                        size += len(chunk)
                        expanded += len(chunk)
                        if expanded > limits.max_expanded:
                            raise _too_large(expanded, limits)
                        _check_ratio(part.filename, size, part.compress_size, limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise FormatError(f"not an XLSX workbook: {exc}") from None
    finally:
        fileobj.seek(start)


def _too_large(size: int, limits: ParseLimits) -> LimitExceeded:
    return LimitExceeded(
        f"The workbook expands to more than {megabytes(size)}; at most {megabytes(limits.max_expanded)} "
        "is read. Split it, or save it as CSV"
    )


def _check_ratio(name: str, size: int, compressed: int, limits: ParseLimits) -> None:
    # Small parts compress unevenly (an empty sheet's XML shrinks a hundredfold): judge from a megabyte on.
    if size > 1_000_000 and size > limits.max_ratio * max(compressed, 1):
        raise LimitExceeded(
            f"The part {name} of the workbook expands {size // max(compressed, 1):,} times its size "
            f"(at most {limits.max_ratio} times is taken): a decompression bomb, not a spreadsheet"
        )


def read_xlsx(fileobj: IO[bytes]) -> Iterator[TemplateRow]:
    """Read the template from the first sheet of an XLSX workbook, streaming (openpyxl read-only), after
    :func:`check_workbook`. At most ``max_columns`` columns and ``max_rows`` rows of the sheet are read, and
    no cell may hold more than ``max_text`` characters (``qicop.integrations.limits``)."""
    limits = current()
    check_workbook(fileobj, limits)
    try:
        workbook = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ParseError) as exc:
        raise FormatError(f"not an XLSX workbook: {exc}") from None

    def numbered() -> Iterator[tuple[int, tuple]]:
        try:
            sheet = workbook.worksheets[0]
            for line, cells in enumerate(sheet.iter_rows(values_only=True, max_col=limits.max_columns), 1):
                if line > limits.max_rows:
                    raise LimitExceeded(
                        f"The sheet has more than {limits.max_rows:,} rows (the limit)", line=line
                    )
                for column, cell in enumerate(cells, 1):
                    if isinstance(cell, str) and len(cell) > limits.max_text:
                        raise LimitExceeded(
                            f"A cell holds more than {limits.max_text:,} characters (the limit for one text)",
                            line=line,
                            column=column,
                        )
                yield line, cells
        except (zipfile.BadZipFile, zlib.error, ParseError) as exc:
            raise FormatError(f"the workbook cannot be read: {exc}") from None
        finally:
            workbook.close()

    return _rows(numbered())


# ---------------------------------------------------------------------------------------------------- write


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would take this text for a formula (the one rule every people export uses)."""
    return text.startswith(FORMULA_PREFIXES)


def neutralise(text: str) -> str:
    """Text made safe for a CSV cell: a leading apostrophe stops spreadsheets running it as a formula."""
    return "'" + text if looks_like_formula(text) else text


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return neutralise(str(value))


def _table(rows: Iterable[Sequence[Any] | Mapping[str, Any]], columns: Sequence[str] | None):
    """(header, iterator of value lists) for rows given as sequences or as mappings."""
    iterator = iter(rows)
    first = next(iterator, None)
    if isinstance(first, Mapping):
        header = list(columns or first.keys())
        body = (
            [row.get(c) for c in header]
            for row in itertools.chain([first], iterator)
            if isinstance(row, Mapping)
        )
        return header, body
    body = itertools.chain([] if first is None else [list(first)], (list(r) for r in iterator))
    return (list(columns) if columns else None), body


BOM = "\ufeff"


def write_people_csv(
    rows: Iterable[Sequence[Any] | Mapping[str, Any]], out: IO[str], *, columns: Sequence[str] | None = None
) -> int:
    """Write rows (sequences, or mappings keyed by ``columns``) as CSV for people; returns the data rows.

    Numbers stay numbers (Decimal digit for digit), dates are ISO, text is formula-neutralised; the text
    starts with a byte order mark (``BOM``) so that Excel reads it as UTF-8.
    """
    header, body = _table(rows, columns)
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow([neutralise(str(h)) for h in header])
    n = 0
    for n, row in enumerate(body, 1):  # noqa: B007 - n is the count after the loop
        writer.writerow([_csv_value(v) for v in row])
    return n


def _xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters are not allowed in XLSX
    elif isinstance(value, Decimal) and not value.is_finite():
        value = str(value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=…" as a formula; force a plain string
        if looks_like_formula(value):
            cell.quotePrefix = True  # and Excel keeps it text even when someone edits the cell
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_people_xlsx(
    rows: Iterable[Sequence[Any] | Mapping[str, Any]],
    out: IO[bytes],
    *,
    columns: Sequence[str] | None = None,
    title: str = "data",
) -> int:
    """Write rows as an XLSX sheet for people (write-only workbook, streamed); returns the data rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    header, body = _table(rows, columns)
    if header:
        sheet.append([_xlsx_cell(sheet, str(h), bold=True) for h in header])
    n = 0
    for n, row in enumerate(body, 1):  # noqa: B007
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    workbook.save(out)
    return n


def write_people_workbook(
    sheets: Iterable[tuple[str, Sequence[Any], Iterable[Sequence[Any]]]], out: IO[bytes]
) -> int:
    """Write several sheets for people, each given as (title, header, rows of values), with the cells of
    ``write_people_xlsx`` (text never a formula, numbers numbers); returns the data rows of all sheets.
    Titles lose the characters XLSX refuses and are cut to its 31 characters."""
    workbook = Workbook(write_only=True)
    n = 0
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(re.sub(r"[\\/*?:\[\]]", " ", str(title))[:31] or "data")
        sheet.append([_xlsx_cell(sheet, str(h), bold=True) for h in header])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
            n += 1
    workbook.save(out)
    return n


INSTRUCTIONS = (
    "How to fill in this template",
    "One row per org unit × period × indicator or data element (× disaggregation).",
    "org_unit: org unit code. period: DHIS2 period id such as 202403 (March 2024), 2024Q1, 2024.",
    "indicator_or_data_element: the code. Fill in value, OR numerator and denominator — never both.",
    "category_option_combo: leave blank for the total. Rows left without a value are ignored.",
    "Keep the period column as text: a date such as 01/03/2024 is refused.",
)


def write_template_xlsx(
    out: IO[bytes], org_units: Iterable[str], codes: Iterable[str], periods: Iterable[str]
) -> int:
    """Write an empty template: one row per org unit × period × code, values blank; returns the rows.

    Identifier cells are text (``@`` format) so Excel keeps ``202403`` as a period id, not a number.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, name, bold=True) for name in COLUMNS])
    codes, periods = list(codes), list(periods)
    n = 0
    for org_unit in org_units:
        for period in periods:
            for code in codes:
                cells = [_xlsx_cell(sheet, str(v)) for v in (org_unit, period, code)]
                cells += [_xlsx_cell(sheet, None) for _ in COLUMNS[3:]]
                for i in (0, 1, 2, 6):  # identifiers, not the numbers people type in
                    cells[i].number_format = "@"
                sheet.append(cells)
                n += 1
    notes = workbook.create_sheet("instructions")
    for line in INSTRUCTIONS:
        notes.append([_xlsx_cell(notes, line)])
    workbook.save(out)
    return n
