"""How much an uploaded or posted file may hold, and the guards that refuse a file before it costs memory.

A few hundred kilobytes can ask a parser for gigabytes: ``[[[[…]]]]`` nested 200,000 deep (the JSON
streaming parser keeps a path string per level, so its memory grows with the square of the depth), one
string of a gigabyte, a list of millions of numbers inside one data value, a zip that expands a
thousandfold. Every reader of an outside format therefore reads through the limits below; a file over one
of them is refused with a :class:`~qicop.integrations.errors.FormatError` that names the limit and where the
file passed it.

The limits are plain data (this package knows nothing of Django): the project's settings configure them at
start-up (``QICOP_PARSE_*``, see the README) through :func:`configure`, and every reader asks
:func:`current` for them.

:class:`JsonGuard` checks a JSON byte stream as it is read, before the parser sees the bytes, at a cost of
a few C-level byte operations per chunk (``bytes.translate``/``replace``/``split`` and one numpy cumulative
sum over the structural characters): depth, the length of each string, the number of values in the whole
document or in each streamed item. It never decodes the JSON itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import IO

import numpy as np

from qicop.integrations.errors import FormatError, LimitExceeded


@dataclass(frozen=True)
class ParseLimits:
    """What one file may hold. Sizes are in bytes."""

    #: nesting of JSON arrays and objects, and of XML elements
    max_depth: int = 64
    #: one JSON string, one XML tag or text, one CSV line, one spreadsheet cell
    max_text: int = 1_000_000
    #: a document that is read whole (metadata, FHIR, one data value, a remote server's small answers)
    max_document: int = 50_000_000
    #: JSON values, XML elements or CSV cells in a document that is read whole
    max_nodes: int = 2_000_000
    #: JSON values inside one data value of a streamed data value set
    max_item_nodes: int = 1_000
    #: everything inside a spreadsheet (an XLSX is a zip), uncompressed
    max_expanded: int = 100_000_000
    #: how many times larger than its compressed size a part of an archive may be
    max_ratio: int = 200
    #: rows of one spreadsheet sheet (Excel's own maximum)
    max_rows: int = 1_048_576
    #: columns of a spreadsheet that are read (the template has eight)
    max_columns: int = 100

    def with_(self, **changes) -> ParseLimits:
        return replace(self, **changes)


_current = ParseLimits()


def current() -> ParseLimits:
    """The limits in force (the project's settings, or the defaults above)."""
    return _current


def configure(limits: ParseLimits) -> None:
    """Put ``limits`` in force for every reader (the project calls this at start-up)."""
    global _current
    _current = limits


def megabytes(size: int) -> str:
    """A byte count for messages: ``50 MB``, ``1 MB``, ``200 KB``."""
    if size >= 10_000_000:
        return f"{size / 1_000_000:,.0f} MB"
    if size >= 1_000_000:
        return f"{size / 1_000_000:.3g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} KB"
    return f"{size} bytes"


# ----------------------------------------------------------------------------------------------------- JSON

_STRUCTURE = b'"[]{},'
_DROP_ALL_BUT_STRUCTURE = bytes(range(256)).translate(None, _STRUCTURE)
_STEP = np.zeros(256, dtype=np.int8)
_STEP[ord("[")] = _STEP[ord("{")] = 1
_STEP[ord("]")] = _STEP[ord("}")] = -1
_IS_OPEN = np.zeros(256, dtype=bool)
_IS_OPEN[ord("[")] = _IS_OPEN[ord("{")] = True
_IS_COMMA = np.zeros(256, dtype=bool)
_IS_COMMA[ord(",")] = True


@dataclass
class _JsonState:
    depth: int = 0
    in_string: bool = False
    escaped: bool = False  # the previous chunk ended with a backslash that escapes this chunk's first byte
    string_bytes: int = 0  # length so far of the string being read
    nodes: int = 0  # values in the document so far (an estimate from above: openings and commas)
    item_nodes: int = 0  # values so far in the item being read (streamed documents)


class JsonGuard:
    """A read-only view of a binary JSON stream that refuses it as soon as it passes a limit.

    ``item_depth`` is the depth of the items a streaming reader builds one at a time (3 for the values of a
    DHIS2 data value set: the document, its ``dataValues`` array, the value); each may then hold at most
    ``max_item_nodes`` values. Without it, the whole document may hold at most ``max_nodes`` values. Depth
    and string length are limited in both cases. Raises FormatError (line, column) from :meth:`read`.
    """

    def __init__(
        self, stream: IO[bytes], limits: ParseLimits | None = None, *, item_depth: int | None = None
    ):
        self._stream = stream
        self.limits = limits or current()
        self.item_depth = item_depth
        self._state = _JsonState()
        self._lines = 0  # newlines before the current chunk
        self._column = 0  # bytes after the last newline before the current chunk

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        if chunk:
            self.check(chunk)
        return chunk

    def check(self, chunk: bytes) -> None:
        """Account for ``chunk``, the next bytes of the document; FormatError when it passes a limit."""
        # The fast scan measures only the strings that cross a chunk's edge: pieces no longer than the
        # longest string allowed make every string that is too long cross one.
        step = max(self.limits.max_text, 1)
        if len(chunk) <= step:
            self._check(chunk)
        else:
            for start in range(0, len(chunk), step):
                self._check(chunk[start : start + step])

    def _check(self, chunk: bytes) -> None:
        before = _JsonState(**vars(self._state))
        problem = _scan_fast(chunk, self._state, self.limits, self.item_depth)
        if problem is not None:
            offset, message = _scan_exact(chunk, before, self.limits, self.item_depth)
            newline = chunk.rfind(b"\n", 0, offset)
            line = self._lines + chunk.count(b"\n", 0, offset) + 1
            column = (offset - newline) if newline >= 0 else self._column + offset + 1
            raise LimitExceeded(message or problem, line=line, column=column)
        newline = chunk.rfind(b"\n")
        self._lines += chunk.count(b"\n")
        self._column = len(chunk) - newline - 1 if newline >= 0 else self._column + len(chunk)


def check_json(data: bytes, limits: ParseLimits | None = None) -> None:
    """Check a whole JSON document held in memory against the limits (FormatError when it passes one)."""
    limits = limits or current()
    if len(data) > limits.max_document:
        raise LimitExceeded(
            f"The document is larger than {megabytes(limits.max_document)}, the most that is read at once"
        )
    guard = JsonGuard(None, limits)  # type: ignore[arg-type]
    for start in range(0, len(data), 256 * 1024):
        guard.check(data[start : start + 256 * 1024])


def read_document(fileobj: IO, limits: ParseLimits | None = None) -> bytes | str:
    """The whole content of a document that is read at once, refused past ``max_document`` bytes."""
    limits = limits or current()
    data = fileobj.read(limits.max_document + 1)
    if len(data) > limits.max_document:
        raise LimitExceeded(
            f"The document is larger than {megabytes(limits.max_document)}, the most that is read at once"
        )
    return data


def _depth_message(limits: ParseLimits) -> str:
    return f"The JSON is nested more than {limits.max_depth} levels deep (the limit)"


def _string_message(limits: ParseLimits) -> str:
    return f"A JSON string is longer than {megabytes(limits.max_text)} (the limit for one text)"


def _nodes_message(limits: ParseLimits) -> str:
    return f"The JSON holds more than {limits.max_nodes:,} values (the limit for a document read whole)"


def _item_message(limits: ParseLimits) -> str:
    return f"One data value holds more than {limits.max_item_nodes:,} JSON values (the limit for one item)"


def _unescape(chunk: bytes, state: _JsonState) -> bytes:
    """``chunk`` with every escaped character (and the backslash before it) made harmless, same length."""
    if state.escaped and chunk:
        chunk = b"_" + chunk[1:]
        state.escaped = False
    if b"\\" in chunk:
        chunk = chunk.replace(b"\\\\", b"__").replace(b'\\"', b"__")
        if chunk.endswith(b"\\"):
            state.escaped = True
    return chunk


def _scan_fast(chunk: bytes, state: _JsonState, limits: ParseLimits, item_depth: int | None) -> str | None:
    """Advance ``state`` over ``chunk``; the message of the first limit passed, or None."""
    chunk = _unescape(chunk, state)
    if state.in_string:
        end = chunk.find(b'"')
        if end < 0:
            state.string_bytes += len(chunk)
            return _string_message(limits) if state.string_bytes > limits.max_text else None
        state.string_bytes += end
        if state.string_bytes > limits.max_text:
            return _string_message(limits)
        state.in_string = False
        chunk = chunk[end + 1 :]
    structure = chunk.translate(None, _DROP_ALL_BUT_STRUCTURE).replace(b'""', b"")
    if b'"' in structure:
        parts = structure.split(b'"')
        structure = b"".join(parts[0::2])
        if len(parts) % 2 == 0:  # an odd number of quotes: a string is still open at the end
            state.in_string = True
            state.string_bytes = len(chunk) - chunk.rfind(b'"') - 1
            if state.string_bytes > limits.max_text:
                return _string_message(limits)
    if not structure:
        return None
    codes = np.frombuffer(structure, dtype=np.uint8)
    depth = state.depth + np.cumsum(_STEP[codes], dtype=np.int64)
    if int(depth.max()) > limits.max_depth:
        return _depth_message(limits)
    state.depth = int(depth[-1])
    opens = _IS_OPEN[codes]
    commas = _IS_COMMA[codes]
    if item_depth is None:
        state.nodes += int(np.count_nonzero(opens | commas))
        return _nodes_message(limits) if state.nodes > limits.max_nodes else None
    marks = (commas & (depth >= item_depth)) | (opens & (depth > item_depth))
    counted = np.cumsum(marks, dtype=np.int64)
    outside = np.flatnonzero(depth < item_depth)
    if outside.size == 0:
        largest = state.item_nodes + int(counted[-1])
        state.item_nodes = largest
    else:
        at = counted[outside]
        largest = max(state.item_nodes + int(at[0]), int(np.diff(at).max(initial=0)))
        state.item_nodes = int(counted[-1] - at[-1])
        largest = max(largest, state.item_nodes)
    return _item_message(limits) if largest > limits.max_item_nodes else None


def _scan_exact(
    chunk: bytes, state: _JsonState, limits: ParseLimits, item_depth: int | None
) -> tuple[int, str | None]:
    """Where in ``chunk`` (a byte offset) the first limit is passed, byte by byte (only run to place an
    error the fast scan found; it also serves as the reference the fast scan is tested against)."""
    escaped = state.escaped
    for offset, byte in enumerate(chunk):
        if state.in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                state.in_string = False
                continue
            state.string_bytes += 1
            if state.string_bytes > limits.max_text:
                return offset, _string_message(limits)
            continue
        escaped = False
        if byte == 0x22:
            state.in_string, state.string_bytes = True, 0
        elif byte in (0x5B, 0x7B):  # [ {
            state.depth += 1
            if state.depth > limits.max_depth:
                return offset, _depth_message(limits)
            if item_depth is None:
                state.nodes += 1
            elif state.depth > item_depth:
                state.item_nodes += 1
        elif byte in (0x5D, 0x7D):  # ] }
            state.depth -= 1
            if item_depth is not None and state.depth < item_depth:
                state.item_nodes = 0
        elif byte == 0x2C:  # comma
            if item_depth is None:
                state.nodes += 1
            elif state.depth >= item_depth:
                state.item_nodes += 1
        if item_depth is None and state.nodes > limits.max_nodes:
            return offset, _nodes_message(limits)
        if item_depth is not None and state.item_nodes > limits.max_item_nodes:
            return offset, _item_message(limits)
    state.escaped = escaped
    return len(chunk), None


def load_json(source: IO | bytes | str, limits: ParseLimits | None = None, **options):
    """A JSON document read whole (``json.loads`` with ``options``), after checking its size, depth, strings
    and number of values; a UTF-8 byte-order mark is dropped. Raises FormatError for a document over a
    limit, one that is not UTF-8 (naming the byte) or not JSON (line and column)."""
    limits = limits or current()
    data = source if isinstance(source, (bytes, str)) else read_document(source, limits)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > limits.max_document:
        raise LimitExceeded(
            f"The document is larger than {megabytes(limits.max_document)}, the most that is read at once"
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    check_json(data, limits)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise not_utf8(data, error) from None
    try:
        return json.loads(text, **options)
    except json.JSONDecodeError as error:
        raise FormatError(f"not valid JSON: {error.msg}", line=error.lineno, column=error.colno) from None


def not_utf8(
    data: bytes, error: UnicodeDecodeError, *, offset: int = 0, line: int | None = None
) -> FormatError:
    """The FormatError for bytes that are not UTF-8: which byte, where (byte offset from the start of the
    file, line), and what to do. ``offset`` and ``line`` place ``data`` in the file when it is a part."""
    position = offset + error.start
    if line is None:
        line = data.count(b"\n", 0, error.start) + 1
    else:
        line += data.count(b"\n", 0, error.start)
    return FormatError(
        f"The file is not UTF-8 text: byte 0x{data[error.start]:02x} at byte offset {position:,} "
        f"({error.reason}); save it as UTF-8",
        line=line,
    )


# ------------------------------------------------------------------------------------------------------ text

_LONE_CR = re.compile(r"\r(?!\n)")
_AFTER_LONE_CR = re.compile(r"(?<=\r)(?!\n)")


def text_lines(stream: IO[bytes], limits: ParseLimits | None = None) -> Iterator[str]:
    """The lines of a UTF-8 byte stream, each with its line ending (what ``csv.reader`` wants), read one at
    a time: a UTF-8 byte-order mark is dropped; ``\\r\\n``, ``\\n`` and a lone ``\\r`` end lines.

    Raises FormatError naming the line and the byte offset of the first byte that is not UTF-8, and
    LimitExceeded for a line longer than ``max_text`` bytes (found before the line is read whole)."""
    limits = limits or current()
    most = limits.max_text
    readline = stream.readline
    offset, number = 0, 1
    line = readline(most + 1)
    if line.startswith(b"\xef\xbb\xbf"):
        line, offset = line[3:], 3
    while line:
        if len(line) > most and not line.endswith(b"\n"):
            raise LimitExceeded(
                f"Line {number:,} is longer than {megabytes(most)} (the limit for one line)", line=number
            )
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise not_utf8(line, error, offset=offset, line=number) from None
        offset += len(line)
        carriage = text.find("\r")
        # Most lines end with "\n" or "\r\n" alone: only others need the search for a lone "\r".
        if carriage >= 0 and not (carriage == len(text) - 2 and text[-1] == "\n") and _LONE_CR.search(text):
            pieces = [piece for piece in _AFTER_LONE_CR.split(text) if piece]
            number += len(pieces)
            yield from pieces
        else:
            number += 1
            yield text
        line = readline(most + 1)


def check_utf8(stream: IO[bytes], *, chunk_size: int = 1024 * 1024) -> None:
    """Check that a whole byte stream is UTF-8 text, a megabyte at a time; FormatError naming the line and
    byte offset of the first byte that is not. The stream is left at its start."""
    start = stream.tell()
    offset, lines, carry = 0, 0, b""
    try:
        while chunk := stream.read(chunk_size):
            data = carry + chunk
            try:
                data.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as error:
                if error.reason != "unexpected end of data" or error.end != len(data):
                    raise not_utf8(data, error, offset=offset, line=lines + 1) from None
                carry, data = data[error.start :], data[: error.start]  # a character cut by the chunk's end
            offset += len(data)
            lines += data.count(b"\n")
        if carry:
            try:
                carry.decode("utf-8")
            except UnicodeDecodeError as error:
                raise not_utf8(carry, error, offset=offset, line=lines + 1) from None
    finally:
        stream.seek(start)
