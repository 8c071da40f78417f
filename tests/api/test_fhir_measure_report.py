"""FHIR MeasureReport export of network indicators."""

import json
from decimal import Decimal

import pytest

from data_world import DataWorld
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping, NetworkIndicator
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.integrations.fhir import measure_report


@pytest.fixture
def data(world):
    data = DataWorld(world)
    indicator = NetworkIndicator.objects.create(
        network=world.network, code="vl-coverage", name="VL coverage", factor=100
    )
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=world.kenya,
        numerator="#{VlTested01a}",
        denominator="#{TxCurr0001a}",
    )
    import_data_values(
        actor=world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80"),
            DataValueRow("VlTested01a", "202402", "NakuruHosp1", value="90", index=1),
            DataValueRow("VlTested01a", "202401", "NaivashaHC1", value="30", index=2),
            DataValueRow(
                "TxCurr0001a",
                "202401",
                "NakuruHosp1",
                category_option_combo="CocFemale01",
                value="60",
                index=3,
            ),
            DataValueRow(
                "TxCurr0001a",
                "202401",
                "NakuruHosp1",
                category_option_combo="CocMale0001",
                value="40",
                index=4,
            ),
            DataValueRow(
                "TxCurr0001a",
                "202401",
                "NaivashaHC1",
                category_option_combo="CocFemale01",
                value="50",
                index=5,
            ),
        ],
    )
    return data


def reports(client, query):
    response = client.get(f"/api/fhir/MeasureReport?network=vln&{query}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/fhir+json"
    return response.json()


def test_a_report_sums_the_subtree_and_the_period(data):
    bundle = reports(data.world.client_for("kim"), "indicator=vl-coverage&orgUnit=NakuruCnty1&period=202401")
    assert bundle["resourceType"] == "Bundle" and bundle["total"] == 1
    report = bundle["entry"][0]["resource"]
    assert report["resourceType"] == "MeasureReport" and report["type"] == "summary"
    group = report["group"][0]
    counts = {p["code"]["coding"][0]["code"]: p["count"] for p in group["population"]}
    assert counts == {"numerator": 110, "denominator": 150}
    assert Decimal(str(group["measureScore"]["value"])) == Decimal("73.3333")


def test_strata_follow_the_numerators_disaggregation(data):
    indicator = NetworkIndicator.objects.create(
        network=data.world.network, code="on-art-per-test", name="x", factor=1
    )
    IndicatorMapping.objects.create(
        network_indicator=indicator,
        country=data.world.kenya,
        numerator="#{TxCurr0001a}",
        denominator="#{VlTested01a}",
    )
    client = data.world.client_for("carla")
    report = reports(client, "indicator=on-art-per-test&orgUnit=NakuruHosp1&period=202401")
    strata = report["entry"][0]["resource"]["group"][0]["stratifier"][0]["stratum"]
    counts = {s["value"]["coding"][0]["code"]: s["population"][0]["count"] for s in strata}
    assert counts == {"CocFemale01": 60, "CocMale0001": 40}
    plain = reports(client, "indicator=vl-coverage&orgUnit=NakuruHosp1&period=202401")
    assert "stratifier" not in plain["entry"][0]["resource"]["group"][0]  # its numerator is not disaggregated


def test_the_report_reads_back_with_our_fhir_reader(data):
    import io

    bundle = reports(
        data.world.client_for("carla"), "indicator=vl-coverage&orgUnit=KenyaRoot01&period=2024Q1"
    )
    parsed = measure_report.read_json(io.BytesIO(json.dumps(bundle).encode()))
    assert parsed[0].groups[0].population("numerator") == 200
    assert parsed[0].period_start == "2024-01-01"


def test_unpublished_data_of_another_country_is_not_counted(data):
    bundle = reports(
        data.world.client_for("henri"), "indicator=vl-coverage&orgUnit=KenyaRoot01&period=202401"
    )
    group = bundle["entry"][0]["resource"]["group"][0]
    assert all(p.get("count") is None for p in group["population"])


def test_missing_parameters_and_bad_periods_are_explained(data):
    client = data.world.client_for("carla")
    assert client.get("/api/fhir/MeasureReport?network=vln").status_code == 400
    bad = client.get(
        "/api/fhir/MeasureReport?network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01&period=2024Q9"
    )
    assert bad.status_code == 400 and "2024Q9" in bad.json()["message"]


def test_a_stock_counts_its_latest_month_in_a_quarter_as_on_the_dashboard(data):
    """People on ART are a stock (aggregation LAST): a quarter holds March's count, not Jan + Feb + Mar."""
    from qicop.dashboards.series import indicator_series
    from qicop.indicators.models import DataElement, OrgUnit
    from qicop.integrations.dhis2.periods import parse_period

    DataElement.objects.filter(uid="TxCurr0001a").update(aggregation_type="LAST")
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow(
                "TxCurr0001a", "202403", "NakuruHosp1", category_option_combo="CocFemale01", value="70"
            ),
            DataValueRow(
                "TxCurr0001a",
                "202403",
                "NakuruHosp1",
                category_option_combo="CocMale0001",
                value="45",
                index=1,
            ),
            DataValueRow(
                "TxCurr0001a",
                "202403",
                "NaivashaHC1",
                category_option_combo="CocFemale01",
                value="55",
                index=2,
            ),
        ],
    )
    bundle = reports(
        data.world.client_for("carla"), "indicator=vl-coverage&orgUnit=KenyaRoot01&period=2024Q1"
    )
    group = bundle["entry"][0]["resource"]["group"][0]
    counts = {p["code"]["coding"][0]["code"]: p["count"] for p in group["population"]}
    assert counts == {"numerator": 200, "denominator": 170}  # tests add up; March's people on ART
    series = indicator_series(
        user=data.world.carla.user,
        indicator=NetworkIndicator.objects.get(code="vl-coverage"),
        org_unit=OrgUnit.objects.get(uid="KenyaRoot01"),
        periods=[parse_period("2024Q1")],
    )
    assert (series.numerator[0], series.denominator[0]) == (200, 170)
