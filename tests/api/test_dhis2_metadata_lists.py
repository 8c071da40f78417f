"""``GET /api/<type>`` and ``/api/<type>/<uid>``: DHIS2's read-only metadata resources, as DHIS2 clients read
them — fields, filters, order, paging — and what each persona sees."""

from __future__ import annotations

import base64
import json

import pytest
from defusedxml import ElementTree

from data_world import DataWorld
from personas import PASSWORD
from qicop.indicators.models import Indicator

LISTS = (
    "organisationUnits", "dataElements", "dataSets", "categoryCombos", "categoryOptionCombos", "categories",
    "categoryOptions", "indicators", "organisationUnitLevels",
)  # fmt: skip


@pytest.fixture
def data(world) -> DataWorld:
    data = DataWorld(world)
    data.data_set.data_elements.set([data.tx_curr, data.vl_tested])
    data.data_set.organisation_units.set([data.nakuru_hospital, data.jacmel])
    Indicator.objects.create(
        uid="VlSuppRate1", code="VL_RATE", name="Viral suppression", numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}", factor=100, decimals=1, country=world.kenya,
    )  # fmt: skip
    Indicator.objects.create(
        uid="HtTxRate001", code="HT_RATE", name="Haiti on treatment", numerator="1", denominator="1",
        country=world.haiti,
    )  # fmt: skip
    return data


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def ids(body, key="organisationUnits"):
    return [obj["id"] for obj in body[key]]


# ------------------------------------------------------------------------------------------- default shape


def test_a_list_gives_a_pager_and_id_and_display_name_by_default(world, data):
    body = get(world.client_for("kim"), "/api/organisationUnits")
    assert body["pager"] == {"page": 1, "total": 6, "pageSize": 50, "pageCount": 1}
    assert body["organisationUnits"][0] == {"id": "HaitiRoot01", "displayName": "Haïti"}


def test_one_object_by_uid_gives_every_property_with_references_as_ids(world, data):
    unit = get(world.client_for("kim"), "/api/organisationUnits/NakuruHosp1")
    assert unit["id"] == "NakuruHosp1" and unit["code"] == "KE_NAK_H" and unit["level"] == 3
    assert unit["parent"] == {"id": "NakuruCnty1"}
    assert unit["path"] == "/KenyaRoot01/NakuruCnty1/NakuruHosp1"
    assert unit["ancestors"] == [{"id": "KenyaRoot01"}, {"id": "NakuruCnty1"}]
    assert unit["dataSets"] == [{"id": "MonthlyHiv1"}]
    assert unit["href"] == "http://testserver/api/organisationUnits/NakuruHosp1"
    assert "closedDate" not in unit  # absent values are left out, as DHIS2 leaves them out


def test_the_json_extension_gives_the_same_answer(world, data):
    client = world.client_for("kim")
    assert get(client, "/api/dataElements.json") == get(client, "/api/dataElements")
    assert get(client, "/api/dataElements/TxCurr0001a.json") == get(client, "/api/dataElements/TxCurr0001a")


@pytest.mark.parametrize("key", LISTS)
def test_every_type_is_served_as_a_list_and_by_uid(world, data, key):
    client = world.client_for("carla")
    body = get(client, f"/api/{key}?fields=id,name")
    assert body[key], f"no {key} in the data world"
    first = body[key][0]
    assert get(client, f"/api/{key}/{first['id']}?fields=id,name") == first


def test_an_unknown_uid_is_a_dhis2_not_found_message(world, data):
    body = get(world.client_for("kim"), "/api/dataElements/NoSuchThing", status=404)
    assert body == {
        "httpStatus": "Not Found",
        "httpStatusCode": 404,
        "status": "ERROR",
        "message": "DataElement with id NoSuchThing could not be found.",
    }


# ---------------------------------------------------------------------------------------------- fields


