"""``qicop backup``: the database, then every uploaded file, then the manifest, into one ``.tar.gz``.

The database is copied first and the files after it: an upload made meanwhile is then an extra file (harmless)
rather than a row whose file is missing. The archive is written under a temporary name beside the
destination and renamed when complete, readable by its owner only (it holds personal data and password
hashes): a backup that stopped half-way never looks like a backup.
"""

from __future__ import annotations

import io
import os
import tarfile
import tempfile
from importlib.metadata import version
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from qicop.backup import BackupError
from qicop.backup.databases import database_for
from qicop.backup.files import AREAS, file_columns, storage_of, stored_names
from qicop.backup.manifest import (
    DATABASE_FOLDER,
    FILES_FOLDER,
    MANIFEST,
    ArchivedFile,
    HashingReader,
    Manifest,
    sha256_of,
)


def create_backup(destination: Path) -> tuple[Path, Manifest]:
    """Write a backup to ``destination`` (a file name ending in .tar.gz or .tgz, or else a folder to name it
    in, made if need be); returns its path and manifest. The server and the workers may go on running."""
    created = timezone.now()
    if destination.is_dir() or not destination.name.endswith((".tar.gz", ".tgz")):
        destination = destination / f"qicop-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz"  # a folder
    if destination.exists():
        raise BackupError(f"{destination} exists already: name another file")
    destination.parent.mkdir(parents=True, exist_ok=True)
    database = database_for(settings.DATABASES["default"])
    with tempfile.TemporaryDirectory(prefix=".qicop-backup-", dir=destination.parent) as scratch:
        dump = Path(scratch) / database.archive_name
        snapshot = database.dump(dump, file_columns())
        partial = Path(scratch) / "backup.tar.gz"
        with (
            os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
            tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT) as archive,
        ):
            with dump.open("rb") as source:
                size, digest = sha256_of(source)
            database_entry = ArchivedFile(DATABASE_FOLDER + database.archive_name, size, digest)
            archive.add(dump, arcname=database_entry.path, recursive=False)
            dump.unlink()
            files, missing = [], []
            for area in AREAS:
                storage = storage_of(area)
                held = set()
                for name in stored_names(storage):
                    files.append(_add_stored_file(archive, storage, area, name))
                    held.add(name)
                missing += [f"{area}/{name}" for name in sorted(snapshot.referenced.get(area, set()) - held)]
            manifest = Manifest(
                qicop_version=version("qicop"),
                created_at=created.isoformat(),
                vendor=database.vendor,
                database=database_entry,
                migrations=snapshot.migrations,
                tables=snapshot.tables,
                files=files,
                missing_files=missing,
                database_server=snapshot.server,
            )
            _add_bytes(archive, MANIFEST, manifest.to_json())
        os.replace(partial, destination)
    return destination, manifest


def _add_stored_file(archive: tarfile.TarFile, storage, area: str, name: str) -> ArchivedFile:
    info = tarfile.TarInfo(f"{FILES_FOLDER}{area}/{name}")
    info.size = storage.size(name)
    info.mode = 0o600
    try:
        info.mtime = int(storage.get_modified_time(name).timestamp())
    except NotImplementedError:
        info.mtime = int(timezone.now().timestamp())
    with storage.open(name, "rb") as handle:
        reader = HashingReader(handle)
        try:
            archive.addfile(info, reader)
        except OSError as error:  # tarfile: the file is shorter than its size said
            raise BackupError(f"{area}/{name} changed while it was read ({error}): back up again") from None
    return ArchivedFile(info.name, info.size, reader.digest.hexdigest())


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(timezone.now().timestamp())
    archive.addfile(info, io.BytesIO(data))
