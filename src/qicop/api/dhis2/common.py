"""What every DHIS2-compatible endpoint shares: who is asking, DHIS2's WebMessage for errors, the body."""

from __future__ import annotations

import base64
import binascii
import tempfile
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from qicop.accounts import throttle
from qicop.api.dhis2.routing import wants_xml
from qicop.indicators import services
from qicop.indicators.import_messages import without_texts
from qicop.integrations.compressed import TooLarge, compression_of, expand
from qicop.integrations.dhis2.import_summary import web_message
from qicop.integrations.dhis2.web_message import write_xml

SPOOL_IN_MEMORY = 10 * 1024 * 1024


def api_user(request):
    """The user a request speaks for, as DHIS2 authenticates (ApiToken, Bearer, Basic); the session for
    reads; None when it speaks for nobody. Failed attempts are throttled: while this client or account
    must wait, raises ``Throttled``, which the API answers 429 with ``Retry-After``."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, credential = header.partition(" ")
    scheme = scheme.lower()
    if scheme in {"apitoken", "bearer"}:
        return throttle.user_for_token(request, credential.strip())
    if scheme == "basic":
        try:
            email, _colon, password = base64.b64decode(credential).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        user = authenticate(request, username=email, password=password)
        if user is None and getattr(request, "sign_in_refused", False):
            raise throttle.Throttled(request.sign_in_wait)  # 429 (qicop.api.errors.ThrottledMiddleware)
        return user
    # The browser's session only for reads: these endpoints skip the CSRF check that DHIS2 scripts cannot do,
    # so a write on a session cookie could be forged by another site.
    if request.method in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
        return request.user
    return None


def import_message(summary: dict, request=None) -> HttpResponse:
    """DHIS2's WebMessage around an import summary, in the request's language: 200 when all went well,
    409 when there were conflicts; in XML when the client sent XML or asked for it."""
    ok = summary.get("status") == "SUCCESS"
    text = _("Import was successful.") if ok else _("An error occurred, please check import summary.")
    body = web_message(without_texts(summary), text)
    if request is None:
        return JsonResponse(body, status=body["httpStatusCode"], json_dumps_params={"ensure_ascii": False})
    return respond(request, body, status=body["httpStatusCode"])


REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Payload Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}


def web_message_body(status: int, message: str, *, error_code: str | None = None, response=None) -> dict:
    """DHIS2's WebMessage as a dict: ``httpStatus`` (the reason), ``httpStatusCode``, ``status`` (OK, WARNING
    or ERROR), ``message``, and ``errorCode``/``response`` when there are some."""
    body = {
        "httpStatus": REASONS.get(status) or HTTPStatus(status).phrase,
        "httpStatusCode": status,
        "status": "OK" if status < 400 else "ERROR",
        "message": message,
    }
    if error_code:
        body["errorCode"] = error_code
    if response is not None:
        body["response"] = response
    return body


def error_response(status: int, message: str, *, error_code: str | None = None) -> JsonResponse:
    """A DHIS2 WebMessage error, in JSON: the API middleware makes it XML for a client that asked for XML."""
    return JsonResponse(
        web_message_body(status, message, error_code=error_code),
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def respond(request, body: dict | list, *, status: int = 200, xml_root: str = "webMessage") -> HttpResponse:
    """A DHIS2 answer in the format the client wants (JSON, or XML when it asked for XML or sent XML)."""
    if wants_xml(request):
        return HttpResponse(
            write_xml(body, xml_root), status=status, content_type="application/xml; charset=UTF-8"
        )
    return JsonResponse(body, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


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


def expand_body(request, body):
    """The uploaded file and its name: as sent, or expanded when it came gzipped (``Content-Encoding:
    gzip`` or gzip's magic bytes) or zipped (one file in a zip archive), as DHIS2 accepts them. The
    expanded size is limited like an upload's (ValidationError); a damaged archive is a FormatError."""
    compression = compression_of(body, request.headers.get("Content-Encoding", ""))
    if compression is None:
        return body, None
    try:
        return expand(body, compression, limit=settings.QICOP_IMPORT_MAX_BYTES)
    except TooLarge:
        raise ValidationError(
            _(
                "The file expands to more than %(limit)d MB, the most an import takes. "
                "Split it by period or org unit."
            )
            % {"limit": settings.QICOP_IMPORT_MAX_BYTES // 1_000_000}
        ) from None


def unauthorized() -> JsonResponse:
    """401 with the WebMessage; the API middleware adds ``WWW-Authenticate`` (Basic realm="DHIS2", or the
    scheme the client tried)."""
    return error_response(401, _("Sign in or send a personal API token (Authorization: ApiToken <token>)."))
