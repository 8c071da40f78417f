"""Asynchronous imports the DHIS2 way: async=true gives a job with a DHIS2 UID, followed through
/api/system/tasks/<type>/<uid> and read at /api/system/taskSummaries/<type>/<uid>, for data values and
metadata alike; only the user who started a job, or a coordinator, sees it."""

import json
import re
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.utils import timezone

from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.indicators.models import DataElement, DataImport, DataValue

UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")


@pytest.fixture
def data(world):
    return DataWorld(world)


def client_for(member):
    secret = create_api_token(user=member.user, name=f"script {member.user.api_tokens.count()}")[1]
    return Client(HTTP_AUTHORIZATION=f"ApiToken {secret}")


def values(*rows):
    return json.dumps(
        {
            "dataValues": [
                {"dataElement": de, "period": pe, "orgUnit": ou, "value": v} for de, pe, ou, v in rows
            ]
        }
    )


def start(client, body=None):
    return client.post(
        "/api/dataValueSets?async=true",
        body or values(("VlTested01a", "202401", "NakuruHosp1", "9")),
        content_type="application/json",
    )


def test_an_asynchronous_import_answers_a_job_with_a_dhis2_uid(data):
    response = start(client_for(data.world.dan))
    assert response.status_code == 200
    body = response.json()
    assert body["httpStatusCode"] == 200
    assert body["message"] == "Initiated dataValueImport"
    job = body["response"]
    assert UID.match(job["id"])
    assert job["jobType"] == "DATAVALUE_IMPORT"
    assert job["responseType"] == "JobConfigurationWebMessageResponse"
    assert job["relativeNotifierEndpoint"] == f"/api/system/tasks/DATAVALUE_IMPORT/{job['id']}"
    assert response["Location"] == f"http://testserver/api/system/tasks/DATAVALUE_IMPORT/{job['id']}"
    assert DataImport.objects.get().uid == job["id"]


def test_the_job_is_followed_through_notifications_newest_first_until_completed(data):
    client = client_for(data.world.dan)
    endpoint = start(client).json()["response"]["relativeNotifierEndpoint"]
    notifications = client.get(endpoint).json()  # the test task backend runs the job at once
    assert [n["message"] for n in notifications] == [
        "Import done",
        "Importing data values: 1 read",
        "Import queued",
    ]
    assert [n["completed"] for n in notifications] == [True, False, False]
    assert {n["level"] for n in notifications} == {"INFO"}
    assert {n["category"] for n in notifications} == {"DATAVALUE_IMPORT"}
    times = [n["time"] for n in notifications]
    assert times == sorted(times, reverse=True)
    assert all(UID.match(n["uid"]) and n["id"] == n["uid"] for n in notifications)
    assert client.get(endpoint).json() == notifications  # the same ids on every poll


def test_the_summary_stays_at_task_summaries_and_answers_with_suffixes(data):
    client = client_for(data.world.dan)
    uid = start(client).json()["response"]["id"]
    for url in (
        f"/api/system/taskSummaries/DATAVALUE_IMPORT/{uid}",
        f"/api/system/taskSummaries/DATAVALUE_IMPORT/{uid}.json",
        f"/api/40/system/taskSummaries/DATAVALUE_IMPORT/{uid}",
    ):
        summary = client.get(url).json()
        assert summary["responseType"] == "ImportSummary", url
        assert summary["importCount"]["imported"] == 1
    assert client.get(f"/api/system/tasks/DATAVALUE_IMPORT/{uid}.json").json()[0]["completed"] is True
    assert DataValue.objects.get().value == "9"


def test_a_stored_summary_is_answered_with_its_members_in_dhis2s_order(data):
    # PostgreSQL keeps a stored summary's members in an order of its own; scripts print what they get.
    client = client_for(data.world.dan)
    uid = start(client, values(("VlTested01a", "202401", "NakuruHosp1", "many"))).json()["response"]["id"]
    job = DataImport.objects.get(uid=uid)
    job.summary = {
        **{key: value for key, value in reversed(job.summary.items()) if key != "importCount"},
        "importCount": dict(reversed(job.summary["importCount"].items())),
        "conflicts": [dict(reversed(conflict.items())) for conflict in job.summary["conflicts"]],
    }
    job.save(update_fields=["summary"])
    summary = client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{uid}").json()
    assert list(summary)[:2] == ["responseType", "status"]
    assert list(summary).index("importCount") < list(summary).index("conflicts")
    assert list(summary["importCount"]) == ["imported", "updated", "ignored", "deleted"]
    assert list(summary["conflicts"][0])[:2] == ["object", "value"]
    listed = client.get("/api/system/taskSummaries/DATAVALUE_IMPORT").json()[uid]
    assert list(listed["importCount"]) == ["imported", "updated", "ignored", "deleted"]