def test_fields_select_nested_properties_to_any_depth(world, data):
    body = get(
        world.client_for("kim"),
        "/api/organisationUnits?fields=id,parent[id,parent[id,name]]&filter=level:eq:3",
    )
    assert body["organisationUnits"][0] == {
        "id": "NaivashaHC1",
        "parent": {"id": "NakuruCnty1", "parent": {"id": "KenyaRoot01", "name": "Kenya"}},
    }


def test_presets_and_exclusions(world, data):
    element = get(world.client_for("kim"), "/api/dataElements/TxCurr0001a?fields=:identifiable,!created")
    assert set(element) == {"id", "name", "code", "lastUpdated"}
    owner = get(world.client_for("kim"), "/api/dataElements/TxCurr0001a?fields=:owner")
    assert owner["categoryCombo"] == {"id": "SexComboUid"} and "dataSets" not in owner and "href" not in owner
    everything = get(world.client_for("kim"), "/api/dataElements/TxCurr0001a?fields=*,!href")
    assert everything["dataSets"] == [{"id": "MonthlyHiv1"}] and "href" not in everything


def test_transformers_rename_count_and_pluck(world, data):
    body = get(
        world.client_for("kim"),
        "/api/organisationUnits/NakuruCnty1?fields=name~rename(label),children::size,children~pluck(name)~rename(names),"
        "dataSets~isEmpty",
    )
    assert body == {
        "label": "Nakuru County",
        "children": 2,
        "names": ["Naivasha Health Centre", "Nakuru Level 5 Hospital"],
        "dataSets": True,
    }


def test_properties_qicop_does_not_keep_are_left_out_as_dhis2_leaves_unknown_ones(world, data):
    body = get(world.client_for("kim"), "/api/organisationUnits/KenyaRoot01?fields=id,geometry,featureType")
    assert body == {"id": "KenyaRoot01"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("id,name]", "unexpected ']' in fields (position 8)"),
        ("parent[id", "the fields expression ends before it is complete (position 10)"),
        ("name~shout", "unknown transformer shout"),
        (":everything", "unknown preset :everything"),
    ],
)
def test_a_fields_expression_that_does_not_parse_is_a_400_naming_the_position(world, data, fields, message):
    for url in (
        f"/api/organisationUnits?fields={fields}",
        f"/api/organisationUnits/KenyaRoot01?fields={fields}",
    ):
        body = get(world.client_for("kim"), url, status=400)
        assert body["httpStatusCode"] == 400 and body["status"] == "ERROR"
        assert message in body["message"]


# --------------------------------------------------------------------------------------------- data sets


def test_a_data_set_gives_its_members_in_both_shapes_clients_read_and_its_org_units(world, data):
    body = get(
        world.client_for("kim"),
        "/api/dataSets/MonthlyHiv1?fields=id,periodType,dataSetElements[dataElement[id,name]],dataElements[id],"
        "organisationUnits[id,name]",
    )
    assert body == {
        "id": "MonthlyHiv1",
        "periodType": "Monthly",
        "dataSetElements": [
            {"dataElement": {"id": "TxCurr0001a", "name": "On ART"}},
            {"dataElement": {"id": "VlTested01a", "name": "Viral load tested"}},
        ],
        "dataElements": [{"id": "TxCurr0001a"}, {"id": "VlTested01a"}],
        "organisationUnits": [
            {"id": "JacmelHosp1", "name": "Hôpital de Jacmel"},
            {"id": "NakuruHosp1", "name": "Nakuru Level 5 Hospital"},
        ],
    }


def test_a_data_set_element_without_a_selection_is_written_whole(world, data):
    body = get(world.client_for("kim"), "/api/dataSets/MonthlyHiv1?fields=dataSetElements")
    assert body["dataSetElements"][0] == {
        "dataSet": {"id": "MonthlyHiv1"},
        "dataElement": {"id": "TxCurr0001a"},
    }


