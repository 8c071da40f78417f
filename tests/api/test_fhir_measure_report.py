"""FHIR MeasureReport search: ``GET /api/fhir/MeasureReport`` answers a searchset Bundle of summary reports,
one per network indicator × org unit (its subtree) × period."""

import io
import json
from decimal import Decimal

import pytest
from django.conf import settings

import fhir_validation
from data_world import DataWorld
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import IndicatorMapping, NetworkIndicator, Period
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.integrations.fhir import measure_report

SEARCH = "/api/fhir/MeasureReport"


@pytest.fixture
def data(world):
    data = DataWorld(world)
    indicator = NetworkIndicator.objects.create(
        network=world.network,
        code="vl-coverage",
        name="VL coverage",
        factor=100,
        numerator_label="Viral load tests",
        denominator_label="People on ART",
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


def search(client, query, status=200):
    response = client.get(f"{SEARCH}?{query}")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/fhir+json"
    return response


def bundle_of(client, query):
    response = search(client, query)
    fhir_validation.assert_valid(response.content)
    return json.loads(response.content, parse_float=Decimal)


def only_report(bundle):
    [entry] = [e for e in bundle["entry"] if e["search"]["mode"] == "match"]
    return entry["resource"]


def counts(group):
    return {p["code"]["coding"][0]["code"]: p.get("count") for p in group["population"]}


def test_a_report_sums_the_subtree_and_the_period(data):
    bundle = bundle_of(
        data.world.client_for("kim"), "network=vln&indicator=vl-coverage&orgUnit=NakuruCnty1&period=202401"
    )
    assert bundle["type"] == "searchset" and bundle["total"] == 1
    report = only_report(bundle)
    assert report["resourceType"] == "MeasureReport" and report["type"] == "summary"
    group = report["group"][0]
    assert counts(group) == {"numerator": 110, "denominator": 150}
    assert group["measureScore"]["value"] == Decimal("73.3333")


def test_scores_are_json_numbers_with_their_unit(data):
    response = search(
        data.world.client_for("carla"), "network=vln&indicator=vl-coverage&orgUnit=NakuruCnty1&period=202401"
    )
    assert b'"measureScore":{"value":73.3333,"unit":"%","system":"http://unitsofmeasure.org","code":"%"}' in (
        response.content
    )


def test_every_match_has_an_absolute_full_url_that_reads_it_back_and_the_bundle_a_self_link(data):
    client = data.world.client_for("carla")
    query = "network=vln&indicator=vl-coverage&orgUnit=NakuruCnty1&orgUnit=NaivashaHC1&period=202401"
    bundle = bundle_of(client, query)
    assert bundle["link"] == [{"relation": "self", "url": f"{settings.BASE_URL}{SEARCH}?{query}"}]
    assert bundle["total"] == 2
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"{settings.BASE_URL}/api/fhir/MeasureReport/{entry['resource']['id']}"
        read = client.get(entry["fullUrl"].removeprefix(settings.BASE_URL))
        read_report = json.loads(read.content, parse_float=Decimal)
        assert {**read_report, "date": None} == {**entry["resource"], "date": None}


def test_the_org_unit_is_the_subject_as_a_location_and_the_ministry_the_reporter(data):
    report = only_report(
        bundle_of(
            data.world.client_for("kim"),
            "network=vln&indicator=vl-coverage&orgUnit=NakuruCnty1&period=202401",
        )
    )
    contained = {resource["id"]: resource for resource in report["contained"]}
    assert report["subject"] == {"reference": "#subject", "display": "Nakuru County"}
    assert contained["subject"]["resourceType"] == "Location"
    assert contained["subject"]["identifier"][0]["value"] == "NakuruCnty1"
    assert report["reporter"] == {"reference": "#reporter", "display": "Ministry of Health Kenya"}
    assert contained["reporter"]["resourceType"] == "Organization"


def test_the_measure_canonical_resolves_to_the_measure(data):
    client = data.world.client_for("kim")
    report = only_report(
        bundle_of(client, "network=vln&indicator=vl-coverage&orgUnit=NakuruCnty1&period=202401")
    )
    assert report["measure"] == f"{settings.BASE_URL}/api/fhir/Measure/vln.vl-coverage"
    measure = client.get(report["measure"].removeprefix(settings.BASE_URL))
    assert measure.status_code == 200
    assert measure.json()["url"] == report["measure"]


def test_the_measure_may_be_named_by_its_canonical_url_or_id_and_the_subject_as_a_location(data):
    client = data.world.client_for("kim")
    by_network = bundle_of(client, "network=vln&indicator=vl-coverage&orgUnit=NakuruCnty1&period=202401")
    for measure in (f"{settings.BASE_URL}/api/fhir/Measure/vln.vl-coverage", "Measure/vln.vl-coverage"):
        bundle = bundle_of(client, f"measure={measure}&subject=Location/NakuruCnty1&period=2024-01")
        assert only_report(bundle)["id"] == only_report(by_network)["id"]


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
    report = only_report(
        bundle_of(client, "network=vln&indicator=on-art-per-test&orgUnit=NakuruHosp1&period=202401")
    )
    strata = report["group"][0]["stratifier"][0]["stratum"]
    assert {s["value"]["coding"][0]["code"]: s["population"][0]["count"] for s in strata} == {
        "CocFemale01": 60,
        "CocMale0001": 40,
    }
    assert "unit" not in report["group"][0]["measureScore"]  # a factor of 1 is a plain ratio
    plain = only_report(
        bundle_of(client, "network=vln&indicator=vl-coverage&orgUnit=NakuruHosp1&period=202401")
    )
    assert "stratifier" not in plain["group"][0]  # its numerator is not disaggregated


def test_the_report_reads_back_with_our_fhir_reader(data):
    bundle = bundle_of(
        data.world.client_for("carla"), "network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01&period=2024Q1"
    )
    parsed = measure_report.read_json(io.BytesIO(json.dumps(bundle, default=str).encode()))
    assert parsed[0].groups[0].population("numerator") == 200
    assert parsed[0].period_start == "2024-01-01"


def test_unpublished_data_of_another_country_is_not_counted(data):
    report = only_report(
        bundle_of(
            data.world.client_for("henri"),
            "network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01&period=202401",
        )
    )
    assert counts(report["group"][0]) == {"numerator": None, "denominator": None}
    assert "measureScore" not in report["group"][0]


def test_names_that_match_nothing_are_warnings_in_an_outcome_entry(data):
    bundle = bundle_of(
        data.world.client_for("kim"),
        "network=vln&indicator=vl-coverage&indicator=nope&orgUnit=NakuruCnty1&orgUnit=Nowhere&period=202401",
    )
    assert bundle["total"] == 1
    [outcome] = [e["resource"] for e in bundle["entry"] if e["search"]["mode"] == "outcome"]
    texts = [issue["diagnostics"] for issue in outcome["issue"]]
    assert [issue["severity"] for issue in outcome["issue"]] == ["warning", "warning"]
    assert any("nope" in text for text in texts) and any("Nowhere" in text for text in texts)


def test_org_units_outside_the_networks_countries_match_nothing(data, world):
    from qicop.network.models import Country, Network

    elsewhere = Network.objects.create(slug="solo", name="Solo")
    elsewhere.countries.set([Country.objects.get(iso2="TH")])
    indicator = NetworkIndicator.objects.create(network=elsewhere, code="vl-coverage", name="VL")
    assert indicator.network.slug == "solo"
    bundle = bundle_of(
        world.client_for("carla"), "network=solo&indicator=vl-coverage&orgUnit=NakuruCnty1&period=202401"
    )
    assert bundle["total"] == 0


def test_missing_parameters_bad_periods_and_huge_searches_are_explained_as_operation_outcomes(data):
    client = data.world.client_for("carla")
    for query, code, words in (
        ("network=vln", "required", "measure"),
        ("network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01", "required", "period"),
        ("network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01&period=2024Q9", "invalid", "2024Q9"),
        ("network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01&period=ge2024-01-01", "invalid", "ge2024"),
        (
            "network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01&"
            + "&".join(f"period=2023{m:02d}" for m in range(1, 13))
            + "&orgUnit=NakuruCnty1&orgUnit=NakuruHosp1&orgUnit=NaivashaHC1&orgUnit=HT"
            + "".join(f"&period=2022{m:02d}" for m in range(1, 13)),
            "too-costly",
            "at most",
        ),
        (
            "network=vln&indicator=vl-coverage&period=202401&" + "&".join(["orgUnit=x"] * 60),
            "too-costly",
            "50",
        ),
    ):
        response = search(client, query, status=400)
        fhir_validation.assert_valid(response.content)
        issue = response.json()["issue"][0]
        assert (issue["severity"], issue["code"]) == ("error", code), query
        assert words in issue["diagnostics"], (query, issue)


def test_a_search_reads_and_stores_nothing_new(data):
    before = Period.objects.count()
    bundle_of(data.world.client_for("carla"), "network=vln&indicator=vl-coverage&orgUnit=KE&period=2019W7")
    assert Period.objects.count() == before


def test_a_search_costs_a_bounded_number_of_queries(data, django_assert_max_num_queries):
    client = data.world.client_for("carla")
    client.get(f"{SEARCH}?network=vln&indicator=vl-coverage&orgUnit=KE&period=202401")  # session warm-up
    query = "network=vln&indicator=vl-coverage&" + "&".join(
        [f"orgUnit={u}" for u in ("KE", "NakuruCnty1", "NakuruHosp1")]
        + [f"period=2024{m:02d}" for m in (1, 2, 3)]
    )
    # 3 org units × 3 queries (the periods of an org unit are read at once), and 9 for the whole search
    with django_assert_max_num_queries(18):
        response = client.get(f"{SEARCH}?{query}")
    assert response.json()["total"] == 9


def test_a_stock_counts_its_latest_month_in_a_quarter_as_on_the_dashboard(data):
    """People on ART are a stock (aggregation LAST): a quarter holds March's count, not Jan + Feb + Mar."""
    from qicop.dashboards.indicator_series import indicator_series
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
    report = only_report(
        bundle_of(
            data.world.client_for("carla"),
            "network=vln&indicator=vl-coverage&orgUnit=KenyaRoot01&period=2024Q1",
        )
    )
    assert counts(report["group"][0]) == {
        "numerator": 200,
        "denominator": 170,
    }  # tests add up; March's on ART
    series = indicator_series(
        user=data.world.carla.user,
        indicator=NetworkIndicator.objects.get(code="vl-coverage"),
        org_unit=OrgUnit.objects.get(uid="KenyaRoot01"),
        periods=[parse_period("2024Q1")],
    )
    assert (series.numerator[0], series.denominator[0]) == (200, 170)
