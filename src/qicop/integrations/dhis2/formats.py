"""Which data-value format a file is in, one entry point to read any of them, and helpers the readers share.

``detect_format`` decides as DHIS2's ``/api/dataValueSets`` endpoint does (spec ``formats.md`` §1.1): by the
request's Content-Type first (``application/json``, ``application/xml``, ``application/csv`` or ``text/csv``,
``application/adx+xml``); then by the file name's extension; then by sniffing the first bytes, where an XML
document is ADX when its root element is in an ADX namespace (``urn:ihe:qrph:adx:2015``, or the pre-2015
``http://ihe.net/quality/schema/adx``) or is an un-namespaced ``<adx>`` (the ADX-HIV drafts, spec §2), and DXF
otherwise.

``open_reader`` dispatches to the four streaming readers; every reader returns ``(header, rows)`` where
``rows`` is a generator of :class:`~qicop.integrations.dhis2.rows.DataValueRow` that raises
:class:`~qicop.integrations.errors.FormatError` where the file goes wrong.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO

from qicop.integrations.dhis2.rows import DataValueRow, DataValueSetHeader
from qicop.integrations.errors import FormatError

FORMATS = ("json", "xml", "csv", "adx")

_CONTENT_TYPES = {
    "application/json": "json",
    "text/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/csv": "csv",
    "text/csv": "csv",
    "application/adx+xml": "adx",
}

_EXTENSIONS = {".json": "json", ".xml": "xml", ".csv": "csv", ".adx": "adx"}

ADX_NAMESPACES = ("urn:ihe:qrph:adx:2015", "http://ihe.net/quality/schema/adx")

# The first start tag after the prolog, comments and processing instructions.
_ROOT_TAG = re.compile(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)([^>]*)>", re.S)
_SKIPPABLE = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)", re.S)

# DHIS2 boolean spellings (spec §1.2: true|True|TRUE|false|False|FALSE|1|0|t|f), compared lower-cased.
_TRUE = frozenset({"true", "1", "t"})
_FALSE = frozenset({"false", "0", "f"})


def detect_format(filename: str | None, content_type: str | None, head: bytes) -> str:
    """Return ``"json"``, ``"xml"``, ``"csv"`` or ``"adx"`` for an upload.

    ``content_type`` may carry parameters (``application/json; charset=utf-8``). A generic type
    (``application/octet-stream``, ``text/plain``…) or none falls through to the extension, then to the
    content.
    ``.xml`` files and ``application/xml`` bodies are still sniffed, because ADX is often sent as plain XML;
    likewise ``.adx.xml``. ``head`` is the first few kilobytes of the file.
    """
    declared = None
    if content_type:
        declared = _CONTENT_TYPES.get(content_type.split(";", 1)[0].strip().lower())
    if declared is None and filename:
        name = filename.lower()
        for suffix, fmt in _EXTENSIONS.items():
            if name.endswith(suffix):
                declared = fmt
                break
    if declared in ("json", "csv", "adx"):
        return declared
    sniffed = _sniff(head)
    if declared == "xml":
        # XML declared: only the ADX/DXF distinction is left to the content.
        return "adx" if sniffed == "adx" else "xml"
    return sniffed


def _sniff(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"{", b"[")):
        return "json"
    if text.startswith(b"<"):
        position = 0
        while match := _SKIPPABLE.match(text, position):
            if match.end() == position:
                break
            position = match.end()
        root = _ROOT_TAG.search(text, position)
        if root and (
            any(ns.encode() in root.group(3) for ns in ADX_NAMESPACES)
            or (root.group(2) == b"adx" and b"xmlns" not in root.group(3))
        ):
            return "adx"
        return "xml"
    return "csv"


def open_reader(fmt: str, fileobj: IO[bytes]) -> tuple[DataValueSetHeader, Iterator[DataValueRow]]:
    """Read ``fileobj`` (binary) as ``fmt``; see each reader for the rules it applies."""
    # Imported here: the readers import the helpers below from this module.
    if fmt == "json":
        from qicop.integrations.dhis2 import datavalueset_json as reader  # local: it imports this module
    elif fmt == "xml":
        from qicop.integrations.dhis2 import datavalueset_xml as reader  # local: it imports this module
    elif fmt == "csv":
        from qicop.integrations.dhis2 import datavalueset_csv as reader  # local: it imports this module
    elif fmt == "adx":
        from qicop.integrations.dhis2 import adx as reader  # local: it imports this module
    else:
        raise ValueError(f"unknown data value format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return reader.read(fileobj)


def parse_flag(
    raw: object, name: str, *, index: int | None = None, line: int | None = None, column: int | None = None
) -> bool | None:
    """A ``followup``/``deleted`` flag: a JSON boolean or one of DHIS2's spellings; empty or null is None.

    Anything else is a :class:`FormatError`: DHIS2 rejects the whole payload when a boolean property does not
    parse, and guessing would store a wrong follow-up mark.
    """
    if raw is None or raw is True or raw is False:
        return raw
    if isinstance(raw, str):
        text = raw.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        if not text:
            return None
    raise FormatError(f"{name} must be true or false, not {raw!r}", line=line, column=column, index=index)


def binary_stream(fileobj: IO[bytes] | IO[str]) -> IO[bytes]:
    """The binary stream under ``fileobj``: readers take bytes, but a text stream is accepted too."""
    if isinstance(fileobj, io.TextIOBase):
        buffer = getattr(fileobj, "buffer", None)
        if buffer is not None:
            return buffer
        return io.BytesIO(fileobj.read().encode("utf-8"))
    return fileobj


def line_and_column(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of byte ``offset`` in ``data``."""
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column
