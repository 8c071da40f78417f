"""``POST/GET /api/dataValueSets`` (JSON, XML, CSV, ADX by Content-Type); ``async=true`` imports are
followed through ``tasks``."""

from __future__ import annotations

import gzip
import io
import re
import tempfile
import zipfile
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from qicop.api.dhis2.common import (
    SPOOL_IN_MEMORY,
    api_user,
    error_response,
    expand_body,
    import_message,
    spool,
)
from qicop.api.dhis2.tasks import job_started
from qicop.indicators import selectors, services
from qicop.indicators.exports import CONTENT_TYPES, default_id_scheme, write_values
from qicop.indicators.id_schemes import id_schemes_from_parameters
from qicop.indicators.models import DataSet
from qicop.integrations.dhis2.adx import NoValues
from qicop.integrations.errors import FormatError


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


# Bodies an import takes, by Content-Type. Generic types (none, octet-stream, text/plain, a form's — what
# `curl --data` sends) are read by their content; anything else is refused, as DHIS2 refuses it (415).
IMPORT_TYPES = (
    "application/json",
    "application/xml",
    "text/xml",
    "application/adx+xml",
    "application/csv",
    "text/csv",
    "application/zip",
    "application/gzip",
    "application/x-gzip",
)
GENERIC_TYPES = ("", "application/octet-stream", "text/plain", "application/x-www-form-urlencoded")


def _import(request, user):
    content_type = (request.content_type or "").lower()
    if content_type not in IMPORT_TYPES + GENERIC_TYPES:
        return error_response(
            415,
            _("Content-Type %(type)s is not a data value set: send %(types)s.")
            % {"type": content_type, "types": ", ".join(IMPORT_TYPES)},
        )
    try:
        body = spool(request)
        body, name = expand_body(request, body)
    except ValidationError as error:
        return error_response(413, " ".join(error.messages))
    except FormatError as error:
        return error_response(400, str(error))
    try:
        if request.GET.get("async", "").lower() == "true":
            data_import = services.start_import(
                actor=user,
                upload=_named(body, name or "payload"),
                params=request.GET.dict(),
                content_type=request.content_type,
            )
            return job_started(request, data_import)
        summary = services.import_file(
            actor=user, fileobj=body, filename=name, content_type=request.content_type, params=request.GET
        )
    except PermissionDenied as error:
        return error_response(403, str(error))
    except ValidationError as error:
        return error_response(400, " ".join(error.messages))
    return import_message(summary, request)


def _named(fileobj, name):
    from django.core.files import File

    return File(fileobj, name=name)


def _export(request, user, extension: str | None = None):
    params = request.GET
    try:
        start = date.fromisoformat(params["startDate"]) if params.get("startDate") else None
        end = date.fromisoformat(params["endDate"]) if params.get("endDate") else None
    except ValueError:
        return error_response(400, _("startDate and endDate must be dates like 2024-01-31."))
    fmt = _export_format(request, extension)
    try:
        schemes = id_schemes_from_parameters(params, default=default_id_scheme(fmt)).for_format(fmt)
    except ValidationError as error:
        return error_response(400, " ".join(error.messages))
    elements = params.getlist("dataElement") + params.getlist("dataSet_elements")
    for data_set in params.getlist("dataSet"):
        found = DataSet.objects.filter(Q(uid=data_set) | Q(code=data_set))  # ADX clients send codes
        elements += list(found.values_list("data_elements__uid", flat=True))
        if not elements:
            return error_response(404, _("Data set not found: %(id)s") % {"id": data_set})
    try:
        since, limit, compression = _sync_options(params, request)
    except ValueError as error:
        return error_response(400, str(error))
    problem = _missing_filter(params, elements, start, end, since, limit)
    if problem:
        return error_response(409, problem[1], error_code=problem[0])
    rows = selectors.export_rows(
        user,
        data_elements=elements,
        periods=params.getlist("period"),
        start=start,
        end=end,
        org_units=params.getlist("orgUnit"),
        children=params.get("children", "").lower() == "true",
        include_deleted=params.get("includeDeleted", "").lower() == "true",
        id_schemes=schemes,
        last_updated=since,
        limit=limit,
    )
    return _stream(
        rows,
        fmt,
        schemes=schemes,
        data_sets=params.getlist("dataSet"),
        compression=compression,
        attachment=params.get("attachment"),
        dates=(start, end),
    )


