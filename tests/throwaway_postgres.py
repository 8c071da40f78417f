"""A PostgreSQL server for tests that need whole databases of their own (a restore, several servers).

The suite's own server when ``DATABASE_URL`` names one (CI's PostgreSQL run); otherwise a throw-away server
started, as .ci/run does, from the PostgreSQL binaries of this machine, in a temporary folder, on a free port
between 55200 and 55299, and removed afterwards. ``None`` when there is neither: tests then skip, saying so.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import random
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

PORTS = range(55200, 55300)


@dataclass
class PostgresServer:
    admin_url: str  # a URL of the server's maintenance database, to create and drop databases with
    started_here: bool

    def create_database(self, prefix: str = "qicop_test") -> str:
        """A new, empty database; its URL."""
        import psycopg
        from psycopg import sql

        name = f"{prefix}_{secrets.token_hex(5)}"
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        parts = urlsplit(self.admin_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))

    def drop_database(self, url: str) -> None:
        import psycopg
        from psycopg import sql

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(self.admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _binaries() -> str | None:
    found = [path for path in glob.glob("/usr/lib/postgresql/*/bin") if os.access(f"{path}/initdb", os.X_OK)]
    if found:
        return sorted(found, key=lambda path: int(path.split("/")[4]))[-1]
    initdb = shutil.which("initdb")
    return os.path.dirname(initdb) if initdb else None


def _free_port() -> int:
    for port in random.sample(PORTS, len(PORTS)):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 55200 and 55299 for a throw-away PostgreSQL")


def suite_uses_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").split(":", 1)[0].lower() in ("postgres", "postgresql", "pgsql")


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer | None]:
    if suite_uses_postgres():
        parts = urlsplit(os.environ["DATABASE_URL"])
        yield PostgresServer(urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, "")), False)
        return
    binaries = _binaries()
    if binaries is None:
        yield None
        return
    # The server refuses to run as root: as root, it runs as the postgres user, in a folder it owns.
    user = "postgres" if os.geteuid() == 0 else None
    folder = tempfile.mkdtemp(prefix="qicop-pg-")
    if user:
        entry = pwd.getpwnam(user)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    data = os.path.join(folder, "data")

    def run(*command: str) -> None:
        subprocess.run(command, user=user, check=True, capture_output=True, cwd=folder)

    port = _free_port()
    started = False
    try:
        run(f"{binaries}/initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale")
        run(
            f"{binaries}/pg_ctl",
            "-D",
            data,
            "-l",
            os.path.join(folder, "server.log"),
            "-w",
            "-o",
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off",
            "start",
        )
        started = True
        yield PostgresServer(f"postgresql://postgres@127.0.0.1:{port}/postgres", True)
    finally:
        if started:
            with contextlib.suppress(subprocess.CalledProcessError):
                run(f"{binaries}/pg_ctl", "-D", data, "-m", "fast", "stop")
        shutil.rmtree(folder, ignore_errors=True)
