"""ADX on /api/dataValueSets as DHIS2 does it: codes by default both ways, a data set on every group, the
values of non-numeric data elements in <annotation>, and documents valid against the IHE ADX schema."""

import io
from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.management import CommandError, call_command
from django.test import Client

import adx_validation
from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.metadata_import import import_metadata
from qicop.indicators.models import DataElement, DataValue
from qicop.integrations.dhis2 import adx
from qicop.integrations.dhis2 import metadata as metadata_reader
from qicop.integrations.dhis2.rows import DataValueRow

ADX = "application/adx+xml"
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "formats"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def data(world):
    data = DataWorld(world)
    data.note = DataElement.objects.create(
        uid="QiNote0001a",
        code="QI_NOTE",
        name="QI note",
        value_type="TEXT",
        category_combo=data.default_combo,
    )
    data.data_set.data_elements.set([data.tx_curr, data.vl_tested, data.committee, data.note])
    import_data_values(
        actor=world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow(
                "TxCurr0001a", "202401", "NakuruHosp1", category_option_combo="CocFemale01", value="60"
            ),
            DataValueRow(
                "TxCurr0001a", "202401", "NakuruHosp1", category_option_combo="CocMale0001", value="40"
            ),
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80", comment="lab backlog"),
            DataValueRow("VlTested01a", "202401", "NaivashaHC1", value="30"),
            DataValueRow("Committee1a", "202401", "NakuruHosp1", value="true"),
            DataValueRow(
                "QiNote0001a", "202401", "NakuruHosp1", value="1234"
            ),  # a text that looks like a number
        ],
    )
    return data


DXF = "{http://dhis2.org/schema/dxf/2.0}"


def token(user):
    return create_api_token(user=user, name="adx script")[1]


def export(client, query, status=200, **headers):
    response = client.get(f"/api/dataValueSets?{query}", HTTP_ACCEPT=ADX, **headers)
    assert response.status_code == status, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def stored():
    return {
        (
            v.data_element.code,
            v.period.dhis2_id,
            v.org_unit.code,
            v.category_option_combo.name,
            v.value,
            v.comment,
        )
        for v in DataValue.objects.select_related(
            "data_element", "period", "org_unit", "category_option_combo"
        )
    }


def test_an_adx_export_names_everything_by_code_and_every_group_its_data_set(data):
    text = export(
        data.world.client_for("carla"), "dataSet=HIV_MONTHLY&period=202401&orgUnit=KE&children=true"
    )
    adx_validation.assert_valid(text)
    groups = list(adx.read_groups(io.BytesIO(text)))
    assert {(g.data_set, g.org_unit, g.period) for g in groups} == {
        ("HIV_MONTHLY", "KE_NAK_H", "2024-01-01/P1M"),
        ("HIV_MONTHLY", "KE_NAI_HC", "2024-01-01/P1M"),
    }
    rows = {
        (r.org_unit, r.data_element, r.category_options, r.value, r.annotation)
        for r in adx.read(io.BytesIO(text))[1]
    }
    assert rows == {
        ("KE_NAK_H", "TX_CURR", (("SEX", "F"),), "60", None),
        ("KE_NAK_H", "TX_CURR", (("SEX", "M"),), "40", None),
        ("KE_NAK_H", "VL_TESTED", (), "80", "lab backlog"),
        ("KE_NAI_HC", "VL_TESTED", (), "30", None),
        ("KE_NAK_H", "QI_COMMITTEE", (), "0", "true"),
        ("KE_NAK_H", "QI_NOTE", (), "0", "1234"),
    }


def test_an_id_scheme_asked_for_is_honoured(data):
    text = export(
        data.world.client_for("carla"), "dataSet=MonthlyHiv1&period=202401&orgUnit=NakuruHosp1&idScheme=UID"
    )
    adx_validation.assert_valid(text)
    groups = list(adx.read_groups(io.BytesIO(text)))
    assert {(g.data_set, g.org_unit) for g in groups} == {("MonthlyHiv1", "NakuruHosp1")}
    assert {r.data_element for g in groups for r in g.rows} >= {"TxCurr0001a", "QiNote0001a"}


