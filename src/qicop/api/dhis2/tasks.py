"""Asynchronous imports the DHIS2 way: ``async=true`` answers a job, which clients follow at
``/api/system/tasks/<JOB_TYPE>/<uid>`` (notifications, newest first, the last one ``completed``) and whose
result is at ``/api/system/taskSummaries/<JOB_TYPE>/<uid>``, for ``DATAVALUE_IMPORT`` and
``METADATA_IMPORT``.

A job is a ``DataImport``; only the user who started it, or a coordinator, sees it (404 for anyone else, as
for a job that does not exist). Job ids are DHIS2 UIDs; the integer ids of earlier links still work.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from qicop.api.dhis2.common import api_user, error_response, respond, unauthorized, web_message_body
from qicop.api.dhis2.system import dhis2_datetime
from qicop.indicators import selectors, services
from qicop.indicators.models import DataImport

JOB_TYPES = {choice.value for choice in DataImport.JobType}
JOB_NAMES = {"DATAVALUE_IMPORT": "dataValueImport", "METADATA_IMPORT": "metadataImport"}
JOB_STATUS = {
    DataImport.Status.QUEUED: "SCHEDULED",
    DataImport.Status.RUNNING: "RUNNING",
    DataImport.Status.DONE: "COMPLETED",
    DataImport.Status.FAILED: "FAILED",
}
RECENT_JOBS = 50


def notifier_endpoint(data_import: DataImport) -> str:
    return f"/api/system/tasks/{data_import.job_type}/{data_import.uid}"


def job_started(request, data_import: DataImport) -> HttpResponse:
    """DHIS2's answer to ``async=true``: a WebMessage whose ``response`` is the job configuration."""
    data_import.refresh_from_db()
    name = JOB_NAMES[data_import.job_type]
    body = web_message_body(
        200,
        _("Initiated %(name)s") % {"name": name},
        response={
            "responseType": "JobConfigurationWebMessageResponse",
            "name": name,
            "id": data_import.uid,
            "created": dhis2_datetime(data_import.created_at),
            "jobType": data_import.job_type,
            "jobStatus": JOB_STATUS[data_import.status],
            "relativeNotifierEndpoint": notifier_endpoint(data_import),
        },
    )
    response = respond(request, body)
    response["Location"] = request.build_absolute_uri(notifier_endpoint(data_import))
    return response


def tasks(request, job_type: str, job_id: str | None = None):
    """The notifications of one job (a list, newest first), or of the user's recent jobs of a type (a
    mapping job id → notifications)."""
    found = _jobs(request, job_type, job_id)
    if isinstance(found, HttpResponse):
        return found
    if job_id is not None:
        return _no_store(respond(request, notifications(found), xml_root="notifications"))
    return _no_store(respond(request, {job.uid: notifications(job) for job in found}, xml_root="tasks"))


def task_summaries(request, job_type: str, job_id: str | None = None):
    """The summary of a finished job (DHIS2's ImportSummary for data values; the import report for
    metadata), an empty answer while it runs, as DHIS2; or the user's recent finished jobs' summaries."""
    found = _jobs(request, job_type, job_id)
    if isinstance(found, HttpResponse):
        return found
    if job_id is None:
        summaries = {job.uid: _summary(job) for job in found if job.summary is not None}
        return _no_store(respond(request, summaries, xml_root="taskSummaries"))
    if found.summary is None:
        return _no_store(HttpResponse(status=200, content_type="application/json"))
    root = "importSummary" if found.job_type == DataImport.JobType.DATAVALUE_IMPORT else "importReport"
    return _no_store(respond(request, _summary(found), xml_root=root))


def _summary(job: DataImport) -> dict:
    if job.job_type == DataImport.JobType.METADATA_IMPORT:
        from qicop.api.dhis2.metadata import task_summary_body  # local: metadata starts jobs from here

        return task_summary_body(job.summary)
    return selectors.import_answer(job)


def _jobs(request, job_type: str, job_id: str | None):
    user = api_user(request)
    if user is None:
        return unauthorized()
    if request.method != "GET":
        return error_response(405, _("Use GET."))
    if job_type not in JOB_TYPES:
        return error_response(
            404,
            _("No jobs of type %(type)s here: qicop runs %(types)s.")
            % {"type": job_type, "types": ", ".join(sorted(JOB_TYPES))},
        )
    if job_id is None:
        jobs = list(selectors.imports_for_user(user, job_type)[:RECENT_JOBS])
    else:
        job = selectors.import_job_for_user(user, job_type, job_id)
        if job is None:
            return error_response(404, _("No such job: %(id)s") % {"id": job_id})
        jobs = [job]
    # A job whose worker is gone is answered as what it is, failed, never as running for ever.
    services.fail_orphaned_imports(candidates=jobs)
    return jobs if job_id is None else jobs[0]


def notifications(job: DataImport) -> list[dict]:
    """What DHIS2's notifier would have said of this job, newest first; the last step is ``completed``."""
    steps = [(job.created_at, "INFO", _("Import queued"), False)]
    if job.started_at:
        if job.job_type == DataImport.JobType.METADATA_IMPORT:
            running = _("Importing metadata")
        else:
            read = cache.get(services.progress_key(job.pk), job.rows_read)
            running = _("Importing data values: %(count)d read") % {"count": read or 0}
        steps.append((job.started_at, "INFO", running, False))
    if job.finished_at:
        if job.status == DataImport.Status.FAILED:
            problem = (job.summary or {}).get("description") or (job.summary or {}).get("message") or ""
            steps.append(
                (job.finished_at, "ERROR", _("Process failed: %(error)s") % {"error": problem}, True)
            )
        else:
            steps.append((job.finished_at, "INFO", _("Import done"), True))
    return [
        {
            "uid": _step_uid(job, index),
            "id": _step_uid(job, index),
            "level": level,
            "category": job.job_type,
            "time": dhis2_datetime(moment),
            "message": message,
            "completed": completed,
        }
        for index, (moment, level, message, completed) in reversed(list(enumerate(steps)))
    ]


def _step_uid(job: DataImport, index: int) -> str:
    """A stable UID for each notification, so a client polling twice sees the same ids."""
    digest = hashlib.sha256(f"{job.uid}:{index}".encode()).hexdigest()
    return "n" + digest[:10]


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response
