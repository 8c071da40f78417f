"""An XLSX is a zip of XML: its declared and actual sizes, compression ratio, rows, columns and cells are
held to the limits before and while openpyxl reads it."""

import io
import struct
import zipfile

import pytest
from openpyxl import Workbook

from hostile_files import xlsx_bomb
from qicop.integrations import limits
from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import ParseLimits
from qicop.integrations.spreadsheet import check_workbook, read_xlsx


@pytest.fixture
def limited():
    """Put limits in force for one test, then the previous ones back."""
    before = limits.current()
    yield lambda **changes: limits.configure(before.with_(**changes))
    limits.configure(before)


def workbook(*rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["org_unit", "period", "indicator_or_data_element", "value"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_workbook_declaring_more_than_the_expanded_limit_is_refused_before_it_is_expanded():
    bomb = io.BytesIO(xlsx_bomb(300 * 2**20))
    with pytest.raises(LimitExceeded, match="expands to more than 315 MB; at most 100 MB is read"):
        check_workbook(bomb)
    assert bomb.tell() == 0


def test_a_part_compressed_more_than_the_ratio_is_refused():
    with pytest.raises(LimitExceeded, match=r"xl/worksheets/sheet1.xml of the workbook expands [\d,]+ times"):
        check_workbook(io.BytesIO(xlsx_bomb(20_000_000)))


def test_a_part_that_gives_more_than_it_declares_is_refused_when_expanded():
    liar = _declare_smaller(xlsx_bomb(2_000_000), "xl/worksheets/sheet1.xml", 1_000)
    with pytest.raises(FormatError, match="not an XLSX workbook"):
        check_workbook(io.BytesIO(liar), ParseLimits(max_ratio=10_000))


def test_rows_columns_and_cells_past_the_limits_are_refused_with_where(limited):
    limited(max_rows=3)
    with pytest.raises(LimitExceeded, match="more than 3 rows") as refused:
        list(read_xlsx(workbook(*[("KE_NAK_H", "202401", "VL", i) for i in range(5)])))
    assert refused.value.line == 4

    limited(max_text=5)
    with pytest.raises(LimitExceeded, match="more than 5 characters") as refused:
        list(read_xlsx(workbook(("KE_NAK_H", "202401", "VL", 1))))
    assert (refused.value.line, refused.value.column) == (1, 1)  # the header's "org_unit"


def test_columns_past_the_limit_are_not_read(limited):
    limited(max_columns=4)
    book = Workbook()
    sheet = book.active
    sheet.append(["org_unit", "period", "indicator_or_data_element", "value"])
    sheet.append(["KE_NAK_H", "202401", "VL", 5])
    sheet.cell(row=2, column=16_000, value="far away")
    out = io.BytesIO()
    book.save(out)
    out.seek(0)

    (row,) = read_xlsx(out)

    assert (row.org_unit, row.value) == ("KE_NAK_H", "5")


def _declare_smaller(archive: bytes, name: str, size: int) -> bytes:
    """The archive with ``name``'s uncompressed size rewritten to ``size`` in both of its headers."""
    data = bytearray(archive)
    info = zipfile.ZipFile(io.BytesIO(archive)).getinfo(name)
    struct.pack_into("<I", data, info.header_offset + 22, size)  # the local header
    position = data.find(b"PK\x01\x02")  # the central directory's entries
    while position >= 0:
        length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46 : position + 46 + length] == name.encode():
            struct.pack_into("<I", data, position + 24, size)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)
