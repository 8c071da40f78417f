"""FHIR R4 MeasureReport reader, writer and row mapping: every real sample in shared/formats/fhir-measure."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from qicop.integrations.errors import FormatError
from qicop.integrations.fhir import measure_report as mr

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "fhir"


@pytest.fixture
def samples(shared_formats: Path) -> Path:
    return shared_formats / "fhir-measure"


def read(path: Path):
    with path.open("rb") as f:
        return mr.read_xml(f) if path.suffix == ".xml" else mr.read_json(f)


# ----------------------------------------------------------------------------------- real MeasureReports


def test_hiv_indicators_report_has_three_groups_with_scores_and_no_populations(samples):
    report = read(samples / "measurereport-hiv-indicators.json")
    assert (report.id, report.status, report.type) == ("hiv-indicators", "complete", "summary")
    assert report.measure == "http://ohie.org/Measure/hiv-indicators"
    assert (report.reporter, report.subject) == ("Organization/ZW01", None)
    assert (report.period_start, report.period_end) == ("2018-01-01", "2018-01-31")
    assert [g.code for g in report.groups] == [mr.Code("QRPH_ADX_ART1_N")] * 3  # codes without system
    assert [len(g.strata) for g in report.groups] == [6, 6, 4]
    assert all(g.populations == () and g.measure_score == Decimal("0") for g in report.groups)
    concatenated = report.groups[0].strata[0]
    assert (concatenated.stratifier, concatenated.value) == (
        (mr.Code("AGE_GROUP:SEX"),),
        mr.Code("P0Y--P1Y:F"),
    )
    components = report.groups[2].strata[0]
    assert components.stratifier == (mr.Code("AGE_GROUP"), mr.Code("SEX"))
    assert components.components == (
        (mr.Code("AGE_GROUP"), mr.Code("P0Y--P1Y")),
        (mr.Code("SEX"), mr.Code("F")),
    )


def test_hiv_indicators_xml_reads_to_exactly_the_json_data(samples):
    xml = read(samples / "measurereport-hiv-indicators.xml")
    assert xml == read(samples / "measurereport-hiv-indicators.json")
    assert len(xml.groups) == 3


def test_both_adx_on_fhir_strata_spellings_give_the_same_category_options(samples):
    rows = list(mr.to_rows(read(samples / "measurereport-hiv-indicators.json")))
    assert len(rows) == 3 + 6 + 6 + 4
    assert {(r.data_element, r.period, r.org_unit, r.value) for r in rows} == {
        ("QRPH_ADX_ART1_N", "201801", "ZW01", "0")
    }
    assert rows[1].category_options == (("AGE_GROUP", "P0Y--P1Y"), ("SEX", "F"))  # from "P0Y--P1Y:F"
    assert rows[-4].category_options == (("AGE_GROUP", "P0Y--P1Y"), ("SEX", "F"))  # from components
    assert [r.index for r in rows] == list(range(19))


def test_cms146_summary_reads_populations_and_text_only_stratifiers(samples):
    report = read(samples / "measurereport-cms146-cat3-example.json")
    assert (report.type, report.measure, report.date) == ("summary", "Measure/CMS146", "2014-04-01")
    assert (report.reporter, report.reporter_display) == ("#reporter", "Good Health Hospital")  # contained
    (group,) = report.groups
    assert (group.code, group.id) == (None, "CMS146-group-1")
    assert group.populations == (
        mr.Population("initial-population", 500),
        mr.Population("numerator", 200),
        mr.Population("denominator", 500),
        mr.Population("denominator-exclusion", 100),
    )
    assert len(group.strata) == 8
    assert [s.stratifier[0].text for s in group.strata[:2]] == ["stratifier-ages-up-to-9"] * 2
    assert (group.strata[0].value, group.strata[0].populations[1]) == (
        mr.Code(text="true"),
        mr.Population("numerator", 100),
    )
    assert [s.value.text for s in group.strata[4:]] == ["male", "female", "other", "unknown"]


def test_cms146_summary_xml_equals_its_json(samples):
    assert read(samples / "measurereport-cms146-cat3-example.xml") == read(
        samples / "measurereport-cms146-cat3-example.json"
    )


def test_cms146_summary_without_group_code_maps_to_no_data_element(samples):
    report = read(samples / "measurereport-cms146-cat3-example.json")
    with pytest.raises(FormatError, match=r"group\[0\] has no code"):
        list(mr.to_rows(report, org_unit="fac00000001"))


def test_individual_and_subject_list_reports_are_read_but_give_no_rows(samples):
    individual = read(samples / "measurereport-cms146-cat1-example.json")
    assert (individual.type, individual.subject) == ("individual", "Patient/123")
    assert individual.groups[0].population("numerator") == 1
    subject_list = read(samples / "measurereport-cms146-cat2-example.json")
    assert subject_list.type == "subject-list"
    assert subject_list.groups[0].populations[0] == mr.Population("initial-population", 500)
    with pytest.raises(FormatError, match="only summary MeasureReports"):
        next(mr.to_rows(individual, org_unit="x"))


def test_ihe_madx_report_resolves_contained_location_and_reads_component_strata(samples):
    report = read(samples / "measure-report-ihe.json")
    assert (report.status, report.type) == ("pending", "summary")
    assert (report.subject, report.subject_display) == ("#HealthPost1", "Good Health Post")
    (group,) = report.groups
    assert group.code == mr.Code("QRPH_mADX_ART1_N", "http://ohie.org/CodeSystem/measure-codes")
    assert group.populations == (mr.Population("initial-population", 426),)
    assert len(group.strata) == 29
    first = group.strata[0]
    assert [(c.code, v.code) for c, v in first.components] == [("ageGroup", "P0Y--P1Y"), ("gender", "male")]
    assert first.measure_score == Decimal("10")
    assert [s.stratifier_index for s in group.strata[-2:]] == [1, 1]


def test_ihe_madx_rows_use_the_initial_population_as_the_group_value(samples):
    report = read(samples / "measure-report-ihe.json")
    with pytest.raises(FormatError, match="pass org_unit"):
        next(mr.to_rows(report))  # "#HealthPost1" is a contained resource, not an org unit id
    rows = list(mr.to_rows(report, org_unit="HP1"))
    assert len(rows) == 30
    assert (rows[0].data_element, rows[0].period, rows[0].value, rows[0].category_options) == (
        "QRPH_mADX_ART1_N",
        "202501",
        "426",
        (),
    )
    assert rows[-1].category_options == (("TBdiagnosisResult", "TBexcluded"),)
    assert rows[-1].value == "398"


def test_r5_variant_of_the_ihe_report_reads_to_the_same_data(samples):
    assert read(samples / "measure-report-ihe-r5.json") == read(samples / "measure-report-ihe.json")


# ----------------------------------------------------------------------------- files that are not reports

NOT_REPORTS = [
    ("library-hiv-indicators.json", "the resource is a Library, not a MeasureReport"),
    ("measure-cms146-example.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-component-a-example.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-component-b-example.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-composite-example.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-exclusive-breastfeeding.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-hiv-indicators.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-hiv-indicators.xml", "the resource is a Measure, not a MeasureReport"),
    ("measure-ihe.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-ihe-r5.json", "the resource is a Measure, not a MeasureReport"),
    ("measure-predecessor-example.json", "the resource is a Measure, not a MeasureReport"),
    ("madx-hiv/measure-hiv-indicators.json", "the resource is a Measure, not a MeasureReport"),
]


@pytest.mark.parametrize(("name", "message"), NOT_REPORTS)
def test_measure_and_library_resources_are_refused_naming_what_they_are(samples, name, message):
    with pytest.raises(FormatError) as err:
        read(samples / name)
    assert err.value.message == message


def test_draft_xml_without_fhir_namespace_is_refused(samples):
    with pytest.raises(FormatError) as err:
        read(samples / "madx-hiv" / "measure-hiv-indicators.xml")
    assert (
        err.value.message
        == "<Measure> is not in the FHIR namespace http://hl7.org/fhir: not a FHIR XML document"
    )


def test_abridged_draft_with_literal_ellipsis_is_refused_with_position(samples):
    with pytest.raises(FormatError) as err:
        read(samples / "madx-hiv" / "measurereport-data-sample.xml")
    assert err.value.message == (
        "not well-formed XML: mismatched tag; line 34 is a literal '...': "
        "this is an abridged draft, not a FHIR document"
    )
    assert (err.value.line, err.value.column) == (6, 50)


# ---------------------------------------------------------------------------------- own fixtures and edges


def test_bundle_gives_its_measure_reports_and_skips_other_resources():
    reports = read(FIXTURES / "bundle-two-facilities.json")
    assert [r.id for r in reports] == ["vl-2024q1-fac1", "vl-2024q1-fac2"]
    first = reports[0]
    assert (first.reporter, first.reporter_display) == ("Organization/fac00000001", "Facility One")
    assert first.groups[0].measure_score == Decimal("0.915")
    assert first.groups[0].strata[0].measure_score == Decimal("0.923076923076923076923")  # every digit kept
    assert reports[1].groups[0].measure_score == Decimal("1.0")


def test_numerator_and_denominator_become_separate_rows_by_default():
    report = read(FIXTURES / "bundle-two-facilities.json")[0]
    rows = [(r.data_element, r.value, r.category_options) for r in mr.to_rows(report)]
    assert rows == [
        ("VL_SUPP:numerator", "183", ()),
        ("VL_SUPP:denominator", "200", ()),
        ("VL_SUPP", "0.915", ()),
        ("VL_SUPP:numerator", "120", (("SEX", "F"),)),
        ("VL_SUPP:denominator", "130", (("SEX", "F"),)),
        ("VL_SUPP", "0.923076923076923076923", (("SEX", "F"),)),
    ]
    assert {r.period for r in mr.to_rows(report)} == {"2024Q1"}


def test_element_for_chooses_which_population_feeds_which_data_element():
    report = read(FIXTURES / "bundle-two-facilities.json")[0]
    names = {"numerator": "deVLsuppN01", "denominator": "deVLtestD01"}
    rows = list(mr.to_rows(report, period="2024Q1", element_for=lambda group, source: names.get(source)))
    assert [(r.data_element, r.value) for r in rows] == [
        ("deVLsuppN01", "183"),
        ("deVLtestD01", "200"),
        ("deVLsuppN01", "120"),
        ("deVLtestD01", "130"),
    ]
    assert rows[0].org_unit == "fac00000001"


def test_xml_bundle_reads_components_and_ignores_extensions_on_primitives():
    (report,) = read(FIXTURES / "bundle-one-report.xml")
    group = report.groups[0]
    assert group.populations == (mr.Population("initial-population", 42),)
    assert group.strata[0].stratifier == (mr.Code("AGE_GROUP"), mr.Code("SEX"))
    assert group.strata[0].measure_score == Decimal("17")
    rows = list(mr.to_rows(report))
    assert [(r.data_element, r.period, r.value, r.category_options) for r in rows] == [
        ("TX_NEW", "202403", "42", ()),
        ("TX_NEW", "202403", "17", (("AGE_GROUP", "P15Y--P25Y"), ("SEX", "F"))),
    ]


@pytest.mark.parametrize("name", ["entity-expansion.xml", "external-entity.xml"])
def test_xml_entities_are_refused(name):
    with pytest.raises(FormatError, match="XML DTDs and entities are refused"):
        read(FIXTURES / name)


def test_write_then_read_gives_the_same_report():
    for original in read(FIXTURES / "bundle-two-facilities.json"):
        text = mr.dumps(mr.write_json(original))
        assert mr.read_json(io.StringIO(text)) == original


def test_written_json_is_valid_r4_with_population_system_and_exact_decimals():
    report = read(FIXTURES / "bundle-two-facilities.json")[0]
    doc = mr.write_json(report)
    assert [doc[k] for k in ("resourceType", "status", "type", "measure")] == [
        "MeasureReport",
        "complete",
        "summary",
        "https://qicop.example.org/Measure/vl-suppression",
    ]
    assert doc["period"] == {"start": "2024-01-01", "end": "2024-03-31"}
    assert doc["reporter"] == {"reference": "Organization/fac00000001", "display": "Facility One"}
    group = doc["group"][0]
    assert group["population"][0] == {
        "code": {"coding": [{"system": mr.POPULATION_SYSTEM, "code": "numerator"}]},
        "count": 183,
    }
    assert group["measureScore"] == {"value": Decimal("0.915")}
    assert group["stratifier"][0]["code"] == [{"coding": [{"code": "SEX"}]}]
    assert group["stratifier"][0]["stratum"][0]["value"] == {"coding": [{"code": "F"}]}
    text = mr.dumps(doc)
    assert '"measureScore":{"value":0.923076923076923076923}' in text  # not a rounded float
    assert json.loads(text)["group"][0]["population"][1]["count"] == 200


def test_new_report_defaults_to_complete_summary():
    report = mr.MeasureReportData(
        measure="https://qicop.example.org/Measure/retention",
        period_start="2024-01-01",
        period_end="2024-12-31",
        reporter="Organization/KE",
        groups=(mr.Group(mr.Code("RET12"), measure_score=Decimal("87.5")),),
    )
    doc = mr.write_json(report)
    assert (doc["status"], doc["type"]) == ("complete", "summary")
    assert [(r.data_element, r.period, r.org_unit, r.value) for r in mr.to_rows(report)] == [
        ("RET12", "2024", "KE", "87.5")
    ]


def test_json_lines_and_bundle_writers_stream_every_report():
    reports = read(FIXTURES / "bundle-two-facilities.json")
    lines = io.StringIO()
    assert mr.write_json_lines(iter(reports), lines) == 2
    assert [json.loads(line)["id"] for line in lines.getvalue().splitlines()] == [
        "vl-2024q1-fac1",
        "vl-2024q1-fac2",
    ]
    bundle = io.StringIO()
    assert mr.write_bundle(iter(reports), bundle) == 2
    assert mr.read_json(io.StringIO(bundle.getvalue())) == reports
    empty = io.StringIO()
    assert mr.write_bundle([], empty) == 0
    assert json.loads(empty.getvalue()) == {"resourceType": "Bundle", "type": "collection", "entry": []}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"status": "final"}, "status 'final' is not one of complete, pending, error"),
        (
            {"type": "aggregate"},
            "type 'aggregate' is not one of individual, subject-list, summary, data-collection",
        ),
        ({"measure": None}, "measure (the canonical URL of the Measure) is required"),
        ({"period": {}}, "period with a start or an end is required"),
        (
            {"group": [{"population": [{"code": {"coding": [{"code": "numerator"}]}, "count": 2.5}]}]},
            "group[0].population[0].count: Decimal('2.5') is not a non-negative integer",
        ),
        (
            {"group": [{"measureScore": {"value": "lots"}}]},
            "group[0].measureScore.value: 'lots' is not a number",
        ),
    ],
)
def test_invalid_reports_raise_format_error_naming_the_field(change, message):
    resource = {
        "resourceType": "MeasureReport",
        "status": "complete",
        "type": "summary",
        "measure": "Measure/x",
        "period": {"start": "2024-01-01"},
    } | change
    with pytest.raises(FormatError) as err:
        mr.read_json(io.StringIO(json.dumps(resource)))
    assert err.value.message == message


def test_malformed_json_raises_format_error_with_line_and_column():
    with pytest.raises(FormatError) as err:
        mr.read_json(io.BytesIO(b'{"resourceType": "MeasureReport",\n "status": }'))
    assert (err.value.line, err.value.column) == (2, 12)


def test_period_not_matching_one_dhis2_period_needs_an_explicit_period():
    report = mr.MeasureReportData(
        measure="m",
        period_start="2024-01-15",
        period_end="2024-02-14",
        reporter="Organization/KE",
        groups=(mr.Group(mr.Code("X"), measure_score=1),),
    )
    with pytest.raises(FormatError, match="pass a DHIS2 period id"):
        list(mr.to_rows(report))
    assert [r.period for r in mr.to_rows(report, period="202401")] == ["202401"]


def test_every_real_fhir_sample_is_read_by_a_test_in_this_module(samples):
    source = Path(__file__).read_text(encoding="utf-8")
    on_disk = {p.relative_to(samples).as_posix() for p in samples.rglob("*") if p.is_file()}
    mentioned = {name for name in on_disk if f'"{name}"' in source or f'"{Path(name).name}"' in source}
    assert on_disk - mentioned == set()
