"""``GET/POST /api/metadata``: DHIS2 metadata bundles out and in.

Export (GET), as DHIS2 takes it: every type qicop keeps, or only those named (``dataElements=true``…);
``fields`` (default ``:owner``, what an import reads back) and ``filter`` for every type, or per type
(``dataElements:fields=…``, ``dataElements:filter=…``, ``dataElements:order=…``). The bundle is
self-contained: the data elements of the data sets exported, and the category combinations, categories,
category options and option combinations of every data element and data set exported come with them, even
when a filter or a type selector left them out; so do the indicator types of the indicators. The answer
streams, type by type.

Import (POST): JSON as the export writes it (or DHIS2's metadata CSV with ``classKey``); options
``importMode`` (COMMIT, VALIDATE), ``dryRun``, ``importStrategy`` (CREATE_AND_UPDATE, CREATE, UPDATE),
``atomicMode`` (ALL, NONE), ``importReportMode`` (ERRORS, FULL, DEBUG). The answer is DHIS2 ≥ 2.38's
WebMessage around an ImportReport: 200 when all went well, 409 when objects had errors.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.http import JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qicop.api.dhis2 import selection
from qicop.api.dhis2.common import api_user, error_response, spool, unauthorized
from qicop.api.dhis2.metadata_lists import (
    BadRequest,
    ListParams,
    base_url,
    check_extension,
    derived_objects,
    filtered,
)
from qicop.api.dhis2.schemas import SCHEMAS, IndicatorType
from qicop.indicators.data_versions import import_metadata_and_bump
from qicop.indicators.metadata_export import complete_bundle
from qicop.indicators.metadata_import import import_options, read_bundle
from qicop.indicators.services import start_metadata_import
from qicop.integrations.dhis2.fields import FieldsError, parse_fields
from qicop.integrations.dhis2.query import QueryError
from qicop.integrations.errors import FormatError

#: the types of a bundle, in the order an import needs them
EXPORTED = (
    "categoryOptions", "categories", "categoryCombos", "categoryOptionCombos", "dataElements", "dataSets",
    "indicatorTypes", "indicators", "organisationUnitLevels", "organisationUnits",
)  # fmt: skip
EXPORT_FIELDS = ":owner"
CHUNK = 2000


@csrf_exempt
def metadata(request):
    user = api_user(request)
    if user is None:
        return unauthorized()
    refusal = check_extension(request)
    if refusal:
        return refusal
    if request.method == "GET":
        return _export(request, user)
    if request.method != "POST":
        return error_response(405, _("Use GET to export or POST to import."))
    try:
        options = import_options(request.GET)
    except ValidationError as error:
        return error_response(400, " ".join(error.messages))
    if request.GET.get("async", "").lower() == "true":
        return _start_async(request, user)
    return _import(request, user, options)


# -------------------------------------------------------------------------------------------------- import


def _import(request, user, options: dict):
    try:
        body = spool(request)
    except ValidationError as error:
        return error_response(413, " ".join(error.messages))
    try:
        bundle = read_bundle(body, content_type=request.content_type, class_key=request.GET.get("classKey"))
        report = import_metadata_and_bump(actor=user, metadata=bundle, **options)
    except FormatError as error:
        return error_response(400, str(error))
    except ValidationError as error:
        return error_response(400, " ".join(error.messages))
    except PermissionDenied as error:
        return error_response(403, str(error))
    return import_report_message(report)


def _start_async(request, user):
    """``async=true``: keep the bundle and import it in the background, as a METADATA_IMPORT job."""
    from qicop.api.dhis2.tasks import job_started  # local: tasks reads this module's summaries

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
    """What ``/api/system/taskSummaries/METADATA_IMPORT/<uid>`` shows of an asynchronous import: the
    ImportReport, as DHIS2 keeps it (the synchronous answer wraps the same report in a WebMessage)."""
    return report


def import_report_message(report: dict) -> JsonResponse:
    """DHIS2's WebMessage around an ImportReport: 200 when it is OK; otherwise 409, status WARNING and
    the message DHIS2 2.40 gives."""
    if report["status"] == "OK":
        body = {"httpStatus": "OK", "httpStatusCode": 200, "status": "OK", "response": report}
    else:
        body = {
            "httpStatus": "Conflict",
            "httpStatusCode": 409,
            "status": "WARNING",
            "message": _("One or more errors occurred, please see full details in import report."),
            "response": report,
        }
    return JsonResponse(body, status=body["httpStatusCode"], json_dumps_params={"ensure_ascii": False})


# -------------------------------------------------------------------------------------------------- export


def _export(request, user):
    get = request.GET
    try:
        chosen = [key for key in EXPORTED if _flag(get, key)]
        selected = chosen or list(EXPORTED)
        params = {
            key: ListParams(
                fields=get.get(f"{key}:fields") or ",".join(get.getlist("fields")) or EXPORT_FIELDS,
                filter_texts=get.getlist("filter") + get.getlist(f"{key}:filter"),
                junction=get.get("rootJunction", "AND").upper(),
                order_text=get.get(f"{key}:order", ""),
            )
            for key in EXPORTED
        }
        plans = {key: selection.plan(parse_fields(params[key].fields), SCHEMAS[key]) for key in EXPORTED}
        rows = _bundle(user, selected, params)
    except (BadRequest, QueryError, FieldsError) as error:
        return error_response(400, str(error))
    ctx = selection.Context(user=user, base_url=base_url(request))
    response = StreamingHttpResponse(
        _stream(rows, plans, ctx), content_type="application/json; charset=utf-8"
    )
    return response


def _flag(get, key: str) -> bool:
    value = get.get(key)
    if value is None:
        return False
    if value.lower() not in ("true", "false"):
        raise BadRequest(_("%(name)s is true or false, not %(value)s") % {"name": key, "value": value})
    return value.lower() == "true"


def _bundle(user, selected: list[str], params: dict) -> dict:
    """Per type, the rows of the bundle: those selected and filtered, and what they need to import."""
    chosen = {}
    for key in ("categoryOptions", "categories", "categoryCombos", "categoryOptionCombos", "dataElements",
                "dataSets", "indicators", "organisationUnits"):  # fmt: skip
        schema = SCHEMAS[key]
        if key in selected:
            order = ("level", "name") if key == "organisationUnits" else ("name",)
            chosen[schema.model] = filtered(user, schema, params[key], default_order=order)
        else:
            chosen[schema.model] = None
    rows = complete_bundle(chosen)
    by_key = {key: rows[SCHEMAS[key].model] for key in EXPORTED if SCHEMAS[key].model is not None}
    by_key["indicatorTypes"] = by_key["indicators"]  # derived from the indicators' factors
    by_key["organisationUnitLevels"] = "organisationUnitLevels" in selected
    return by_key


def _stream(rows: dict, plans: dict, ctx):
    yield "{"
    first = True
    for key in EXPORTED:
        if rows.get(key) is None or rows.get(key) is False:
            continue
        objects = _objects(key, rows[key], ctx)
        yield ("" if first else ",") + json.dumps(key) + ":["
        first = False
        comma = ""
        for chunk in objects:
            selection.load(chunk, plans[key], ctx)
            for obj in chunk:
                yield comma + json.dumps(selection.render(obj, plans[key], ctx), ensure_ascii=False)
                comma = ","
        yield "]"
    yield "}"


def _objects(key: str, rows, ctx):
    """The objects of one type, in chunks."""
    if key == "indicatorTypes":
        factors = sorted(set(rows.values_list("factor", flat=True)))
        yield [IndicatorType(factor or 1) for factor in factors]
        return
    if key == "organisationUnitLevels":
        yield derived_objects(ctx.user, SCHEMAS[key])
        return
    start = 0
    while True:
        chunk = list(rows[start : start + CHUNK])
        if not chunk:
            return
        yield chunk
        start += CHUNK
