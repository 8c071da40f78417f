"""``GET /api/dataSets/<uid>/dataValueSet``: an empty data value set for a data set, one value per data
element and category option combo, as DHIS2 gives it to clients that fill it in and post it back
(dhis2-pocket-knife's ``fake-data`` starts there)."""

from __future__ import annotations

import pytest
from defusedxml import ElementTree

from data_world import DataWorld

DXF = "{http://dhis2.org/schema/dxf/2.0}"


@pytest.fixture
def data(world) -> DataWorld:
    data = DataWorld(world)
    data.data_set.data_elements.set([data.tx_curr, data.vl_tested])
    data.data_set.organisation_units.set([data.nakuru_hospital, data.naivasha])
    return data


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    return response


def test_the_template_has_a_value_per_data_element_and_category_option_combo(world, data):
    body = get(world.client_for("kim"), "/api/dataSets/MonthlyHiv1/dataValueSet").json()
    default = data.default_coc.uid
    assert body == {
        "dataValues": [
            {"dataElement": "TxCurr0001a", "categoryOptionCombo": "CocFemale01", "period": "", "value": ""},
            {"dataElement": "TxCurr0001a", "categoryOptionCombo": "CocMale0001", "period": "", "value": ""},
            {"dataElement": "VlTested01a", "categoryOptionCombo": default, "period": "", "value": ""},
        ]
    }


def test_a_period_and_org_units_fill_the_template_in_for_each_org_unit(world, data):
    client = world.client_for("kim")
    url = "/api/dataSets/MonthlyHiv1/dataValueSet.json?period=2024-03&orgUnit=NakuruHosp1,KE_NAI_HC"
    values = get(client, url).json()["dataValues"]
    assert [(v["orgUnit"], v["dataElement"], v["period"]) for v in values] == [
        ("NakuruHosp1", "TxCurr0001a", "202403"),
        ("NakuruHosp1", "TxCurr0001a", "202403"),
        ("NakuruHosp1", "VlTested01a", "202403"),
        ("NaivashaHC1", "TxCurr0001a", "202403"),
        ("NaivashaHC1", "TxCurr0001a", "202403"),
        ("NaivashaHC1", "VlTested01a", "202403"),
    ]
    repeated = (
        "/api/40/dataSets/MonthlyHiv1/dataValueSet?orgUnit=NakuruHosp1&orgUnit=NaivashaHC1&period=202403"
    )
    assert get(client, repeated).json()["dataValues"] == values


def test_codes_name_data_elements_and_org_units_when_asked(world, data):
    url = (
        "/api/dataSets/MonthlyHiv1/dataValueSet?orgUnit=NakuruHosp1"
        "&dataElementIdScheme=CODE&orgUnitIdScheme=code"
    )
    values = get(world.client_for("kim"), url).json()["dataValues"]
    assert [(v["dataElement"], v["orgUnit"]) for v in values] == [
        ("TX_CURR", "KE_NAK_H"),
        ("TX_CURR", "KE_NAK_H"),
        ("VL_TESTED", "KE_NAK_H"),
    ]


def test_the_template_in_dxf_xml_for_xml_clients(world, data):
    response = get(world.client_for("kim"), "/api/dataSets/MonthlyHiv1/dataValueSet.xml?period=2024Q1")
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{DXF}dataValueSet"
    values = root.findall(f"{DXF}dataValue")
    assert [(v.get("dataElement"), v.get("categoryOptionCombo"), v.get("period")) for v in values] == [
        ("TxCurr0001a", "CocFemale01", "2024Q1"),
        ("TxCurr0001a", "CocMale0001", "2024Q1"),
        ("VlTested01a", data.default_coc.uid, "2024Q1"),
    ]
    assert {v.get("value") for v in values} == {""}


@pytest.mark.parametrize(
    ("query", "status", "code", "message"),
    [
        ("period=2024M13", 409, "E1101", "Period is invalid: `2024M13`"),
        ("orgUnit=NakuruHosp1,Nowhere0001", 409, "E1102", "not found or not accessible: `Nowhere0001`"),
    ],
)
def test_a_period_or_org_unit_that_names_nothing_is_refused_saying_which(
    world, data, query, status, code, message
):
    body = get(world.client_for("kim"), f"/api/dataSets/MonthlyHiv1/dataValueSet?{query}", status).json()
    assert body["errorCode"] == code and message in body["message"]


