"""Several servers on proven parts: two ``qicop serve`` and two ``qicop worker`` processes, each with a folder
of its own, on one PostgreSQL database, with uploads in S3-compatible object storage (moto's server) and the
cache in the database (tests/several_servers.py). What one server does, the other sees; what is queued runs
once.

They run in the suite's PostgreSQL run (CI's second run; ``DATABASE_URL=postgres://… uv run pytest
tests/test_several_servers.py`` by hand), on a database of their own, and skip otherwise: migrating a new
database takes a while. The processes keep the real clock (``live_qicop``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time

import httpx
import pytest

from personas import PASSWORD
from several_servers import bucket_keys, running_cluster
from throwaway_postgres import postgres_server, suite_uses_postgres

pytestmark = pytest.mark.live_qicop

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TASKS = "django_tasks_database_dbtaskresult"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not suite_uses_postgres():
        # About a minute, a third of it to migrate a new PostgreSQL database: once per CI run is enough.
        pytest.skip("runs in the PostgreSQL run only (DATABASE_URL=postgres://…): it takes about a minute")
    with (
        postgres_server() as postgres,
        running_cluster(tmp_path_factory.mktemp("cluster"), postgres) as running,
    ):
        yield running


def sign_in(url: str, email: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    form = client.get("/accounts/login/")
    answer = client.post(
        "/accounts/login/",
        data={"username": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(form.text)},
    )
    assert answer.status_code == 302, answer.text[-2000:]
    return client


def carried_to(url: str, client: httpx.Client) -> httpx.Client:
    """A client of another server, carrying the cookies (session, CSRF) the first server gave: what a
    browser behind a load balancer does."""
    return httpx.Client(base_url=url, cookies=dict(client.cookies), timeout=30)


def _csrf(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def _wait_for(condition, what: str, cluster, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"{what} did not happen within {seconds} s:\n{cluster.log()}")


def _tasks(cluster, path: str) -> list[tuple]:
    return cluster.query(
        f"SELECT status, worker_ids, return_value FROM {TASKS} WHERE task_path = %s ORDER BY enqueued_at",
        path,
    )


def test_a_session_made_on_one_server_works_on_the_other_and_ends_on_both(cluster):
    first, second = cluster.servers
    on_first = sign_in(first, "kim@example.org")
    on_second = carried_to(second, on_first)

    profile = on_second.get("/accounts/profile/")

    assert profile.status_code == 200
    assert "kim@example.org" in profile.text
    assert httpx.get(f"{second}/accounts/profile/").status_code == 302  # without the cookie: sign in first
    signed_out = on_second.post("/accounts/logout/", data={"csrfmiddlewaretoken": _csrf(profile.text)})
    assert signed_out.status_code == 302
    assert on_first.get("/accounts/profile/").status_code == 302


def add_material(client: httpx.Client, meeting: int, title: str) -> int:
    """Upload a PDF to the meeting's materials page; the new material's id."""
    page = f"/n/vln/meetings/{meeting}/materials/"
    form = client.get(page)
    listed = set(re.findall(rf"{page}(\d+)/", form.text))
    added = client.post(
        page,
        data={"title": title, "csrfmiddlewaretoken": _csrf(form.text)},
        files={"file": ("slides.pdf", PDF, "application/pdf")},
    )
    assert added.status_code == 302, added.text[-2000:]
    (material,) = set(re.findall(rf"{page}(\d+)/", client.get(page).text)) - listed
    return int(material)


def test_a_material_uploaded_through_one_server_is_kept_in_the_bucket_and_served_by_the_other(cluster):
    first, second = cluster.servers
    meeting = cluster.world["meeting"]
    before = set(bucket_keys(cluster))

    material = add_material(sign_in(first, "carla@example.org"), meeting, "Slides of the session")

    (stored,) = set(bucket_keys(cluster)) - before
    assert stored.startswith(f"private/materials/{meeting}/")  # under the private prefix
    kim = sign_in(second, "kim@example.org")
    download = kim.get(f"/n/vln/meetings/{meeting}/materials/{material}/")
    assert download.status_code == 200  # streamed by the server, not a redirect to the bucket
    assert download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    meeting_page = kim.get(f"/n/vln/meetings/{meeting}/").text
    assert f'href="/n/vln/meetings/{meeting}/materials/{material}/">Slides of the session</a>' in meeting_page
    assert cluster.s3_endpoint.removeprefix("http://") not in meeting_page  # no link to the bucket
    outsider = sign_in(second, "oscar@example.org")
    assert outsider.get(f"/n/vln/meetings/{meeting}/materials/{material}/").status_code == 404


def test_an_import_uploaded_through_one_server_is_run_once_by_one_of_the_workers(cluster):
    first, second = cluster.servers
    dan = sign_in(second, "dan@example.org")
    form = dan.get("/n/vln/data/import/")
    values = [
        {"dataElement": "VlTested01a", "period": period, "orgUnit": unit, "value": str(10 + index)}
        for index, (period, unit) in enumerate(
            [("202401", "NakuruHosp1"), ("202402", "NakuruHosp1"), ("202401", "NaivashaHC1")]
        )
    ]

    queued = dan.post(
        "/n/vln/data/import/",
        data={"strategy": "CREATE_AND_UPDATE", "id_scheme": "UID", "csrfmiddlewaretoken": _csrf(form.text)},
        files={"file": ("values.json", json.dumps({"dataValues": values}).encode(), "application/json")},
    )

    assert queued.status_code == 302, queued.text[-2000:]
    detail = queued.headers["location"]
    import_id = int(detail.rstrip("/").rsplit("/", 1)[1])
    on_first = carried_to(first, dan)
    # The page names the outcome in words ("Imported"), not DHIS2's status code.
    page = _wait_for(
        lambda: "<h2>Imported" in (text := on_first.get(detail).text) and text, "the import", cluster
    )
    assert "<strong>3</strong> imported" in page
    assert "SUCCESS" not in page
    ((status, workers, _result),) = _tasks(cluster, "qicop.indicators.tasks.run_import")
    assert status == "SUCCESSFUL"
    assert len(workers) == 1 and workers[0] in ("worker-1", "worker-2")
    assert cluster.query("SELECT count(*) FROM indicators_datavalue")[0][0] == 3
    assert any(key.startswith("private/imports/") for key in bucket_keys(cluster))
    # Its progress went through the cache in the database, where every server reads it.
    assert (
        cluster.query("SELECT count(*) FROM qicop_cache WHERE cache_key LIKE %s", f"%:{import_id}")[0][0] == 1
    )


def test_a_reminder_queued_by_both_machines_cron_at_once_is_mailed_once_to_each_registered_member(cluster):
    crons = [
        subprocess.Popen(
            [sys.executable, "-m", "qicop.cli", "send_meeting_mail"],
            env={**cluster.env, "QICOP_VAR_DIR": str(cluster.folder / name)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("server-a", "server-b")
    ]
    said = [cron.communicate(timeout=120) for cron in crons]

    assert all(cron.returncode == 0 for cron in crons), said
    meeting = cluster.world["meeting"]
    queued = sum(out.count(f"reminder {meeting} 1d") for out, _err in said)
    assert queued >= 1
    path = "qicop.meetings.tasks.send_reminders"
    tasks = _wait_for(
        lambda: (found := _tasks(cluster, path)) and all(t[0] == "SUCCESSFUL" for t in found) and found,
        "the reminders",
        cluster,
    )
    assert len(tasks) == queued
    assert all(len(workers) == 1 for _status, workers, _sent in tasks)  # no job ran twice
    assert sum(sent for _status, _workers, sent in tasks) == len(cluster.world["registered"])
    reminded = sorted(
        recipient
        for recipients, content in cluster.mailbox.received()
        if b"Reaching the second 95" in content
        for recipient in recipients
    )
    assert reminded == cluster.world["registered"]


def test_a_backup_reads_the_files_from_the_bucket_and_a_restore_writes_them_back_under_another_prefix(
    cluster, tmp_path
):
    add_material(sign_in(cluster.servers[1], "carla@example.org"), cluster.world["meeting"], "Minutes")
    archive = tmp_path / "cluster.tar.gz"
    made = cluster.qicop("server-a", "backup", str(archive))
    assert made.returncode == 0, made.stderr
    stored = [key for key in bucket_keys(cluster) if not key.startswith("restored/")]
    assert any(key.startswith("private/materials/") for key in stored)
    database = cluster.postgres.create_database("qicop_restored")
    elsewhere = {
        "DATABASE_URL": database,
        "QICOP_STORAGE_URL": cluster.env["QICOP_STORAGE_URL"].replace(
            "qicop-files?", "qicop-files/restored?"
        ),
    }
    try:
        restored = cluster.qicop("restore-machine", "restore", str(archive), env=elsewhere)

        assert restored.returncode == 0, restored.stderr
        assert f"files: {len(stored)} (" in restored.stdout
        assert sorted(key for key in bucket_keys(cluster) if key.startswith("restored/")) == [
            f"restored/{key}" for key in stored
        ]
    finally:
        cluster.postgres.drop_database(database)
