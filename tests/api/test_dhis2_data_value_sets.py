"""/api/dataValueSets behaves like DHIS2's, so DHIS2 scripts work unchanged."""

import base64
import json

import pytest
from defusedxml import ElementTree
from django.test import Client

from data_world import DataWorld
from personas import PASSWORD
from qicop.accounts.services import create_api_token
from qicop.indicators.models import DataValue, Publication
from qicop.indicators.services import publish_period

DXF = "{http://dhis2.org/schema/dxf/2.0}"


@pytest.fixture
def data(world):
    return DataWorld(world)


def token_for(user):
    return create_api_token(user=user, name=f"dhis2 script {user.api_tokens.count()}")[1]


def payload(*values, **header):
    return json.dumps(
        {
            **header,
            "dataValues": [
                {"dataElement": de, "period": pe, "orgUnit": ou, "value": v} for de, pe, ou, v in values
            ],
        }
    )


def test_a_dhis2_client_posts_json_with_an_api_token(data):
    secret = token_for(data.world.dan.user)
    response = Client().post(
        "/api/dataValueSets",
        payload(("VlTested01a", "202401", "NakuruHosp1", "12")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["httpStatusCode"] == 200
    assert body["response"]["importCount"]["imported"] == 1
    assert DataValue.objects.get().value == "12"


def test_http_basic_authentication_works_as_in_dhis2(data):
    credentials = base64.b64encode(f"dan@example.org:{PASSWORD}".encode()).decode()
    response = Client().post(
        "/api/dataValueSets",
        payload(("VlTested01a", "202401", "NakuruHosp1", "3")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )
    assert response.status_code == 200


def test_conflicts_answer_409_with_the_import_summary(data):
    secret = token_for(data.world.dan.user)
    response = Client().post(
        "/api/dataValueSets",
        payload(("VlTested01a", "202401", "NakuruHosp1", "x")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["httpStatus"] == "Conflict"
    assert body["response"]["conflicts"][0]["errorCode"] == "E7619"


def test_query_parameters_set_the_import_options(data):
    secret = token_for(data.world.dan.user)
    response = Client().post(
        "/api/dataValueSets?dryRun=true&idScheme=CODE",
        payload(("VL_TESTED", "202401", "KE_NAK_H", "3")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
    )
    assert response.json()["response"]["importCount"]["imported"] == 1
    assert not DataValue.objects.exists()
    bad = Client().post(
        "/api/dataValueSets?importStrategy=MERGE",
        payload(),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
    )
    assert bad.status_code == 400
    assert "Unknown import strategy MERGE" in bad.json()["message"]


def test_csv_and_xml_bodies_are_read_by_content_type(data):
    secret = token_for(data.world.dan.user)
    csv_body = (
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value\nVlTested01a,202401,NakuruHosp1,,,5\n"
    )
    response = Client().post(
        "/api/dataValueSets",
        csv_body,
        content_type="application/csv",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
    )
    assert response.json()["response"]["importCount"]["imported"] == 1
    xml_body = (
        '<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" period="202402" orgUnit="NakuruHosp1">'
        '<dataValue dataElement="VlTested01a" value="6"/></dataValueSet>'
    )
    response = Client().post(
        "/api/dataValueSets",
        xml_body,
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
    )
    # DHIS2 answers an XML import in XML
    root = ElementTree.fromstring(response.content)
    assert root.find(f"{DXF}response/{DXF}importCount").get("imported") == "1"


def test_malformed_json_is_an_error_summary_and_stores_nothing(data):
    secret = token_for(data.world.dan.user)
    response = Client().post(
        "/api/dataValueSets",
        '{"dataValues": [{"dataElement": "VlTested01a", ',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {secret}",
    )
    assert response.status_code == 409
    assert response.json()["response"]["status"] == "ERROR"
    assert "could not be read" in response.json()["response"]["description"]
    assert not DataValue.objects.exists()


def test_without_credentials_the_answer_is_401(data):
    assert Client().post("/api/dataValueSets", payload(), content_type="application/json").status_code == 401
    assert Client().get("/api/dataValueSets?dataSet=MonthlyHiv1").status_code == 401


def test_members_cannot_import(data):
    response = Client().post(
        "/api/dataValueSets",
        payload(("VlTested01a", "202401", "NakuruHosp1", "1")),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {token_for(data.world.kim.user)}",
    )
    assert response.status_code == 403


def test_an_oversized_body_is_refused_before_reading(data, settings):
    settings.QICOP_IMPORT_MAX_BYTES = 100
    response = Client().post(
        "/api/dataValueSets",
        payload(*[("VlTested01a", "202401", "NakuruHosp1", "1")] * 5),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {token_for(data.world.dan.user)}",
    )
    assert response.status_code == 413
    assert "too large" in response.json()["message"]


def export(user, query, **headers):
    return Client().get(
        f"/api/dataValueSets{query}", HTTP_AUTHORIZATION=f"ApiToken {token_for(user)}", **headers
    )


def test_export_filters_like_dhis2_and_includes_children(data):
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.integrations.dhis2.rows import DataValueRow

    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="1"),
            DataValueRow("VlTested01a", "202401", "NaivashaHC1", value="2", index=1),
            DataValueRow("VlTested01a", "202402", "NakuruHosp1", value="3", index=2),
            DataValueRow("VlTested01a", "202401", "JacmelHosp1", value="4", index=3),
        ],
    )
    data.data_set.data_elements.add(data.vl_tested)
    body = export(
        data.world.carla.user, "?dataSet=MonthlyHiv1&period=202401&orgUnit=NakuruCnty1&children=true"
    )
    values = sorted(v["value"] for v in json.loads(b"".join(body.streaming_content))["dataValues"])
    assert values == ["1", "2"]
    csv_body = export(
        data.world.carla.user,
        ".csv?dataElement=VlTested01a&startDate=2024-01-01&endDate=2024-12-31"
        "&orgUnit=KenyaRoot01&children=true",
    )
    lines = b"".join(csv_body.streaming_content).decode().strip().splitlines()
    assert len(lines) == 4  # header and three Kenyan values


def test_unpublished_values_of_another_country_are_not_exported(data):
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.integrations.dhis2.rows import DataValueRow

    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="1"),
            DataValueRow("VlTested01a", "202401", "KenyaRoot01", value="10", index=1),
        ],
    )
    query = "?dataElement=VlTested01a&period=202401&orgUnit=KenyaRoot01&children=true"

    def seen(user):
        return sorted(
            v["value"] for v in json.loads(b"".join(export(user, query).streaming_content))["dataValues"]
        )

    assert seen(data.world.henri.user) == []  # a Haitian member: Kenya has not published
    assert seen(data.world.kim.user) == ["1", "10"]  # a Kenyan member sees their own country
    publish_period(actor=data.world.faith.user, country=data.world.kenya, period_id="2024Q1")
    assert Publication.objects.count() == 1
    assert seen(data.world.henri.user) == ["1", "10"]
    # Observers read the published national total the dashboard shows them: the facility's value and the
    # one stored for the country, summed at the country's org unit.
    assert seen(data.world.olga.user) == ["11"]
    national = json.loads(b"".join(export(data.world.olga.user, query).streaming_content))["dataValues"]
    assert [(v["orgUnit"], v["period"], v["attributeOptionCombo"]) for v in national] == [
        ("KenyaRoot01", "202401", "HllvX50cXC0")
    ]
    hospital = "?dataElement=VlTested01a&period=202401&orgUnit=NakuruHosp1"
    assert json.loads(b"".join(export(data.world.olga.user, hospital).streaming_content))["dataValues"] == []