MAX_LIMIT = 2**31 - 1
DURATION = re.compile(r"^(\d+)([dhms])$")
DURATION_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def _sync_options(params, request) -> tuple[datetime | None, int | None, str | None]:
    """``lastUpdated`` (a date or a date and time) or ``lastUpdatedDuration`` (DHIS2's ``10d``, ``2h``,
    ``30m``, ``45s``: changed that recently) as the moment from which values changed; ``limit``; the
    compression asked for by ``compression=gzip|zip`` or the suffix (``.json.gz``). ValueError says what is
    wrong with any of them."""
    since = None
    if params.get("lastUpdated"):
        since = _moment(params["lastUpdated"])
    duration = params.get("lastUpdatedDuration")
    if duration:
        match = DURATION.match(duration.strip())
        if match is None:
            raise ValueError(
                _("Duration is not valid: `%(value)s`; give a number and d, h, m or s, such as 10d.")
                % {"value": duration}
            )
        try:
            since = timezone.now() - timedelta(**{DURATION_UNITS[match[2]]: int(match[1])})
        except OverflowError:  # longer than the calendar goes back: every change is asked for
            since = datetime(1, 1, 2, tzinfo=UTC)
    limit = None
    if params.get("limit"):
        if not params["limit"].lstrip("-").isdigit():
            raise ValueError(_("limit must be a whole number, not %(value)s") % {"value": params["limit"]})
        limit = int(params["limit"])
        if limit > MAX_LIMIT:  # past the databases' integers: a 500 on PostgreSQL
            raise ValueError(
                _("limit must be at most %(most)d, not %(value)s") % {"most": MAX_LIMIT, "value": limit}
            )
    compression = (params.get("compression") or "").lower() or getattr(request, "dhis2_compression", None)
    if compression not in (None, "gzip", "zip"):
        raise ValueError(_("compression must be gzip or zip, not %(value)s") % {"value": compression})
    return since, limit, compression


def _moment(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(
            _("lastUpdated must be a date or a date and time, such as 2024-01-31 or 2024-01-31T08:00:00")
        ) from None
    return (
        moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_default_timezone())
    )


def _missing_filter(params, elements, start, end, since, limit) -> tuple[str, str] | None:
    """DHIS2's rules for an export query, with its error codes (E2001…): what to export, which periods (or
    a change date alone, for incremental syncs), and where."""
    if not elements:
        return "E2001", _("At least one data element, data set or data element group must be specified")
    if not (params.getlist("period") or start or end or since):
        return "E2002", _(
            "At least one period, start/end dates, last updated or last updated duration must be specified"
        )
    if params.getlist("period") and (start or end):
        return "E2003", _("Both periods and start/end date cannot be specified")
    if start and end and start > end:
        return "E2004", _("Start date must be before end date")
    if not params.getlist("orgUnit"):
        return "E2006", _("At least one organisation unit or organisation unit group must be specified")
    if limit is not None and limit < 0:
        return "E2009", _("Limit cannot be less than zero: `%(limit)d`") % {"limit": limit}
    return None


def _export_format(request, extension: str | None) -> str:
    accept = request.headers.get("Accept", "")
    asked = extension or request.GET.get("format", "")
    for fmt, markers in (("adx", ("adx",)), ("csv", ("csv",)), ("xml", ("xml",)), ("json", ("json",))):
        if any(m in asked or m in accept for m in markers):
            return fmt
    return "json"


def _stream(
    rows, fmt: str, *, schemes=None, data_sets=(), compression=None, attachment=None, dates=(None, None)
) -> FileResponse:
    """Write the export to a spooled file (memory stays flat), compressed when asked, and stream it back.

    As DHIS2: a compressed export is an attachment named ``dataValues.json.gz`` (or ``.json.zip``, the zip
    holding ``dataValues.json``), ``attachment=name`` names it, and ``_<start>_<end>`` follows when both dates
    were given. Its Content-Type is the compression's (DHIS2 2.40 keeps the format's, which does not say
    the body is compressed)."""
    extension = "xml" if fmt == "adx" else fmt
    name = (attachment or "dataValues").split(".", 1)[0] or "dataValues"
    if dates[0] and dates[1]:
        name = f"{name}_{dates[0].isoformat()}_{dates[1].isoformat()}"
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115 - streamed
    try:
        with _compressed(spooled, compression, f"{name}.{extension}") as binary:
            text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
            write_values(fmt, rows, text, id_schemes=schemes, data_sets=data_sets)
            text.flush()
            text.detach()
    except NoValues:
        return error_response(
            404, _("No data values match this export, and an ADX document cannot be empty.")
        )
    spooled.seek(0)
    if compression is None:
        response = FileResponse(spooled, content_type=f"{CONTENT_TYPES[fmt]}; charset=utf-8")
        if attachment:
            response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    else:
        suffix = "gz" if compression == "gzip" else "zip"
        response = FileResponse(spooled, content_type=f"application/{compression}")
        response["Content-Disposition"] = f'attachment; filename="{name}.{extension}.{suffix}"'
        response["Content-Transfer-Encoding"] = "binary"
    response["Cache-Control"] = "no-store"
    return response


@contextmanager
def _compressed(spooled, compression: str | None, inner_name: str):
    if compression == "gzip":
        with gzip.GzipFile(fileobj=spooled, mode="wb", filename=inner_name) as stream:
            yield stream
    elif compression == "zip":
        with (
            zipfile.ZipFile(spooled, "w", zipfile.ZIP_DEFLATED) as archive,
            archive.open(inner_name, "w") as stream,
        ):
            yield stream
    else:
        yield spooled
