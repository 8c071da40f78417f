"""Who sees which results: the rules of the results pages (a country's radar, the network's gap map), one
condition a line, on top of qicop.programmes.permissions.

Results pages show confirmed and locked rounds only: a draft or a submitted round is work in progress, even
for the country's own people (they follow it on the round's page).
"""

from __future__ import annotations

from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant
from qicop.programmes.models import AssessmentRound
from qicop.programmes.permissions import VISIBLE_TO_OTHERS, can_see_gap_map, can_view_round


def can_see_country_results(viewer: Viewer, network: Network) -> bool:
    """A country's results page: participants of the network; observers see the gap map only."""
    return is_participant(viewer, network)


def shows_country_result(viewer: Viewer, round_: AssessmentRound) -> bool:
    """A round on its country's results page (and on the country page)."""
    if round_.status not in VISIBLE_TO_OTHERS:
        return False
    return can_view_round(viewer, round_)


def shows_on_gap_map(viewer: Viewer, network: Network, round_: AssessmentRound) -> bool:
    """A round on the network's gap map: coordinators see every confirmed round; everyone else shared
    ones, and a country's own participants their own country's too (marked "not shared")."""
    if not can_see_gap_map(viewer, network):
        return False
    if round_.status not in VISIBLE_TO_OTHERS:
        return False
    if viewer.is_coordinator(network):
        return True
    if round_.shared:
        return True
    return is_participant(viewer, network) and viewer.country_id == round_.country_id
