"""DHIS2-compatible routes, at the same paths as DHIS2's Web API."""

from django.urls import path

from qicop.api import fhir
from qicop.api.dhis2 import data_values, metadata

app_name = "dhis2"

urlpatterns = [
    path("dataValueSets", data_values.data_value_sets, name="data_value_sets"),
    path("dataValueSets.<str:extension>", data_values.data_value_sets, name="data_value_sets_ext"),
    path("metadata", metadata.metadata, name="metadata"),
    path("fhir/MeasureReport", fhir.measure_reports, name="fhir_measure_reports"),
    path(
        "system/taskSummaries/DATAVALUE_IMPORT/<int:import_id>", data_values.task_summary, name="task_summary"
    ),
]
