"""An off-the-shelf DHIS2 client (dhis2.py, from PyPI) reads and writes qicop's metadata against a running
server, with no option of its own: paging, single objects, the .json suffix it adds, /api/metadata."""

from __future__ import annotations

import pytest

from data_world import DataWorld
from personas import PASSWORD

dhis2 = pytest.importorskip("dhis2", reason="dhis2.py is a development dependency")


@pytest.fixture
def data(world) -> DataWorld:
    data = DataWorld(world)
    data.data_set.data_elements.set([data.tx_curr, data.vl_tested])
    data.data_set.organisation_units.set([data.nakuru_hospital, data.naivasha])
    return data


def test_dhis2_py_pages_through_org_units_and_reads_one_by_uid(world, data, live_server):
    api = dhis2.Api(live_server.url, "kim@example.org", PASSWORD)
    pages = list(api.get_paged("organisationUnits", page_size=4, params={"fields": "id,name,level"}))
    assert [page["pager"]["page"] for page in pages] == [1, 2]
    units = [unit for page in pages for unit in page["organisationUnits"]]
    assert len(units) == 6 and len({unit["id"] for unit in units}) == 6
    merged = api.get_paged("dataElements", page_size=2, merge=True)
    assert len(merged["dataElements"]) == 5
    unit = api.get("organisationUnits/NakuruHosp1", params={"fields": "id,name,parent[name]"}).json()
    assert unit == {
        "id": "NakuruHosp1",
        "name": "Nakuru Level 5 Hospital",
        "parent": {"name": "Nakuru County"},
    }


def test_dhis2_py_reads_a_data_set_with_its_members_and_filters_lists(world, data, live_server):
    api = dhis2.Api(live_server.url, "kim@example.org", PASSWORD)
    data_set = api.get(
        "dataSets/MonthlyHiv1", params={"fields": "dataSetElements[dataElement[code]],organisationUnits[id]"}
    ).json()
    assert [m["dataElement"]["code"] for m in data_set["dataSetElements"]] == ["TX_CURR", "VL_TESTED"]
    assert {u["id"] for u in data_set["organisationUnits"]} == {"NakuruHosp1", "NaivashaHC1"}
    found = api.get(
        "organisationUnits", params=[("filter", "level:eq:3"), ("filter", "name:ilike:naiv")]
    ).json()
    assert [u["id"] for u in found["organisationUnits"]] == ["NaivashaHC1"]


def test_dhis2_py_exports_a_bundle_and_imports_it_back(world, data, live_server):
    api = dhis2.Api(live_server.url, "carla@example.org", PASSWORD)
    bundle = api.get("metadata", params={"dataSets": "true"}).json()
    assert [d["id"] for d in bundle["dataSets"]] == ["MonthlyHiv1"]
    answer = api.post("metadata", json=bundle).json()
    assert answer["httpStatusCode"] == 200 and answer["response"]["status"] == "OK"
    assert answer["response"]["stats"]["created"] == 0 and answer["response"]["stats"]["updated"] > 0


def test_dhis2_py_sees_qicops_refusals_as_dhis2_errors(world, data, live_server):
    api = dhis2.Api(live_server.url, "kim@example.org", PASSWORD)
    with pytest.raises(dhis2.RequestException) as caught:
        api.get("organisationUnits", params={"pageSize": 1_000_000})
    assert caught.value.code == 400
    assert "pageSize must be from 1 to 10000" in caught.value.description
