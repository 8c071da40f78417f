"""Two ``qicop serve`` and two ``qicop worker`` processes sharing what several machines would share: one
PostgreSQL database, uploads in S3-compatible object storage, the cache in the database (README, "Running
several servers"). Each process has a folder of its own, as on a machine of its own.

The object storage is moto's S3 server and the mail server aiosmtpd's, both in the test process on free
ports; PostgreSQL is tests/throwaway_postgres.py's. The world is the suite's personas and data world, with
the personas' meeting moved 20 hours ahead of the real clock (the servers' clock) and three members
registered, so that its one-day reminder is due.

Run as a script (in the servers' environment) it builds that world and prints what the tests need.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from live_qicop import _free_port, _run, _stop

BUCKET = "qicop-files"
STARTUP_SECONDS = 120
REGISTERED = ("kim", "henri", "faith")


class Mailbox:
    """aiosmtpd's handler: keeps every message delivered, with its recipients."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[list[str], bytes]]:
        with self.lock:
            return list(self.messages)


@dataclass
class Cluster:
    servers: list[str]  # the two servers' base URLs
    workers: int
    database_url: str
    s3_endpoint: str
    env: dict[str, str]  # what every process of the cluster is given, but its folder
    folder: Path
    mailbox: Mailbox
    world: dict
    postgres: object  # tests/throwaway_postgres.PostgresServer
    pids: list[int] = field(default_factory=list)

    def qicop(self, name: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        """Run a qicop command as the machine ``name`` would (its own folder), with ``env`` changed."""
        env = {**self.env, "QICOP_VAR_DIR": str(self.folder / name), **(env or {})}
        return subprocess.run(
            [sys.executable, "-m", "qicop.cli", *args], env=env, capture_output=True, text=True, timeout=120
        )

    def query(self, sql: str, *params) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.database_url) as connection:
            return list(connection.execute(sql, params).fetchall())

    def log(self) -> str:
        parts = []
        for path in sorted(self.folder.glob("*/*.log")):
            parts.append(f"--- {path.parent.name}/{path.name}\n{path.read_text(errors='replace')[-3000:]}")
        return "\n".join(parts)


@contextlib.contextmanager
def running_cluster(folder: Path, postgres) -> Iterator[Cluster]:
    """Start everything, yield the cluster, stop everything (and drop its database)."""
    from aiosmtpd.controller import Controller
    from moto.server import ThreadedMotoServer

    database_url = postgres.create_database("qicop_cluster")
    s3_port, smtp_port = _free_port(), _free_port()
    s3 = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    mailbox = Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    ports = [_free_port(), _free_port()]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": database_url,
        "QICOP_BASE_URL": f"http://127.0.0.1:{ports[0]}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "QICOP_STORAGE_URL": f"s3://{BUCKET}?endpoint=http://127.0.0.1:{s3_port}&region=us-east-1&addressing=path",
        "AWS_ACCESS_KEY_ID": "qicop-test",
        "AWS_SECRET_ACCESS_KEY": "qicop-test-secret",
        "QICOP_CACHE": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }
    cluster = Cluster(
        servers=[f"http://127.0.0.1:{port}" for port in ports],
        workers=2,
        database_url=database_url,
        s3_endpoint=f"http://127.0.0.1:{s3_port}",
        env=env,
        folder=folder,
        mailbox=mailbox,
        world={},
        postgres=postgres,
    )
    s3.start()
    smtp.start()
    try:
        _s3(cluster).create_bucket(Bucket=BUCKET)
        for name in ("server-a", "server-b", "worker-1", "worker-2", "build"):
            (folder / name).mkdir(parents=True, exist_ok=True)
        qicop = [sys.executable, "-m", "qicop.cli"]

        def start(name: str, *args: str) -> subprocess.Popen:
            process = _run(
                [*qicop, *args], {**env, "QICOP_VAR_DIR": str(folder / name)}, folder / name / "out.log"
            )
            cluster.pids.append(process.pid)
            return process

        # The first server gathers its static files while the world is built; the second gets a copy of
        # them, as servers started from one image would (gathering them twice only costs time).
        first = start("server-a", "serve", "--addr", f"127.0.0.1:{ports[0]}", "--workers", "1")
        built = subprocess.run(
            [sys.executable, __file__],
            env={**env, "QICOP_VAR_DIR": str(folder / "build"), "PYTHONPATH": str(Path(__file__).parent)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if built.returncode != 0:
            raise RuntimeError(f"the cluster's world was not built:\n{built.stderr[-4000:]}")
        cluster.world = json.loads(built.stdout.strip().splitlines()[-1])
        for name in ("worker-1", "worker-2"):
            start(name, "worker", "--interval", "0.2", "--worker-id", name)
        _wait_until_up(cluster, cluster.servers[0], first)
        shutil.copytree(folder / "server-a" / "static", folder / "server-b" / "static")
        second = start("server-b", "serve", "--addr", f"127.0.0.1:{ports[1]}", "--workers", "1")
        _wait_until_up(cluster, cluster.servers[1], second)
        yield cluster
    finally:
        with ThreadPoolExecutor() as stopping:  # each may take seconds to finish its requests: all at once
            list(stopping.map(_stop, cluster.pids))
        smtp.stop()
        s3.stop()
        postgres.drop_database(database_url)


def _s3(cluster: Cluster):
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=cluster.s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=cluster.env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=cluster.env["AWS_SECRET_ACCESS_KEY"],
    )


def bucket_keys(cluster: Cluster) -> list[str]:
    return sorted(item["Key"] for item in _s3(cluster).list_objects_v2(Bucket=BUCKET).get("Contents", []))


def _wait_until_up(cluster: Cluster, url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} stopped at start-up:\n{cluster.log()}")
        try:
            if httpx.get(f"{url}/healthz/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {STARTUP_SECONDS} s:\n{cluster.log()}")


def build_world() -> dict:
    """In the cluster's environment: migrate, make the cache table, the personas' world and its data world,
    and a meeting 20 hours ahead with members registered."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qicop.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    from data_world import DataWorld
    from personas import World
    from qicop.meetings.models import Meeting, Registration

    world = World()
    DataWorld(world)
    start = timezone.now().replace(microsecond=0) + timedelta(hours=20)
    Meeting.objects.filter(pk=world.meeting.pk).update(start=start, end=start + timedelta(minutes=90))
    for persona in REGISTERED:
        Registration.objects.create(
            meeting=world.meeting, member=getattr(world, persona), status="registered"
        )
    return {
        "meeting": world.meeting.pk,
        "registered": sorted(getattr(world, persona).user.email for persona in REGISTERED),
    }


if __name__ == "__main__":
    print(json.dumps(build_world()))
