"""DHIS2-compatible routes, at the same paths as DHIS2's Web API."""

from django.urls import path

from qicop.api import dhis2, fhir

app_name = "dhis2"

urlpatterns = [
    path("dataValueSets", dhis2.data_value_sets, name="data_value_sets"),
    path("dataValueSets.<str:extension>", dhis2.data_value_sets, name="data_value_sets_ext"),
    path("metadata", dhis2.metadata, name="metadata"),
    path("fhir/metadata", fhir.metadata, name="fhir_metadata"),
    path("fhir/Measure/<str:measure_id>", fhir.measure, name="fhir_measure"),
    path("fhir/MeasureReport", fhir.measure_reports, name="fhir_measure_reports"),
    path("fhir/MeasureReport/<str:report_id>", fhir.measure_report, name="fhir_measure_report"),
    path("fhir/", fhir.unknown, name="fhir_base"),
    path("fhir/<path:rest>", fhir.unknown, name="fhir_unknown"),
    path("system/taskSummaries/DATAVALUE_IMPORT/<int:import_id>", dhis2.task_summary, name="task_summary"),
]
