"""DHIS2-compatible routes, at the same paths as DHIS2's Web API.

Declare each DHIS2 resource with ``dhis2_path`` (``qicop.api.dhis2.routing``): it answers with every format
suffix DHIS2 accepts (``dataValueSets.json``, ``.xml``, ``.csv``, ``.json.gz``…) and, through the API
middleware, under a versioned prefix (``/api/40/…``). FHIR routes are plain ``path``s: FHIR has no suffixes.
"""

from django.urls import path, register_converter

from qicop.api import fhir
from qicop.api.dhis2 import (
    data_set_template,
    data_value,
    data_values,
    metadata,
    metadata_lists,
    system,
    tasks,
)
from qicop.api.dhis2.routing import dhis2_path
from qicop.api.dhis2.schemas import SERVED

app_name = "dhis2"

urlpatterns = [
    dhis2_path("dataValueSets", data_values.data_value_sets, name="data_value_sets"),
    dhis2_path("dataValues", data_value.data_values, name="data_values"),
    dhis2_path("metadata", metadata.metadata, name="metadata"),
    dhis2_path(
        "dataSets/<str:uid>/dataValueSet",
        data_set_template.data_value_set_template,
        name="data_set_template",
    ),
    dhis2_path("system/info", system.info, name="system_info"),
    dhis2_path("system/ping", system.ping, name="system_ping"),
    dhis2_path("me", system.me, name="me"),
    path("fhir/metadata", fhir.metadata, name="fhir_metadata"),
    path("fhir/Measure/<str:measure_id>", fhir.measure, name="fhir_measure"),
    path("fhir/MeasureReport", fhir.measure_reports, name="fhir_measure_reports"),
    path("fhir/MeasureReport/<str:report_id>", fhir.measure_report, name="fhir_measure_report"),
    path("fhir/", fhir.unknown, name="fhir_base"),
    path("fhir/<path:rest>", fhir.unknown, name="fhir_unknown"),
    dhis2_path("system/tasks/<str:job_type>", tasks.tasks, name="tasks"),
    dhis2_path("system/tasks/<str:job_type>/<str:job_id>", tasks.tasks, name="task"),
    dhis2_path("system/taskSummaries/<str:job_type>", tasks.task_summaries, name="task_summaries"),
    dhis2_path("system/taskSummaries/<str:job_type>/<str:job_id>", tasks.task_summaries, name="task_summary"),
]


class MetadataType:
    """The metadata resources qicop serves (dataElements, organisationUnits…), as a path segment."""

    regex = "|".join(SERVED)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(MetadataType, "dhis2type")

# After every fixed path above, so that "metadata" or "me" is never taken for a type.
urlpatterns += [
    dhis2_path("<dhis2type:resource>", metadata_lists.metadata_list, name="metadata_list"),
    dhis2_path("<dhis2type:resource>/<str:uid>", metadata_lists.metadata_object, name="metadata_object"),
]