def test_a_data_set_without_attributes_has_the_default_category_combo_as_every_dhis2_data_set(world, data):
    # dhis2-pocket-knife reads a data set's categoryCombo.categoryOptionCombos as its attribute option combos.
    body = get(
        world.client_for("kim"),
        "/api/dataSets/MonthlyHiv1?fields=categoryCombo[id,name,categoryOptionCombos[id,name]]",
    )
    assert body == {
        "categoryCombo": {
            "id": data.default_combo.uid,
            "name": "default",
            "categoryOptionCombos": [{"id": data.default_coc.uid, "name": "default"}],
        }
    }
    data.data_set.category_combo = data.sex_combo
    data.data_set.save()
    body = get(world.client_for("kim"), "/api/dataSets?fields=id,categoryCombo[id]")
    assert body["dataSets"] == [{"id": "MonthlyHiv1", "categoryCombo": {"id": "SexComboUid"}}]


# ---------------------------------------------------------------------------------------------- filters


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ("filter=code:eq:KE", ["KenyaRoot01"]),
        ("filter=code:!eq:KE&filter=level:eq:1", ["HaitiRoot01"]),
        ("filter=code:ne:KE&filter=level:eq:1", ["HaitiRoot01"]),
        ("filter=name:ieq:KENYA", ["KenyaRoot01"]),
        ("filter=name:ilike:HOSPITAL", ["NakuruHosp1"]),
        ("filter=name:!ilike:o&filter=level:le:2", ["HaitiRoot01", "JacmelHosp1", "KenyaRoot01"]),
        ("filter=name:$ilike:nak", ["NakuruCnty1", "NakuruHosp1"]),
        ("filter=name:ilike$:centre", ["NaivashaHC1"]),
        ("filter=name:$like:Nak", ["NakuruCnty1", "NakuruHosp1"]),
        ("filter=code:in:[KE,HT,XX]", ["HaitiRoot01", "KenyaRoot01"]),
        ("filter=code:!in:[KE,HT]&filter=level:lt:3", ["JacmelHosp1", "NakuruCnty1"]),
        ("filter=level:gt:2", ["NaivashaHC1", "NakuruHosp1"]),
        ("filter=level:ge:2&filter=level:le:2", ["JacmelHosp1", "NakuruCnty1"]),
        ("filter=parent:null", ["HaitiRoot01", "KenyaRoot01"]),
        ("filter=closedDate:!null", []),
        ("filter=name:token:level hosp", ["NakuruHosp1"]),
        ("filter=identifiable:token:nakuru", ["NakuruCnty1", "NakuruHosp1"]),
        ("filter=parent.id:eq:NakuruCnty1", ["NaivashaHC1", "NakuruHosp1"]),
        ("filter=parent.parent.code:eq:KE", ["NaivashaHC1", "NakuruHosp1"]),
        ("filter=dataSets.id:eq:MonthlyHiv1", ["JacmelHosp1", "NakuruHosp1"]),
        ("filter=children:empty&filter=level:eq:2", ["JacmelHosp1"]),
        ("filter=children:gt:1", ["NakuruCnty1"]),
        ("filter=code:eq:KE&filter=code:eq:HT&rootJunction=OR", ["HaitiRoot01", "KenyaRoot01"]),
    ],
)
def test_filters_follow_dhis2s_operators(world, data, filters, expected):
    assert ids(get(world.client_for("carla"), f"/api/organisationUnits?{filters}")) == expected


def test_filters_reach_through_collections_without_repeating_objects(world, data):
    body = get(
        world.client_for("kim"),
        "/api/dataElements?filter=dataSets.organisationUnits.id:in:[NakuruHosp1,JacmelHosp1]",
    )
    assert ids(body, "dataElements") == ["TxCurr0001a", "VlTested01a"]
    assert body["pager"]["total"] == 2


def test_typed_properties_are_compared_as_their_type(world, data):
    client = world.client_for("kim")
    assert ids(
        get(client, "/api/dataElements?filter=zeroIsSignificant:eq:true&filter=valueType:eq:BOOLEAN"),
        "dataElements",
    ) == ["Committee1a"]
    assert ids(get(client, "/api/indicators?filter=decimals:null"), "indicators") == ["HtTxRate001"]


