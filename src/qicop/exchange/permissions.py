"""Who may connect a country's DHIS2 to qicop, and as whom its pulls import. One condition a line.

- coordinators of the network: any of its countries;
- the country's focal point: their own country;
- nobody else (data managers import, but do not hand out the country's DHIS2 access).

Pulled values are imported as the connection's owner, who must be a focal point or data manager of that
country and nothing more: the importer lets a person write only their own country's values, so a pull can
never write another country's, whatever the remote DHIS2 sends. A coordinator (who may write every
country's values) therefore cannot own a pull.
"""

from __future__ import annotations

from qicop.indicators.permissions import data_countries_for
from qicop.network.permissions import Viewer


def can_manage_connection(viewer: Viewer, network, country_id: int) -> bool:
    if viewer.is_coordinator(network):
        return True
    return viewer.is_focal_point_for(network, country_id)


def can_own_pulls(user, country_id: int) -> bool:
    if user is None or not user.is_active:
        return False
    return data_countries_for(user) == {country_id}
