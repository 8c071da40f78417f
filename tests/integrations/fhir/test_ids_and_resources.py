"""FHIR ids of Measures and MeasureReports, and the units of scaled scores (pure, no database)."""

import pytest

from qicop.integrations.fhir import ids, resources


def test_a_measure_id_is_network_dot_indicator_and_reads_back():
    assert ids.measure_id("vln", "vl-coverage", 7) == "vln.vl-coverage"
    assert ids.parse_measure_id("vln.vl-coverage") == ids.MeasureKey(network="vln", indicator="vl-coverage")


@pytest.mark.parametrize(("slug", "code"), [("vln", "tx_curr"), ("n" * 40, "c" * 30)])
def test_a_measure_whose_names_are_no_fhir_id_is_named_by_the_indicators_number(slug, code):
    assert ids.measure_id(slug, code, 12) == "12"
    assert ids.parse_measure_id("12") == ids.MeasureKey(number=12)


def test_a_report_id_adds_org_unit_and_period_and_reads_back():
    text = ids.report_id("vln.vl-coverage", "NakuruCnty1", "2024AprilS1", 7)
    assert text == "vln.vl-coverage.NakuruCnty1.2024AprilS1"
    assert ids.parse_report_id(text) == ids.ReportKey(
        ids.MeasureKey(network="vln", indicator="vl-coverage"), "NakuruCnty1", "2024AprilS1"
    )


def test_a_report_id_past_64_characters_falls_back_on_the_indicators_number():
    measure = "a-network-with-a-long-name.an-indicator-with-a-long-code"
    text = ids.report_id(measure, "NakuruCnty1", "202401", 7)
    assert text == "7.NakuruCnty1.202401"
    assert ids.parse_report_id(text) == ids.ReportKey(ids.MeasureKey(number=7), "NakuruCnty1", "202401")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "vln",
        "vln.",
        ".vln",
        "a.b.c",
        "vln.x.NakuruCnty1",
        "a b.c.d.e",
        "x" * 65,
        "vln.x.Nak/1.202401",
        "1.2",
    ],
)
def test_texts_that_cannot_be_report_ids_name_no_report(text):
    assert ids.parse_report_id(text) is None


@pytest.mark.parametrize("text", ["", "vln", "vln.a.b", "vln..a", "vln_x.a", "-1", "x" * 65])
def test_texts_that_cannot_be_measure_ids_name_no_measure(text):
    assert ids.parse_measure_id(text) is None


@pytest.mark.parametrize(
    ("factor", "unit"),
    [
        (100, {"unit": "%", "system": "http://unitsofmeasure.org", "code": "%"}),
        (1000, {"unit": "per 1000", "system": "http://unitsofmeasure.org", "code": "/10*3"}),
        (100000, {"unit": "per 100000", "system": "http://unitsofmeasure.org", "code": "/10*5"}),
        (12, {"unit": "per 12"}),
        (1, None),
    ],
)
def test_scaled_scores_carry_their_ucum_unit(factor, unit):
    assert resources.score_unit(factor) == unit


def test_a_computable_name_is_an_identifier():
    assert resources.computable_name("vl-coverage") == "VlCoverage"
    assert resources.computable_name("95-95-95") == "M959595"
