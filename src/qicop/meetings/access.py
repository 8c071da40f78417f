"""The first step of every meetings page: the viewer and the network, with the meetings rule applied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from qicop.meetings import permissions
from qicop.network import selectors as network_selectors


def meetings_network(request, slug):
    """The viewer and the network of a meetings page. Outsiders get 404 (as if missing); observers read
    the published proceedings only, so every other meetings page answers them 403."""
    viewer, network = network_selectors.network_page(request.user, slug)
    if not permissions.can_see_meetings(viewer, network):
        raise PermissionDenied
    return viewer, network
