"""Error pages that say what happened in the user's language and offer a way on."""

from django.core.exceptions import BadRequest
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import get_template

from qicop.core.i18n import time_from_now


def bad_request(request, exception=None):
    # A BadRequest raised with a reason (core.request_checks) says it; Django's own stay generic.
    reason = str(exception) if isinstance(exception, BadRequest) else ""
    return render(
        request, "core/error.html", {"code": 400, "kind": "bad_request", "reason": reason}, status=400
    )


def permission_denied(request, exception=None):
    return render(request, "core/error.html", {"code": 403, "kind": "forbidden"}, status=403)


def page_not_found(request, exception=None):
    return render(request, "core/error.html", {"code": 404, "kind": "not_found"}, status=404)


def too_many_requests(request, seconds: int):
    context = {"code": 429, "kind": "throttled", "when": time_from_now(seconds)}
    return render(request, "core/error.html", context, status=429)


def server_error(request):
    # No context processors: the failure may be in one of them, or in the database.
    return HttpResponseServerError(get_template("core/500.html").render({}))
