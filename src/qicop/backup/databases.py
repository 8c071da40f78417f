"""Each database vendor's own way to copy itself consistently while the server runs, and to load the copy.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database as one read transaction
sees it; writers go on meanwhile (WAL). PostgreSQL: ``pg_dump`` in its custom format, inside a snapshot that
a REPEATABLE READ transaction of ours exported, so that the rows we count and the file names we read are
those of the dump; it is loaded by ``pg_restore`` piped into ``psql --single-transaction``, so that a restore
either loads all of it or leaves the database as it was. Why not a neutral dump: docs/decisions/.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from qicop.backup import BackupError

# (area, table, column): where the models keep the names of stored files.
FileColumns = Iterable[tuple[str, str, str]]
COPY_CHUNK = 1024 * 1024


@dataclass
class Snapshot:
    """What the dumped database holds, read in the same snapshot as the dump."""

    tables: dict[str, int]
    migrations: list[tuple[str, str]]
    referenced: dict[str, set[str]] = field(default_factory=dict)  # area → file names the rows name
    server: str = ""


def database_for(settings_dict: dict):
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return SqliteDatabase(settings_dict)
    if engine == "django.db.backends.postgresql":
        return PostgresDatabase(settings_dict)
    raise BackupError(f"qicop backs up SQLite and PostgreSQL databases, not {engine}")


def _read_snapshot(cursor, tables: list[tuple[str, str]], files: FileColumns, quote) -> Snapshot:
    """Row counts, applied migrations and referenced file names, through a DB-API cursor of the snapshot.
    ``tables`` are (label, quoted name)."""
    counts = {}
    for label, quoted in tables:
        cursor.execute(f"SELECT count(*) FROM {quoted}")  # names from the catalogue, quoted
        counts[label] = cursor.fetchone()[0]
    migrations: list[tuple[str, str]] = []
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        migrations = [(app, name) for app, name in cursor.fetchall()]
    referenced: dict[str, set[str]] = {}
    for area, table, column in files:
        if table not in counts:
            continue
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(column)} <> ''")
        referenced.setdefault(area, set()).update(name for (name,) in cursor.fetchall())
    return Snapshot(counts, migrations, referenced)


def _sqlite_quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class SqliteDatabase:
    vendor = "sqlite"
    archive_name = "qicop.sqlite3"

    def __init__(self, settings_dict: dict):
        self.path = Path(settings_dict["NAME"])
        if str(self.path) == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up or restored")

    def __str__(self) -> str:
        return f"the SQLite database {self.path}"

    def dump(self, target: Path, files: FileColumns) -> Snapshot:
        if not self.path.is_file():
            raise BackupError(f"there is no SQLite database at {self.path}")
        source = sqlite3.connect(self.path, timeout=30)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # all pages in one step: one consistent read, writers carry on (WAL)
            copy.execute("PRAGMA journal_mode=DELETE")  # the copy is one self-contained file
            snapshot = _read_snapshot(copy.cursor(), self._tables(copy), files, _sqlite_quote)
        except sqlite3.Error as error:
            raise BackupError(f"SQLite could not copy {self.path}: {error}") from None
        finally:
            copy.close()
            source.close()
        snapshot.server = f"SQLite {sqlite3.sqlite_version}"
        return snapshot

    @staticmethod
    def _tables(connection) -> list[tuple[str, str]]:
        names = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
            "ORDER BY name"
        ).fetchall()
        return [(name, _sqlite_quote(name)) for (name,) in names]

    def table_names(self) -> list[str]:
        if not self.path.exists() or self.path.stat().st_size == 0:
            return []
        connection = sqlite3.connect(self.path)
        try:
            return [name for name, _quoted in self._tables(connection)]
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{self.path} is not a SQLite database qicop can read: {error}") from None
        finally:
            connection.close()

    def load(self, source: BinaryIO, scratch: Path, *, replace: bool) -> None:
        """Put the backed-up file in place of the database (whose folder must not be in use by a server)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        staging = self.path.with_name(self.path.name + ".restoring")
        with staging.open("wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        connection = sqlite3.connect(staging)
        try:
            problem = connection.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            connection.close()
        if problem != "ok":
            staging.unlink()
            raise BackupError(f"the backed-up SQLite database is damaged: {problem}")
        # A log left by the old database would be replayed into the new one.
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        os.replace(staging, self.path)

    def count_rows(self) -> dict[str, int]:
        connection = sqlite3.connect(self.path)
        try:
            return _read_snapshot(connection.cursor(), self._tables(connection), (), _sqlite_quote).tables
        finally:
            connection.close()


# libpq connection keywords Django may pass in OPTIONS, and the variables pg_dump and psql read them from.
_LIBPQ_ENVIRONMENT = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslcrl": "PGSSLCRL",
    "options": "PGOPTIONS",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
# Schemas that are PostgreSQL's own, never qicop's.
_SYSTEM_SCHEMAS = "('pg_catalog', 'information_schema')"


def _said(errors) -> str:
    errors.seek(0)
    return errors.read().decode(errors="replace").strip()[-2000:]


def postgres_tool(name: str) -> str:
    """The path of a PostgreSQL client program: on PATH, else the newest in Debian's versioned folders."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(path.split("/")[4]) if path.split("/")[4].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client programs, of the server's version or newer "
        "(Debian: apt-get install postgresql-client)"
    )


class PostgresDatabase:
    vendor = "postgresql"
    archive_name = "qicop.pgdump"

    def __init__(self, settings_dict: dict):
        params = {
            "dbname": settings_dict["NAME"],
            "user": settings_dict.get("USER") or None,
            "password": settings_dict.get("PASSWORD") or None,
            "host": settings_dict.get("HOST") or None,
            "port": str(settings_dict["PORT"]) if settings_dict.get("PORT") else None,
        }
        options = settings_dict.get("OPTIONS") or {}
        params.update({key: str(value) for key, value in options.items() if key in _LIBPQ_ENVIRONMENT})
        self.params = {key: value for key, value in params.items() if value is not None}

    def __str__(self) -> str:
        where = self.params.get("host", "the local server")
        return f"the PostgreSQL database {self.params['dbname']} on {where}"

    def _connect(self):
        import psycopg

        try:
            return psycopg.connect(**self.params)
        except psycopg.Error as error:
            raise BackupError(f"could not connect to {self}: {error}") from None

    def _environment(self) -> dict[str, str]:
        """What pg_dump, pg_restore and psql are given: the password never goes on a command line."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update({_LIBPQ_ENVIRONMENT[key]: value for key, value in self.params.items()})
        return env

    @staticmethod
    def _tables(cursor) -> list[tuple[str, str, str]]:
        """(label, schema, table) of every table outside PostgreSQL's own schemas."""
        cursor.execute(
            f"SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN {_SYSTEM_SCHEMAS} "
            "ORDER BY schemaname, tablename"
        )
        return [
            (table if schema == "public" else f"{schema}.{table}", schema, table)
            for schema, table in cursor.fetchall()
        ]

    def _snapshot(self, connection, files: FileColumns) -> Snapshot:
        from psycopg import sql

        def quote(name: str) -> str:
            return sql.Identifier(name).as_string(connection)

        with connection.cursor() as cursor:
            tables = [
                (label, sql.Identifier(schema, table).as_string(connection))
                for label, schema, table in self._tables(cursor)
            ]
            snapshot = _read_snapshot(cursor, tables, files, quote)
        version = connection.info.server_version
        snapshot.server = f"PostgreSQL {version // 10000}.{version % 10000}"
        return snapshot

    def dump(self, target: Path, files: FileColumns) -> Snapshot:
        pg_dump = postgres_tool("pg_dump")
        with self._connect() as connection:
            # The dump, the counts and the file names all come from this one snapshot, whatever is
            # written meanwhile; it lives as long as this transaction.
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot_id = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
            done = subprocess.run(
                [
                    pg_dump,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--file={target}",
                ],
                env=self._environment(),
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            snapshot = self._snapshot(connection, files)
            connection.rollback()
        return snapshot

    def table_names(self) -> list[str]:
        with self._connect() as connection, connection.cursor() as cursor:
            return [label for label, _schema, _table in self._tables(cursor)]

    def load(self, source: BinaryIO, scratch: Path, *, replace: bool) -> None:
        """pg_restore's SQL, run by psql in one transaction: after dropping every table, when replacing."""
        from psycopg import sql

        dump = scratch / self.archive_name
        with dump.open("wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        drop = []
        if replace:
            with self._connect() as connection, connection.cursor() as cursor:
                names = [sql.Identifier(schema, table) for _l, schema, table in self._tables(cursor)]
                if names:
                    statement = sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.SQL(", ").join(names))
                    drop = ["--command", statement.as_string(connection)]
        env = self._environment()
        with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
            pg_restore = postgres_tool("pg_restore")
            restore = subprocess.Popen(
                [pg_restore, "--no-owner", "--no-privileges", "--no-comments", "--file=-", dump],
                stdout=subprocess.PIPE,
                stderr=restore_errors,
                env=env,
            )
            psql = subprocess.Popen(
                [
                    postgres_tool("psql"),
                    "--no-psqlrc",
                    "--quiet",
                    "--set=ON_ERROR_STOP=1",
                    "--single-transaction",
                    *drop,
                    "--file=-",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_errors,
                env=env,
            )
            try:
                shutil.copyfileobj(restore.stdout, psql.stdin, COPY_CHUNK)
                psql_stopped = False
            except BrokenPipeError:  # psql stopped at an error (said below): pg_restore need not go on
                psql_stopped = True
                restore.kill()
            restore.stdout.close()
            restore.wait()
            if restore.returncode != 0 and not psql_stopped:
                # psql commits only once its input ends: stopped before that, it has committed nothing.
                psql.kill()
                psql.wait()
                raise BackupError(f"pg_restore failed; the database is as it was: {_said(restore_errors)}")
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            if psql.wait() != 0:
                raise BackupError(f"psql failed; the database is as it was: {_said(psql_errors)}")

    def count_rows(self) -> dict[str, int]:
        with self._connect() as connection:
            snapshot = self._snapshot(connection, ())
            connection.rollback()
        return snapshot.tables
