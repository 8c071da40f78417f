"""``qicop restore``: check a backup whole, then load its database and put back its files.

Nothing is written before every member of the archive matched its size and SHA-256 in the manifest and the
backup proved compatible with this qicop (same database vendor, no migration this code does not know). A
database or a file storage that holds anything is refused unless ``force`` (then it is replaced: tables
dropped, files deleted). Stop the server and the workers first: a restore changes the database under them.
"""

from __future__ import annotations

import posixpath
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, connections

from qicop.backup import BackupError
from qicop.backup.databases import database_for
from qicop.backup.files import AREAS, storage_of, stored_names
from qicop.backup.manifest import DATABASE_FOLDER, FILES_FOLDER, MANIFEST, Manifest, sha256_of
from qicop.exchange import crypto
from qicop.exchange.models import Dhis2Connection

SPOOL_IN_MEMORY_BYTES = 8 * 1024 * 1024
# The largest manifest read (a backup of a million files has a manifest of about 150 MB).
MANIFEST_MAX_BYTES = 512 * 1024 * 1024


@dataclass
class Restored:
    """What a restore did, for the operator."""

    manifest: Manifest
    replaced: bool
    pending_migrations: list[str] = field(default_factory=list)
    tokens: int = 0  # stored DHIS2 tokens
    unreadable_tokens: int = 0  # … that this server's keys do not open

    def summary(self) -> list[str]:
        lines = self.manifest.summary()
        lines[1] += ": every table has the rows the backup counted"
        lines[2] += ": every file matched its SHA-256"
        if self.replaced:
            lines.append("what the database and the file storages held before was replaced (--force)")
        if self.pending_migrations:
            lines.append(
                f"this qicop has {len(self.pending_migrations)} migrations the backup has not "
                f"(e.g. {self.pending_migrations[0]}): run `qicop migrate` before starting the server"
            )
        if self.unreadable_tokens:
            lines.append(
                f"{self.unreadable_tokens} of {self.tokens} stored DHIS2 tokens cannot be opened with this "
                "server's SECRET_KEY or QICOP_ENCRYPTION_KEYS: set the keys of the server that made the "
                "backup, or enter those tokens again (Data exchange page of each country)"
            )
        return lines


def check_backup(path: Path) -> Manifest:
    """Read the whole archive: its manifest, if every member is listed there with its size and SHA-256, and
    the database's too. Raises BackupError saying what does not match."""
    found: dict[str, tuple[int, str]] = {}
    raw_manifest = None
    try:
        with tarfile.open(path, mode="r|gz") as archive:
            for member in archive:
                name = _checked_name(member)
                if name in found or (name == MANIFEST and raw_manifest is not None):
                    raise BackupError(f"the archive holds {name} twice")
                source = archive.extractfile(member)
                if name == MANIFEST:
                    if member.size > MANIFEST_MAX_BYTES:
                        raise BackupError("the archive's manifest is too large to be one")
                    raw_manifest = source.read()
                else:
                    found[name] = sha256_of(source)
    except FileNotFoundError:
        raise BackupError(f"there is no file {path}") from None
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{path} is not a complete qicop backup (.tar.gz): {error}") from None
    if raw_manifest is None:
        raise BackupError(f"{path} has no manifest: it is not a complete qicop backup")
    manifest = Manifest.from_json(raw_manifest)
    expected = {item.path: (item.size, item.sha256) for item in [manifest.database, *manifest.files]}
    for name, (size, digest) in expected.items():
        if name not in found:
            raise BackupError(f"{name} is listed in the manifest but missing from the archive")
        if found[name] != (size, digest):
            raise BackupError(f"{name} does not match its checksum in the manifest: the archive is damaged")
    unlisted = sorted(set(found) - set(expected))
    if unlisted:
        raise BackupError(f"{unlisted[0]} is in the archive but not in its manifest")
    return manifest


def _checked_name(member: tarfile.TarInfo) -> str:
    """A member's name, if it is a plain file where a qicop backup keeps one."""
    name = member.name
    normal = posixpath.normpath(name)
    if not member.isreg() or normal != name or name.startswith(("/", "../")) or "/../" in name:
        raise BackupError(f"the archive holds {name!r}, which no qicop backup has")
    allowed = (DATABASE_FOLDER, *(f"{FILES_FOLDER}{area}/" for area in AREAS))
    if name != MANIFEST and not name.startswith(allowed):
        raise BackupError(f"the archive holds {name!r}, which no qicop backup has")
    return name


