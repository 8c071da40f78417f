"""How the FHIR API speaks HTTP: JSON only (FHIR JSON, ``application/fhir+json``), errors as OperationOutcome.

Format (http://hl7.org/fhir/R4/http.html#mime-type): ``_format`` wins over ``Accept``. ``json``,
``application/json`` and ``application/fhir+json`` (and the STU3 ``application/json+fhir``) are served; so is
an ``Accept`` that allows anything (``*/*``, a browser's). XML, or any other format alone, gets 406 with an
OperationOutcome saying that this server writes JSON only, as its CapabilityStatement says.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpResponse
from django.utils.translation import gettext as _

from qicop.integrations.fhir.measure_report import dumps
from qicop.integrations.fhir.resources import operation_outcome

CONTENT_TYPE = "application/fhir+json"
_JSON = {"json", "application/json", "application/fhir+json", "application/json+fhir", "text/json"}
_ANY = {"*/*", "application/*"}
MAX_QUERY_LENGTH = 4096


def respond(resource: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(dumps(resource), status=status, content_type=CONTENT_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def outcome(status: int, code: str, text: str, headers: dict | None = None) -> HttpResponse:
    """An error as FHIR answers it: the HTTP status and an OperationOutcome that says what was wrong."""
    return respond(operation_outcome(code, text), status, headers)


def _accepts_json(request) -> bool:
    asked = request.GET.get("_format")
    if asked is not None:
        return asked.split(";", 1)[0].strip().lower() in _JSON
    accept = request.headers.get("Accept", "").strip()
    if not accept:
        return True
    for item in accept.split(","):
        media, *parameters = (part.strip() for part in item.split(";"))
        quality = next((p[2:] for p in parameters if p.startswith("q=")), "1")
        try:
            acceptable = float(quality) > 0
        except ValueError:
            acceptable = True
        if acceptable and (media.lower() in _JSON or media in _ANY):
            return True
    return False


def fhir_endpoint(view: Callable) -> Callable:
    """GET and HEAD only, a bounded query string, and JSON or a 406 — before the view runs."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return outcome(
                405,
                "not-supported",
                _("This FHIR server only reads: use GET."),
                {"Allow": "GET, HEAD"},
            )
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
            return outcome(
                414,
                "too-long",
                _("The query is too long: at most %(max)d characters.") % {"max": MAX_QUERY_LENGTH},
            )
        if not _accepts_json(request):
            return outcome(
                406,
                "not-supported",
                _(
                    "This server writes FHIR JSON only (application/fhir+json): "
                    "ask for _format=json or send Accept: application/fhir+json."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapper
