"""``qicop backup`` and ``qicop restore``, run as an operator runs them, on SQLite and on PostgreSQL.

The site backed up is the demo, loaded by ``qicop demo --no-serve`` into a database and a folder of its own,
plus what the demo lacks: a photo (the media folder), a file on a discussion's post (written to storage once
its reply commits) and a country's DHIS2 connection (a stored, encrypted token). Each restore goes into a
new folder and a new, empty database, and is compared with the site table by table (row counts, and a
checksum of every row of a few tables) and file by file (SHA-256).

PostgreSQL is the suite's server in CI's PostgreSQL run, or one started for this module; without PostgreSQL
binaries those tests skip, saying so. qicop runs as its own processes, on the real clock (``live_qicop``).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
import threading
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import pytest

from throwaway_postgres import postgres_server

pytestmark = pytest.mark.live_qicop

# Tables whose every row is compared, not only counted.
COMPARED_TABLES = (
    "accounts_user",
    "meetings_material",
    "knowledge_resource",
    "indicators_datavalue",
    "network_member",
    "exchange_dhis2connection",
)
PNG = (
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# What the demo lacks: a photo, a post's file, and a DHIS2 connection whose token is stored encrypted with
# SECRET_KEY.
ADD_PHOTO_AND_CONNECTION = f"""
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from qicop.exchange.services import save_connection
from qicop.knowledge.discussions.services import post_reply
from qicop.knowledge.models import Thread
from qicop.network.models import Country, Member, Network
focal = Member.objects.get(user__email="focal.ke@example.org")
focal.photo.save("face.png", ContentFile(bytes.fromhex("{PNG}")))
thread = Thread.objects.filter(network__slug="virtual", hidden=False, locked=False).order_by("pk").first()
post_reply(
    actor=focal.user, author=focal, thread=thread, body="The minutes.",
    files=[SimpleUploadedFile("minutes.pdf", {PDF!r})],
)
save_connection(
    actor=focal.user, network=Network.objects.get(slug="virtual"), country=Country.objects.get(iso2="KE"),
    owner=Member.objects.get(user__email="data.ke@example.org").user, base_url="https://dhis2.example.org",
    token="d2p_a-token-for-the-backup-test", data_set="HivQiMonth1", org_unit="KenyaRoot01", id_scheme="CODE",
    data_element_map={{}}, org_unit_map={{}}, months=24, every_hours=24, at_hour=6, enabled=True,
)
"""


@dataclass
class Site:
    """A qicop configuration: a folder, a database and a secret key, and what its tables and files hold."""

    var: Path
    database_url: str
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(40))

    @property
    def vendor(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgresql"

    def qicop(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "QICOP_VAR_DIR": str(self.var),
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": self.secret_key,
        }
        done = subprocess.run(
            [sys.executable, "-m", "qicop.cli", *args], env=env, capture_output=True, text=True, timeout=600
        )
        if check and done.returncode != 0:
            pytest.fail(f"qicop {args[0]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done

    def connect(self):
        if self.vendor == "sqlite":
            return sqlite3.connect(self.var / "qicop.sqlite3")
        import psycopg

        return psycopg.connect(self.database_url, autocommit=True)

    def execute(self, *statements: str) -> None:
        """Run the statements in one transaction."""
        connection = self.connect()
        try:
            with self.transaction(connection):
                for statement in statements:
                    connection.execute(statement)
        finally:
            connection.close()

    def transaction(self, connection):
        return connection if self.vendor == "sqlite" else connection.transaction()

    def _query(self, sql: str) -> list[tuple]:
        connection = self.connect()
        try:
            return list(connection.execute(sql).fetchall())
        finally:
            connection.close()

    def tables(self) -> dict[str, int]:
        """Every table and its rows."""
        if self.vendor == "sqlite" and not (self.var / "qicop.sqlite3").exists():
            return {}
        listing = (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            if self.vendor == "sqlite"
            else "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        )
        names = [name for (name,) in self._query(listing)]
        return {name: self._query(f'SELECT count(*) FROM "{name}"')[0][0] for name in names}

    def checksum(self, table: str) -> str:
        """A SHA-256 of every row of the table, in primary-key order."""
        digest = hashlib.sha256()
        for row in self._query(f'SELECT * FROM "{table}" ORDER BY 1'):
            digest.update(repr(row).encode())
        return digest.hexdigest()

    def files(self) -> dict[str, str]:
        """Every uploaded file ("private/…" or "media/…") and its SHA-256."""
        found = {}
        for area in ("private", "media"):
            root = self.var / area
            for path in sorted(root.rglob("*")) if root.exists() else ():
                if path.is_file():
                    found[f"{area}/{path.relative_to(root)}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        return found


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as server:
        if server is None:
            pytest.skip(
                "no PostgreSQL here: neither DATABASE_URL names a server nor are its binaries installed"
            )
        yield server


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def new_site(request, tmp_path_factory):
    """Makes sites of one vendor: each with a new folder and a new, empty database. Each vendor's half runs
    in the suite's run on that vendor (CI runs both), not twice."""
    suite_vendor = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    if request.param != suite_vendor:
        pytest.skip(f"the {request.param} half runs when the suite runs on {request.param}")
    server = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    made = []

    def make() -> Site:
        var = tmp_path_factory.mktemp(f"site-{request.param}")
        url = server.create_database("qicop_backup") if server else f"sqlite:///{var / 'qicop.sqlite3'}"
        made.append(url)
        return Site(var, url)

    yield make
    if server is not None and not server.started_here:
        for url in made:
            server.drop_database(url)


@pytest.fixture(scope="module")
def site(new_site) -> Site:
    """The demo, with a photo and a DHIS2 connection."""
    demo = new_site()
    demo.qicop("demo", "--no-serve")
    demo.qicop("shell", "-c", ADD_PHOTO_AND_CONNECTION)
    return demo


@pytest.fixture(scope="module")
def backup(site, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("backups")
    done = site.qicop("backup", str(folder))
    (archive,) = folder.glob("qicop-backup-*.tar.gz")
    assert f"wrote {archive}" in done.stdout
    return archive


def _manifest(archive: Path) -> dict:
    with tarfile.open(archive) as opened:
        return json.load(opened.extractfile("manifest.json"))


def _rewritten(archive: Path, target: Path, change) -> Path:
    """A copy of the archive whose members went through ``change(name, data) -> data``."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return target


def test_a_backup_restored_into_an_empty_folder_and_database_has_every_row_and_every_file(
    site, backup, new_site
):
    restored = new_site()
    restored.secret_key = site.secret_key  # the keys are kept apart from backups, and set again

    done = restored.qicop("restore", str(backup))

    tables = site.tables()
    assert restored.tables() == tables
    for table in COMPARED_TABLES:
        assert tables[table] > 0, f"the demo has rows in {table}"
        assert restored.checksum(table) == site.checksum(table), table
    files = site.files()
    assert restored.files() == files
    assert sum(name.startswith("private/materials/") for name in files) >= 20
    assert any(name.startswith("media/members/") for name in files)
    assert f"{len(tables)} tables, {sum(tables.values()):,} rows" in done.stdout
    assert f"files: {len(files)} (" in done.stdout
    assert "cannot be opened" not in done.stdout


def test_every_material_resource_and_posts_file_restored_has_its_file(site, backup, new_site):
    restored = new_site()
    restored.qicop("restore", str(backup))

    named = [
        f"private/{name}"
        for table in ("meetings_material", "knowledge_resource", "knowledge_attachment", "knowledge_postfile")
        for (name,) in restored._query(f"SELECT file FROM {table} WHERE file <> ''")
    ]
    assert len(named) >= 20
    assert set(named) <= set(restored.files())
    [(post_file,)] = restored._query("SELECT file FROM knowledge_postfile")
    assert f"private/{post_file}" in restored.files()


def test_the_manifest_names_the_version_migrations_vendor_rows_and_every_file_with_its_checksum(site, backup):
    manifest = _manifest(backup)

    assert manifest["format"] == "qicop-backup"
    assert manifest["qicop_version"] == version("qicop")
    assert manifest["vendor"] == site.vendor
    assert ["meetings", "0001_initial"] in manifest["migrations"]
    assert manifest["tables"] == site.tables()
    assert {f["path"].removeprefix("files/"): f["sha256"] for f in manifest["files"]} == site.files()
    assert manifest["missing_files"] == []
    assert manifest["database"]["path"] in ("database/qicop.sqlite3", "database/qicop.pgdump")


def test_a_backup_names_the_files_its_rows_refer_to_that_were_lost_before_it(backup, new_site, tmp_path):
    damaged = new_site()
    damaged.qicop("restore", str(backup))
    lost = sorted((damaged.var / "private" / "materials").rglob("*"))[-1]
    lost.unlink()

    done = damaged.qicop("backup", str(tmp_path / "later"))

    name = f"private/{lost.relative_to(damaged.var / 'private')}"
    (archive,) = (tmp_path / "later").glob("qicop-backup-*.tar.gz")
    assert _manifest(archive)["missing_files"] == [name]
    assert f"were already missing when the backup was made: 1, e.g. {name}" in done.stdout


def test_a_backup_holds_no_secret_key(site, backup):
    with tarfile.open(backup) as opened:
        names = opened.getnames()
        contents = b"".join(opened.extractfile(name).read() for name in names)

    assert not any("secret" in name for name in names)
    assert site.secret_key.encode() not in contents
    assert b"d2p_a-token-for-the-backup-test" not in contents  # the DHIS2 token is stored encrypted


def test_a_restore_with_other_keys_says_which_stored_tokens_it_cannot_open(backup, new_site):
    restored = new_site()  # a secret key of its own

    done = restored.qicop("restore", str(backup))

    assert "1 of 1 stored DHIS2 tokens cannot be opened with this server's SECRET_KEY" in done.stdout


def test_a_restore_refuses_a_database_or_folder_that_holds_anything_and_replaces_it_when_forced(
    site, backup, new_site
):
    restored = new_site()
    restored.qicop("restore", str(backup))
    stray = restored.var / "private" / "stray.pdf"
    stray.write_bytes(b"%PDF-1.4 not from the backup")
    restored.execute("DELETE FROM meetings_material")

    refused = restored.qicop("restore", str(backup), check=False)

    assert refused.returncode == 1
    assert "add --force to replace what is there" in refused.stderr
    assert restored.tables()["meetings_material"] == 0  # nothing was written

    forced = restored.qicop("restore", "--force", str(backup))

    assert "was replaced (--force)" in forced.stdout
    assert restored.tables() == site.tables()
    assert restored.checksum("meetings_material") == site.checksum("meetings_material")
    assert restored.files() == site.files()  # the stray file is gone


def test_a_damaged_archive_is_refused_before_anything_is_written(backup, new_site, tmp_path):
    def damage_one_file(name: str, data: bytes) -> bytes:
        if name.startswith("files/private/materials/") and not damaged:
            damaged.append(name)
            return bytes([data[0] ^ 1]) + data[1:]
        return data

    damaged: list[str] = []
    archive = _rewritten(backup, tmp_path / "damaged.tar.gz", damage_one_file)
    restored = new_site()

    refused = restored.qicop("restore", str(archive), check=False)

    assert refused.returncode == 1
    assert f"{damaged[0]} does not match its checksum in the manifest" in refused.stderr
    assert restored.tables() == {}
    assert restored.files() == {}


def test_a_backup_made_by_a_newer_qicop_is_refused(backup, new_site, tmp_path):
    def from_the_future(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["qicop_version"] = "99.0"
        manifest["migrations"].append(["meetings", "9999_not_written_yet"])
        return json.dumps(manifest).encode()

    archive = _rewritten(backup, tmp_path / "newer.tar.gz", from_the_future)
    restored = new_site()

    refused = restored.qicop("restore", str(archive), check=False)

    assert refused.returncode == 1
    assert "made by a newer qicop (99.0)" in refused.stderr
    assert "meetings.9999_not_written_yet" in refused.stderr
    assert restored.tables() == {}


def test_a_backup_taken_while_the_database_is_written_holds_each_write_whole(site, new_site, tmp_path):
    """A writer adds pairs of rows, each pair in one transaction, before, during and after the backup."""
    site.execute("CREATE TABLE backup_probe (batch integer, part integer)")
    written = []
    stop = threading.Event()

    def write_pairs():
        writer = site.connect()
        batch = 0
        while not stop.is_set():
            with site.transaction(writer):
                for part in (0, 1):
                    writer.execute(f"INSERT INTO backup_probe VALUES ({batch}, {part})")
            written.append(batch)
            batch += 1
        writer.close()

    thread = threading.Thread(target=write_pairs)
    thread.start()
    try:
        while len(written) < 20:
            stop.wait(0.01)
        site.qicop("backup", str(tmp_path / "during.tar.gz"))
        during = len(written)
        while len(written) < during + 20:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join()
    restored = new_site()
    restored.qicop("restore", str(tmp_path / "during.tar.gz"))
    try:
        rows = restored._query("SELECT batch, count(*) FROM backup_probe GROUP BY batch ORDER BY batch")
        manifest = _manifest(tmp_path / "during.tar.gz")

        assert 20 <= len(rows) < len(written)  # written to before the backup, and after it
        assert rows == [(batch, 2) for batch in range(len(rows))]  # every pair whole, none skipped
        assert manifest["tables"]["backup_probe"] == 2 * len(rows)
    finally:
        site.execute("DROP TABLE backup_probe")
