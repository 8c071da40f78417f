"""DHIS2-compatible endpoints, so that a script written for DHIS2 pushes to and pulls from qicop unchanged.

``POST/GET /api/dataValueSets`` (JSON, XML, CSV, ADX by Content-Type), ``POST/GET /api/metadata`` and the
summary of an asynchronous import at ``/api/system/taskSummaries/DATAVALUE_IMPORT/<id>``. Authentication as
DHIS2 accepts it: ``Authorization: ApiToken <token>``, ``Bearer <token>``, HTTP basic (e-mail and password),
or
the browser's session.
"""

from __future__ import annotations

import base64
import binascii
import io
import tempfile
from datetime import date

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qicop.accounts.services import user_for_api_token
from qicop.indicators import selectors, services
from qicop.indicators.data_versions import import_metadata_and_bump
from qicop.indicators.exports import CONTENT_TYPES, default_id_scheme, write_values
from qicop.indicators.models import DataImport
from qicop.integrations.dhis2 import metadata as metadata_format
from qicop.integrations.dhis2.adx import NoValues
from qicop.integrations.dhis2.import_summary import web_message
from qicop.integrations.errors import FormatError

SPOOL_IN_MEMORY = 10 * 1024 * 1024
SUMMARY_PATH = "/api/system/taskSummaries/DATAVALUE_IMPORT/{id}"


def _user(request):
    header = request.headers.get("Authorization", "")
    scheme, _sep, credential = header.partition(" ")
    scheme = scheme.lower()
    if scheme in {"apitoken", "bearer"}:
        return user_for_api_token(credential.strip())
    if scheme == "basic":
        try:
            email, _colon, password = base64.b64decode(credential).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return authenticate(request, username=email, password=password)
    # The browser's session only for reads: these endpoints skip the CSRF check that DHIS2 scripts cannot do,
    # so a write on a session cookie could be forged by another site.
    if request.method in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
        return request.user
    return None


def _message(summary: dict) -> JsonResponse:
    """DHIS2's WebMessage around an import summary, in the request's language: 200 when all went well,
    409 when there were conflicts."""
    ok = summary.get("status") == "SUCCESS"
    text = _("Import was successful.") if ok else _("An error occurred, please check import summary.")
    body = web_message(summary, text)
    return JsonResponse(body, status=body["httpStatusCode"], json_dumps_params={"ensure_ascii": False})


def _error(status: int, message: str) -> JsonResponse:
    reason = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        413: "Payload Too Large",
    }[status]
    return JsonResponse(
        {"httpStatus": reason, "httpStatusCode": status, "status": "ERROR", "message": message}, status=status
    )


def _spool(request):
    """The request body in a seekable file: in memory up to 10 MB, on disk beyond; refused past the limit."""
    length = request.headers.get("Content-Length")
    services.check_upload_size(int(length) if length and length.isdigit() else None)
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - returned open
    total = 0
    while chunk := request.read(1024 * 1024):
        total += len(chunk)
        services.check_upload_size(total)
        spooled.write(chunk)
    spooled.seek(0)
    return spooled


@csrf_exempt
def data_value_sets(request, extension: str | None = None):
    user = _user(request)
    if user is None:
        return _error(401, _("Sign in or send a personal API token (Authorization: ApiToken <token>)."))
    if request.method == "POST":
        return _import(request, user)
    if request.method == "GET":
        return _export(request, user, extension)
    return _error(405, _("Use GET to export or POST to import."))


