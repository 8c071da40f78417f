"""The rest of /api/dataValueSets as DHIS2 has it: incremental syncs by lastUpdated, limit, compressed
exports and imports, XML summaries, atomicMode=OBJECT, and unknown keys reported instead of ignored."""

import gzip
import io
import json
import zipfile
from datetime import timedelta

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.utils import timezone

from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataImport, DataValue
from qicop.integrations.dhis2.rows import DataValueRow

DXF = "{http://dhis2.org/schema/dxf/2.0}"


@pytest.fixture
def data(world):
    return DataWorld(world)


def client_for(member):
    secret = create_api_token(user=member.user, name=f"script {member.user.api_tokens.count()}")[1]
    return Client(HTTP_AUTHORIZATION=f"ApiToken {secret}")


def values_json(*rows, **extra):
    return json.dumps(
        {
            "dataValues": [
                {"dataElement": de, "period": pe, "orgUnit": ou, "value": v, **extra}
                for de, pe, ou, v in rows
            ]
        }
    ).encode()


def store(data, *rows):
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[DataValueRow(de, pe, ou, value=v, index=i) for i, (de, pe, ou, v) in enumerate(rows)],
    )


def exported(response) -> list[str]:
    return sorted(v["value"] for v in json.loads(b"".join(response.streaming_content))["dataValues"])


# ------------------------------------------------------------------ incremental sync


