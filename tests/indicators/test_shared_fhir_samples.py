"""Every FHIR sample of ``../shared/formats/fhir-measure`` through the MeasureReport reader, ``to_rows``
and the data value importer: exactly what is stored, or why the file is refused (a FormatError, not a
crash).

Only summary MeasureReports hold aggregate values; Measures, Libraries, individual and subject-list reports
and the invalid drafts are refused with a message saying so. The samples live next to the repository; a fresh
clone without them skips this module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metadata_reports import messages
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.metadata_import import import_metadata
from qicop.indicators.models import DataValue
from qicop.integrations.dhis2 import metadata as metadata_reader
from qicop.integrations.errors import FormatError
from qicop.integrations.fhir import measure_report

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "fhir-measure"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "samples_metadata"

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="the shared sample files (../shared/formats next to the repository) are absent",
)

MEASURE = "the resource is a Measure, not a MeasureReport"
NO_ORG_UNIT = "the report names no reporter or subject that identifies an org unit; pass org_unit"

# file -> the FormatError's message (from the reader, or from to_rows without an org unit)
REFUSED = {
    "library-hiv-indicators.json": "the resource is a Library, not a MeasureReport",
    "madx-hiv/measure-hiv-indicators.json": MEASURE,
    "madx-hiv/measure-hiv-indicators.xml": "<Measure> is not in the FHIR namespace http://hl7.org/fhir: "
    "not a FHIR XML document",
    "madx-hiv/measurereport-data-sample.xml": "not well-formed XML: mismatched tag; line 34 is a literal "
    "'...': this is an abridged draft, not a FHIR document",
    "measure-cms146-example.json": MEASURE,
    "measure-component-a-example.json": MEASURE,
    "measure-component-b-example.json": MEASURE,
    "measure-composite-example.json": MEASURE,
    "measure-exclusive-breastfeeding.json": MEASURE,
    "measure-hiv-indicators.json": MEASURE,
    "measure-hiv-indicators.xml": MEASURE,
    "measure-ihe-r5.json": MEASURE,
    "measure-ihe.json": MEASURE,
    "measure-predecessor-example.json": MEASURE,
    "measurereport-cms146-cat1-example.json": "only summary MeasureReports hold aggregate values, "
    "this one is 'individual'",
    "measurereport-cms146-cat2-example.json": "only summary MeasureReports hold aggregate values, "
    "this one is 'subject-list'",
    # The reporter is a contained resource (#reporter): the importer must be told the org unit.
    "measurereport-cms146-cat3-example.json": NO_ORG_UNIT,
    "measurereport-cms146-cat3-example.xml": NO_ORG_UNIT,
    "measure-report-ihe.json": NO_ORG_UNIT,
    "measure-report-ihe-r5.json": NO_ORG_UNIT,
}
IMPORTED = {
    "measurereport-hiv-indicators.json",
    "measurereport-hiv-indicators.xml",
    "measure-report-ihe.json",
    "measure-report-ihe-r5.json",
}


def load(world, fixture: str) -> None:
    with open(FIXTURES / fixture, "rb") as fileobj:
        result = import_metadata(
            actor=world.carla.user, metadata=metadata_reader.read_json(fileobj), country=world.kenya
        )
    assert result["status"] == "OK", messages(result)


def read(name: str) -> list:
    with open(SAMPLES / name, "rb") as fileobj:
        return measure_report.read_reports(fileobj, xml=name.endswith(".xml"))


def import_report(world, name: str, *, org_unit: str | None = None) -> dict:
    rows = [row for report in read(name) for row in measure_report.to_rows(report, org_unit=org_unit)]
    return import_data_values(
        actor=world.carla.user, rows=rows, options=ImportOptions(id_scheme="CODE", atomic=False)
    )


def value(de_code: str, period: str, ou_code: str, *options: str) -> str:
    values = DataValue.objects.filter(
        data_element__code=de_code, period__dhis2_id=period, org_unit__code=ou_code
    ).prefetch_related("category_option_combo__options")
    matching = [
        v.value
        for v in values
        if {o.code for o in v.category_option_combo.options.all()} == set(options)
        or (not options and v.category_option_combo.name == "default")
    ]
    assert len(matching) == 1, (de_code, options, matching)
    return matching[0]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_sample_without_aggregate_values_for_an_org_unit_is_refused_with_the_reason(world, name):
    def rows():
        return [row for report in read(name) for row in measure_report.to_rows(report)]

    with pytest.raises(FormatError) as refused:
        rows()
    assert refused.value.message == REFUSED[name]
    assert not DataValue.objects.exists()


def test_every_fhir_sample_is_covered():
    on_disk = {str(p.relative_to(SAMPLES)) for p in SAMPLES.rglob("*") if p.is_file()}
    assert on_disk == set(REFUSED) | IMPORTED


@pytest.mark.parametrize("name", ["measurereport-hiv-indicators.json", "measurereport-hiv-indicators.xml"])
def test_adx_on_fhir_strata_become_disaggregations_whether_concatenated_or_in_components(world, name):
    load(world, "fhir_adx_hiv_metadata.json")
    summary = import_report(world, name)
    # The draft repeats its one indicator in three groups (AGE_GROUP:SEX as one code, then as components):
    # the repeats are duplicates of the first group's values.
    assert summary["status"] == "WARNING"
    assert summary["importCount"] == {"imported": 7, "updated": 0, "ignored": 12, "deleted": 0}
    assert [(c["errorCode"], c["indexes"]) for c in summary["conflicts"]] == [
        ("E7644", [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18])
    ]
    assert value("QRPH_ADX_ART1_N", "201801", "ZW01") == "0"
    assert value("QRPH_ADX_ART1_N", "201801", "ZW01", "P10Y--P15Y", "M") == "0"
    assert DataValue.objects.count() == 7


@pytest.mark.parametrize("name", ["measure-report-ihe.json", "measure-report-ihe-r5.json"])
def test_an_imadx_report_imports_its_total_and_age_by_gender_strata_for_the_named_org_unit(world, name):
    load(world, "fhir_madx_ihe_metadata.json")
    summary = import_report(world, name, org_unit="HP1")
    assert summary["status"] == "WARNING"
    assert summary["importCount"] == {"imported": 28, "updated": 0, "ignored": 2, "deleted": 0}
    # The TB diagnosis strata belong to another category combination than the element's.
    assert sorted((c["errorCode"], i) for c in summary["conflicts"] for i in c["indexes"]) == [
        ("E7634", 28),
        ("E7634", 29),
    ]
    assert value("QRPH_mADX_ART1_N", "202501", "HP1") == "426"
    assert value("QRPH_mADX_ART1_N", "202501", "HP1", "P0Y--P1Y", "male") == "10"
    assert value("QRPH_mADX_ART1_N", "202501", "HP1", "P50Y--P9999Y", "female") == "32"


def test_a_summary_report_whose_group_has_no_code_names_no_data_element(world):
    (report,) = read("measurereport-cms146-cat3-example.json")
    with pytest.raises(FormatError, match=r"group\[0\] has no code, so it maps to no data element"):
        list(measure_report.to_rows(report, org_unit="KE_FACILITY"))


def test_a_stratum_that_is_no_disaggregation_of_the_element_is_named_in_the_conflict(world):
    load(world, "fhir_madx_ihe_metadata.json")
    summary = import_report(world, "measure-report-ihe.json", org_unit="HP1")
    assert sorted((c["object"], c["indexes"]) for c in summary["conflicts"]) == [
        ("TBdiagnosisResult=TBexcluded", [29]),
        ("TBdiagnosisResult=diagnosedTB", [28]),
    ]
    assert all("None" not in c["value"] for c in summary["conflicts"])
