"""Authorization matrix rows: the FHIR API (network members read; the capability statement is public)."""

from __future__ import annotations

from matrix_rows.common import api_members_only, expect


def _indicator(w):
    from qicop.indicators.models import NetworkIndicator, OrgUnit

    OrgUnit.objects.get_or_create(
        uid="MatrixKe001", defaults={"name": "Kenya", "country": w.kenya, "path": "/MatrixKe001", "level": 1}
    )
    return NetworkIndicator.objects.get_or_create(
        network=w.network, code="vl-coverage", defaults={"name": "VL"}
    )


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "dhis2:fhir_metadata": (lambda w: "/api/fhir/metadata", expect(200)),
    # Paths the FHIR API does not serve: an OperationOutcome for everyone, nothing to protect.
    "dhis2:fhir_base": (lambda w: "/api/fhir/", expect(404)),
    "dhis2:fhir_unknown": (lambda w: "/api/fhir/Patient/1", expect(404)),
    "dhis2:fhir_measure": (
        lambda w: _indicator(w) and "/api/fhir/Measure/vln.vl-coverage",
        api_members_only(),
    ),
    # Search parameters are checked before anything is looked up: 400 names what is missing.
    "dhis2:fhir_measure_reports": (
        lambda w: "/api/fhir/MeasureReport?network=vln",
        expect(400, anonymous=401),
    ),
    "dhis2:fhir_measure_report": (
        lambda w: _indicator(w) and "/api/fhir/MeasureReport/vln.vl-coverage.MatrixKe001.202401",
        api_members_only(),
    ),
}
