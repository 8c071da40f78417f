"""The import page refuses, as a form error and before keeping it, a file whose import could only fail on
its bytes: a spreadsheet that expands past the limits, a CSV that is not UTF-8."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hostile_files import xlsx_bomb
from qicop.indicators.models import DataImport, DataValue


def upload(client, content: bytes, name: str, **fields):
    data = {
        "file": SimpleUploadedFile(name, content),
        "strategy": "CREATE_AND_UPDATE",
        "id_scheme": "",
        **fields,
    }
    return client.post("/n/vln/data/import/", data)


def template(*rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["org_unit", "period", "indicator_or_data_element", "value"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_zip_bomb_workbook_is_refused_with_a_form_error_and_not_kept(data):
    response = upload(data.world.client_for("dan"), xlsx_bomb(), "values.xlsx")

    assert response.status_code == 400
    page = response.content.decode()
    assert "This file cannot be imported" in page
    assert "expands to more than 2,000 MB; at most 100 MB is read" in page
    assert not DataImport.objects.exists()


def test_a_workbook_whose_parts_compress_like_a_bomb_is_refused_by_its_ratio(data, settings):
    settings.QICOP_ARCHIVE_MAX_RATIO = 2
    workbook = template(*[("NAK_H", "202401", "VL_TESTED", i) for i in range(20_000)])

    response = upload(data.world.client_for("dan"), workbook, "values.xlsx")

    assert response.status_code == 400
    assert "at most 2 times is taken" in response.content.decode()


def test_a_workbook_within_the_limits_is_imported(data):
    response = upload(
        data.world.client_for("dan"), template(("KE_NAK_H", "202401", "VL_TESTED", 7)), "v.xlsx"
    )

    page = data.world.client_for("dan").get(response["Location"]).content.decode()
    assert "<h2>Imported</h2>" in page, page
    assert DataValue.objects.get().value == "7"


def test_a_csv_that_is_not_utf8_is_refused_with_a_form_error_naming_the_line_and_byte(data):
    content = b"dataelement,period,orgunit,value\n" + "Nakuru,202401,Naïvasha,1\n".encode("latin-1")

    response = upload(data.world.client_for("dan"), content, "values.csv")

    assert response.status_code == 400
    page = response.content.decode()
    assert "byte 0xef at byte offset 49" in page and "(line 2)" in page
    assert not DataImport.objects.exists()