def test_properties_qicop_holds_the_same_for_every_object_filter_all_or_nothing(world, data):
    # dhis2-pocket-knife asks for filter=domainType:eq:AGGREGATE; qicop's data elements are all aggregate.
    client = world.client_for("kim")
    everything = ids(get(client, "/api/dataElements"), "dataElements")
    assert len(everything) == 5
    assert ids(get(client, "/api/dataElements?filter=domainType:eq:AGGREGATE"), "dataElements") == everything
    assert ids(get(client, "/api/dataElements?filter=domainType:eq:TRACKER"), "dataElements") == []
    assert ids(get(client, "/api/dataElements?filter=domainType:!eq:AGGREGATE"), "dataElements") == []
    either = "filter=domainType:eq:TRACKER&filter=code:eq:QI_SCORE&rootJunction=OR"
    assert ids(get(client, f"/api/dataElements?{either}"), "dataElements") == ["QiScore001a"]
    both = "filter=domainType:in:[AGGREGATE,TRACKER]&filter=code:eq:QI_SCORE"
    assert ids(get(client, f"/api/dataElements?{both}"), "dataElements") == ["QiScore001a"]
    assert len(ids(get(client, "/api/indicators?filter=annualized:eq:false"), "indicators")) == 2
    assert (
        "'yes' is not true or false"
        in get(client, "/api/indicators?filter=annualized:eq:yes", status=400)["message"]
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("filter=name:contains:x", "'contains' is not an operator"),
        ("filter=colour:eq:red", "organisationUnit has no property 'colour'"),
        ("filter=parent.colour:eq:red", "organisationUnit has no property 'colour'"),
        ("filter=href:eq:x", "organisationUnit.href cannot be filtered on"),
        ("filter=level:eq:two", "'two' is not a whole number"),
        ("filter=level:ilike:2", "ilike applies to text"),
        ("filter=children:like:x", "only its size can be compared"),
        ("filter=name:empty", "empty applies to collections"),
        ("filter=name:eq", "the operator eq needs a value"),
        ("rootJunction=XOR", "rootJunction is AND or OR"),
    ],
)
def test_a_filter_qicop_cannot_follow_is_a_400_naming_the_property_or_operator(world, data, query, message):
    body = get(world.client_for("kim"), f"/api/organisationUnits?{query}", status=400)
    assert message in body["message"]


# ------------------------------------------------------------------------------------------ order, paging


def test_order_sorts_by_several_properties(world, data):
    body = get(world.client_for("carla"), "/api/organisationUnits?order=level:desc,name:asc&fields=id")
    assert ids(body) == [
        "NaivashaHC1",
        "NakuruHosp1",
        "JacmelHosp1",
        "NakuruCnty1",
        "HaitiRoot01",
        "KenyaRoot01",
    ]


def test_order_by_an_unknown_or_unsortable_property_is_a_400(world, data):
    for order in ("colour:asc", "parent:asc", "name:sideways"):
        body = get(world.client_for("kim"), f"/api/organisationUnits?order={order}", status=400)
        assert order.split(":")[0] in body["message"] or "direction" in body["message"]


def test_pages_link_to_the_next_and_previous_with_absolute_urls(world, data):
    body = get(world.client_for("carla"), "/api/organisationUnits.json?pageSize=2&page=2&fields=id")
    assert body["pager"] == {
        "page": 2,
        "total": 6,
        "pageSize": 2,
        "pageCount": 3,
        "nextPage": "http://testserver/api/organisationUnits.json?pageSize=2&page=3&fields=id",
        "prevPage": "http://testserver/api/organisationUnits.json?pageSize=2&page=1&fields=id",
    }
    assert ids(body) == ["KenyaRoot01", "NaivashaHC1"]


def test_a_page_past_the_end_is_empty_with_its_pager(world, data):
    body = get(world.client_for("carla"), "/api/organisationUnits?pageSize=5&page=9")
    assert body["organisationUnits"] == [] and body["pager"]["pageCount"] == 2


