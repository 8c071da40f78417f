"""DHIS2 data value sets as JSON: a streaming reader (ijson, C backend) and a streaming writer.

Format (spec ``formats.md`` §1.2)::

    {"dataSet": "…", "completeDate": "…", "period": "…", "orgUnit": "…", "attributeOptionCombo": "…",
     "dataValues": [{"dataElement": "…", "period": "…", "orgUnit": "…", "categoryOptionCombo": "…",
                     "attributeOptionCombo": "…", "value": "12", "storedBy": "…", "created": "…",
                     "lastUpdated": "…", "comment": "…", "followup": false, "deleted": false}, …]}

Rules applied by :func:`read`:

- Set-level ``dataSet, completeDate, period, orgUnit, attributeOptionCombo`` and the id-scheme options are the
  header; ``period``, ``orgUnit`` and ``attributeOptionCombo`` are defaults for every value, a value's own
  (non-empty) field wins. ``completedDate`` (sic, ``dataValues_single_dataset.json``) is read as
  ``completeDate``.
- Header members may come after ``dataValues``. On a seekable stream the reader looks at the end of the file
  first; only when members follow the array does it make one extra pass over the file to collect them, so the
  common layout (header first, as DHIS2 exports) costs nothing extra. A non-seekable stream is spooled to a
  temporary file first (memory stays flat).
- Value fields: ``followup`` or ``followUp``; ``timestamp`` (legacy) means ``lastUpdated``; booleans may be
  JSON booleans or DHIS2's text spellings (``"true"``, ``"1"``, ``"f"``…). ``value`` and identifiers are kept
  as text: a JSON number ``12`` becomes ``"12"`` (some clients send numbers; DHIS2 stores text).
- Unknown members of a value (``disagg``, ``mechanism`` in ``test-json-bad-attributes.json``) are named in
  the row's ``unknown``: DHIS2 ignores them silently, the importer reports each as a warning (the value
  then lacks its combo, and the importer resolves the default or reports it).
- A missing ``dataElement``/``period``/``orgUnit`` (with no header default) is yielded as ``""`` so the
  importer reports it with the value's index; rows are never skipped.
- A top-level object that is itself one data value (``dataElement`` at the top, no ``dataValues`` — the shape
  of ``/api/dataValues`` and of ``data_value.json``) is read as a set of that one value.
- Malformed JSON raises :class:`FormatError` with the line and column where the parser stopped, when the rows
  generator reaches it (rows before it have been yielded).
- Limits (``qicop.integrations.limits``): the document may nest at most ``max_depth`` levels, each string
  hold at most ``max_text`` bytes, each data value at most ``max_item_nodes`` JSON values, and the top level
  at most ``max_item_nodes`` members. The bytes are checked before the parser sees them, so a small hostile
  file (``[[[[…]]]]``) is refused with a FormatError naming the limit instead of costing gigabytes.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

import ijson
import msgspec
from msgspec.structs import astuple

from qicop.integrations.dhis2.formats import binary_stream, line_and_column, parse_flag
from qicop.integrations.dhis2.rows import (
    VALUE_KEYS,
    BatchedRows,
    DataValueRow,
    DataValueSetHeader,
    ValueColumns,
)
from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import JsonGuard, current

try:
    _ijson = ijson.get_backend("yajl2_c")
except ImportError:  # pragma: no cover - the wheel ships the C backend; this keeps a pure install working
    _ijson = ijson

_BUFFER = 256 * 1024
_TAIL = 64 * 1024
ID_SCHEME_KEYS = (
    "idScheme",
    "dataElementIdScheme",
    "orgUnitIdScheme",
    "categoryOptionComboIdScheme",
    "attributeOptionComboIdScheme",
    "dataSetIdScheme",
    "categoryIdScheme",
    "categoryOptionIdScheme",
)
_HEADER_KEYS = frozenset(
    ("dataSet", "completeDate", "completedDate", "period", "orgUnit", "attributeOptionCombo", *ID_SCHEME_KEYS)
)
# The values of `{"dataValues": [{…}, …]}` are at depth 3: the document, its array, the value.
_ITEM_DEPTH = 3
# End of a document whose last member is an array of objects (or an empty array): `}` `]` `}` or `[` `]` `}`.
_ENDS_WITH_VALUES = re.compile(rb"[}\[]\s*\]\s*}\s*$")


def read(fileobj: IO[bytes]) -> tuple[DataValueSetHeader, Iterator[DataValueRow]]:
    """Read a DHIS2 JSON data value set from a binary stream; see the module docstring for the rules."""
    stream = binary_stream(fileobj)
    if not _seekable(stream):
        # Not a context manager: the spool must outlive this call, as long as the rows generator reads it.
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
        shutil.copyfileobj(stream, spool, _BUFFER)
        spool.seek(0)
        stream = spool
    start = stream.tell()
    if stream.read(3) != b"\xef\xbb\xbf":  # a UTF-8 byte-order mark, which yajl refuses
        stream.seek(start)
    start = stream.tell()
    if not stream.read(1).strip() and not stream.read(_TAIL).strip():
        raise FormatError("The file is empty: no JSON data value set", line=1, column=1)
    stream.seek(start)

    members, has_values = _head_members(stream)
    if has_values and not _values_come_last(stream):
        members = _all_members(stream, start)
    stream.seek(start)
    header = _header(members)
    if not has_values:
        if "dataElement" in members:
            return header, _single(members, header)
        return header, iter(())
    return header, BatchedRows(_batches(stream, header, start))


def _seekable(stream: IO[bytes]) -> bool:
    try:
        return stream.seekable()
    except (AttributeError, ValueError):
        return False


class _Tracked:
    """A read-only view of a stream that remembers what it handed out, to place a parse error afterwards."""

    def __init__(self, stream: IO[bytes]):
        self._stream = stream
        self.before = b""  # the chunk before the last one (for context across a chunk boundary)
        self.last = b""
        self.lines_before = 0  # newlines before `before`
        self.column_before = 0  # bytes between the last newline and the start of `before`
        self._lines = 0
        self._column_of_last = 0
        self._column_at_end = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self._lines += self.last.count(b"\n")
        self.before, self.last = self.last, chunk
        self.lines_before = self._lines - self.before.count(b"\n")
        self.column_before, self._column_of_last = self._column_of_last, self._column_at_end
        newline = chunk.rfind(b"\n")
        self._column_at_end = len(chunk) - newline - 1 if newline >= 0 else self._column_at_end + len(chunk)
        return chunk

    def error(self, exc: Exception) -> FormatError:
        """Translate an ijson/yajl error into a FormatError with the line and column it happened at."""
        message = str(exc)
        first, _, rest = message.partition("\n")
        window = self.before + self.last
        if "premature EOF" in first or first.startswith("Incomplete"):
            offset = len(window)
            text = "Malformed JSON: the file ends before the data value set is complete (truncated?)"
        else:
            offset = _locate(window, rest, len(self.before))
            text = f"Malformed JSON: {first.strip()}"
        line, column = line_and_column(window, offset)
        if line == 1:
            column += self.column_before
        return FormatError(text, line=line + self.lines_before, column=column)


def _locate(window: bytes, rendering: str, floor: int) -> int:
    """Byte offset in ``window`` of the error yajl rendered as ``<snippet>\\n … (right here) ------^``.

    yajl prints up to 30 bytes either side of the error, newlines shown as spaces, with the error under the
    caret at column 40. The snippet is searched for in the last chunk read (where yajl stopped).
    """
    lines = rendering.split("\n")
    if len(lines) < 2 or "^" not in lines[1]:
        return len(window)
    caret = lines[1].index("^")
    before, after = lines[0][:caret].lstrip(" ").encode(), lines[0][caret:].encode()
    flat = window.replace(b"\n", b" ").replace(b"\r", b" ")
    position = flat.find(before + after, max(0, floor - len(before)))
    return position + len(before) if position >= 0 else len(window)


def _head_members(stream: IO[bytes]) -> tuple[dict[str, object], bool]:
    """Top-level scalar members up to ``dataValues`` (reading only the beginning of the file)."""
    start = stream.tell()
    tracked = _Tracked(JsonGuard(stream, item_depth=_ITEM_DEPTH))
    members: dict[str, object] = {}
    most = current().max_item_nodes
    key = None
    try:
        events = _ijson.parse(tracked, buf_size=16 * 1024)
        prefix, event, value = next(events)
        if event != "start_map":
            raise FormatError("A DHIS2 data value set must be a JSON object", line=1, column=1)
        for prefix, event, value in events:
            if prefix == "" and event == "map_key":
                key = value
                if key == "dataValues":
                    return members, True
            elif prefix == key and event in ("string", "number", "boolean", "null"):
                members[key] = value
                if len(members) > most:
                    raise LimitExceeded(
                        f"The data value set has more than {most:,} members at its top level (the limit)"
                    )
            elif prefix == "" and event == "end_map":
                break
    except ijson.JSONError as exc:
        raise tracked.error(exc) from None
    finally:
        stream.seek(start)
    return members, False


def _values_come_last(stream: IO[bytes]) -> bool:
    """Whether nothing but ``]}`` follows the last data value: then the header was complete before it."""
    start = stream.tell()
    stream.seek(0, 2)
    end = stream.tell()
    stream.seek(max(start, end - _TAIL))
    tail = stream.read()
    stream.seek(start)
    return bool(_ENDS_WITH_VALUES.search(tail))


def _all_members(stream: IO[bytes], start: int) -> dict[str, object]:
    """Every top-level scalar member, wherever it sits (one full pass; only for header-after-values files)."""
    stream.seek(start)
    members: dict[str, object] = {}
    depth = 0
    key = None
    try:
        for event, value in _ijson.basic_parse(stream, buf_size=_BUFFER):
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
            elif depth == 1:
                if event == "map_key":
                    key = value
                elif key in _HEADER_KEYS:
                    members[key] = value
    except ijson.JSONError:
        pass  # the rows pass meets the same error where it is, after yielding the rows before it
    return members


def _text(value: object) -> str | None:
    if value is None or value.__class__ is str:
        return value
    if isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    raise TypeError(value)


def _header(members: dict[str, object]) -> DataValueSetHeader:
    def text(name: str) -> str | None:
        try:
            return _text(members.get(name)) or None
        except TypeError:
            raise FormatError(f"The data value set's {name} must be text") from None

    return DataValueSetHeader(
        data_set=text("dataSet"),
        complete_date=text("completeDate") or text("completedDate"),
        period=text("period"),
        org_unit=text("orgUnit"),
        attribute_option_combo=text("attributeOptionCombo"),
        id_scheme={key: text(key) for key in ID_SCHEME_KEYS if text(key)},
    )


def _single(members: dict[str, object], header: DataValueSetHeader) -> Iterator[DataValueRow]:
    yield _row(members, 0, header.period or "", header.org_unit or "", header.attribute_option_combo)


def _batches(
    stream: IO[bytes], header: DataValueSetHeader, start: int
) -> Iterator[ValueColumns | DataValueRow]:
    """The values in file order: by runs of columns parsed in bulk (``_bulk``) while the file is plain,
    then, from the first run that is not, one by one (``_rows``), which explains every problem exactly."""
    done = 0
    try:
        for columns in _bulk(stream, header, start):
            yield columns
            done += len(columns)
        return
    except _NotPlain:
        pass
    stream.seek(start)
    yield from _rows(stream, header, skip=done)


def _rows(stream: IO[bytes], header: DataValueSetHeader, *, skip: int = 0) -> Iterator[DataValueRow]:
    """The values one by one, with ijson; the first ``skip`` are passed over (they were read in bulk)."""
    tracked = _Tracked(JsonGuard(stream, item_depth=_ITEM_DEPTH))
    period, org_unit, aoc = header.period or "", header.org_unit or "", header.attribute_option_combo
    index = 0
    try:
        for item in _ijson.items(tracked, "dataValues.item", buf_size=_BUFFER):
            if index < skip:
                index += 1
                continue
            yield _row(item, index, period, org_unit, aoc)
            index += 1
    except ijson.JSONError as exc:
        error = tracked.error(exc)
        error.index = index
        raise error from None
    except FormatError as error:  # a limit passed
        error.index = index
        raise


def _row(item: object, index: int, period: str, org_unit: str, aoc: str | None) -> DataValueRow:
    if item.__class__ is not dict:
        raise FormatError(f"Each data value must be a JSON object, not {item!r}", index=index)
    get = item.get
    try:
        de = get("dataElement")
        pe = get("period")
        ou = get("orgUnit")
        coc = get("categoryOptionCombo")
        row_aoc = get("attributeOptionCombo")
        value = get("value")
        stored_by = get("storedBy")
        created = get("created")
        updated = get("lastUpdated")
        if updated is None:
            updated = get("timestamp")
        comment = get("comment")
        # The common case is all text: check it once rather than converting field by field.
        if not (
            de.__class__ is str
            and pe.__class__ is str
            and ou.__class__ is str
            and (value is None or value.__class__ is str)
        ):
            de, pe, ou, value = _text(de), _text(pe), _text(ou), _text(value)
        if not (coc is None or coc.__class__ is str) or not (row_aoc is None or row_aoc.__class__ is str):
            coc, row_aoc = _text(coc), _text(row_aoc)
        if stored_by.__class__ not in (str, type(None)) or comment.__class__ not in (str, type(None)):
            stored_by, comment = _text(stored_by), _text(comment)
        if created.__class__ not in (str, type(None)) or updated.__class__ not in (str, type(None)):
            created, updated = _text(created), _text(updated)
    except TypeError as exc:
        raise FormatError(
            f"Data value fields must be text or numbers, not {exc.args[0]!r}", index=index
        ) from None
    follow_up = get("followup")
    if follow_up is None:
        follow_up = get("followUp")
    if follow_up.__class__ is not bool and follow_up is not None:
        follow_up = parse_flag(follow_up, "followup", index=index)
    deleted = get("deleted")
    if deleted.__class__ is not bool and deleted is not None:
        deleted = parse_flag(deleted, "deleted", index=index)
    keys = item.keys()
    unknown = () if keys <= VALUE_KEYS else tuple(sorted(keys - VALUE_KEYS))
    return DataValueRow(
        de or "",
        pe or period,
        ou or org_unit,
        coc or None,
        row_aoc or aoc,
        value,
        stored_by,
        created,
        updated,
        comment,
        follow_up,
        deleted,
        (),
        (),
        index,
        None,
        unknown,
    )


# ------------------------------------------------------------------------------------------ bulk reading
#
# Most files are plain: an object whose scalar members come before "dataValues", then flat values whose
# fields are texts (and true/false flags). Such a file is parsed in runs of a quarter of a megabyte by a
# parser in C (msgspec) straight into columns, with no Python work per value. The bytes still pass through
# JsonGuard before any parser sees them. Anything else in a run (a number where a text is expected, an
# unknown key, a value that is not an object, malformed JSON, a limit passed, members after the values)
# ends the bulk reading before that run is given out, and the one-by-one reader takes over from there,
# reading the file again from its start and skipping what was given: its answers, errors included, are
# exactly those it always gave.


class _NotPlain(Exception):
    """This run is not plain: read on one value at a time."""


class _Value(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """One data value as it is written (every key DHIS2 knows, any JSON value: checked by column)."""

    data_element: Any = None
    period: Any = None
    org_unit: Any = None
    category_option_combo: Any = None
    attribute_option_combo: Any = None
    value: Any = None
    stored_by: Any = None
    created: Any = None
    last_updated: Any = None
    timestamp: Any = None
    comment: Any = None
    followup: Any = None
    follow_up: Any = None
    deleted: Any = None


_DECODE_VALUES = msgspec.json.Decoder(list[_Value])
# The start of the values: everything before it must be the root's scalar members (checked below).
_VALUES_START = re.compile(rb'"dataValues"\s*:\s*\[')
# The end of the values and of the document, once the last value has been read.
_VALUES_END = re.compile(rb"\]\s*}\s*\Z")
_HEAD_LIMIT = 1024 * 1024
_NONE = type(None)


def _bulk(stream: IO[bytes], header: DataValueSetHeader, start: int) -> Iterator[ValueColumns]:
    stream.seek(start)
    head = stream.read(_HEAD_LIMIT)
    found = _VALUES_START.search(head)
    if found is None:
        raise _NotPlain
    before = head[: found.start()]
    # Only scalar members before the values, no escapes: then this "dataValues" is the root's member.
    if (
        before.count(b"{") != 1
        or b"[" in before
        or b"}" in before
        or b"\\" in before
        or before.count(b'"') % 2
    ):
        raise _NotPlain
    guard = JsonGuard(stream, item_depth=_ITEM_DEPTH)
    try:
        guard.check(head[: found.end()])
        stream.seek(start + found.end())
        pending = b""
        index = 0
        ended = False
        while not ended:
            data = guard.read(_BUFFER)
            pending += data
            end = _VALUES_END.search(pending)
            if end is not None or not data:
                # The end of the document, if nothing follows (else members follow the values, or the
                # "]}" closed something inside a value): the one-by-one reader sorts that out.
                if end is None or guard.read(1):
                    raise _NotPlain
                piece, pending, ended = pending[: end.start()], b"", True
            else:
                last = pending.rfind(b"}")
                if last < 0:
                    continue
                piece, pending = pending[: last + 1], pending[last + 1 :]
            piece = piece.strip()
            if piece.startswith(b","):
                piece = piece[1:]
            if not piece.strip():
                continue
            try:
                values = _DECODE_VALUES.decode(b"[" + piece + b"]")
            except msgspec.DecodeError:
                raise _NotPlain from None
            columns = _columns(values, index, header)
            index += len(values)
            yield columns
    except FormatError:
        raise _NotPlain from None


def _columns(values: list[_Value], index: int, header: DataValueSetHeader) -> ValueColumns:
    """The values' fields as columns, each checked whole; _NotPlain when any needs a closer look."""
    count = len(values)
    (de, pe, ou, coc, aoc, value, stored_by, created, updated, timestamp, comment, followup, follow_up,
     deleted) = (list(column) for column in zip(*map(astuple, values), strict=True))  # fmt: skip
    # Every field a text (or absent), every flag true, false or absent: else the one-by-one reader decides.
    for column in (de, pe, ou, coc, aoc, value, stored_by, created, updated, timestamp, comment):
        _all_texts(column)
    for column in (followup, follow_up, deleted):
        if column.count(None) != count and not set(map(type, column)) <= {bool, _NONE}:
            raise _NotPlain
    # The set's defaults, as _row applies them.
    if "" in de or None in de:
        de = [item or "" for item in de]
    if header.period or "" in pe or None in pe:
        pe = [item or header.period or "" for item in pe]
    if header.org_unit or "" in ou or None in ou:
        ou = [item or header.org_unit or "" for item in ou]
    if "" in coc:
        coc = [item or None for item in coc]
    if header.attribute_option_combo or "" in aoc:
        aoc = [item or header.attribute_option_combo for item in aoc]
    if timestamp.count(None) != count:
        updated = [
            item if item is not None else stamp for item, stamp in zip(updated, timestamp, strict=True)
        ]
    if follow_up.count(None) != count:
        followup = [
            item if item is not None else other for item, other in zip(followup, follow_up, strict=True)
        ]
    return ValueColumns(
        index, de, pe, ou, coc, aoc, value, stored_by, created, updated, comment, followup, deleted
    )


