"""A qicop server started as its own processes, as production runs it: ``qicop serve`` (gunicorn) and
``qicop worker`` (the background jobs), with the production settings, a secret of its own, its own folder
and its own database, on a free port of this machine.

Clients we did not write are pointed at it the way a user points them at a DHIS2: a base URL and
credentials. The server holds the suite's small world (tests/personas.py and tests/data_world.py), built by
running this file as a script in the server's environment.

One server serves the whole test run: the first test process that asks for it (an xdist worker, or the only
process) starts it and writes where it is in the run's base temporary folder; the other workers find it
there. The run's main process stops it at the end (``stop_shared_server``, from tests/conftest.py), after
every worker is done with it. (Grouping the tests on one worker would be simpler, but pytest-xdist's
``xdist_group`` has no effect with pytest 9.2, whose node ids it can no longer tag.)

The database follows the suite's: SQLite in the server's folder, or, when ``DATABASE_URL`` names a
PostgreSQL server, a database of its own created on that server for the run and dropped after it (tests
are skipped, saying why, when that server will not create one).

The server keeps the real clock (it is another process): what the tests send names fixed periods.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

# The data set the world's clients read and write, its members and the org units that report it.
DATA_SET = "MonthlyHiv1"
MEMBERS = ("TxCurr0001a", "VlTested01a", "QiScore001a")
UNITS = ("NakuruHosp1", "NaivashaHC1")
TOKEN_PERSONAS = ("dan", "kim")
STARTUP_SECONDS = 180
STATE = "live-qicop.json"


class NoDatabase(Exception):
    """The suite's PostgreSQL server would not make a database for the live server (the reason why)."""


@dataclass
class LiveQicop:
    url: str
    var: str
    database: str  # "sqlite" or "postgresql"
    tokens: dict[str, str] = field(default_factory=dict)
    pids: list[int] = field(default_factory=list)
    postgres: dict[str, str] = field(default_factory=dict)  # the admin URL and the database's name

    def log(self) -> str:
        """The end of what the server and the worker wrote, for a failing test to show."""
        parts = []
        for name in ("server.log", "worker.log"):
            path = Path(self.var) / name
            if path.exists():
                parts.append(f"--- {name}\n{path.read_text(errors='replace')[-4000:]}")
        return "\n".join(parts)


def shared_server(root: Path, suite_database_url: str) -> LiveQicop:
    """The run's server, started now if no test process of the run has started it yet. ``root`` is the
    run's base temporary folder (the same for every xdist worker)."""
    root.mkdir(parents=True, exist_ok=True)
    state = root / STATE
    with (root / "live-qicop.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other workers wait here while the first one starts it
        if not state.exists():
            state.write_text(json.dumps(_start_or_say_why(root / "live-qicop", suite_database_url)))
        found = json.loads(state.read_text())
    if "skip" in found:
        raise NoDatabase(found["skip"])
    if "error" in found:
        raise RuntimeError(found["error"])
    return LiveQicop(**found)


def stop_shared_server(root: Path) -> None:
    """Stop the run's server, if one was started, and drop its PostgreSQL database."""
    state = root / STATE
    if not state.exists():
        return
    found = json.loads(state.read_text())
    state.unlink()
    for pid in found.get("pids", ()):
        _stop(pid)
    if found.get("postgres"):
        _drop(**found["postgres"])


def _start_or_say_why(var: Path, suite_database_url: str) -> dict:
    """Start the server; what the other workers need to know, or why there is no server (said once, so
    that each worker does not try again)."""
    try:
        return asdict(_start(var, suite_database_url))
    except NoDatabase as reason:
        return {"skip": str(reason)}
    except Exception as error:
        return {"error": f"the live server did not start: {error}"}


def _start(var: Path, suite_database_url: str) -> LiveQicop:
    var.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    live = LiveQicop(url=f"http://127.0.0.1:{port}", var=str(var), database="sqlite")
    database_url = f"sqlite:///{var / 'qicop.sqlite3'}"
    if _is_postgres(suite_database_url):
        live.database = "postgresql"
        live.postgres, database_url = _create(suite_database_url)
    # Only what a production server is given: not the test settings, not the suite's database.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "QICOP_VAR_DIR": str(var),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "QICOP_BASE_URL": live.url,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    qicop = [sys.executable, "-m", "qicop.cli"]
    try:
        # The server gathers its static files (a while) as the world is built; it is asked nothing before.
        server = _run(
            [*qicop, "serve", "--addr", f"127.0.0.1:{port}", "--workers", "2"], env, var / "server.log"
        )
        live.pids.append(server.pid)
        built = subprocess.run(
            [sys.executable, __file__], env=env, capture_output=True, text=True, timeout=600, check=False
        )
        if built.returncode != 0:
            raise RuntimeError(f"its world was not built:\n{built.stderr[-4000:]}")
        live.tokens = json.loads(built.stdout.strip().splitlines()[-1])
        live.pids.append(_run([*qicop, "worker"], env, var / "worker.log").pid)
        _wait_until_up(live, server)
    except BaseException:
        for pid in live.pids:
            _stop(pid)
        if live.postgres:
            _drop(**live.postgres)
        raise
    return live


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _is_postgres(url: str) -> bool:
    return url.split(":", 1)[0].lower() in ("postgres", "postgresql", "pgsql")


def _create(suite_url: str) -> tuple[dict[str, str], str]:
    """A database of its own on the suite's PostgreSQL server: how to drop it, and its URL."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(suite_url)
    name = f"qicop_live_{secrets.token_hex(6)}"
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    try:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise NoDatabase(f"the suite's PostgreSQL made no database for the live server: {error}") from None
    return {"admin": admin, "name": name}, urlunsplit(
        (parts.scheme, parts.netloc, f"/{name}", parts.query, "")
    )


def _drop(admin: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _run(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A process in a session of its own (so that it and its children stop together), writing to ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(pid: int) -> None:
    """Stop a process started by ``_run`` and its children, whichever test process started it."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)  # whatever of the group did not stop in time
    _running(pid)


def _running(pid: int) -> bool:
    """Whether the process still runs; collects it once it has ended if it is this process's child."""
    with contextlib.suppress(ChildProcessError):  # another process's child: its parent, or init, collects it
        os.waitpid(pid, os.WNOHANG)
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def _wait_until_up(live: LiveQicop, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"it stopped at start-up:\n{live.log()}")
        try:
            if httpx.get(f"{live.url}/api/system/ping", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"it did not answer within {STARTUP_SECONDS} s:\n{live.log()}")


def build_world() -> dict[str, str]:
    """Run in the server's environment: migrate, build the personas' world and its data set, make tokens."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qicop.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from data_world import DataWorld
    from personas import World
    from qicop.accounts.services import create_api_token
    from qicop.indicators.models import DataElement, OrgUnit

    world = World()
    data = DataWorld(world)
    data.data_set.data_elements.set(DataElement.objects.filter(uid__in=MEMBERS))
    data.data_set.organisation_units.set(OrgUnit.objects.filter(uid__in=UNITS))
    return {
        persona: create_api_token(user=getattr(world, persona).user, name="DHIS2 clients")[1]
        for persona in TOKEN_PERSONAS
    }


if __name__ == "__main__":
    print(json.dumps(build_world()))