def test_paging_false_gives_the_whole_list_without_a_pager(world, data):
    body = get(world.client_for("carla"), "/api/organisationUnits?paging=false&fields=id")
    assert "pager" not in body and len(body["organisationUnits"]) == 6


def test_paging_false_refuses_a_list_longer_than_its_cap(world, data, monkeypatch):
    from qicop.api.dhis2 import metadata_lists

    monkeypatch.setattr(metadata_lists, "MAX_UNPAGED", 5)
    body = get(world.client_for("carla"), "/api/organisationUnits?paging=false", status=400)
    assert body["message"].startswith("This list has 6 objects; paging=false returns at most 5.")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("pageSize=1000000", "pageSize must be from 1 to 10000, not 1000000"),
        ("pageSize=0", "pageSize must be from 1 to 10000, not 0"),
        ("page=0", "page must be from 1 to 1000000, not 0"),
        ("page=99999999999999999999", "page must be from 1 to 1000000, not 99999999999999999999"),
        ("page=two", "page must be a whole number, not two"),
        ("paging=maybe", "paging is true or false, not maybe"),
    ],
)
def test_page_parameters_out_of_bounds_are_a_400(world, data, query, message):
    assert get(world.client_for("kim"), f"/api/organisationUnits?{query}", status=400)["message"] == message


# ------------------------------------------------------------------------------- levels and indicators


def test_org_unit_levels_are_the_levels_present_named_as_dhis2_names_unnamed_levels(world, data):
    body = get(world.client_for("kim"), "/api/organisationUnitLevels?fields=name,level&order=level:desc")
    assert body["organisationUnitLevels"] == [
        {"name": "Level 3", "level": 3},
        {"name": "Level 2", "level": 2},
        {"name": "Level 1", "level": 1},
    ]
    level = get(world.client_for("kim"), "/api/organisationUnitLevels?filter=level:eq:2&fields=id")
    uid = level["organisationUnitLevels"][0]["id"]
    assert get(world.client_for("kim"), f"/api/organisationUnitLevels/{uid}")["name"] == "Level 2"


def test_an_indicator_gives_its_type_from_its_factor(world, data):
    body = get(
        world.client_for("kim"),
        "/api/indicators/VlSuppRate1?fields=numerator,denominator,indicatorType[name,factor]",
    )
    assert body == {
        "numerator": "#{VlSupp0001a}",
        "denominator": "#{VlTested01a}",
        "indicatorType": {"name": "Per cent", "factor": 100},
    }


# ------------------------------------------------------------------------------------------ who sees what


@pytest.mark.parametrize("persona", ["carla", "faith", "dan", "kim", "henri", "olga"])
def test_network_members_observers_included_read_the_org_units_and_indicators_of_their_networks(
    world, data, persona
):
    client = world.client_for(persona)
    assert len(ids(get(client, "/api/organisationUnits"))) == 6
    assert ids(get(client, "/api/indicators"), "indicators") == ["HtTxRate001", "VlSuppRate1"]


def test_org_units_of_countries_outside_the_readers_networks_are_not_found(world, data):
    from personas import make_country, make_member
    from qicop.indicators.models import OrgUnit
    from qicop.network.models import Network, Role

    peru = make_country("PE", "PER", "Peru", "America/Lima")
    OrgUnit.objects.create(uid="PeruRoot001", code="PE", name="Perú", country=peru, path="/PeruRoot001")
    elsewhere = Network.objects.create(slug="other", name="Other")
    elsewhere.countries.set([peru])
    make_member("pia@example.org", "Pia", peru, network=elsewhere, roles=[Role.MEMBER])
    kim = world.client_for("kim")
    assert "PeruRoot001" not in ids(get(kim, "/api/organisationUnits?paging=false"))
    get(kim, "/api/organisationUnits/PeruRoot001", status=404)
    assert get(world.client_for("carla"), "/api/organisationUnits/PeruRoot001")["name"] == "Perú"
    # A data set lists only the org units its reader may see.
    data.data_set.organisation_units.add(OrgUnit.objects.get(uid="PeruRoot001"))
    listed = get(kim, "/api/dataSets/MonthlyHiv1?fields=organisationUnits")["organisationUnits"]
    assert {"id": "PeruRoot001"} not in listed


