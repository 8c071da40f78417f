"""Who sees and keeps the register of consumer representatives, one condition a line.

Everyone in the network sees the counts and the measures; a country's participants see its representatives
as they chose to appear (by name, by initials, or "a representative (not named)"); the country's focal point
and the coordinator keep the register and see everyone by name, those who chose not to appear too.
"""

from __future__ import annotations

from qicop.network.models import Network
from qicop.network.permissions import Viewer, can_view_network, is_participant


def can_see_register(viewer: Viewer, network: Network) -> bool:
    """The counts and measures: every member of the network, observers too."""
    return can_view_network(viewer, network)


def can_keep_register(viewer: Viewer, network: Network, country_id: int) -> bool:
    return viewer.is_coordinator(network) or viewer.is_focal_point_for(network, country_id)


def can_see_representatives(viewer: Viewer, network: Network, country_id: int) -> bool:
    """The list of representatives (as they chose to appear): the country's own participants."""
    if can_keep_register(viewer, network, country_id):
        return True
    return is_participant(viewer, network) and viewer.country_id == country_id