def test_a_template_too_large_to_send_is_refused_saying_how_to_ask_for_less(world, data, monkeypatch):
    from qicop.api.dhis2 import data_set_template

    monkeypatch.setattr(data_set_template, "MAX_VALUES", 5)
    client = world.client_for("kim")
    url = "/api/dataSets/MonthlyHiv1/dataValueSet"
    assert len(get(client, f"{url}?orgUnit=NakuruHosp1").json()["dataValues"]) == 3
    body = get(client, f"{url}?orgUnit=NakuruHosp1,NaivashaHC1", 409).json()
    assert body["message"] == "This template would hold more than 5 values: ask for fewer organisation units."
    monkeypatch.setattr(data_set_template, "MAX_ORG_UNITS", 1)
    body = get(client, f"{url}?orgUnit=NakuruHosp1&orgUnit=NaivashaHC1", 409).json()
    assert body["message"] == "Ask for at most 1 organisation units at once."


def test_an_unknown_data_set_or_one_nobody_may_read_is_not_found(world, data):
    url = "/api/dataSets/{}/dataValueSet"
    body = get(world.client_for("kim"), url.format("NoSuchSet01"), 404).json()
    assert body["message"] == "DataSet with id NoSuchSet01 could not be found."
    body = get(world.client_for("oscar"), url.format("MonthlyHiv1"), 404).json()
    assert body["message"] == "DataSet with id MonthlyHiv1 could not be found."
    assert get(world.client_for("anonymous"), url.format("MonthlyHiv1"), 401).json()["status"] == "ERROR"


def test_org_units_outside_the_readers_networks_are_not_found(world, data):
    from qicop.indicators.models import OrgUnit
    from qicop.network.models import Country

    elsewhere = Country.objects.create(iso2="ZM", iso3="ZMB", name="Zambia", time_zone="Africa/Lusaka")
    OrgUnit.objects.create(
        uid="LusakaHosp1", code="ZM_LUS", name="Lusaka", country=elsewhere, path="/L", level=1
    )
    body = get(world.client_for("kim"), "/api/dataSets/MonthlyHiv1/dataValueSet?orgUnit=ZM_LUS", 409).json()
    assert body["errorCode"] == "E1102"
    values = get(world.client_for("carla"), "/api/dataSets/MonthlyHiv1/dataValueSet?orgUnit=ZM_LUS").json()
    assert {v["orgUnit"] for v in values["dataValues"]} == {"LusakaHosp1"}


def test_other_formats_and_writes_are_refused_with_web_messages(world, data):
    client = world.client_for("kim")
    assert get(client, "/api/dataSets/MonthlyHiv1/dataValueSet.csv", 406).json()["httpStatusCode"] == 406
    response = client.post("/api/dataSets/MonthlyHiv1/dataValueSet", {}, content_type="application/json")
    assert response.status_code == 405 and response.json()["status"] == "ERROR"


def test_the_template_costs_the_same_queries_however_large_the_data_set(
    world, data, django_assert_max_num_queries
):
    from qicop.indicators.models import DataElement

    client = world.client_for("kim")
    url = "/api/dataSets/MonthlyHiv1/dataValueSet?period=202403&orgUnit=NakuruHosp1,NaivashaHC1"
    get(client, url)  # the session and the viewer's roles
    more = [
        DataElement.objects.create(
            uid=f"Extra{n:05d}a", name=f"Extra {n}", category_combo=data.sex_combo, value_type="INTEGER"
        )
        for n in range(20)
    ]
    data.data_set.data_elements.add(*more)
    # session, user, time zone, member, memberships; the data set; the org units; data elements, their
    # combos' option combos
    with django_assert_max_num_queries(10):
        values = get(client, url).json()["dataValues"]
    assert len(values) == 2 * (3 + 20 * 2)
