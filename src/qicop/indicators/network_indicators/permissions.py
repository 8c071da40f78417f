"""Who may define a network's indicators and who may map a country's data to them.

- defining (create, edit): the network's coordinators;
- mapping a country: whoever writes that country's data under the one write rule
  (``indicators.permissions.WriteScope``): the coordinators of its networks, its focal points and data
  managers; the network's coordinators in any case;
- reading the indicators, the mappings and the differences: everyone who sees the network.
"""

from __future__ import annotations

from qicop.indicators.permissions import WriteScope
from qicop.network.models import Network
from qicop.network.permissions import Viewer


def may_define(viewer: Viewer, network: Network) -> bool:
    return viewer.is_coordinator(network)


def may_map(user, viewer: Viewer, network: Network, country_id: int) -> bool:
    if viewer.is_coordinator(network):
        return True
    return WriteScope.of(user).writes_country(country_id)


def mappable_countries(user, viewer: Viewer, network: Network, country_ids) -> set[int]:
    """Of ``country_ids`` (the network's), those ``user`` may map (no query beyond the write scope's)."""
    if viewer.is_coordinator(network):
        return set(country_ids)
    scope = WriteScope.of(user)
    return {pk for pk in country_ids if scope.writes_country(pk)}
