"""FHIR R4 API: network indicators as Measures and their values as MeasureReports (JSON only)."""

from qicop.api.fhir.views import measure, measure_report, measure_reports, metadata, unknown

__all__ = ["measure", "measure_report", "measure_reports", "metadata", "unknown"]
