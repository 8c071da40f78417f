"""ADX files name things by code: the upload page and ``qicop import`` read them so unless told otherwise,
while the other formats keep UIDs."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from data_world import DataWorld
from qicop.indicators.models import DataImport, DataValue

ADX_WITH_CODES = b"""<?xml version="1.0" encoding="UTF-8"?>
<adx xmlns="urn:ihe:qrph:adx:2015" exported="2024-02-01T10:00:00Z">
  <group dataSet="HIV_MONTHLY" orgUnit="KE_NAK_H" period="2024-01-01/P1M">
    <dataValue dataElement="TX_CURR" SEX="F" value="60"/>
    <dataValue dataElement="QI_COMMITTEE" value="0"><annotation>true</annotation></dataValue>
  </group>
</adx>
"""


@pytest.fixture
def data(world):
    return DataWorld(world)


def stored():
    return sorted(
        DataValue.objects.values_list(
            "data_element__code", "org_unit__code", "category_option_combo__code", "value"
        )
    )


def test_the_upload_form_reads_an_adx_file_by_code_when_no_scheme_is_chosen(data):
    client = data.world.client_for("dan")
    page = client.get("/n/vln/data/import/").content.decode()
    assert "codes for ADX" in page
    response = client.post(
        "/n/vln/data/import/",
        {"file": SimpleUploadedFile("january.adx.xml", ADX_WITH_CODES), "strategy": "CREATE_AND_UPDATE"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    summary = DataImport.objects.get().summary
    assert summary["status"] == "SUCCESS", summary
    assert stored() == [("QI_COMMITTEE", "KE_NAK_H", "default", "true"), ("TX_CURR", "KE_NAK_H", "F", "60")]


def test_the_import_command_reads_an_adx_file_by_code_unless_told_otherwise(data, tmp_path):
    path = tmp_path / "january.adx.xml"
    path.write_bytes(ADX_WITH_CODES)
    out = io.StringIO()
    call_command("import", str(path), "--user", "dan@example.org", stdout=out, stderr=io.StringIO())
    assert stored() == [("QI_COMMITTEE", "KE_NAK_H", "default", "true"), ("TX_CURR", "KE_NAK_H", "F", "60")]
    DataValue.objects.all().delete()
    with pytest.raises(CommandError, match="import failed"):
        call_command(
            "import",
            str(path),
            "--user",
            "dan@example.org",
            "--id-scheme",
            "UID",
            stdout=out,
            stderr=io.StringIO(),
        )
    assert not DataValue.objects.exists()
    assert "E7610" in out.getvalue()  # TX_CURR is no UID
