"""Checks every request passes before any view sees it."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _


class RefuseNulCharactersMiddleware:
    """A NUL character in the address (path or query) is a 400 that says so, on pages and APIs alike.

    No identifier, filter or search text holds one, and PostgreSQL refuses to store or even compare text
    that does: ``?q=%00`` on a list was a 500 there. (Form fields are checked by Django's forms already.)
    The error handlers answer in each API's own format (``qicop.api.errors``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            raise BadRequest(_("The address holds a NUL character, which no parameter may contain."))
        return self.get_response(request)
