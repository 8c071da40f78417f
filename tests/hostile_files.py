"""Small files that ask a parser for gigabytes (issue 12), and a way to measure what reading one costs.

Every file is generated here, never kept in the repository. :func:`measure` reads one in a fresh Python
process exactly as a request reads it (the same entry points of ``qicop.integrations``), with the process's
address space capped so that a reader without limits fails with MemoryError instead of exhausting the
machine, and returns the process's peak resident memory with what happened. The test
(``tests/integrations/test_hostile_files.py``) holds every file to ``LIMIT_MB``; ``bench/hostile_files.py``
prints the figures.
"""

from __future__ import annotations

import gzip
import json
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LIMIT_MB = 200
ADDRESS_SPACE_CAP = 3 * 1024**3  # the child dies with MemoryError past this, instead of eating the machine
DXF = b"http://dhis2.org/schema/dxf/2.0"


def nested_arrays(depth: int = 200_000) -> bytes:
    """400 KB: ``[[[[…]]]]``, as posted to /api/dataValueSets."""
    return b"[" * depth + b"]" * depth


def nested_arrays_in_values(depth: int = 200_000) -> bytes:
    """400 KB of nested arrays where the data values go."""
    return b'{"dataValues":' + b"[" * depth + b"]" * depth + b"}"


def nested_objects(depth: int = 100_000) -> bytes:
    """600 KB: ``{"a":{"a":…1…}}``."""
    return b'{"a":' * depth + b"1" + b"}" * depth


def deep_xml(depth: int = 200_000) -> bytes:
    """1.4 MB: a DXF data value set whose elements nest 200,000 deep."""
    return b'<dataValueSet xmlns="' + DXF + b'">' + b"<a>" * depth + b"</a>" * depth + b"</dataValueSet>"


def gzip_bomb(size: int = 200_000_000) -> bytes:
    """About 200 KB of gzip that expands to 200 MB of ``[``."""
    out = gzip.compress(b"", mtime=0)[:10]  # the gzip header
    block, compressor = b"[" * (1 << 20), zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = size // len(block)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    ending = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty final block
    return out + piece * count + ending + struct.pack("<II", crc, (count * len(block)) & 0xFFFFFFFF)


def xlsx_bomb(cell_bytes: int = 2_000_000_000) -> bytes:
    """About 2 MB: a valid workbook whose one sheet holds one text cell of 2 GB (the sheet compresses
    a thousandfold). The deflate stream repeats one compressed block, so it is built in a second."""
    block = b"a" * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = cell_bytes // len(block)
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
        b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
    )
    tail = b"</t></is></c></row></sheetData></worksheet>"
    body = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = body.compress(head) + body.flush(zlib.Z_FULL_FLUSH)
    end = body.compress(tail) + body.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    sheet = (start + piece * count + end, len(head) + count * len(block) + len(tail), crc)
    return _zip({**_WORKBOOK_PARTS, "xl/worksheets/sheet1.xml": sheet})


_NS = b'xmlns="http://schemas.openxmlformats.org/'
_REL = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKBOOK_XML = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types '
    + _NS
    + b'package/2006/content-types"><Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    b'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    + _NS
    + b'package/2006/relationships"><Relationship Id="rId1" Type="'
    + _REL
    + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook '
    + _NS
    + b'spreadsheetml/2006/main" xmlns:r="'
    + _REL
    + b'"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    + _NS
    + b'package/2006/relationships"><Relationship Id="rId1" Type="'
    + _REL
    + b'/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def _deflated(data: bytes) -> tuple[bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)


_WORKBOOK_PARTS = {name: _deflated(data) for name, data in _WORKBOOK_XML.items()}


def _zip(members: dict[str, tuple[bytes, int, int]]) -> bytes:
    """A zip archive of already deflated members: name → (deflated bytes, size, CRC-32)."""
    out, directory = bytearray(), bytearray()
    for name, (data, size, crc) in members.items():
        encoded = name.encode()
        offset = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded), 0)
        out += encoded + data
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size, len(encoded),
            0, 0, 0, 0, 0, offset,
        )  # fmt: skip
        directory += encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(out), 0)
    return bytes(out + directory + end)


