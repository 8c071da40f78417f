"""DHIS2 clients we did not write, from PyPI, against a running qicop server (``qicop serve`` and ``qicop
worker`` as production runs them, on SQLite, or on PostgreSQL when the suite runs on it): each is given a
base URL and credentials and nothing else, and connects, reads metadata, imports data values synchronously
and asynchronously (following the job), reads them back and is told why a value was refused.

- dhis2.py 2.3.0 (package ``dhis2``): basic authentication, as it knows no token; it appends ``.json`` to
  every GET, pages with ``get_paged`` and pins ``/api/<version>/`` when asked to.
- dhis2-client 0.3.2 (package ``dhis2_client``, DHIS2's own): a personal API token; JSON in and out.
- dhis2-pocket-knife 0.37.1 (the ``dhis2-pk`` command, on dhis2.py): its ``fake-data`` reads a data set
  (its members, its template at ``dataSets/<uid>/dataValueSet``, its org units and attribute combos),
  writes a data value set file, pushes it as an asynchronous import and follows the job to its summary.
  It is run by ``uv tool run`` in an environment of its own (it installs a top-level package named ``src``).

Values are sent for fixed periods of 2019, which nothing else writes: the server runs on the real clock.
Select these tests with ``-m live_qicop``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from live_qicop import DATA_SET, LiveQicop, NoDatabase, shared_server
from personas import PASSWORD

dhis2 = pytest.importorskip("dhis2", reason="dhis2.py is a development dependency")
dhis2_client = pytest.importorskip("dhis2_client", reason="dhis2-client is a development dependency")
from dhis2_client.errors import DHIS2HTTPError  # noqa: E402

pytestmark = pytest.mark.live_qicop

POCKET_KNIFE = "dhis2-pocket-knife==0.37.1"
POCKET_KNIFE_CONSTRAINTS = Path(__file__).with_name("dhis2_pocket_knife_constraints.txt")
DEFAULT_COC = "HllvX50cXC0"  # the "default" category option combo the world's data elements use
JOB_SECONDS = 60


@pytest.fixture(scope="session")
def live(request, tmp_path_factory) -> LiveQicop:
    """The run's server (tests/live_qicop.py): the same for every worker, stopped when the run ends."""
    root = tmp_path_factory.getbasetemp()
    if hasattr(request.config, "workerinput"):
        root = root.parent  # the run's base folder, which holds each worker's
    try:
        return shared_server(root, os.environ.get("DATABASE_URL", ""))
    except NoDatabase as reason:
        pytest.skip(str(reason))


def _values(period: str, unit: str) -> dict:
    """A data value set for Nakuru's data set: on ART by sex and viral loads tested."""
    return {
        "dataSet": DATA_SET,
        "period": period,
        "orgUnit": unit,
        "dataValues": [
            {"dataElement": "TxCurr0001a", "categoryOptionCombo": "CocFemale01", "value": "120"},
            {"dataElement": "TxCurr0001a", "categoryOptionCombo": "CocMale0001", "value": "98"},
            {"dataElement": "VlTested01a", "value": "45", "comment": "from the lab register"},
        ],
    }


def _stored(values: list[dict]) -> set[tuple]:
    keys = ("dataElement", "categoryOptionCombo", "period", "orgUnit", "value")
    return {tuple(value[key] for key in keys) for value in values}


def _expected(sent: dict) -> set[tuple]:
    return {
        (
            v["dataElement"],
            v.get("categoryOptionCombo", DEFAULT_COC),
            sent["period"],
            sent["orgUnit"],
            v["value"],
        )
        for v in sent["dataValues"]
    }


def _follow(get, endpoint: str) -> list[dict]:
    """Poll a job's notifications the way DHIS2 scripts do, until one says it is completed."""
    deadline = time.monotonic() + JOB_SECONDS
    while time.monotonic() < deadline:
        notifications = get(endpoint)
        if any(n["completed"] for n in notifications):
            return notifications
        time.sleep(0.2)
    pytest.fail(f"the job at {endpoint} did not complete within {JOB_SECONDS} s")


# ------------------------------------------------------------------------------------------------ dhis2.py


@pytest.fixture
def dhis2_py(live) -> dhis2.Api:
    return dhis2.Api(live.url, "dan@example.org", PASSWORD)


def test_dhis2_py_connects_and_reads_the_version_and_who_it_is(live, dhis2_py):
    assert dhis2_py.version == "2.40.0"
    assert dhis2_py.version_int == 40
    pinned = dhis2.Api(live.url, "dan@example.org", PASSWORD, api_version=40)
    me = pinned.get("me", params={"fields": "username,organisationUnits[id]"}).json()
    assert me == {"username": "dan@example.org", "organisationUnits": [{"id": "KenyaRoot01"}]}


