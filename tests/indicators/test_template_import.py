"""The spreadsheet template for countries without DHIS2: CSV and Excel, values or numerator + denominator."""

import io

import openpyxl

from qicop.indicators.models import DataValue, IndicatorMapping, NetworkIndicator
from qicop.indicators.services import import_file

HEADER = (
    "org_unit,period,indicator_or_data_element,value,numerator,denominator,category_option_combo,comment\n"
)


def run(data, content: bytes, filename="template.csv", persona="dan"):
    return import_file(
        actor=getattr(data.world, persona).user, fileobj=io.BytesIO(content), filename=filename
    )


def test_a_csv_template_stores_values_by_code(data):
    summary = run(
        data, (HEADER + "KE_NAK_H,202401,VL_TESTED,120,,,,\nKE_NAI_HC,202401,VL_TESTED,30,,,,\n").encode()
    )
    assert summary["importCount"]["imported"] == 2
    assert DataValue.objects.get(org_unit=data.nakuru_hospital).value == "120"


def test_numerator_and_denominator_go_to_the_indicators_data_elements(data):
    indicator = NetworkIndicator.objects.create(network=data.world.network, code="third-95", name="Third 95")
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=data.world.kenya,
        numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}",
    )
    summary = run(data, (HEADER + "KE_NAK_H,202401,third-95,,98,120,,\n").encode())
    assert summary["importCount"]["imported"] == 2
    stored = dict(DataValue.objects.values_list("data_element__code", "value"))
    assert stored == {"VL_SUPPRESSED": "98", "VL_TESTED": "120"}


def test_an_excel_template_is_read_with_numbers_as_numbers(data):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["KE_NAK_H", "202402", "VL_TESTED", 125.0, None, None, None, "checked"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    summary = run(data, buffer.getvalue(), filename="kenya.xlsx")
    assert summary["importCount"]["imported"] == 1
    value = DataValue.objects.get()
    assert (value.value, value.comment) == ("125", "checked")


def test_an_indicator_that_is_not_one_element_over_another_is_explained(data):
    indicator = NetworkIndicator.objects.create(network=data.world.network, code="combo", name="Combined")
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=data.world.kenya,
        numerator="#{VlSupp0001a} + #{VlTested01a}",
        denominator="1",
    )
    summary = run(data, (HEADER + "KE_NAK_H,202401,combo,,3,4,,\n").encode())
    assert summary["status"] == "ERROR"
    assert "not one data element over another" in summary["description"]
    assert not DataValue.objects.exists()


def test_the_template_download_lists_the_countrys_facilities(data):
    response = data.world.client_for("dan").get("/n/vln/data/template.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    org_units = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert {"KE_NAK_H", "KE_NAI_HC"} <= org_units
    assert "HT_JACMEL" not in org_units
