"""``GET/POST /api/metadata``: DHIS2 metadata bundles out and in."""

from __future__ import annotations

import io

from django.core.exceptions import PermissionDenied, ValidationError
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