def test_last_updated_alone_selects_the_values_changed_since_with_no_period(data):
    store(data, ("VlTested01a", "202401", "NakuruHosp1", "1"))
    DataValue.objects.update(last_updated=timezone.now() - timedelta(days=30))
    store(data, ("VlTested01a", "202402", "NakuruHosp1", "2"))
    client = client_for(data.world.carla)
    since = (timezone.now() - timedelta(days=1)).date().isoformat()
    query = {"dataElement": "VlTested01a", "orgUnit": "KenyaRoot01", "children": "true"}
    assert exported(client.get("/api/dataValueSets", {**query, "lastUpdated": since})) == ["2"]
    moment = (timezone.now() - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%S")
    assert exported(client.get("/api/dataValueSets", {**query, "lastUpdated": moment})) == ["1", "2"]


@pytest.mark.parametrize(("duration", "expected"), [("2d", ["2"]), ("45d", ["1", "2"]), ("36h", ["2"])])
def test_last_updated_duration_takes_dhis2s_syntax(data, duration, expected):
    store(data, ("VlTested01a", "202401", "NakuruHosp1", "1"))
    DataValue.objects.update(last_updated=timezone.now() - timedelta(days=30))
    store(data, ("VlTested01a", "202402", "NakuruHosp1", "2"))
    data.data_set.data_elements.add(data.vl_tested)
    response = client_for(data.world.carla).get(
        "/api/dataValueSets",
        {"dataSet": "MonthlyHiv1", "orgUnit": "NakuruHosp1", "lastUpdatedDuration": duration},
    )
    assert exported(response) == expected


@pytest.mark.parametrize(
    ("parameter", "value", "says"),
    [
        ("lastUpdatedDuration", "10 days", "Duration is not valid"),
        ("lastUpdatedDuration", "10w", "Duration is not valid"),
        ("lastUpdated", "last week", "lastUpdated must be a date"),
        ("limit", "ten", "limit must be a whole number"),
        ("compression", "rar", "compression must be gzip or zip"),
    ],
)
def test_a_bad_sync_parameter_is_a_400_that_names_it(data, parameter, value, says):
    response = client_for(data.world.carla).get(
        "/api/dataValueSets", {"dataElement": "VlTested01a", "orgUnit": "KenyaRoot01", parameter: value}
    )
    assert response.status_code == 400
    assert says in response.json()["message"]


def test_limit_caps_the_number_of_values(data):
    store(data, *[("VlTested01a", f"20240{m}", "NakuruHosp1", str(m)) for m in range(1, 6)])
    response = client_for(data.world.carla).get(
        "/api/dataValueSets",
        {
            "dataElement": "VlTested01a",
            "startDate": "2024-01-01",
            "endDate": "2024-12-31",
            "orgUnit": "NakuruHosp1",
            "limit": "2",
        },
    )
    assert exported(response) == ["1", "2"]


# ------------------------------------------------------------------ compressed exports


def test_a_gzip_export_is_an_attachment_named_as_dhis2_names_it(data):
    store(data, ("VlTested01a", "202401", "NakuruHosp1", "7"))
    response = client_for(data.world.carla).get(
        "/api/dataValueSets",
        {"dataElement": "VlTested01a", "period": "202401", "orgUnit": "NakuruHosp1", "compression": "gzip"},
    )
    assert response["Content-Type"] == "application/gzip"
    assert response["Content-Disposition"] == 'attachment; filename="dataValues.json.gz"'
    body = json.loads(gzip.decompress(b"".join(response.streaming_content)))
    assert [v["value"] for v in body["dataValues"]] == ["7"]


def test_a_zip_export_holds_one_file_in_the_format_asked_for(data):
    store(data, ("VlTested01a", "202401", "NakuruHosp1", "7"))
    response = client_for(data.world.carla).get(
        "/api/dataValueSets.csv",
        {
            "dataElement": "VlTested01a",
            "startDate": "2024-01-01",
            "endDate": "2024-01-31",
            "orgUnit": "NakuruHosp1",
            "compression": "zip",
        },
    )
    assert response["Content-Type"] == "application/zip"
    disposition = 'attachment; filename="dataValues_2024-01-01_2024-01-31.csv.zip"'
    assert response["Content-Disposition"] == disposition
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert archive.namelist() == ["dataValues_2024-01-01_2024-01-31.csv"]
        assert ",7," in archive.read(archive.namelist()[0]).decode().splitlines()[1]


def test_the_compressed_suffix_asks_for_compression_too(data):
    store(data, ("VlTested01a", "202401", "NakuruHosp1", "7"))
    response = client_for(data.world.carla).get(
        "/api/dataValueSets.xml.gz",
        {"dataElement": "VlTested01a", "period": "202401", "orgUnit": "NakuruHosp1"},
    )
    root = ElementTree.fromstring(gzip.decompress(b"".join(response.streaming_content)))
    assert root.find(f"{DXF}dataValue").get("value") == "7"


# ------------------------------------------------------------------ compressed imports


def post(client, body, content_type="application/json", query="", **headers):
    return client.post(f"/api/dataValueSets{query}", body, content_type=content_type, **headers)


def zipped(*files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files:
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_gzip_body_is_imported_whether_declared_or_recognised(data):
    client = client_for(data.world.dan)
    body = gzip.compress(values_json(("VlTested01a", "202401", "NakuruHosp1", "5")))
    assert post(client, body, HTTP_CONTENT_ENCODING="gzip").status_code == 200
    body = gzip.compress(values_json(("VlTested01a", "202402", "NakuruHosp1", "6")))
    assert post(client, body).status_code == 200
    assert sorted(DataValue.objects.values_list("value", flat=True)) == ["5", "6"]


def test_a_zip_with_one_file_is_imported_by_the_files_format(data):
    csv = "dataelement,period,orgunit,catoptcombo,attroptcombo,value\nVlTested01a,202401,NakuruHosp1,,,8\n"
    response = post(client_for(data.world.dan), zipped(("values.csv", csv)), "application/zip")
    assert response.status_code == 200
    assert DataValue.objects.get().value == "8"


def test_an_asynchronous_gzip_import_keeps_the_expanded_file(data):
    body = gzip.compress(values_json(("VlTested01a", "202401", "NakuruHosp1", "5")))
    client = client_for(data.world.dan)
    uid = post(client, body, query="?async=true").json()["response"]["id"]
    assert (
        client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{uid}").json()["importCount"]["imported"] == 1
    )


def test_a_zip_with_two_files_is_refused_and_nothing_is_stored(data):
    body = zipped(("a.json", values_json(("VlTested01a", "202401", "NakuruHosp1", "1"))), ("b.json", "{}"))
    response = post(client_for(data.world.dan), body, "application/zip")
    assert response.status_code == 400
    assert "exactly one file; this one holds 2 (a.json, b.json)" in response.json()["message"]
    assert not DataValue.objects.exists()


def test_a_truncated_gzip_is_refused_and_nothing_is_stored(data):
    body = gzip.compress(values_json(*[("VlTested01a", "202401", "NakuruHosp1", "1")] * 50))
    response = post(client_for(data.world.dan), body[: len(body) // 2], query="?async=true")
    assert response.status_code == 400
    assert "gzip stream is damaged or cut short" in response.json()["message"]
    assert not DataValue.objects.exists() and not DataImport.objects.exists()


def test_a_small_body_that_expands_past_the_import_limit_is_refused(data, settings):
    settings.QICOP_IMPORT_MAX_BYTES = 10_000
    bomb = gzip.compress(b" " * 1_000_000)  # about a kilobyte that expands a thousandfold
    assert len(bomb) < settings.QICOP_IMPORT_MAX_BYTES
    response = post(client_for(data.world.dan), bomb)
    assert response.status_code == 413
    assert "expands to more than" in response.json()["message"]


def test_an_office_workbook_is_not_taken_for_a_zip_archive():
    from qicop.integrations.compressed import compression_of

    workbook = io.BytesIO(zipped(("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<workbook/>")))
    assert compression_of(workbook) is None
    assert workbook.tell() == 0


# ------------------------------------------------------------------ summaries, atomicMode, unknown keys


def test_the_summary_is_xml_when_the_client_asks_for_xml(data):
    response = post(
        client_for(data.world.dan),
        values_json(("VlTested01a", "202401", "NakuruHosp1", "x")),
        HTTP_ACCEPT="application/xml",
    )
    assert response.status_code == 409
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{DXF}webMessage"
    assert root.get("status") == "ERROR"
    conflict = root.find(f"{DXF}response/{DXF}conflicts/{DXF}conflict")
    assert conflict.get("errorCode") == "E7619"


def test_atomic_mode_object_stores_each_valid_value_and_says_so(data):
    response = post(
        client_for(data.world.dan),
        values_json(
            ("VlTested01a", "202401", "NakuruHosp1", "4"), ("VlTested01a", "202402", "NakuruHosp1", "x")
        ),
        query="?atomicMode=OBJECT",
    )
    summary = response.json()["response"]
    assert summary["status"] == "WARNING"
    assert summary["importCount"]["imported"] == 1
    assert summary["importOptions"]["atomicMode"] == "OBJECT"
    assert "each value was stored or refused on its own" in summary["description"]
    assert DataValue.objects.get().value == "4"


def test_atomic_mode_all_stores_nothing_when_one_value_is_refused(data):
    response = post(
        client_for(data.world.dan),
        values_json(
            ("VlTested01a", "202401", "NakuruHosp1", "4"), ("VlTested01a", "202402", "NakuruHosp1", "x")
        ),
        query="?atomicMode=ALL",
    )
    assert response.json()["response"]["status"] == "ERROR"
    assert not DataValue.objects.exists()


def test_an_unknown_atomic_mode_is_refused(data):
    response = post(client_for(data.world.dan), values_json(), query="?atomicMode=SOME")
    assert response.status_code == 400
    assert "atomicMode must be ALL, OBJECT or NONE" in response.json()["message"]


def test_an_unknown_key_in_a_value_is_a_warning_naming_it_and_the_value_is_stored(data):
    response = post(
        client_for(data.world.dan),
        values_json(("VlTested01a", "202401", "NakuruHosp1", "4"), categoryOptionCombos="CocFemale01"),
    )
    summary = response.json()["response"]
    assert summary["status"] == "WARNING"
    assert summary["importCount"]["imported"] == 1
    assert summary["rejectedIndexes"] == []
    assert summary["conflicts"] == [
        {
            "object": "categoryOptionCombos",
            "value": "Unknown key `categoryOptionCombos` in a data value: ignored",
            "property": "categoryOptionCombos",
            "indexes": [0],
        }
    ]
    assert DataValue.objects.get().value == "4"


def test_a_body_of_another_content_type_is_refused_with_415(data):
    response = post(client_for(data.world.dan), b"\x89PNG\r\n", "image/png")
    assert response.status_code == 415
    assert "image/png is not a data value set" in response.json()["message"]
    assert response.json()["httpStatus"] == "Unsupported Media Type"
    assert not DataValue.objects.exists()


def test_a_body_sent_as_a_form_as_curl_sends_it_is_read_by_its_content(data):
    response = post(
        client_for(data.world.dan),
        values_json(("VlTested01a", "202401", "NakuruHosp1", "4")),
        "application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert DataValue.objects.get().value == "4"