def test_dhis2_py_pages_through_org_units_and_reads_a_data_set_with_its_elements(live, dhis2_py):
    pages = list(dhis2_py.get_paged("organisationUnits", page_size=2, params={"fields": "id,level"}))
    assert [(page["pager"]["page"], page["pager"]["pageCount"]) for page in pages] == [(1, 3), (2, 3), (3, 3)]
    units = [unit["id"] for page in pages for unit in page["organisationUnits"]]
    assert len(units) == len(set(units)) == 6 and "NakuruHosp1" in units
    fields = (
        "periodType,categoryCombo[name,categoryOptionCombos[id]],organisationUnits[id],"
        "dataSetElements[dataElement[code,valueType,categoryCombo[categoryOptionCombos[id]]]]"
    )
    data_set = dhis2_py.get(f"dataSets/{DATA_SET}", params={"fields": fields}).json()
    assert data_set["periodType"] == "Monthly"
    assert data_set["categoryCombo"] == {"name": "default", "categoryOptionCombos": [{"id": DEFAULT_COC}]}
    assert {u["id"] for u in data_set["organisationUnits"]} == {"NakuruHosp1", "NaivashaHC1"}
    members = {m["dataElement"]["code"]: m["dataElement"] for m in data_set["dataSetElements"]}
    assert set(members) == {"TX_CURR", "VL_TESTED", "QI_SCORE"}
    assert members["TX_CURR"]["categoryCombo"]["categoryOptionCombos"] == [
        {"id": "CocFemale01"},
        {"id": "CocMale0001"},
    ]