@dataclass(frozen=True)
class Hostile:
    name: str
    what: str
    make: Callable[[], bytes]
    reader: str  # how the child reads it: a key of _READERS below


HOSTILE = (
    Hostile("nested-arrays", "400 KB of [[[[…]]]] to /api/dataValueSets", nested_arrays, "values"),
    Hostile(
        "nested-arrays-in-values", "400 KB of nested arrays as dataValues", nested_arrays_in_values, "values"
    ),
    Hostile("nested-objects", "600 KB of nested objects to /api/dataValueSets", nested_objects, "values"),
    Hostile(
        "nested-objects-metadata", "600 KB of nested objects to /api/metadata", nested_objects, "metadata"
    ),
    Hostile("nested-objects-fhir", "600 KB of nested objects as a MeasureReport", nested_objects, "fhir"),
    Hostile("deep-xml", "1.4 MB of XML nested 200,000 deep to /api/dataValueSets", deep_xml, "values"),
    Hostile("gzip-bomb", "200 KB of gzip expanding to 200 MB of `[`", gzip_bomb, "gzip"),
    Hostile("xlsx-bomb", "2 MB .xlsx holding a 2 GB cell, through the import page", xlsx_bomb, "xlsx"),
)

# What the child runs: the same calls as the endpoints and the import job make.
_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
reader, path = sys.argv[1], sys.argv[2]
from qicop.integrations.errors import FormatError

def values(f, content_type="application/json"):
    from qicop.integrations.dhis2.formats import detect_format, open_reader
    head = f.read(8192)
    f.seek(0)
    header, rows = open_reader(detect_format(None, None, head), f)
    return sum(1 for _ in rows)

def gzip(f):
    from qicop.integrations.compressed import compression_of, expand
    body, _name = expand(f, compression_of(f), limit=1024**3)
    return values(body)

def metadata(f):
    from qicop.integrations.dhis2.metadata import read_json
    return len(read_json(f).organisation_units)

def fhir(f):
    from qicop.integrations.fhir.measure_report import read_json
    return read_json(f)

def xlsx(f):
    from qicop.integrations.spreadsheet import read_xlsx
    return sum(1 for _ in read_xlsx(f))

def peak_mb():
    # The peak of this program's own memory: ru_maxrss would also count the parent's, which Linux keeps
    # across the exec that started this program (a test worker of 400 MB would count as this peak).
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

baseline = peak_mb()
try:
    with open(path, "rb") as f:
        outcome = "read: " + repr(locals()[reader](f))[:200]
except FormatError as error:
    outcome = "refused: " + str(error)
except MemoryError:
    outcome = "MemoryError (address space capped at {cap_gb} GB)"
except Exception as error:
    outcome = type(error).__name__ + ": " + str(error)[:200]
print(json.dumps({{"peak_mb": peak_mb(), "baseline_mb": baseline, "outcome": outcome}}))
"""


def measure(hostile: Hostile, folder: Path, *, python_path: str | None = None) -> dict:
    """Peak RSS (MB) of a fresh process reading ``hostile`` as a request would, and what happened:
    ``{"peak_mb", "baseline_mb" (after imports), "outcome"}``. ``python_path`` reads it with other
    sources of qicop (the bench compares with an older commit)."""
    path = folder / hostile.name
    if not path.exists():
        path.write_bytes(hostile.make())
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    if python_path:
        env["PYTHONPATH"] = python_path
    code = _CHILD.format(cap=ADDRESS_SPACE_CAP, cap_gb=ADDRESS_SPACE_CAP // 1024**3)
    done = subprocess.run(
        [sys.executable, "-c", code, hostile.reader, str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or not done.stdout.strip():
        return {"peak_mb": float("nan"), "outcome": f"died ({done.returncode}): {done.stderr[-300:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])