def test_the_summary_in_xml_when_asked(data):
    client = client_for(data.world.dan)
    uid = start(client).json()["response"]["id"]
    root = ElementTree.fromstring(client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{uid}.xml").content)
    dxf = "{http://dhis2.org/schema/dxf/2.0}"
    assert root.tag == f"{dxf}importSummary"
    assert root.find(f"{dxf}importCount").get("imported") == "1"


def test_the_summary_of_a_job_still_running_is_empty_as_in_dhis2(data):
    job = DataImport.objects.create(user=data.world.dan.user, filename="x.json", format="json")
    client = client_for(data.world.dan)
    response = client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{job.uid}")
    assert response.status_code == 200
    assert response.content == b""
    notifications = client.get(f"/api/system/tasks/DATAVALUE_IMPORT/{job.uid}").json()
    assert [(n["message"], n["completed"]) for n in notifications] == [("Import queued", False)]


def test_a_failed_job_ends_with_an_error_notification(data):
    now = timezone.now()
    job = DataImport.objects.create(
        user=data.world.dan.user,
        format="json",
        status=DataImport.Status.FAILED,
        summary={"status": "ERROR", "description": "Only coordinators import data."},
        started_at=now,
        finished_at=now + timedelta(seconds=1),
    )
    latest = client_for(data.world.dan).get(f"/api/system/tasks/DATAVALUE_IMPORT/{job.uid}").json()[0]
    assert latest["level"] == "ERROR"
    assert latest["completed"] is True
    assert latest["message"] == "Process failed: Only coordinators import data."


def test_only_the_user_who_started_a_job_or_a_coordinator_sees_it(data):
    uid = start(client_for(data.world.dan)).json()["response"]["id"]
    for person, status in (
        (data.world.dan, 200),
        (data.world.carla, 200),
        (data.world.faith, 404),
        (data.world.kim, 404),
        (data.world.henri, 404),
    ):
        client = client_for(person)
        assert client.get(f"/api/system/tasks/DATAVALUE_IMPORT/{uid}").status_code == status, person
        assert client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{uid}").status_code == status
    assert Client().get(f"/api/system/tasks/DATAVALUE_IMPORT/{uid}").status_code == 401


def test_a_job_of_another_type_or_an_unknown_type_is_not_found(data):
    client = client_for(data.world.dan)
    uid = start(client).json()["response"]["id"]
    assert client.get(f"/api/system/tasks/METADATA_IMPORT/{uid}").status_code == 404
    response = client.get(f"/api/system/tasks/ANALYTICS_TABLE/{uid}")
    assert response.status_code == 404
    assert "DATAVALUE_IMPORT, METADATA_IMPORT" in response.json()["message"]


def test_links_with_the_earlier_integer_ids_still_work(data):
    client = client_for(data.world.dan)
    start(client)
    job = DataImport.objects.get()
    assert client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{job.pk}").json()["status"] == "SUCCESS"
    assert client.get("/api/system/taskSummaries/DATAVALUE_IMPORT/99999999999999999999").status_code == 404


def test_a_users_recent_jobs_are_listed_by_type(data):
    client = client_for(data.world.dan)
    uid = start(client).json()["response"]["id"]
    assert list(client.get("/api/system/tasks/DATAVALUE_IMPORT").json()) == [uid]
    assert list(client.get("/api/system/taskSummaries/DATAVALUE_IMPORT").json()) == [uid]
    assert client_for(data.world.kim).get("/api/system/tasks/DATAVALUE_IMPORT").json() == {}


def test_a_member_may_not_start_an_import(data):
    response = start(client_for(data.world.kim))
    assert response.status_code == 403
    assert not DataImport.objects.exists()


METADATA = {
    "dataElements": [
        {
            "id": "fbfJHSPpUQD",
            "name": "ANC 1st visit",
            "shortName": "ANC 1",
            "valueType": "INTEGER_ZERO_OR_POSITIVE",
            "aggregationType": "SUM",
            "domainType": "AGGREGATE",
        }
    ]
}


def test_metadata_is_imported_asynchronously_as_a_metadata_import_job(data):
    client = client_for(data.world.dan)
    response = client.post("/api/metadata?async=true", json.dumps(METADATA), content_type="application/json")
    assert response.status_code == 200
    job = response.json()["response"]
    assert job["jobType"] == "METADATA_IMPORT"
    assert job["relativeNotifierEndpoint"] == f"/api/system/tasks/METADATA_IMPORT/{job['id']}"
    notifications = client.get(job["relativeNotifierEndpoint"]).json()
    assert notifications[0]["completed"] is True
    assert notifications[0]["category"] == "METADATA_IMPORT"
    summary = client.get(f"/api/system/taskSummaries/METADATA_IMPORT/{job['id']}.json").json()
    assert summary["status"] == "OK"
    assert DataElement.objects.filter(uid="fbfJHSPpUQD").exists()


def test_a_metadata_job_does_not_appear_among_the_data_pages_imports(data):
    client = client_for(data.world.dan)
    client.post("/api/metadata?async=true", json.dumps(METADATA), content_type="application/json")
    page = data.world.client_for("dan").get("/n/vln/data/imports/")
    assert page.status_code == 200
    job = DataImport.objects.get()
    assert f"/data/imports/{job.pk}/" not in page.content.decode()