def test_dhis2_py_imports_a_data_value_set_and_reads_it_back(live, dhis2_py):
    sent = _values("201901", "NakuruHosp1")

    answer = dhis2_py.post("dataValueSets", json=sent).json()

    assert answer["httpStatusCode"] == 200 and answer["response"]["status"] == "SUCCESS"
    assert answer["response"]["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    query = {"dataSet": DATA_SET, "period": "201901", "orgUnit": "NakuruHosp1"}
    back = dhis2_py.get("dataValueSets", params=query).json()["dataValues"]
    assert _stored(back) == _expected(sent)
    assert {v["comment"] for v in back if "comment" in v} == {"from the lab register"}
    one = {"de": "TxCurr0001a", "pe": "201901", "ou": "NakuruHosp1", "co": "CocMale0001"}
    assert dhis2_py.get("dataValues", params=one).json() == ["98"]


def test_dhis2_py_imports_asynchronously_and_follows_the_job_to_its_summary(live, dhis2_py):
    sent = _values("201902", "NakuruHosp1")

    started = dhis2_py.post("dataValueSets", json=sent, params={"async": "true"}).json()

    job = started["response"]
    assert job["jobType"] == "DATAVALUE_IMPORT"
    assert job["relativeNotifierEndpoint"] == f"/api/system/tasks/DATAVALUE_IMPORT/{job['id']}"
    endpoint = job["relativeNotifierEndpoint"].removeprefix("/api/")
    notifications = _follow(lambda path: dhis2_py.get(path).json(), endpoint)
    assert notifications[0]["completed"] and notifications[0]["level"] == "INFO"
    summary = dhis2_py.get(f"system/taskSummaries/DATAVALUE_IMPORT/{job['id']}").json()
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    query = {"dataSet": DATA_SET, "period": "201902", "orgUnit": "NakuruHosp1"}
    assert _stored(dhis2_py.get("dataValueSets", params=query).json()["dataValues"]) == _expected(sent)


def test_dhis2_py_is_told_why_a_value_was_refused_and_nothing_is_half_written(live, dhis2_py):
    sent = _values("201903", "NakuruHosp1")
    sent["dataValues"][2]["value"] = "forty-five"

    with pytest.raises(dhis2.RequestException) as refused:
        dhis2_py.post("dataValueSets", json=sent)

    assert refused.value.code == 409
    summary = json.loads(refused.value.description)["response"]
    (conflict,) = summary["conflicts"]
    assert conflict["object"] == "VlTested01a" and conflict["errorCode"] == "E7619"
    assert "not numeric" in conflict["value"]
    assert summary["importCount"]["imported"] == 0
    query = {"dataSet": DATA_SET, "period": "201903", "orgUnit": "NakuruHosp1"}
    assert dhis2_py.get("dataValueSets", params=query).json()["dataValues"] == []


# -------------------------------------------------------------------------------------------- dhis2-client


@pytest.fixture
def client(live) -> dhis2_client.DHIS2Client:
    client = dhis2_client.DHIS2Client(live.url, token=live.tokens["dan"])
    yield client
    client.close()


def test_dhis2_client_connects_with_a_personal_token(live, client):
    assert client.get_system_info()["version"] == "2.40.0"
    me = client.get_current_user(fields="username,organisationUnits[id]")
    assert me == {"username": "dan@example.org", "organisationUnits": [{"id": "KenyaRoot01"}]}


def test_dhis2_client_pages_through_org_units_and_reads_a_data_set(live, client):
    units = list(client.get_organisation_units(fields="id,name", pageSize=4))
    assert len(units) == len({u["id"] for u in units}) == 6
    kenya = client.get_org_unit_tree("KenyaRoot01", levels=3)
    assert kenya["children"][0]["id"] == "NakuruCnty1"
    assert {c["id"] for c in kenya["children"][0]["children"]} == {"NakuruHosp1", "NaivashaHC1"}
    data_set = client.get_data_set(DATA_SET, fields="name,dataSetElements[dataElement[id]]")
    assert {m["dataElement"]["id"] for m in data_set["dataSetElements"]} == {
        "TxCurr0001a",
        "VlTested01a",
        "QiScore001a",
    }


def test_dhis2_client_imports_a_data_value_set_and_single_values_and_reads_them_back(live, client):
    sent = _values("201904", "NaivashaHC1")

    answer = client.post_data_value_set(sent)

    assert answer["response"]["importCount"]["imported"] == 3
    query = {"dataSet": DATA_SET, "period": "201904", "orgUnit": "NaivashaHC1"}
    assert _stored(client.get_data_value_set(query)["dataValues"]) == _expected(sent)
    assert client.get_data_value("VlTested01a", "201904", "NaivashaHC1") == ["45"]
    client.set_data_value("QiScore001a", "201904", "NaivashaHC1", 7.5, co=DEFAULT_COC)
    assert client.get_data_value("QiScore001a", "201904", "NaivashaHC1", co=DEFAULT_COC) == ["7.5"]
    client.delete_data_value("QiScore001a", "201904", "NaivashaHC1", co=DEFAULT_COC)
    with pytest.raises(DHIS2HTTPError) as gone:
        client.get_data_value("QiScore001a", "201904", "NaivashaHC1")
    assert gone.value.status_code == 404


def test_dhis2_client_imports_asynchronously_and_follows_the_job(live, client):
    sent = _values("201905", "NaivashaHC1")

    started = client.post("/api/dataValueSets", params={"async": "true"}, json=sent)

    job = started["response"]
    _follow(client.get, job["relativeNotifierEndpoint"])
    summary = client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{job['id']}")
    assert summary["importCount"] == {"imported": 3, "updated": 0, "ignored": 0, "deleted": 0}
    query = {"dataSet": DATA_SET, "period": "201905", "orgUnit": "NaivashaHC1"}
    assert _stored(client.get_data_value_set(query)["dataValues"]) == _expected(sent)


def test_dhis2_client_reports_a_refused_value_and_a_refused_user_in_dhis2s_words(live, client):
    sent = _values("201906", "NaivashaHC1")
    sent["dataValues"][0]["value"] = "-4"

    with pytest.raises(DHIS2HTTPError) as refused:
        client.post_data_value_set(sent)

    assert refused.value.status_code == 409
    assert str(refused.value).startswith("ERROR: TxCurr0001a: ")
    member = dhis2_client.DHIS2Client(live.url, token=live.tokens["kim"])
    with pytest.raises(DHIS2HTTPError) as forbidden:
        member.post_data_value_set(_values("201906", "NaivashaHC1"))
    member.close()
    assert forbidden.value.status_code == 403
    assert "data managers" in str(forbidden.value)


# --------------------------------------------------------------------------------- dhis2-pocket-knife (CLI)


def _pocket_knife(live: LiveQicop, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is needed to run dhis2-pocket-knife in an environment of its own")
    command = [
        uv, "tool", "run", "--python", sys.executable, "--constraints", str(POCKET_KNIFE_CONSTRAINTS),
        "--from", POCKET_KNIFE, "dhis2-pk", *args, "-s", live.url, "-u", "dan@example.org", "-p", PASSWORD,
    ]  # fmt: skip
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)


def test_dhis2_pocket_knife_reads_a_data_set_and_pushes_a_data_value_set_file_for_it(live, tmp_path):
    ran = _pocket_knife(live, tmp_path, "fake-data", "-i", DATA_SET, "-n", "1")

    output = ran.stdout + ran.stderr
    assert ran.returncode == 0, f"{output}\n{live.log()}"
    assert f"Data Set: name='HIV monthly' uid='{DATA_SET}'" in output
    assert "Data import job started: " in output
    (written,) = tmp_path.glob(f"fake_data_dataset_{DATA_SET}_*.json")
    pushed = json.loads(written.read_text())["dataValues"]
    # The template: one value per data element and category option combo, at the data set's org units.
    assert sorted((v["dataElement"], v["categoryOptionCombo"]) for v in pushed) == [
        ("QiScore001a", DEFAULT_COC),
        ("TxCurr0001a", "CocFemale01"),
        ("TxCurr0001a", "CocMale0001"),
        ("VlTested01a", DEFAULT_COC),
    ]
    assert {v["orgUnit"] for v in pushed} <= {"NakuruHosp1", "NaivashaHC1"}
    assert "Import process completed successfully - {'imported': 4, 'updated': 0, 'ignored': 0" in output
    headers = {"Authorization": f"ApiToken {live.tokens['dan']}"}
    for value in pushed:
        one = {
            "de": value["dataElement"],
            "pe": value["period"],
            "ou": value["orgUnit"],
            "co": value["categoryOptionCombo"],
        }
        stored = httpx.get(f"{live.url}/api/dataValues", params=one, headers=headers)
        assert stored.json() == [value["value"]], value
