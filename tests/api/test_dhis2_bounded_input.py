"""What the DHIS2 API does with files built to exhaust it: refuses them with DHIS2's ImportSummary or
WebMessage, status ERROR, naming the limit passed and where; stores nothing; never answers 500.

(The memory each costs is measured in tests/integrations/test_hostile_files.py.)
"""

import gzip
import json

import pytest
from django.test import Client

from data_world import DataWorld
from hostile_files import deep_xml, nested_arrays, nested_arrays_in_values, nested_objects
from qicop.accounts.services import create_api_token
from qicop.indicators.models import DataValue


@pytest.fixture
def data(world):
    return DataWorld(world)


@pytest.fixture
def dan(data):
    secret = create_api_token(user=data.world.dan.user, name="script")[1]
    client = Client(HTTP_AUTHORIZATION=f"ApiToken {secret}")
    return client


def import_summary(response):
    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "ERROR" and body["response"]["status"] == "ERROR"
    return body["response"]


@pytest.mark.parametrize(
    "hostile", [nested_arrays, nested_arrays_in_values, nested_objects], ids=lambda f: f.__name__
)
def test_deeply_nested_json_is_refused_at_the_depth_limit_with_an_error_summary(dan, hostile):
    response = dan.post("/api/dataValueSets", hostile(), content_type="application/json")

    summary = import_summary(response)
    assert "nested more than 64 levels deep" in summary["description"]
    assert "line 1, column" in summary["description"]
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 0, "deleted": 0}


def test_the_depth_limit_is_a_setting(dan, settings):
    settings.QICOP_PARSE_MAX_DEPTH = 2
    body = json.dumps({"dataValues": [{"dataElement": "VlTested01a"}]})

    summary = import_summary(dan.post("/api/dataValueSets", body, content_type="application/json"))

    assert "nested more than 2 levels deep" in summary["description"]


def test_one_data_value_holding_a_huge_list_is_refused_by_the_per_value_limit(dan):
    value = {"dataElement": "VlTested01a", "period": "202401", "orgUnit": "NakuruHosp1", "value": "1"}
    body = json.dumps({"dataValues": [value, {**value, "comment": list(range(2000))}]})

    summary = import_summary(dan.post("/api/dataValueSets", body, content_type="application/json"))

    assert "One data value holds more than 1,000 JSON values" in summary["description"]
    assert not DataValue.objects.exists()


def test_a_string_longer_than_the_limit_is_refused(dan, settings):
    settings.QICOP_PARSE_MAX_TEXT_BYTES = 1000
    value = {
        "dataElement": "VlTested01a",
        "period": "202401",
        "orgUnit": "NakuruHosp1",
        "comment": "x" * 2000,
    }

    response = dan.post(
        "/api/dataValueSets", json.dumps({"dataValues": [value]}), content_type="application/json"
    )

    assert "A JSON string is longer than 1 KB" in import_summary(response)["description"]


def test_deep_xml_is_refused_at_the_depth_limit(dan):
    response = dan.post("/api/dataValueSets", deep_xml(), content_type="application/xml")

    assert response.status_code == 409
    assert "The XML is nested more than 64 levels deep" in response.content.decode()


def test_a_gzip_bomb_is_refused_before_it_expands_with_a_web_message(dan):
    bomb = gzip.compress(b"[" * 20_000_000)

    response = dan.post(
        "/api/dataValueSets", bomb, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "ERROR"
    assert "expands" in body["message"] and "at most 200 times" in body["message"]


def test_a_csv_that_is_not_utf8_gets_a_summary_naming_the_line_and_byte(dan):
    body = b"dataelement,period,orgunit,value\nVlTested01a,202401,NakuruHosp1,5\n" + b"Vl\xe9,202402,x,1\n"

    summary = import_summary(dan.post("/api/dataValueSets", body, content_type="application/csv"))

    description = summary["description"]
    assert "not UTF-8" in description and "byte 0xe9 at byte offset 68" in description
    assert "line 3" in description
    assert not DataValue.objects.exists()


def test_an_asynchronous_csv_that_is_not_utf8_is_refused_before_it_is_kept(dan):
    body = b"dataelement,period,orgunit,value\n\xff\xfe,202401,x,1\n"

    response = dan.post("/api/dataValueSets?async=true", body, content_type="application/csv")

    assert response.status_code == 400
    assert "byte 0xff at byte offset 33" in response.json()["message"]


def test_nested_metadata_is_refused_with_a_web_message_not_a_recursion_error(dan):
    response = dan.post("/api/metadata", nested_objects(), content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "ERROR" and "nested more than 64 levels deep" in body["message"]


def test_metadata_csv_that_is_not_utf8_names_the_byte(dan):
    response = dan.post(
        "/api/metadata?classKey=ORGANISATION_UNIT", b"name,uid\nNairobi\xff,abc\n", content_type="text/csv"
    )

    assert response.status_code == 400
    assert "byte 0xff at byte offset 16" in response.json()["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 30_000 + b"]" * 30_000,
        b'{"dataElement": {"a": {"b": 1}}, "period": "202401", "orgUnit": "NakuruHosp1"}',
        b'{"dataElement": "VlTested01a", "period": "202401", "orgUnit": "NakuruHosp1", '
        b'"attribute": {"combo": "x", "options": [{"a": 1}]}}',
        b'{"dataElement": "VlTested01a", "period": "202401", "orgUnit": "NakuruHosp1", "value": [1, 2]}',
    ],
    ids=["nested arrays", "nested object as data element", "object as option", "list as value"],
)
def test_a_single_data_value_body_that_is_not_a_flat_json_object_gets_400(dan, body):
    response = dan.post("/api/dataValues", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["status"] == "ERROR"