def test_export_needs_its_filters_and_says_which_with_dhis2s_error_codes(data):
    for query, code in (
        ("?period=202401&orgUnit=KenyaRoot01", "E2001"),
        ("?dataElement=VlTested01a&orgUnit=KenyaRoot01", "E2002"),
        ("?dataElement=VlTested01a&period=202401&startDate=2024-01-01", "E2003"),
        ("?dataElement=VlTested01a&startDate=2024-02-01&endDate=2024-01-01&orgUnit=KenyaRoot01", "E2004"),
        ("?dataElement=VlTested01a&period=202401", "E2006"),
        ("?dataElement=VlTested01a&period=202401&orgUnit=KenyaRoot01&limit=-1", "E2009"),
    ):
        response = export(data.world.carla.user, query)
        assert response.status_code == 409, query
        assert response.json()["errorCode"] == code, query
        assert response.json()["status"] == "ERROR"


def test_a_signed_in_browser_session_cannot_post_without_a_token(data):
    # The endpoint skips CSRF for scripts, so a session cookie alone must not be enough to write.
    client = data.world.client_for("dan")
    response = client.post(
        "/api/dataValueSets",
        payload(("VlTested01a", "202401", "NakuruHosp1", "12")),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not DataValue.objects.exists()
    assert (
        client.get("/api/dataValueSets?dataElement=VlTested01a&period=202401&orgUnit=KenyaRoot01").status_code
        == 200
    )
