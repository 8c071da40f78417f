"""What every DHIS2-compatible endpoint shares: who is asking, DHIS2's WebMessage for errors, the body."""

from __future__ import annotations

import base64
import binascii
import tempfile

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.utils.translation import gettext as _

from qicop.accounts.services import user_for_api_token
from qicop.indicators import services
from qicop.integrations.dhis2.import_summary import web_message

SPOOL_IN_MEMORY = 10 * 1024 * 1024


def api_user(request):
    """The user a request speaks for, as DHIS2 authenticates (ApiToken, Bearer, Basic); the session for
    reads; None when it speaks for nobody."""
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


def import_message(summary: dict) -> JsonResponse:
    """DHIS2's WebMessage around an import summary, in the request's language: 200 when all went well,
    409 when there were conflicts."""
    ok = summary.get("status") == "SUCCESS"
    text = _("Import was successful.") if ok else _("An error occurred, please check import summary.")
    body = web_message(summary, text)
    return JsonResponse(body, status=body["httpStatusCode"], json_dumps_params={"ensure_ascii": False})


def error_response(status: int, message: str) -> JsonResponse:
    reason = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        406: "Not Acceptable",
        413: "Payload Too Large",
    }[status]
    return JsonResponse(
        {"httpStatus": reason, "httpStatusCode": status, "status": "ERROR", "message": message}, status=status
    )


def spool(request):
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


def unauthorized() -> JsonResponse:
    return error_response(401, _("Sign in or send a personal API token (Authorization: ApiToken <token>)."))