def _all_texts(column: list) -> None:
    """_NotPlain unless every item is a text or None: joining them checks that in C."""
    nones = column.count(None)
    if nones == len(column):
        return
    try:
        "".join(column if not nones else [item for item in column if item is not None])
    except TypeError:
        raise _NotPlain from None


def write(header: DataValueSetHeader | None, rows: Iterable[DataValueRow], out: IO[str]) -> int:
    """Write a DHIS2 JSON data value set to the text stream ``out``, one value at a time; return the count.

    Header members come first (as DHIS2 exports them), then ``dataValues``. Fields that are None are left out;
    ``value`` is always written as a string. ADX disaggregations (``category_options``) have no place in this
    format: rows carrying them must be resolved to a category option combo first.
    """
    header = header or DataValueSetHeader()
    out.write("{")
    for key, value in (
        ("dataSet", header.data_set),
        ("completeDate", header.complete_date),
        ("period", header.period),
        ("orgUnit", header.org_unit),
        ("attributeOptionCombo", header.attribute_option_combo),
        *header.id_scheme.items(),
    ):
        if value is not None:
            out.write(f"{json.dumps(key)}:{json.dumps(value)},")
    out.write('"dataValues":[')
    dumps = json.dumps
    count = 0
    for row in rows:
        item = {"dataElement": row.data_element, "period": row.period, "orgUnit": row.org_unit}
        for key, value in (
            ("categoryOptionCombo", row.category_option_combo),
            ("attributeOptionCombo", row.attribute_option_combo),
            ("value", row.value),
            ("storedBy", row.stored_by),
            ("created", row.created),
            ("lastUpdated", row.last_updated),
            ("comment", row.comment),
            ("followup", row.follow_up),
            ("deleted", row.deleted),
        ):
            if value is not None:
                item[key] = value
        out.write(("," if count else "\n") + dumps(item, ensure_ascii=False))
        count += 1
    out.write("]}\n")
    return count
