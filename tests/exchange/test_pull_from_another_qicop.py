"""A pull from a second qicop server, started by the test as its own process (the demo, on a free port, with
its own SQLite database in a temporary folder): qicop speaks the DHIS2 API that pulls ask for, so one qicop
can pull from another as from a DHIS2.

The local side is the shared demo: both demos give Kenya the same codes but their own UIDs, so the pull asks
for codes (idScheme=CODE), as a country whose DHIS2 uses the network's codes would.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta

import httpx
import pytest
from django.utils import timezone

from demo_folder import copy_of_demo
from qicop.exchange.models import Pull
from qicop.exchange.services import pull_parameters, request_pull, save_connection
from qicop.indicators.models import DataValue
from qicop.network.models import Country, Network

# The server pulled from keeps the real clock (its demo counts its months back from today), so this pair is
# not run again under the suite's other clocks.
pytestmark = [pytest.mark.xdist_group("another_qicop"), pytest.mark.real_clock]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _qicop(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qicop.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        **kwargs,
    )


@pytest.fixture(scope="module")
def other_qicop(tmp_path_factory):
    """The other server: its address, a token of its Kenyan data manager, and a way to run its commands."""
    # The demo, loaded once for the run (tests/demo_folder.py), copied into a folder of its own.
    var = copy_of_demo(tmp_path_factory, tmp_path_factory.mktemp("other-qicop") / "var")
    port = _free_port()
    # Only what the other server needs: not the test settings, not the suite's DATABASE_URL.
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "QICOP_VAR_DIR": str(var), "LANG": "C.UTF-8"}
    demo_env = {**env, "QICOP_DEMO": "1"}
    token = _qicop(
        demo_env, "create_api_token", "--user", "data.ke@example.org", "--name", "pull", timeout=120
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "qicop.cli", "demo", "--addr", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(120):
            try:
                if httpx.get(f"{url}/healthz/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("the other qicop server did not start")
        yield {
            "url": url,
            "token": token.stdout.strip(),
            "run": lambda *args: _qicop(demo_env, *args, timeout=120),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _remote_get(other, path, **params):
    answer = httpx.get(
        f"{other['url']}/api/{path}", params=params, headers={"Authorization": f"ApiToken {other['token']}"}
    )
    answer.raise_for_status()
    return answer.json()


def _connect(other):
    metadata = _remote_get(other, "metadata")
    data_set = next(d["id"] for d in metadata["dataSets"] if d["code"] == "HIV_QI_MONTHLY")
    kenya_root = next(o["id"] for o in metadata["organisationUnits"] if o.get("code") == "KE")
    kenya = Country.objects.get(iso2="KE")
    network = Network.objects.get(slug="virtual")
    focal_point = kenya.members.get(user__email="focal.ke@example.org").user
    connection = save_connection(
        actor=focal_point,
        network=network,
        country=kenya,
        owner=kenya.members.get(user__email="data.ke@example.org").user,
        base_url=other["url"],
        token=other["token"],
        data_set=data_set,
        org_unit=kenya_root,
        id_scheme="CODE",
        data_element_map={},
        org_unit_map={},
        months=24,
        every_hours=24,
        at_hour=6,
        enabled=True,
    )
    return connection, network, focal_point


def _pull(connection, network, actor):
    pull = request_pull(actor=actor, network=network, connection=connection)
    pull.refresh_from_db()
    connection.refresh_from_db()
    return pull


def test_a_pull_from_another_qicop_brings_its_values_and_a_second_pull_asks_for_changes(demo, other_qicop):
    connection, network, focal_point = _connect(other_qicop)
    params = pull_parameters(connection, today=timezone.now().date(), since=None)
    expected = _remote_get(other_qicop, "dataValueSets", **params)["dataValues"]
    assert expected, "the other server has values in the window"
    DataValue.objects.filter(org_unit__country__iso2="KE").delete()  # so that every pulled value is new here

    first = _pull(connection, network, focal_point)

    assert first.status == Pull.Status.SUCCESS, first.error
    summary = first.data_import.summary
    assert summary["importCount"] == {"imported": len(expected), "updated": 0, "ignored": 0, "deleted": 0}
    sample = expected[len(expected) // 2]
    stored = DataValue.objects.get(
        data_element__code=sample["dataElement"],
        org_unit__code=sample["orgUnit"],
        period__dhis2_id=sample["period"],
    )
    assert stored.value == sample["value"]
    assert connection.last_success_at == first.started_at

    second = _pull(connection, network, focal_point)

    assert second.status == Pull.Status.SUCCESS, second.error
    assert second.since == (first.started_at - timedelta(days=1)).date()
    counts = second.data_import.summary["importCount"]
    assert (counts["imported"], counts["deleted"]) == (0, 0)  # nothing new: the same values, unchanged


def test_a_second_pull_from_another_qicop_reads_only_the_values_changed_since(demo, other_qicop):
    connection, network, focal_point = _connect(other_qicop)
    # On the other server: every value old, then one changed now, as its data manager would.
    other_qicop["run"](
        "shell",
        "-c",
        "from datetime import UTC, datetime; from qicop.indicators.models import DataValue; "
        "DataValue.objects.update(last_updated=datetime(2020, 1, 1, tzinfo=UTC))",
    )
    params = pull_parameters(connection, today=timezone.now().date(), since=None)
    one = _remote_get(other_qicop, "dataValueSets", **params)["dataValues"][0]
    changed = {
        k: one[k] for k in ("dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo")
    }
    changed["value"] = str(int(one["value"]) + 1)
    httpx.post(
        f"{other_qicop['url']}/api/dataValueSets?idScheme=CODE",
        content=json.dumps({"dataValues": [changed]}),
        headers={"Authorization": f"ApiToken {other_qicop['token']}", "Content-Type": "application/json"},
    ).raise_for_status()
    # The last success came an hour before the change, on the other server's clock (its own, not the suite's).
    values = _remote_get(other_qicop, "dataValueSets", **params)["dataValues"]
    (now_there,) = [
        v["lastUpdated"]
        for v in values
        if v["value"] == changed["value"]
        and v["orgUnit"] == one["orgUnit"]
        and v["dataElement"] == one["dataElement"]
        and v["period"] == one["period"]
    ]
    connection.last_success_at = datetime.fromisoformat(now_there) - timedelta(hours=1)
    connection.save(update_fields=["last_success_at"])

    pull = _pull(connection, network, focal_point)

    assert pull.status == Pull.Status.SUCCESS, pull.error
    assert pull.data_import.rows_read == 1