def test_an_export_with_codes_imports_back_with_no_parameter(data):
    client = data.world.client_for("carla")
    text = export(client, "dataSet=HIV_MONTHLY&period=202401&orgUnit=KE&children=true")
    before = stored()
    DataValue.objects.all().delete()
    response = Client().post(
        "/api/dataValueSets",
        text,
        content_type=ADX,
        HTTP_AUTHORIZATION=f"ApiToken {token(data.world.dan.user)}",
    )
    assert response.status_code == 200, response.content
    # An XML body gets its summary in XML, as DHIS2 answers ADX clients.
    count = ElementTree.fromstring(response.content).find(f"{DXF}response/{DXF}importCount")
    assert count.get("imported") == "6"
    assert stored() == before


def test_a_text_value_without_its_annotation_is_a_conflict_and_nothing_is_stored(data):
    DataValue.objects.all().delete()
    body = (
        '<adx xmlns="urn:ihe:qrph:adx:2015" exported="2024-02-01T00:00:00Z">'
        '<group dataSet="HIV_MONTHLY" orgUnit="KE_NAK_H" period="2024-01-01/P1M">'
        '<dataValue dataElement="VL_TESTED" value="5"/>'
        '<dataValue dataElement="QI_NOTE" value="0"/>'
        "</group></adx>"
    )
    response = Client().post(
        "/api/dataValueSets",
        body,
        content_type=ADX,
        HTTP_AUTHORIZATION=f"ApiToken {token(data.world.dan.user)}",
        HTTP_ACCEPT="application/json",  # the summary in JSON, though the body was XML
    )
    assert response.status_code == 409
    [conflict] = response.json()["response"]["conflicts"]
    assert (conflict["errorCode"], conflict["object"], conflict["indexes"]) == ("E7619", "QI_NOTE", [1])
    assert "annotation" in conflict["value"]
    assert not DataValue.objects.exists()


def test_an_empty_adx_export_is_refused_with_a_reason_since_the_schema_needs_a_value(data):
    client = data.world.client_for("carla")
    response = client.get("/api/dataValueSets?dataSet=HIV_MONTHLY&period=201901&orgUnit=KE", HTTP_ACCEPT=ADX)
    assert response.status_code == 404  # said in XML, the language the client asked for
    message = ElementTree.fromstring(response.content).find(f"{DXF}message").text
    assert "ADX document cannot be empty" in message
    as_json = client.get("/api/dataValueSets?dataSet=HIV_MONTHLY&period=201901&orgUnit=KE")
    assert as_json.status_code == 200


def test_the_export_page_and_the_command_explain_an_empty_adx_export(data, tmp_path):
    page = data.world.client_for("carla").get(
        "/n/vln/data/export/?data_elements=VlTested01a&org_unit=KenyaRoot01&children=on"
        "&start=201901&end=201903&format=adx"
    )
    assert page.status_code == 400
    assert "an ADX file cannot be empty" in page.content.decode()
    with pytest.raises(CommandError, match="ADX document cannot be empty"):
        call_command(
            "export",
            "--user",
            "carla@example.org",
            "--format",
            "adx",
            "--org-unit",
            "KenyaRoot01",
            "--period",
            "201901",
            "--output",
            str(tmp_path / "out.adx.xml"),
            stderr=io.StringIO(),
        )


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared sample files (../shared/formats) are absent")
def test_a_real_dhis2_adx_file_with_codes_imports_with_no_parameter(world):
    with open(FIXTURES / "samples_metadata" / "adx_ihe_malaria_metadata.json", "rb") as fileobj:
        result = import_metadata(
            actor=world.carla.user, metadata=metadata_reader.read_json(fileobj), country=world.kenya
        )
    assert result["status"] == "OK"
    response = Client().post(
        "/api/dataValueSets",
        (SHARED / "adx" / "adx_data_sample2.xml").read_bytes(),
        content_type=ADX,
        HTTP_AUTHORIZATION=f"ApiToken {token(world.carla.user)}",
    )
    assert response.status_code == 200, response.content
    count = ElementTree.fromstring(response.content).find(f"{DXF}response/{DXF}importCount")
    assert count.get("imported") == "13"
    note = DataValue.objects.get(data_element__code="MAL03", attribute_option_combo__uid="CocOtherMec")
    assert note.comment == "Some qualifying text here on the datavalue"
