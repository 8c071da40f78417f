"""A real ``qicop worker`` killed (SIGKILL) in the middle of an import: nothing of the import is stored, the
next worker to start marks it failed, its page says so and runs it again.

The worker is a process of its own with the production settings, on the suite's PostgreSQL database (the
suite's SQLite database is in memory, out of another process's reach). To kill it while it imports, the
test holds Kenya's import lock (qicop.indicators.locks): the worker's import starts, beats, and waits there.
The worker keeps the real clock, so the import names a fixed period.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import override_settings

from qicop.indicators.locks import lock_data_values
from qicop.indicators.models import AggregateValue, DataImport, DataValue

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="a worker process shares the suite's database only on PostgreSQL (SQLite's is in memory)",
    ),
]

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
STALE_AFTER = 2  # seconds, for the workers here: the second one must find the first one's import stale
ROWS = [("VlTested01a", f"20240{month}", "NakuruHosp1", str(month)) for month in (1, 2, 3)]


def worker_environment(var: Path, private_root: Path) -> dict[str, str]:
    """What a production worker is given, pointed at the test database and the test's stored files."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "QICOP_VAR_DIR": str(var),
        "QICOP_PRIVATE_ROOT": str(private_root),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "QICOP_IMPORT_STALE_AFTER": str(STALE_AFTER),
    }


def worker(env: dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "qicop.cli", "worker", "--no-startup-delay", "--interval", "0.2", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_until(condition: Callable[[], bool], what: str, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(
        f"{what} did not happen within {timeout} s; the worker wrote:\n{log.read_text()[-3000:]}"
    )


def other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_worker_killed_mid_import_stores_nothing_and_the_next_worker_fails_the_import(
    data, tmp_path, settings
):
    env = worker_environment(tmp_path / "var", Path(settings.PRIVATE_ROOT))
    log = tmp_path / "worker.log"
    dan = data.world.client_for("dan")
    body = json.dumps(
        {"dataValues": [{"dataElement": d, "period": p, "orgUnit": o, "value": v} for d, p, o, v in ROWS]}
    )
    with override_settings(TASKS=DATABASE_QUEUE):
        dan.post(
            "/n/vln/data/import/",
            {
                "file": SimpleUploadedFile("values.json", body.encode()),
                "strategy": "CREATE_AND_UPDATE",
                "id_scheme": "UID",
            },
        )
    data_import = DataImport.objects.get()

    with transaction.atomic():
        lock_data_values({data.world.kenya.pk})  # the worker's import will wait here, running
        first = worker(env, log=log)
        try:

            def beating() -> bool:
                found = DataImport.objects.get(pk=data_import.pk)
                return found.status == "running" and found.heartbeat_at > found.started_at

            wait_until(beating, "the import running, its heartbeat beating", log)
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
    wait_until(lambda: other_sessions() == 0, "the killed worker's sessions ending", log)
    time.sleep(STALE_AFTER + 0.5)  # its last heartbeat grows stale

    assert DataImport.objects.get(pk=data_import.pk).status == "running"  # as the dead worker left it
    second = worker(env, "--batch", log=log)
    assert second.wait(timeout=120) == 0, log.read_text()[-3000:]

    data_import.refresh_from_db()
    assert data_import.status == DataImport.Status.FAILED
    assert data_import.summary["description"] == "The worker stopped while importing; nothing was stored."
    assert not DataValue.objects.exists() and not AggregateValue.objects.exists()
    page = dan.get(f"/n/vln/data/imports/{data_import.pk}/").content.decode()
    assert "The worker stopped while importing; nothing was stored." in page
    assert "Run the import again" in page

    with override_settings(TASKS=DATABASE_QUEUE):
        answer = dan.post(f"/n/vln/data/imports/{data_import.pk}/run-again/")
    rerun = DataImport.objects.get(rerun_of=data_import)
    assert answer["Location"] == f"/n/vln/data/imports/{rerun.pk}/"
    third = worker(env, "--batch", log=log)
    assert third.wait(timeout=120) == 0, log.read_text()[-3000:]

    rerun.refresh_from_db()
    assert (rerun.status, rerun.summary["status"]) == (DataImport.Status.DONE, "SUCCESS"), rerun.summary
    assert sorted(DataValue.objects.values_list("value", flat=True)) == ["1", "2", "3"]
    assert AggregateValue.objects.get(org_unit__uid="KenyaRoot01", period__dhis2_id="202403").total == 3