def _import(request, user):
    try:
        body = _spool(request)
    except ValidationError as error:
        return _error(413, " ".join(error.messages))
    try:
        if request.GET.get("async", "").lower() == "true":
            data_import = services.start_import(
                actor=user,
                upload=_named(body, "payload"),
                params=request.GET.dict(),
                fmt=_format_of(request, body),
            )
            return JsonResponse(
                {
                    "httpStatus": "OK",
                    "httpStatusCode": 200,
                    "status": "OK",
                    "message": _("Import queued"),
                    "response": {
                        "id": str(data_import.pk),
                        "jobType": "DATAVALUE_IMPORT",
                        "relativeNotifierEndpoint": SUMMARY_PATH.format(id=data_import.pk),
                    },
                }
            )
        summary = services.import_file(
            actor=user, fileobj=body, content_type=request.content_type, params=request.GET
        )
    except PermissionDenied as error:
        return _error(403, str(error))
    except ValidationError as error:
        return _error(400, " ".join(error.messages))
    return _message(summary)


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
        return _error(400, _("startDate and endDate must be dates like 2024-01-31."))
    fmt = _export_format(request, extension)
    scheme = (params.get("idScheme") or default_id_scheme(fmt)).upper()
    if scheme not in {"UID", "CODE", "NAME"}:
        return _error(400, _("idScheme must be UID, CODE or NAME."))
    elements = params.getlist("dataElement") + params.getlist("dataSet_elements")
    for data_set in params.getlist("dataSet"):
        from qicop.indicators.models import DataSet

        found = DataSet.objects.filter(Q(uid=data_set) | Q(code=data_set))  # ADX clients send codes
        elements += list(found.values_list("data_elements__uid", flat=True))
        if not elements:
            return _error(404, _("Data set not found: %(id)s") % {"id": data_set})
    if not (elements and (params.getlist("period") or start) and params.getlist("orgUnit")):
        return _error(400, _("Give dataSet or dataElement, period or startDate and endDate, and orgUnit."))
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
    return _stream(rows, fmt, scheme, params.getlist("dataSet"))


def _export_format(request, extension: str | None) -> str:
    accept = request.headers.get("Accept", "")
    asked = extension or request.GET.get("format", "")
    for fmt, markers in (("adx", ("adx",)), ("csv", ("csv",)), ("xml", ("xml",)), ("json", ("json",))):
        if any(m in asked or m in accept for m in markers):
            return fmt
    return "json"


def _stream(rows, fmt: str, scheme: str = "UID", data_sets=()) -> FileResponse:
    """Write the export to a spooled file (memory stays flat) and stream it back."""
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115 - streamed
    text = io.TextIOWrapper(spooled, encoding="utf-8", newline="")
    try:
        write_values(fmt, rows, text, id_scheme=scheme, data_sets=data_sets)
    except NoValues:
        return _error(404, _("No data values match this export, and an ADX document cannot be empty."))
    text.flush()
    text.detach()
    spooled.seek(0)
    content_type = CONTENT_TYPES[fmt]
    return FileResponse(spooled, content_type=f"{content_type}; charset=utf-8")


@csrf_exempt
def metadata(request):
    user = _user(request)
    if user is None:
        return _error(401, _("Sign in or send a personal API token (Authorization: ApiToken <token>)."))
    if request.method == "GET":
        return _metadata_export(user)
    if request.method != "POST":
        return _error(405, _("Use GET to export or POST to import."))
    try:
        body = _spool(request)
        if "csv" in (request.content_type or ""):
            bundle = metadata_format.read_csv(body, request.GET.get("classKey", "ORGANISATION_UNIT"))
        else:
            bundle = metadata_format.read_json(body)
        report = import_metadata_and_bump(
            actor=user,
            metadata=bundle,
            dry_run=request.GET.get("importMode", "").upper() == "VALIDATE"
            or request.GET.get("dryRun", "").lower() == "true",
        )
    except FormatError as error:
        return _error(400, str(error))
    except PermissionDenied as error:
        return _error(403, str(error))
    except ValidationError as error:
        return _error(400, " ".join(error.messages))
    return JsonResponse(report, status=200 if report["status"] == "OK" else 409)


def _metadata_export(user) -> HttpResponse:
    from qicop.indicators.metadata_export import metadata_for

    spooled = io.StringIO()
    metadata_format.write_json(metadata_for(user), spooled)
    return HttpResponse(spooled.getvalue(), content_type="application/json; charset=utf-8")


def task_summary(request, import_id: int):
    user = _user(request)
    if user is None:
        return _error(401, _("Sign in or send a personal API token (Authorization: ApiToken <token>)."))
    data_import = DataImport.objects.filter(pk=import_id, user=user).first()
    if data_import is None:
        return _error(404, _("No such import."))
    if data_import.summary is None:
        return JsonResponse({"status": data_import.status, "completed": False})
    return JsonResponse(data_import.summary, json_dumps_params={"ensure_ascii": False})
