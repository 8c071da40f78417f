"""Django's error handlers, each API in its own language: DHIS2 WebMessages under ``/api/``, FHIR
OperationOutcomes under ``/api/fhir/``, ``{"detail": …}`` under ``/api/v1/`` (as django-ninja answers), and
the HTML pages of ``qicop.core.errors`` everywhere else.

``RENDERERS`` maps a path prefix to the function that writes an error there; the longest prefix wins. The FHIR
entry is the hook for the FHIR module to replace with its own OperationOutcome writer.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from qicop.accounts.throttle import Throttled
from qicop.api.dhis2.common import error_response
from qicop.core import errors as pages


def _dhis2(request, status: int, message: str) -> HttpResponse:
    # JSON here; the DHIS2 API middleware gives XML to clients that asked for it.
    return error_response(status, message)


def _ninja(request, status: int, message: str) -> HttpResponse:
    return JsonResponse({"detail": message}, status=status)


FHIR_ISSUE_CODES = {
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    413: "too-costly",
    429: "throttled",
}


def _fhir(request, status: int, message: str) -> HttpResponse:
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": FHIR_ISSUE_CODES.get(status, "exception"), "diagnostics": message}
        ],
    }
    return JsonResponse(
        outcome,
        status=status,
        content_type="application/fhir+json",
        json_dumps_params={"ensure_ascii": False},
    )


RENDERERS: dict[str, Callable[..., HttpResponse]] = {
    "/api/v1/": _ninja,
    "/api/fhir/": _fhir,
    "/api/": _dhis2,
}


def _renderer(request) -> Callable[..., HttpResponse] | None:
    path = request.path_info
    for prefix in sorted(RENDERERS, key=len, reverse=True):
        if path.startswith(prefix) or path == prefix.rstrip("/"):
            return RENDERERS[prefix]
    return None


def bad_request(request, exception=None):
    render = _renderer(request)
    if render is None:
        return pages.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return render(request, 413, _("The request is too large."))
    if isinstance(exception, BadRequest) and str(exception):
        return render(request, 400, str(exception))  # a reason given on purpose (core.request_checks)
    return render(request, 400, _("The request could not be read."))


def permission_denied(request, exception=None):
    render = _renderer(request)
    if render is None:
        return pages.permission_denied(request, exception)
    return render(request, 403, str(exception or "") or _("You may not do this."))


def page_not_found(request, exception=None):
    render = _renderer(request)
    if render is None:
        return pages.page_not_found(request, exception)
    return render(request, 404, _("Nothing is here: check the address."))


def server_error(request):
    # Django has logged the exception (logger "django.request") before calling this.
    render = _renderer(request)
    if render is None:
        return pages.server_error(request)
    return render(request, 500, _("Something went wrong on the server; it has been logged. Try again later."))


def throttled(request, exception: Throttled) -> HttpResponse:
    """429 with ``Retry-After`` for a sign-in refused unheard (``qicop.accounts.throttle``), in the API's
    own format (a DHIS2 WebMessage under ``/api/``)."""
    seconds = exception.wait.seconds()
    render = _renderer(request)
    if render is None:
        response = pages.too_many_requests(request, seconds)
    else:
        message = _(
            "Too many failed sign-ins from this address or to this account: "
            "nothing is checked for %(seconds)d seconds (see Retry-After)."
        ) % {"seconds": seconds}
        response = render(request, 429, message)
    response["Retry-After"] = str(seconds)
    return response


class ThrottledMiddleware:
    """Answers :class:`Throttled` wherever a view lets it out (the DHIS2 and FHIR APIs' ``api_user``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Throttled):
            return throttled(request, exception)
        return None
