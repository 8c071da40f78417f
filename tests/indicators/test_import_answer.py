"""Every way a data value import answers (the API, synchronous or queued, the import page, the CLI), and
however it ends (stored, refused, unreadable, failed as a job), answers with one shape: DHIS2's import
summary, every member present, built by ``ImportSummary``."""

from __future__ import annotations

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from qicop.accounts.services import create_api_token
from qicop.indicators import services
from qicop.indicators.models import DataImport

# DHIS2's ImportSummary members, in its order.
SHAPE = [
    "responseType",
    "status",
    "importOptions",
    "description",
    "importCount",
    "conflicts",
    "rejectedIndexes",
]
COUNTS = ["imported", "updated", "ignored", "deleted"]


def assert_shape(summary: dict) -> None:
    assert list(summary) == SHAPE
    assert summary["responseType"] == "ImportSummary"
    assert list(summary["importCount"]) == COUNTS
    assert isinstance(summary["conflicts"], list) and isinstance(summary["rejectedIndexes"], list)
    assert set(summary["importOptions"]) >= {"dryRun", "importStrategy", "atomicMode", "idSchemes"}


def values_json(*rows) -> bytes:
    return json.dumps(
        {
            "dataValues": [
                {"dataElement": de, "period": pe, "orgUnit": ou, "value": v} for de, pe, ou, v in rows
            ]
        }
    ).encode()


GOOD = values_json(("VlTested01a", "202401", "NakuruHosp1", "9"))
BAD_VALUE = values_json(
    ("VlTested01a", "202401", "NakuruHosp1", "9"), ("VlTested01a", "202402", "NakuruHosp1", "x")
)
UNREADABLE = b'{"dataValues": [{"dataElement": '


def api(data) -> Client:
    secret = create_api_token(user=data.world.dan.user, name="script")[1]
    return Client(HTTP_AUTHORIZATION=f"ApiToken {secret}")


def post(client, body: bytes, query: str = ""):
    return client.post(f"/api/dataValueSets{query}", body, content_type="application/json")


def task_summary(client, data_import: DataImport) -> dict:
    return client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{data_import.uid}").json()


def test_a_synchronous_import_that_stores_everything_answers_the_whole_summary(data):
    response = post(api(data), GOOD)
    assert response.status_code == 200
    summary = response.json()["response"]
    assert_shape(summary)
    assert summary["status"] == "SUCCESS" and summary["rejectedIndexes"] == []


def test_an_import_refused_for_a_conflict_names_the_rejected_value(data):
    response = post(api(data), BAD_VALUE)
    assert response.status_code == 409
    summary = response.json()["response"]
    assert_shape(summary)
    assert summary["status"] == "ERROR"
    assert summary["rejectedIndexes"] == [1]
    assert summary["conflicts"][0]["errorCode"] == "E7619"


def test_a_file_that_cannot_be_read_answers_the_same_shape_with_nothing_rejected(data):
    response = post(api(data), UNREADABLE)
    assert response.status_code == 409
    summary = response.json()["response"]
    assert_shape(summary)
    assert summary["status"] == "ERROR"
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}
    assert summary["rejectedIndexes"] == [] and summary["conflicts"] == []


def test_a_queued_import_answers_the_same_shape_in_its_task_summary(data):
    client = api(data)
    assert post(client, BAD_VALUE, "?async=true").status_code == 200  # the test task backend runs it at once
    summary = task_summary(client, DataImport.objects.get())
    assert_shape(summary)
    assert summary["rejectedIndexes"] == [1]


def test_a_queued_import_of_an_unreadable_file_answers_the_same_shape(data):
    client = api(data)
    post(client, UNREADABLE, "?async=true")
    summary = task_summary(client, DataImport.objects.get())
    assert_shape(summary)
    assert summary["status"] == "ERROR"


def test_a_job_that_fails_before_reading_its_file_answers_a_complete_failed_summary(data):
    client = api(data)
    post(client, GOOD, "?async=true")
    job = DataImport.objects.get()
    # A job whose options no longer hold (an id scheme naming an attribute since deleted, say).
    failed = DataImport.objects.create(
        user=job.user,
        filename=job.filename,
        file=job.file.name,
        format="json",
        options={"atomicMode": "SOME"},
    )
    services.run_import(failed.pk)
    failed.refresh_from_db()
    assert failed.status == DataImport.Status.FAILED
    assert set(failed.summary) == set(SHAPE)  # stored: PostgreSQL keeps JSON members in an order of its own
    summary = task_summary(client, failed)
    assert_shape(summary)
    assert summary["status"] == "ERROR" and summary["rejectedIndexes"] == []
    assert "atomicMode" in summary["description"]


def test_a_job_whose_worker_stopped_answers_a_complete_failed_summary(data, settings):
    client = api(data)
    post(client, GOOD, "?async=true")
    job = DataImport.objects.get()
    last = timezone.now() - timedelta(seconds=settings.QICOP_IMPORT_STALE_AFTER + 60)
    DataImport.objects.filter(pk=job.pk).update(
        status=DataImport.Status.RUNNING, summary=None, started_at=last, heartbeat_at=last
    )
    summary = task_summary(client, job)
    assert_shape(summary)
    assert summary["status"] == "ERROR"


def test_a_summary_stored_before_every_member_was_written_is_answered_complete(data):
    client = api(data)
    post(client, GOOD, "?async=true")
    job = DataImport.objects.get()
    old = {
        "responseType": "ImportSummary",
        "status": "ERROR",
        "description": "The worker stopped while importing; nothing was stored.",
        "importCount": {"deleted": 0, "ignored": 0, "imported": 0, "updated": 0},
        "conflicts": [],
    }
    DataImport.objects.filter(pk=job.pk).update(status=DataImport.Status.FAILED, summary=old)
    summary = task_summary(client, job)
    assert {"responseType", "rejectedIndexes"} <= set(summary)
    assert summary["rejectedIndexes"] == []
    assert list(summary["importCount"]) == COUNTS


def test_the_import_page_shows_the_same_summary(data):
    client = data.world.client_for("dan")
    response = client.post(
        "/n/vln/data/import/",
        {
            "file": SimpleUploadedFile("values.json", BAD_VALUE),
            "strategy": "CREATE_AND_UPDATE",
            "id_scheme": "UID",
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert_shape(page.context["summary"])
    assert page.context["summary"]["rejectedIndexes"] == [1]


@pytest.mark.parametrize(("body", "status"), [(GOOD, "SUCCESS"), (BAD_VALUE, "ERROR"), (UNREADABLE, "ERROR")])
def test_the_command_line_prints_the_same_summary_as_json(data, tmp_path, body, status):
    path = tmp_path / "values.json"
    path.write_bytes(body)
    out = io.StringIO()
    try:
        call_command(
            "import", str(path), "--user", "dan@example.org", "--json", stdout=out, stderr=io.StringIO()
        )
    except CommandError:
        assert status == "ERROR"
    summary = json.loads(out.getvalue())
    assert_shape(summary)
    assert summary["status"] == status


def test_a_page_upload_and_an_api_upload_of_the_same_file_are_read_as_the_same_format(data):
    """The format is decided in one place, whether the file comes queued from the API or from the page."""
    client = api(data)
    post(client, GOOD, "?async=true")
    data.world.client_for("dan").post(
        "/n/vln/data/import/",
        {"file": SimpleUploadedFile("values", GOOD), "strategy": "CREATE_AND_UPDATE", "id_scheme": "UID"},
    )
    assert [job.format for job in DataImport.objects.order_by("pk")] == ["json", "json"]
