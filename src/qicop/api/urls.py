"""DHIS2-compatible routes, at the same paths as DHIS2's Web API."""

from django.urls import path, register_converter

from qicop.api import fhir
from qicop.api.dhis2 import data_values, metadata, metadata_lists
from qicop.api.dhis2.schemas import SERVED

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


# ---- Read-only metadata resources (issue 11, item 5) -----------------------------------------------------
# Plain paths until the API's common routing (suffixes, /api/40/) lands; each view takes an optional
# ``extension`` so that routing can pass it on.
class MetadataTypeConverter:
    regex = "|".join(SERVED)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MetadataTypeConverter, "dhis2type")

urlpatterns += [
    path("metadata.<str:extension>", metadata.metadata, name="metadata_ext"),
    path("<dhis2type:resource>", metadata_lists.metadata_list, name="metadata_list"),
    path("<dhis2type:resource>.<str:extension>", metadata_lists.metadata_list, name="metadata_list_ext"),
    path(
        "<dhis2type:resource>/<str:uid>.<str:extension>",
        metadata_lists.metadata_object,
        name="metadata_object_ext",
    ),
    path("<dhis2type:resource>/<str:uid>", metadata_lists.metadata_object, name="metadata_object"),
]
