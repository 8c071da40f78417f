"""What a restore refuses before it writes anything, on archives made by hand (no database needed)."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from types import SimpleNamespace

import pytest

from qicop.backup import BackupError
from qicop.backup.manifest import ArchivedFile, Manifest
from qicop.backup.restore import _check_compatible, check_backup

DUMP = b"SQLite format 3\x00 not really"


def _manifest(**changes) -> Manifest:
    fields = {
        "qicop_version": "0.1.0",
        "created_at": "2026-11-18T14:30:00+00:00",
        "vendor": "sqlite",
        "database": ArchivedFile("database/qicop.sqlite3", len(DUMP), hashlib.sha256(DUMP).hexdigest()),
        "migrations": [("meetings", "0001_initial")],
        "tables": {"meetings_meeting": 1},
        "files": [],
        **changes,
    }
    return Manifest(**fields)


def _archive(path, members: dict[str, bytes], manifest: Manifest | None = None):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in {**members, **({"manifest.json": manifest.to_json()} if manifest else {})}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_a_complete_archive_passes_its_check(tmp_path):
    archive = _archive(tmp_path / "b.tar.gz", {"database/qicop.sqlite3": DUMP}, _manifest())

    assert check_backup(archive).tables == {"meetings_meeting": 1}


def test_an_archive_without_a_manifest_is_not_a_backup(tmp_path):
    archive = _archive(tmp_path / "b.tar.gz", {"database/qicop.sqlite3": DUMP})

    with pytest.raises(BackupError, match="has no manifest"):
        check_backup(archive)


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/cron.d/job", "files/private/../../x", "notes.txt"])
def test_an_archive_holding_a_path_outside_a_backups_folders_is_refused(tmp_path, name):
    archive = _archive(tmp_path / "b.tar.gz", {"database/qicop.sqlite3": DUMP, name: b"x"}, _manifest())

    with pytest.raises(BackupError, match="which no qicop backup has"):
        check_backup(archive)


def test_a_file_the_manifest_does_not_list_is_refused(tmp_path):
    archive = _archive(
        tmp_path / "b.tar.gz", {"database/qicop.sqlite3": DUMP, "files/media/extra.png": b"png"}, _manifest()
    )

    with pytest.raises(
        BackupError, match=r"files/media/extra\.png is in the archive but not in its manifest"
    ):
        check_backup(archive)


def test_a_manifest_of_another_format_version_says_which_qicop_reads_it(tmp_path):
    manifest = json.loads(_manifest(qicop_version="7.0").to_json())
    manifest["format_version"] = 2
    with tarfile.open(tmp_path / "b.tar.gz", "w:gz") as archive:
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))

    with pytest.raises(
        BackupError, match=r"format version 2; .* restore it with the qicop that made it \(7.0\)"
    ):
        check_backup(tmp_path / "b.tar.gz")


def test_a_backup_of_another_database_vendor_is_refused_saying_where_it_goes():
    with pytest.raises(BackupError, match="holds a PostgreSQL database and this qicop uses SQLite"):
        _check_compatible(_manifest(vendor="postgresql"), SimpleNamespace(vendor="sqlite"))


def test_the_migrations_a_restored_backup_still_needs_are_named():
    pending = _check_compatible(_manifest(), SimpleNamespace(vendor="sqlite"))

    assert "meetings.0001_initial" not in pending
    assert "accounts.0001_initial" in pending
