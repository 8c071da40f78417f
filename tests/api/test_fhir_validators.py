"""The two FHIR validators the API's tests rely on (``tests/fhir_validation.py``) can fail: they accept the
HL7 R4 examples, refuse their R5 versions, and refuse what the FHIR API wrote before it was fixed."""

import json
from pathlib import Path

import pytest

import fhir_validation

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "fhir-measure"
R4_EXAMPLES = [
    "measure-cms146-example.json",
    "measure-exclusive-breastfeeding.json",
    "measure-hiv-indicators.json",
    "measure-ihe.json",
    "measure-report-ihe.json",
    "measurereport-cms146-cat1-example.json",
    "measurereport-cms146-cat3-example.json",
    "measurereport-hiv-indicators.json",
]
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="the shared sample files (../shared/formats next to the repository) are absent",
)

# What GET /api/fhir/MeasureReport answered before: a decimal as a JSON string, the org unit as an
# Organization subject (R4 allows Patient, Practitioner, PractitionerRole, Location, Device, RelatedPerson or
# Group), a collection Bundle without fullUrl.
OLD_ANSWER = {
    "resourceType": "Bundle",
    "type": "collection",
    "timestamp": "2024-02-01T10:00:00+00:00",
    "total": 1,
    "entry": [
        {
            "resource": {
                "resourceType": "MeasureReport",
                "id": "NakuruCnty1-202401",
                "status": "complete",
                "type": "summary",
                "measure": "http://127.0.0.1:8000/fhir/Measure/vln",
                "subject": {"reference": "Organization/NakuruCnty1"},
                "reporter": {"reference": "Organization/NakuruCnty1", "display": "Nakuru County"},
                "date": "2024-02-01T10:00:00+00:00",
                "period": {"start": "2024-01-01", "end": "2024-01-31"},
                "group": [{"measureScore": {"value": "73.3333"}}],
            }
        }
    ],
}


def report(changes: dict) -> str:
    resource = json.loads(json.dumps(OLD_ANSWER["entry"][0]["resource"]))
    resource["group"] = [{"measureScore": {"value": 73.3333}}]
    resource["subject"] = {"reference": "Location/NakuruCnty1"}
    resource.update(changes)
    return json.dumps(resource)


@needs_samples
@pytest.mark.parametrize("name", R4_EXAMPLES)
def test_both_validators_accept_the_hl7_r4_examples(name):
    fhir_validation.assert_valid((SAMPLES / name).read_bytes())


@needs_samples
@pytest.mark.parametrize("name", ["measure-ihe-r5.json", "measure-report-ihe-r5.json"])
def test_both_validators_refuse_r5_resources(name):
    found = fhir_validation.errors((SAMPLES / name).read_bytes())
    assert found["HL7 R4 JSON schema"] and found["google-fhir-r4"]


def test_both_validators_refused_what_the_api_wrote_before():
    found = fhir_validation.errors(json.dumps(OLD_ANSWER))
    assert found["HL7 R4 JSON schema"] == [
        "$.entry[0].resource.group[0].measureScore.value: '73.3333' is not of type 'number'"
    ]
    assert "is invalid FHIR JSON" in found["google-fhir-r4"][0]


def test_a_report_fixed_but_for_its_organization_subject_is_still_refused():
    found = fhir_validation.errors(report({"subject": {"reference": "Organization/NakuruCnty1"}}))
    assert "invalid reference type: `Organization`" in found["google-fhir-r4"][0]
    assert fhir_validation.errors(report({})) == {"HL7 R4 JSON schema": [], "google-fhir-r4": []}


@pytest.mark.parametrize(
    ("changes", "schema_complains", "google_complains"),
    [
        ({"status": "done"}, True, True),
        ({"id": "NakuruCnty1_202401"}, True, True),
        ({"period": {"start": "2024-1-01"}}, True, True),
        ({"population": []}, True, True),
        ({"group": [{"population": [{"count": "3"}]}]}, True, True),
        ({"reporter": {"reference": "Patient/p1"}}, False, True),
    ],
)
def test_the_validators_refuse_codes_ids_dates_unknown_elements_types_and_references(
    changes, schema_complains, google_complains
):
    found = fhir_validation.errors(report(changes))
    assert (bool(found["HL7 R4 JSON schema"]), bool(found["google-fhir-r4"])) == (
        schema_complains,
        google_complains,
    )
