"""An import whose worker died does not stay "running" for ever: a worker that starts, the import's page and
DHIS2's task API find it orphaned (its heartbeat stopped, or its task failed or was lost), mark it failed
with the reason, and its page offers to run it again from the stored file.

Here the worker's death is simulated: the import is left "running" with a heartbeat older than the stale
age. test_worker_killed_mid_import.py kills a real worker.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.core.audit import AuditEntry
from qicop.indicators import services
from qicop.indicators.heartbeat import Heartbeat, last_sign_of_life
from qicop.indicators.models import DataImport, DataValue

DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
WORKER_STOPPED = "The worker stopped while importing; nothing was stored."


@pytest.fixture
def data(world):
    return DataWorld(world)


def values_json(*values) -> bytes:
    rows = [{"dataElement": de, "period": pe, "orgUnit": ou, "value": v} for de, pe, ou, v in values]
    return json.dumps({"dataValues": rows}).encode()


def upload(client) -> DataImport:
    """An upload through the import page, queued (the dummy task backend runs nothing)."""
    with override_settings(TASKS=DUMMY_QUEUE):
        client.post(
            "/n/vln/data/import/",
            {
                "file": SimpleUploadedFile(
                    "values.json", values_json(("VlTested01a", "202401", "NakuruHosp1", "5"))
                ),
                "strategy": "CREATE_AND_UPDATE",
                "id_scheme": "UID",
            },
        )
    return DataImport.objects.latest("pk")


def left_running(data_import: DataImport, *, heartbeat_age: timedelta) -> DataImport:
    """As a worker leaves an import it was running when it died: started, last heartbeat ``heartbeat_age``
    ago."""
    last = timezone.now() - heartbeat_age
    DataImport.objects.filter(pk=data_import.pk).update(
        status=DataImport.Status.RUNNING, started_at=last - timedelta(seconds=5), heartbeat_at=last
    )
    data_import.refresh_from_db()
    return data_import


def stale(settings) -> timedelta:
    return timedelta(seconds=settings.QICOP_IMPORT_STALE_AFTER + 60)


def page_of(client, data_import) -> str:
    return client.get(f"/n/vln/data/imports/{data_import.pk}/").content.decode()


# The worker closes its database connection when done, which would end a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_a_worker_that_starts_fails_an_import_left_running_with_an_old_heartbeat(data, settings):
    orphan = left_running(upload(data.world.client_for("dan")), heartbeat_age=stale(settings))

    with override_settings(TASKS=DATABASE_QUEUE):
        call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    orphan.refresh_from_db()
    assert orphan.status == DataImport.Status.FAILED
    assert orphan.summary["status"] == "ERROR"
    assert orphan.summary["description"] == WORKER_STOPPED
    assert orphan.finished_at is not None
    assert AuditEntry.objects.filter(verb="data_import.orphaned", target_id=str(orphan.pk)).exists()
    assert not DataValue.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("what_the_backend_says", "reason"),
    [
        ("FAILED", "The import stopped on an unexpected error; nothing was stored."),
        ("LOST", "The import's task was lost before it ran; nothing was stored."),
    ],
)
def test_a_worker_that_starts_fails_a_queued_import_whose_task_failed_or_was_lost(
    data, what_the_backend_says, reason
):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_QUEUE):
        data.world.client_for("dan").post(
            "/n/vln/data/import/",
            {
                "file": SimpleUploadedFile(
                    "values.json", values_json(("VlTested01a", "202401", "NakuruHosp1", "5"))
                ),
                "strategy": "CREATE_AND_UPDATE",
                "id_scheme": "UID",
            },
        )
        queued = DataImport.objects.get()
        task = DBTaskResult.objects.get(id=queued.task_id)
        if what_the_backend_says == "FAILED":
            DBTaskResult.objects.filter(pk=task.pk).update(status="FAILED", finished_at=timezone.now())
        else:
            task.delete()
        call_command("worker", "--batch", "--no-startup-delay", verbosity=0)

    queued.refresh_from_db()
    assert (queued.status, queued.summary["description"]) == (DataImport.Status.FAILED, reason)


def test_an_import_whose_worker_still_beats_is_left_running(data, settings):
    running = left_running(upload(data.world.client_for("dan")), heartbeat_age=timedelta(seconds=10))

    assert services.fail_orphaned_imports() == []
    page = page_of(data.world.client_for("dan"), running)

    running.refresh_from_db()
    assert running.status == DataImport.Status.RUNNING
    assert 'http-equiv="refresh"' in page and "read so far" in page


def test_the_page_of_an_import_whose_worker_stopped_says_so_and_offers_to_run_it_again(data, settings):
    dan = data.world.client_for("dan")
    orphan = left_running(upload(dan), heartbeat_age=stale(settings))

    page = page_of(dan, orphan)

    assert WORKER_STOPPED in page
    assert 'http-equiv="refresh"' not in page  # no endless progress
    assert f'action="/n/vln/data/imports/{orphan.pk}/run-again/"' in page
    assert "Run the import again" in page
    orphan.refresh_from_db()
    assert orphan.status == DataImport.Status.FAILED


def test_the_import_list_shows_an_orphaned_import_as_failed(data, settings):
    dan = data.world.client_for("dan")
    orphan = left_running(upload(dan), heartbeat_age=stale(settings))

    page = dan.get("/n/vln/data/imports/").content.decode()

    assert "Failed — nothing imported" in page
    orphan.refresh_from_db()
    assert orphan.status == DataImport.Status.FAILED


def test_running_it_again_imports_the_same_stored_file_as_a_new_import(data, settings):
    dan = data.world.client_for("dan")
    orphan = left_running(upload(dan), heartbeat_age=stale(settings))
    page_of(dan, orphan)

    response = dan.post(f"/n/vln/data/imports/{orphan.pk}/run-again/")  # the test backend runs it at once

    rerun = DataImport.objects.get(rerun_of=orphan)
    assert response.status_code == 302
    assert response["Location"] == f"/n/vln/data/imports/{rerun.pk}/"
    assert rerun.status == DataImport.Status.DONE
    assert rerun.summary["importCount"]["imported"] == 1
    assert (rerun.file.name, rerun.options, rerun.user) == (orphan.file.name, orphan.options, orphan.user)
    assert DataValue.objects.get().value == "5"
    assert f'href="/n/vln/data/imports/{rerun.pk}/"' in page_of(dan, orphan)
    assert f'href="/n/vln/data/imports/{orphan.pk}/"' in page_of(dan, rerun)


def test_pressing_run_again_twice_runs_it_once(data, settings):
    dan = data.world.client_for("dan")
    orphan = left_running(upload(dan), heartbeat_age=stale(settings))
    page_of(dan, orphan)

    dan.post(f"/n/vln/data/imports/{orphan.pk}/run-again/")
    again = dan.post(f"/n/vln/data/imports/{orphan.pk}/run-again/", follow=True)

    assert DataImport.objects.filter(rerun_of=orphan).count() == 1
    assert "cannot be run again" in again.content.decode()
    assert "Run the import again" not in page_of(dan, orphan)


def test_an_import_that_did_not_fail_or_whose_file_is_gone_is_not_run_again(data, settings):
    dan = data.world.client_for("dan")
    running = left_running(upload(dan), heartbeat_age=timedelta(seconds=10))
    assert dan.post(f"/n/vln/data/imports/{running.pk}/run-again/").status_code == 302
    orphan = left_running(upload(dan), heartbeat_age=stale(settings))
    page_of(dan, orphan)
    orphan.file.storage.delete(orphan.file.name)

    assert "Run the import again" not in page_of(dan, orphan)
    dan.post(f"/n/vln/data/imports/{orphan.pk}/run-again/")
    assert not DataImport.objects.filter(rerun_of__isnull=False).exists()


def test_only_the_person_who_started_it_runs_it_again(data, settings):
    orphan = left_running(upload(data.world.client_for("dan")), heartbeat_age=stale(settings))
    page_of(data.world.client_for("dan"), orphan)

    assert (
        data.world.client_for("faith").post(f"/n/vln/data/imports/{orphan.pk}/run-again/").status_code == 404
    )
    carla = data.world.client_for("carla")  # sees every import, but it would import as her, not as Dan
    assert "Run the import again" not in page_of(carla, orphan)
    assert carla.post(f"/n/vln/data/imports/{orphan.pk}/run-again/").status_code == 403
    assert (
        data.world.client_for("anonymous").post(f"/n/vln/data/imports/{orphan.pk}/run-again/").status_code
        == 302
    )
    assert not DataImport.objects.filter(rerun_of=orphan).exists()


def test_the_dhis2_task_api_answers_an_orphaned_job_as_completed_with_an_error(data, settings):
    orphan = left_running(upload(data.world.client_for("dan")), heartbeat_age=stale(settings))
    secret = create_api_token(user=data.world.dan.user, name="script")[1]
    api = Client(HTTP_AUTHORIZATION=f"ApiToken {secret}")

    notifications = api.get(f"/api/system/tasks/DATAVALUE_IMPORT/{orphan.uid}").json()
    summary = api.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{orphan.uid}").json()

    assert (notifications[0]["level"], notifications[0]["completed"]) == ("ERROR", True)
    assert notifications[0]["message"] == f"Process failed: {WORKER_STOPPED}"
    assert (summary["status"], summary["description"]) == ("ERROR", WORKER_STOPPED)
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}


def test_the_task_list_answers_orphaned_jobs_as_failed_too(data, settings):
    orphan = left_running(upload(data.world.client_for("dan")), heartbeat_age=stale(settings))
    secret = create_api_token(user=data.world.dan.user, name="script")[1]

    jobs = Client(HTTP_AUTHORIZATION=f"ApiToken {secret}").get("/api/system/tasks/DATAVALUE_IMPORT").json()

    assert jobs[orphan.uid][0]["level"] == "ERROR"


def test_an_import_stopped_by_an_unexpected_error_is_failed_and_the_error_left_to_the_worker(
    data, monkeypatch
):
    queued = upload(data.world.client_for("dan"))

    def broken(**kwargs):
        raise MemoryError

    monkeypatch.setattr(services, "import_file", broken)
    with pytest.raises(MemoryError):
        services.run_import(queued.pk)

    queued.refresh_from_db()
    assert queued.status == DataImport.Status.FAILED
    assert queued.summary["description"] == "The import stopped on an unexpected error; nothing was stored."


def test_a_worker_stopped_in_the_middle_of_an_import_marks_it_failed_on_its_way_out(data, monkeypatch):
    queued = upload(data.world.client_for("dan"))

    def stopped(**kwargs):
        raise SystemExit(1)  # what the worker does on a second Ctrl+C or SIGTERM

    monkeypatch.setattr(services, "import_file", stopped)
    with pytest.raises(SystemExit):
        services.run_import(queued.pk)

    queued.refresh_from_db()
    assert (queued.status, queued.summary["description"]) == (DataImport.Status.FAILED, WORKER_STOPPED)


def test_a_running_import_beats_from_its_start_until_it_ends(data):
    queued = upload(data.world.client_for("dan"))
    services.run_import(queued.pk)
    queued.refresh_from_db()
    assert queued.heartbeat_at is not None and queued.started_at <= queued.heartbeat_at

    with Heartbeat(queued, every=0.05):
        time.sleep(0.3)
        during = last_sign_of_life(queued)
    time.sleep(0.2)
    assert during > queued.heartbeat_at
    assert last_sign_of_life(queued) - during < timedelta(seconds=0.1)  # no beat once it ended


def test_checking_the_running_imports_of_the_list_costs_no_query_per_import(data, django_assert_num_queries):
    dan = data.world.client_for("dan")
    for _count in range(2):
        left_running(upload(dan), heartbeat_age=timedelta(seconds=10))
    dan.get("/n/vln/data/imports/")
    with CaptureQueriesContext(connection) as two:
        dan.get("/n/vln/data/imports/")
    queries_for_two = len(two)  # the log empties at each request
    for _count in range(6):
        left_running(upload(dan), heartbeat_age=timedelta(seconds=10))

    with django_assert_num_queries(queries_for_two):
        page = dan.get("/n/vln/data/imports/").content.decode()
    assert page.count("Running") == 8
