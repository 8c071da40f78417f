"""Turning the bytes of an export into rows of cells: encoding first, then the separator.

Zoom writes UTF-8 with a BOM; Teams writes UTF-16 with a BOM (little- or big-endian depending on the
machine that produced it); files re-saved by Excel or other tools come back as UTF-8 or as the Windows code
page of the person's machine (Windows-1250 for Polish, Windows-1252 for Western Europe). Without a
dependency on a charset detector, the order below is enough for these sources.
"""

from __future__ import annotations

import csv
import io
import unicodedata

from ._model import AttendanceFormatError

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
# Single-byte code pages tried when the bytes are not UTF-8; the least "odd" decoding wins, ties go to
# the first (Western European is the more common one in the network).
_CODE_PAGES = ("cp1252", "cp1250")
_SEPARATORS = ("\t", ";", ",")


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding it was read with."""
    if data.startswith(b"PK\x03\x04"):
        raise AttendanceFormatError(
            "This is an Excel workbook or a zip file, not a CSV export: download the attendance report as CSV"
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding), encoding
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16), utf16
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    decoded = [(data.decode(page, errors="replace"), page) for page in _CODE_PAGES]
    return min(decoded, key=lambda item: _oddness(item[0]))


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise AttendanceFormatError(
            f"The file starts like {encoding} text but is not valid {encoding}"
        ) from exc


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 of mostly-Latin text has a NUL in every other byte; which half tells the byte order."""
    sample = data[:4000]
    if len(sample) < 4 or sample.count(0) < len(sample) // 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    return "utf-16-be" if even_nuls > odd_nuls else "utf-16-le"


def _oddness(text: str) -> int:
    """How many characters a wrong code page would produce: non-ASCII symbols glued to letters (``Tytu³``
    for ``Tytuł`` read as Windows-1252) and replacement characters for undefined bytes."""
    odd = 0
    for index, char in enumerate(text):
        if char == "\ufffd":
            odd += 2
        elif ord(char) > 127 and not unicodedata.category(char).startswith("L"):
            before = text[index - 1] if index else " "
            after = text[index + 1] if index + 1 < len(text) else " "
            if before.isalpha() or after.isalpha():
                odd += 1
    return odd


def separator(text: str) -> str:
    """The field separator, judged on the first lines (the meeting-info block and the first headers).

    A tab never occurs inside a Teams or Zoom value, so any tab decides; otherwise the separator with more
    occurrences outside quotes wins. Counting is more reliable than ``csv.Sniffer`` here because every Teams
    date contains a comma (``14/11/22, 09:30:46``) and the summary rows have only two cells.
    """
    head = text.splitlines()[:40]
    counts = dict.fromkeys(_SEPARATORS, 0)
    for line in head:
        unquoted = line.split('"')[0::2]
        for sep in _SEPARATORS:
            counts[sep] += sum(part.count(sep) for part in unquoted)
    if counts["\t"]:
        return "\t"
    return ";" if counts[";"] > counts[","] else ","


# Lines of one meeting's report: a webinar of thousands with every rejoin is a few tens of thousands. The
# table is held whole, so a 5 MB file of a million tiny lines (300 MB as lists) is refused instead.
MAX_ROWS = 100_000


def rows(text: str, sep: str) -> list[list[str]]:
    """All rows with cells stripped and trailing empty cells dropped (Teams pads section titles with
    separators); a BOM left inside the text by a re-save is removed too. Broken CSV (a cell longer than
    the csv module takes) and more than ``MAX_ROWS`` lines are AttendanceFormatErrors."""
    text = text.replace("\ufeff", "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    result = []
    try:
        for raw in reader:
            cells = [cell.strip() for cell in raw]
            while cells and not cells[-1]:
                cells.pop()
            result.append(cells)
            if len(result) > MAX_ROWS:
                raise AttendanceFormatError(
                    f"The file has more than {MAX_ROWS:,} lines: not the attendance report of one meeting"
                )
    except csv.Error as exc:
        raise AttendanceFormatError(f"Line {reader.line_num}: not valid CSV ({exc})") from None
    return result