def restore_backup(path: Path, *, force: bool = False) -> Restored:
    """Restore the backup at ``path`` into the configured database and storages."""
    manifest = check_backup(path)
    database = database_for(settings.DATABASES["default"])
    pending = _check_compatible(manifest, database)
    connections.close_all()
    in_use = _what_is_there(database)
    if in_use and not force:
        raise BackupError(
            f"{'; '.join(in_use)}. A restore goes into an empty database and empty file folders: "
            "point DATABASE_URL and QICOP_VAR_DIR elsewhere, or add --force to replace what is there"
        )
    loaded = False
    with (
        tempfile.TemporaryDirectory(prefix=".qicop-restore-", dir=_scratch_parent()) as scratch,
        tarfile.open(path, mode="r|gz") as archive,
    ):
        for member in archive:
            if member.name == manifest.database.path:
                database.load(archive.extractfile(member), Path(scratch), replace=bool(in_use))
                loaded = True
                if in_use:
                    _delete_every_file()
            elif member.name.startswith(FILES_FOLDER):
                if not loaded:
                    raise BackupError("the archive holds files before its database: it was not made by qicop")
                _put_back(member, archive.extractfile(member))
    connections.close_all()
    _check_rows(manifest, database)
    restored = Restored(manifest=manifest, replaced=bool(in_use), pending_migrations=pending)
    if not pending:
        restored.tokens, restored.unreadable_tokens = _stored_tokens()
    return restored


def _check_compatible(manifest: Manifest, database) -> list[str]:
    """Refuse a backup this qicop cannot take; the migrations it still has to apply to it."""
    if manifest.vendor != database.vendor:
        theirs = _VENDORS.get(manifest.vendor, manifest.vendor)
        raise BackupError(
            f"this backup holds a {theirs} database and this qicop uses {_VENDORS[database.vendor]} "
            f"(DATABASE_URL): restore it into {theirs}; a copy between vendors is not a backup's job"
        )
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    applied = set(manifest.migrations)
    unknown = sorted(applied - known)
    if unknown:
        named = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
        raise BackupError(
            f"this backup was made by a newer qicop ({manifest.qicop_version}) whose database has migrations "
            f"this one does not know ({named}{', …' if len(unknown) > 5 else ''}): install that version first"
        )
    return [f"{app}.{name}" for app, name in sorted(known - applied)]


_VENDORS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _what_is_there(database) -> list[str]:
    found = []
    tables = database.table_names()
    if tables:
        found.append(f"{database} has {len(tables)} tables")
    for area in AREAS:
        first = next(stored_names(storage_of(area)), None)
        if first is not None:
            found.append(f"the {area} files already hold {first}")
    return found


def _scratch_parent() -> Path:
    """Where a restore unpacks the database dump: the var folder (on the disk that will hold it)."""
    settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
    return settings.VAR_DIR


def _delete_every_file() -> None:
    for area in AREAS:
        storage = storage_of(area)
        for name in list(stored_names(storage)):
            storage.delete(name)


def _put_back(member: tarfile.TarInfo, source) -> None:
    area, name = member.name[len(FILES_FOLDER) :].split("/", 1)
    # Storages seek in what they save (object storage's uploads do); a member read from the stream cannot.
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_BYTES) as spool:
        shutil.copyfileobj(source, spool, 1024 * 1024)
        spool.seek(0)
        saved = storage_of(area).save(name, File(spool, name=posixpath.basename(name)))
    if saved != name:  # the storage renamed it: the rows would name a file that is not there
        raise BackupError(f"{area}/{name} could not be put back under its own name (stored as {saved})")


def _check_rows(manifest: Manifest, database) -> None:
    counted = database.count_rows()
    for table, rows in sorted(manifest.tables.items()):
        if counted.get(table) != rows:
            raise BackupError(
                f"after the restore, table {table} has {counted.get(table, 'no')} rows; the backup counted "
                f"{rows}: do not use this database"
            )


def _stored_tokens() -> tuple[int, int]:
    """Stored DHIS2 tokens, and how many of them the keys of this server (SECRET_KEY or
    QICOP_ENCRYPTION_KEYS) do not open: those must be given again, or the old keys set."""
    total = unreadable = 0
    try:
        for stored in Dhis2Connection.objects.values_list("token_encrypted", flat=True).iterator():
            total += 1
            try:
                crypto.decrypt(stored)
            except crypto.InvalidToken:
                unreadable += 1
    except DatabaseError:
        return 0, 0
    finally:
        connections.close_all()
    return total, unreadable
