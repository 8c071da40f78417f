"""``POST/GET /api/dataValueSets`` (JSON, XML, CSV, ADX by Content-Type); ``async=true`` imports are
followed through ``tasks``."""

from __future__ import annotations

import io
import tempfile
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qicop.api.dhis2.common import (
    SPOOL_IN_MEMORY,
    api_user,
    error_response,
    import_message,
    spool,
)
from qicop.api.dhis2.tasks import job_started
from qicop.indicators import selectors, services
from qicop.indicators.exports import CONTENT_TYPES, write_values


@csrf_exempt
def data_value_sets(request):
    user = api_user(request)
    if user is None:
        return error_response(
            401, _("Sign in or send a personal API token (Authorization: ApiToken <token>).")
        )
    if request.method == "POST":
        return _import(request, user)
    if request.method == "GET":
        return _export(request, user, request.dhis2_format)
    return error_response(405, _("Use GET to export or POST to import."))


def _import(request, user):
    try:
        body = spool(request)
    except ValidationError as error:
        return error_response(413, " ".join(error.messages))
    try:
        if request.GET.get("async", "").lower() == "true":
            data_import = services.start_import(
                actor=user,
                upload=_named(body, "payload"),
                params=request.GET.dict(),
                fmt=_format_of(request, body),
            )
            return job_started(request, data_import)
        summary = services.import_file(
            actor=user, fileobj=body, content_type=request.content_type, params=request.GET
        )
    except PermissionDenied as error:
        return error_response(403, str(error))
    except ValidationError as error:
        return error_response(400, " ".join(error.messages))
    return import_message(summary)


def _named(fileobj, name):
    from django.core.files import File

    return File(fileobj, name=name)


def _format_of(request, body) -> str:
    from qicop.integrations.dhis2.formats import detect_format

    head = body.read(8192)
    body.seek(0)
    return detect_format(None, request.content_type, head)


def _export(request, user, extension: str | None = None):
    params = request.GET
    try:
        start = date.fromisoformat(params["startDate"]) if params.get("startDate") else None
        end = date.fromisoformat(params["endDate"]) if params.get("endDate") else None
    except ValueError:
        return error_response(400, _("startDate and endDate must be dates like 2024-01-31."))
    scheme = (params.get("idScheme") or "UID").upper()
    if scheme not in {"UID", "CODE", "NAME"}:
        return error_response(400, _("idScheme must be UID, CODE or NAME."))
    elements = params.getlist("dataElement") + params.getlist("dataSet_elements")
    for data_set in params.getlist("dataSet"):
        from qicop.indicators.models import DataSet

        elements += list(DataSet.objects.filter(uid=data_set).values_list("data_elements__uid", flat=True))
        if not elements:
            return error_response(404, _("Data set not found: %(id)s") % {"id": data_set})
    if not (elements and (params.getlist("period") or start) and params.getlist("orgUnit")):
        return error_response(
            400, _("Give dataSet or dataElement, period or startDate and endDate, and orgUnit.")
        )
    rows = selectors.export_rows(
        user,
        data_elements=elements,
        periods=params.getlist("period"),
        start=start,
        end=end,
        org_units=params.getlist("orgUnit"),
        children=params.get("children", "").lower() == "true",
        include_deleted=params.get("includeDeleted", "").lower() == "true",
        id_scheme=scheme,
    )
    fmt = _export_format(request, extension)
    return _stream(rows, fmt)


def _export_format(request, extension: str | None) -> str:
    accept = request.headers.get("Accept", "")
    asked = extension or request.GET.get("format", "")
    for fmt, markers in (("adx", ("adx",)), ("csv", ("csv",)), ("xml", ("xml",)), ("json", ("json",))):
        if any(m in asked or m in accept for m in markers):
            return fmt
    return "json"


def _stream(rows, fmt: str) -> FileResponse:
    """Write the export to a spooled file (memory stays flat) and stream it back."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115 - streamed
    text = io.TextIOWrapper(spooled, encoding="utf-8", newline="")
    write_values(fmt, rows, text)
    text.flush()
    text.detach()
    spooled.seek(0)
    content_type = CONTENT_TYPES[fmt]
    return FileResponse(spooled, content_type=f"{content_type}; charset=utf-8")