def test_an_account_with_no_membership_reads_no_metadata(world, data):
    client = world.client_for("oscar")
    for key in LISTS:
        body = get(client, f"/api/{key}")
        assert body[key] == [] and body["pager"]["total"] == 0
    get(client, "/api/dataElements/TxCurr0001a", status=404)


def test_a_client_that_does_not_authenticate_gets_a_401_web_message(world, data):
    for url in (
        "/api/organisationUnits",
        "/api/organisationUnits/KenyaRoot01",
        "/api/organisationUnitLevels",
    ):
        body = get(world.client_for("anonymous"), url, status=401)
        assert body["httpStatus"] == "Unauthorized"


def test_basic_authentication_reads_as_dhis2_clients_send_it(world, data):
    from django.test import Client

    credentials = base64.b64encode(f"kim@example.org:{PASSWORD}".encode()).decode()
    body = get(Client(HTTP_AUTHORIZATION=f"Basic {credentials}"), "/api/organisationUnits?fields=id")
    assert len(body["organisationUnits"]) == 6


def test_writes_and_other_formats_are_refused_with_web_messages(world, data):
    client = world.client_for("carla")
    response = client.post(
        "/api/organisationUnits", data=json.dumps({"name": "X"}), content_type="application/json"
    )
    assert response.status_code == 405 and response.json()["httpStatusCode"] == 405
    response = client.get("/api/organisationUnits.xml")  # refused in the language the client asked for
    assert response.status_code == 406 and response["Content-Type"].startswith("application/xml")
    assert ElementTree.fromstring(response.content).get("status") == "ERROR"
    response = client.get("/api/organisationUnits.json.gz")
    assert response.status_code == 406 and response.json()["status"] == "ERROR"


# ------------------------------------------------------------------------------------------ query counts


def test_a_page_costs_the_same_queries_however_many_objects_and_relations_it_shows(
    world, data, django_assert_max_num_queries
):
    from qicop.indicators.models import OrgUnit

    for n in range(40):
        OrgUnit.objects.create(
            uid=f"Facility{n:03d}", name=f"Facility {n}", country=world.kenya, parent=data.nakuru,
            path=f"{data.nakuru.path}/Facility{n:03d}", level=3,
        )  # fmt: skip
    client = world.client_for("kim")
    client.get("/api/organisationUnits?pageSize=1")  # the session and the viewer's roles
    fields = (
        "id,name,parent[id,name,parent[id]],children[id,name],ancestors[id,name],"
        "dataSets[id,dataSetElements[dataElement[id,categoryCombo[id]]]]"
    )
    # session, user, the reader's time zone, member, memberships; count, page; parent, its parent, children,
    # ancestors, data sets, their data elements, their category combos
    with django_assert_max_num_queries(14):
        body = get(client, f"/api/organisationUnits?pageSize=50&fields={fields}")
    assert len(body["organisationUnits"]) == 46
    with django_assert_max_num_queries(14):
        get(client, f"/api/organisationUnits?pageSize=5&fields={fields}")


@pytest.mark.parametrize("key", LISTS)
def test_every_list_costs_the_same_queries_for_a_few_objects_as_for_a_full_page(world, data, key):
    # Three objects already reach every relation the data world has (a parent, ancestors, children, data
    # sets…); a relation that no object of a page has costs no query.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client_for("carla")
    client.get(f"/api/{key}?pageSize=1")  # the session and the viewer's roles

    def queries(page_size: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            body = get(client, f"/api/{key}?pageSize={page_size}&fields=*")
        assert len(body[key]) == min(page_size, body["pager"]["total"])
        return len(captured.captured_queries)

    assert queries(50) == queries(3)
