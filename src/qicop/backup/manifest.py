"""What an archive says about itself: ``manifest.json``, its last member."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from qicop.backup import BackupError

FORMAT = "qicop-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FOLDER = "database/"
FILES_FOLDER = "files/"


@dataclass(frozen=True)
class ArchivedFile:
    """A member of the archive: its path there, its size and its SHA-256."""

    path: str
    size: int
    sha256: str


@dataclass
class Manifest:
    qicop_version: str
    created_at: str  # ISO 8601, UTC
    vendor: str  # "sqlite" or "postgresql"
    database: ArchivedFile
    migrations: list[tuple[str, str]]  # (app, name) as applied in the backed-up database
    tables: dict[str, int]  # rows per table, counted in the snapshot that was dumped
    files: list[ArchivedFile]
    # Files the database names that the storage did not hold when the backup was made (lost before it).
    missing_files: list[str] = field(default_factory=list)
    database_server: str = ""  # the PostgreSQL server's version, or SQLite's
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, ensure_ascii=False).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise BackupError("this is not a qicop backup (its manifest names another format)")
            if data.get("format_version") != FORMAT_VERSION:
                raise BackupError(
                    f"this backup has format version {data.get('format_version')}; this qicop reads "
                    f"version {FORMAT_VERSION}: restore it with the qicop that made it "
                    f"({data.get('qicop_version', 'unknown')})"
                )
            return cls(
                **{
                    **data,
                    "database": ArchivedFile(**data["database"]),
                    "migrations": [(app, name) for app, name in data["migrations"]],
                    "files": [ArchivedFile(**item) for item in data["files"]],
                }
            )
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(f"the backup's manifest is damaged: {error}") from None

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def file_bytes(self) -> int:
        return sum(item.size for item in self.files)

    def summary(self) -> list[str]:
        """What the backup holds, in a few lines for the operator."""
        areas = {}
        for item in self.files:
            area = item.path.split("/")[1]
            areas[area] = areas.get(area, 0) + 1
        lines = [
            f"made {self.created_at} by qicop {self.qicop_version}",
            f"database: {self.database_server or self.vendor}, {len(self.tables)} tables, {self.rows:,} rows",
            f"files: {len(self.files):,} ({_megabytes(self.file_bytes)}: "
            + ", ".join(f"{areas.get(area, 0):,} {area}" for area in ("private", "media"))
            + ")",
        ]
        if self.missing_files:
            lines.append(
                "warning: files that the database names were already missing when the backup was made: "
                f"{len(self.missing_files)}, e.g. {self.missing_files[0]}"
            )
        return lines


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


class HashingReader:
    """Reads a file object through, adding what it reads to a SHA-256 (tarfile reads it into the archive)."""

    def __init__(self, source):
        self.source = source
        self.digest = hashlib.sha256()
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.digest.update(chunk)
        self.read_bytes += len(chunk)
        return chunk


def sha256_of(source, chunk: int = 1024 * 1024) -> tuple[int, str]:
    """Size and SHA-256 of what a file object holds from where it stands."""
    digest = hashlib.sha256()
    size = 0
    for part in iter(lambda: source.read(chunk), b""):
        digest.update(part)
        size += len(part)
    return size, digest.hexdigest()
