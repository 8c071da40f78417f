"""Error pages that say what happened in the user's language and offer a way on; one log line per refusal."""

import logging

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


class ForbiddenOnOneLine(logging.Filter):
    """A refusal (403) is an expected answer, not a fault: Django logs each with the whole traceback of the
    PermissionDenied that made it, which buried real errors in the server's log. This keeps one warning
    line that says what was refused to whom: the path and the user's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) != 403:
            return True
        request = getattr(record, "request", None)
        user = getattr(request, "user", None)
        user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
        record.msg = "Forbidden: %s (user %s)"
        record.args = (getattr(request, "path", "?"), user_id if user_id is not None else "anonymous")
        record.exc_info = None
        record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
