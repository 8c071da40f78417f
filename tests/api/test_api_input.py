"""Input no API can use gets a 4xx that says what was wrong, never a 500, on SQLite and PostgreSQL alike:
page numbers past any database integer, NUL characters (which PostgreSQL cannot store or compare),
limits past any integer."""

import json

import pytest

from data_world import DataWorld

API_V1_LISTS = (
    "/api/v1/networks",
    "/api/v1/networks/vln/countries",
    "/api/v1/networks/vln/organisations",
    "/api/v1/networks/vln/members",
)
HUGE = "99999999999999999999"


@pytest.mark.parametrize("path", API_V1_LISTS)
def test_a_page_number_past_the_largest_page_is_refused_with_422_naming_the_limit(world, path):
    response = world.client_for("carla").get(path, {"page": HUGE})

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["query", "page"]
    assert "less than or equal to 1000000" in error["msg"]


@pytest.mark.parametrize("path", API_V1_LISTS)
def test_a_page_past_the_end_is_an_empty_page(world, path):
    response = world.client_for("carla").get(path, {"page": "1000000"})

    assert response.status_code == 200
    assert response.json()["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        {"q": "Dan\x00"},
        {"country": "\x00"},
        {"role": "x\x00y"},
    ],
    ids=["q", "country", "role"],
)
def test_nul_characters_in_a_list_filter_are_refused_with_400(world, query):
    response = world.client_for("carla").get("/api/v1/networks/vln/members", query)

    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]


def test_nul_characters_in_a_path_are_refused_with_400(world):
    response = world.client_for("carla").get("/api/v1/networks/vl%00n/members")

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("path", "query"),
    [
        ("/api/dataElements", {"page": HUGE}),
        ("/api/organisationUnits", {"page": HUGE, "pageSize": "5"}),
        ("/api/dataElements", {"filter": "name:eq:\x00"}),
        ("/api/dataValueSets", {"dataSet": "MonthlyHiv1", "period": "202401", "orgUnit": "\x00"}),
        ("/api/dataValueSets", {"dataSet": "MonthlyHiv1", "period": "202401", "orgUnit": "X", "limit": HUGE}),
        ("/api/dataValues", {"de": "VlTested01a", "pe": "202401", "ou": "Nakuru\x00"}),
        ("/api/fhir/MeasureReport", {"subject": "\x00"}),
    ],
    ids=["page", "page and size", "filter", "dataValueSets org unit", "limit", "dataValues", "fhir"],
)
def test_the_dhis2_and_fhir_apis_refuse_the_same_inputs_with_400(world, path, query):
    DataWorld(world)
    response = world.client_for("carla").get(path, query)

    assert response.status_code == 400, response.content
    assert (
        response.json().get("status", "ERROR") == "ERROR"
        or response.json()["resourceType"] == "OperationOutcome"
    )


@pytest.mark.parametrize(("field", "code"), [("value", "E7619"), ("comment", "E7620"), ("storedBy", "E7619")])
def test_a_nul_character_in_an_imported_text_is_a_conflict_not_a_500(world, field, code):
    DataWorld(world)
    value = {"dataElement": "VlTested01a", "period": "202401", "orgUnit": "NakuruHosp1", "value": "1"}
    body = json.dumps({"dataValues": [{**value, field: "a\x00b"}]})

    response = world.client_for("dan").post(
        "/api/dataValueSets", body, content_type="application/json", HTTP_AUTHORIZATION=api_token(world.dan)
    )

    assert response.status_code == 409
    (conflict,) = response.json()["response"]["conflicts"]
    assert (conflict["errorCode"], conflict["property"]) == (code, field)
    assert "NUL character" in conflict["value"]


def test_a_nul_character_in_a_metadata_name_leaves_the_object_out_with_the_reason(world):
    DataWorld(world)
    unit = {"id": "NakuruHosp1", "name": "Nak\x00uru", "shortName": "N", "openingDate": "2020-01-01"}

    response = world.client_for("dan").post(
        "/api/metadata",
        json.dumps({"organisationUnits": [unit]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=api_token(world.dan),
    )

    assert response.status_code == 409
    assert "name holds a NUL character" in response.content.decode()


def api_token(persona) -> str:
    from qicop.accounts.services import create_api_token

    name = f"script {persona.user.api_tokens.count()}"
    return "ApiToken " + create_api_token(user=persona.user, name=name)[1]


@pytest.mark.parametrize(
    "address",
    [
        "/n/vln/data/export/?q=%00&action=search",
        "/n/vln/dashboard/?combo=%00",
        "/n/vln/members/?q=a%00",
    ],
)
def test_pages_refuse_a_nul_character_with_a_400_page_saying_so(world, address):
    response = world.client_for("carla").get(address)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


def test_fields_nested_thousands_deep_are_refused_before_they_are_parsed(world):
    fields = "id," + "a[" * 3000 + "id" + "]" * 3000

    response = world.client_for("carla").get("/api/dataElements", {"fields": fields})

    assert response.status_code == 400
    assert "fields nest deeper than 10 levels" in response.json()["message"]


def test_a_change_duration_longer_than_the_calendar_asks_for_every_change(world):
    DataWorld(world)
    query = {"dataSet": "MonthlyHiv1", "orgUnit": "KenyaRoot01", "lastUpdatedDuration": "9" * 40 + "d"}

    response = world.client_for("carla").get("/api/dataValueSets", query)

    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content)) == {"dataValues": []}
