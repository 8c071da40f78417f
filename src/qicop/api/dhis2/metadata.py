"""``GET/POST /api/metadata``: DHIS2 metadata bundles out and in."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qicop.api.dhis2.common import api_user, error_response, spool
from qicop.indicators.metadata_import import import_metadata
from qicop.integrations.dhis2 import metadata as metadata_format
from qicop.integrations.errors import FormatError


@csrf_exempt
def metadata(request):
    user = api_user(request)
    if user is None:
        return error_response(
            401, _("Sign in or send a personal API token (Authorization: ApiToken <token>).")
        )
    if request.method == "GET":
        return _metadata_export(user)
    if request.method != "POST":
        return error_response(405, _("Use GET to export or POST to import."))
    if request.GET.get("async", "").lower() == "true":
        return _start_async(request, user)
    try:
        body = spool(request)
        if "csv" in (request.content_type or ""):
            bundle = metadata_format.read_csv(body, request.GET.get("classKey", "ORGANISATION_UNIT"))
        else:
            bundle = metadata_format.read_json(body)
        report = import_metadata(
            actor=user,
            metadata=bundle,
            dry_run=request.GET.get("importMode", "").upper() == "VALIDATE"
            or request.GET.get("dryRun", "").lower() == "true",
        )
    except FormatError as error:
        return error_response(400, str(error))
    except PermissionDenied as error:
        return error_response(403, str(error))
    except ValidationError as error:
        return error_response(400, " ".join(error.messages))
    return JsonResponse(report, status=200 if report["status"] == "OK" else 409)


def _metadata_export(user) -> HttpResponse:
    from qicop.indicators.metadata_export import metadata_for

    spooled = io.StringIO()
    metadata_format.write_json(metadata_for(user), spooled)
    return HttpResponse(spooled.getvalue(), content_type="application/json; charset=utf-8")


def _start_async(request, user):
    """``async=true``: keep the bundle and import it in the background, as a METADATA_IMPORT job."""
    from qicop.api.dhis2.tasks import job_started
    from qicop.indicators.services import start_metadata_import

    try:
        body = spool(request)
        fmt = "metadata-csv" if "csv" in (request.content_type or "") else "metadata-json"
        data_import = start_metadata_import(
            actor=user, upload=File(body, name="metadata"), params=request.GET.dict(), fmt=fmt
        )
    except PermissionDenied as error:
        return error_response(403, str(error))
    except ValidationError as error:
        return error_response(413, " ".join(error.messages))
    return job_started(request, data_import)


def task_summary_body(report: dict) -> dict:
    """What ``/api/system/taskSummaries/METADATA_IMPORT/<uid>`` shows of an asynchronous import: the same
    body the synchronous import answers with, built from ``import_metadata``'s report."""
    return report
