"""Compressed uploads: a gzip stream or a zip archive holding one file, expanded with a limit.

DHIS2 accepts data value sets gzipped or zipped (it looks at the first bytes, and clients also say
``Content-Encoding: gzip``). :func:`expand` gives the file inside, counting every byte while it
decompresses, so that a small archive that expands to gigabytes (a "zip bomb") is refused as soon as it
passes the limit, never written out whole, and as soon as it expands more than ``max_ratio`` times (from
``qicop.integrations.limits``) its compressed size once past a few megabytes: data compresses ten- to
thirtyfold, a bomb a thousandfold. A zip must hold exactly one file (folders aside); an Office document
(XLSX, itself a zip) is not an archive of an upload and is left as it is.
"""

from __future__ import annotations

import gzip
import tempfile
import zipfile
import zlib
from typing import IO

from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import current

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 10 * 1024 * 1024
# The ratio is judged once this much has come out: small files compress unevenly.
RATIO_FROM = 5 * 1024 * 1024


class TooLarge(ValueError):
    """The expanded file is larger than the limit."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def compression_of(fileobj: IO[bytes], content_encoding: str = "") -> str | None:
    """``"gzip"`` or ``"zip"`` when the stream is compressed (by its first bytes, or the declared
    encoding), else None. The stream is left where it was."""
    start = fileobj.tell()
    head = fileobj.read(len(ZIP_MAGIC))
    fileobj.seek(start)
    if head.startswith(GZIP_MAGIC) or content_encoding.strip().lower() in ("gzip", "x-gzip"):
        return "gzip"
    if head.startswith(ZIP_MAGIC) and not _is_office_document(fileobj):
        return "zip"
    return None


def expand(fileobj: IO[bytes], compression: str, *, limit: int) -> tuple[IO[bytes], str | None]:
    """The file inside (a seekable stream at its start) and its name in the archive (None for gzip).

    Raises FormatError for a truncated or damaged stream, or a zip that does not hold exactly one file;
    TooLarge as soon as more than ``limit`` bytes come out.
    """
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned open
    try:
        if compression == "gzip":
            name = None
            start = fileobj.tell()
            try:
                _copy(
                    gzip.GzipFile(fileobj=fileobj, mode="rb"),
                    out,
                    limit,
                    compressed=lambda: fileobj.tell() - start,
                )
            except (EOFError, gzip.BadGzipFile, zlib.error) as error:
                raise FormatError(
                    f"The gzip stream is damaged or cut short ({error}): send the whole file"
                ) from None
        else:
            name = _copy_only_member(fileobj, out, limit)
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, name


def _copy_only_member(fileobj: IO[bytes], out: IO[bytes], limit: int) -> str:
    try:
        archive = zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, EOFError) as error:
        raise FormatError(f"The zip archive is damaged or cut short ({error}): send the whole file") from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) != 1:
            raise FormatError(
                f"A zip archive must hold exactly one file; this one holds {len(members)}"
                + (f" ({', '.join(m.filename for m in members[:5])})" if members else "")
            )
        member = members[0]
        if member.file_size > limit:
            raise TooLarge(limit)
        if member.file_size > RATIO_FROM and member.file_size > current().max_ratio * member.compress_size:
            raise _bomb(member.file_size, member.compress_size)
        try:
            with archive.open(member) as inner:
                _copy(inner, out, limit, compressed=lambda: member.compress_size)
        except (zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as error:
            raise FormatError(f"The file in the zip archive cannot be read: {error}") from None
        return members[0].filename


def _copy(source: IO[bytes], out: IO[bytes], limit: int, *, compressed) -> None:
    """Copy what comes out of ``source``; ``compressed()`` is how many compressed bytes it took so far."""
    total = 0
    ratio = current().max_ratio
    while chunk := source.read(_CHUNK):
        total += len(chunk)
        if total > limit:
            raise TooLarge(limit)
        if total > RATIO_FROM and total > ratio * max(compressed(), 1):
            raise _bomb(total, compressed())
        out.write(chunk)


def _bomb(expanded: int, compressed: int) -> LimitExceeded:
    return LimitExceeded(
        f"The archive expands {expanded // max(compressed, 1):,} times its size (at most "
        f"{current().max_ratio} times is taken): a file that compresses so much is a decompression bomb"
    )


def _is_office_document(fileobj: IO[bytes]) -> bool:
    start = fileobj.tell()
    try:
        with zipfile.ZipFile(fileobj) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, EOFError):
        return False
    finally:
        fileobj.seek(start)
