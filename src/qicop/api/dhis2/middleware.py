"""What every request under ``/api/`` (but ``/api/v1/`` and ``/api/fhir/``) goes through, as in DHIS2.

Before the URL is resolved: ``/api/40/dataValueSets`` becomes ``/api/dataValueSets`` (DHIS2's own filter
strips the version the same way), and a trailing slash is dropped (``/api/me/`` is ``/api/me``), so routes
are declared once.

After the view: every error is a DHIS2 WebMessage, never an HTML page. A view's own WebMessage passes
unchanged (in XML when the client asked for XML — suffix, ``Accept`` or an XML body); any other error
(a 405 with an empty body, an HTML page from elsewhere) is replaced by a WebMessage of the same status that
keeps its headers. A 401 carries ``WWW-Authenticate`` naming the scheme the client tried (``ApiToken``,
``Bearer``) or, by default, ``Basic realm="DHIS2"`` as DHIS2 sends it.

Unknown paths and uncaught exceptions reach Django's error handlers, which ``qicop.api.errors`` routes here.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.utils.translation import gettext as _

from qicop.api.dhis2.common import web_message_body
from qicop.api.dhis2.routing import VERSIONED, is_dhis2_path, wants_xml
from qicop.integrations.dhis2.web_message import write_xml

REALM = "DHIS2"


class Dhis2ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/api/"):
            unversioned = VERSIONED.sub("/api/", path, count=1)
            if is_dhis2_path(unversioned) and len(unversioned) > len("/api/") and unversioned.endswith("/"):
                unversioned = unversioned.rstrip("/")
            if unversioned != path:
                request.path_info = unversioned
                request.path = request.META.get("SCRIPT_NAME", "").rstrip("/") + unversioned
        response = self.get_response(request)
        if is_dhis2_path(request.path_info):
            response = as_web_message(request, response)
        return response


def as_web_message(request, response: HttpResponse) -> HttpResponse:
    """The response, with any error made a DHIS2 WebMessage in the format the client wants."""
    if response.status_code < 400:
        return response
    if response.get("Content-Type", "").startswith("application/xml"):
        return _challenge(request, response)  # the view answered in XML already
    body = _web_message_of(response)
    if body is None:
        body = web_message_body(response.status_code, _default_message(response.status_code))
    if wants_xml(request):
        fresh = HttpResponse(
            write_xml(body), status=response.status_code, content_type="application/xml; charset=UTF-8"
        )
    elif _is_json(response):
        fresh = response
    else:
        fresh = HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=response.status_code,
            content_type="application/json; charset=UTF-8",
        )
    if fresh is not response:
        for header in ("Allow", "WWW-Authenticate", "Retry-After"):
            if header in response:
                fresh[header] = response[header]
    return _challenge(request, fresh)


def _challenge(request, response: HttpResponse) -> HttpResponse:
    if response.status_code == 401 and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = www_authenticate(request)
    return response


def www_authenticate(request) -> str:
    """The challenge for the scheme the client used (an expired token is told so), else Basic, as DHIS2."""
    scheme = request.headers.get("Authorization", "").partition(" ")[0].lower()
    if scheme == "apitoken":
        return f'ApiToken realm="{REALM}"'
    if scheme == "bearer":
        return f'Bearer realm="{REALM}", error="invalid_token"'
    return f'Basic realm="{REALM}"'


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _web_message_of(response: HttpResponse) -> dict | None:
    if getattr(response, "streaming", False) or not _is_json(response):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) and "httpStatusCode" in body else None


def _default_message(status: int) -> str:
    messages = {
        400: _("The request could not be read."),
        401: _("Sign in or send a personal API token (Authorization: ApiToken <token>)."),
        403: _("You may not do this."),
        404: _("Nothing is here: check the address."),
        405: _("This address does not take this method."),
        413: _("The request is too large."),
        500: _("Something went wrong on the server; it has been logged. Try again later."),
    }
    return messages.get(status, _("The request failed."))
