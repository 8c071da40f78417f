"""Who may do what with national quality programmes: one condition a line, from the request's Viewer.

A country's focal point runs its assessment rounds; named assessors fill the rounds they are named on; the
coordinator confirms rounds and edits the shared instruments; other countries see confirmed rounds that the
country shares; observers see the network's gap map of shared results only.
"""

from __future__ import annotations

from qicop.network.models import Network
from qicop.network.permissions import Viewer, can_view_network, is_participant
from qicop.programmes.models import AssessmentRound

VISIBLE_TO_OTHERS = (AssessmentRound.Status.CONFIRMED, AssessmentRound.Status.LOCKED)


def can_run_rounds(viewer: Viewer, network: Network, country_id: int | None) -> bool:
    return viewer.is_coordinator(network) or viewer.is_focal_point_for(network, country_id)


def is_assessor(viewer: Viewer, round_: AssessmentRound) -> bool:
    """Named on the round (prefetch ``assessors`` on lists)."""
    return viewer.member_id is not None and any(m.pk == viewer.member_id for m in round_.assessors.all())


def can_view_round(viewer: Viewer, round_: AssessmentRound) -> bool:
    network = round_.network
    if not can_view_network(viewer, network):
        return False
    if viewer.is_coordinator(network) or is_assessor(viewer, round_):
        return True
    if is_participant(viewer, network) and viewer.country_id == round_.country_id:
        return True
    return is_participant(viewer, network) and round_.shared and round_.status in VISIBLE_TO_OTHERS


def may_fill_drafts_of(viewer: Viewer, round_: AssessmentRound) -> bool:
    """Those who fill the round while it is a draft: the country's focal point, a coordinator, a named
    assessor (told why when it no longer is one)."""
    return can_run_rounds(viewer, round_.network, round_.country_id) or is_assessor(viewer, round_)


def can_fill_round(viewer: Viewer, round_: AssessmentRound) -> bool:
    """Edit the answers and their evidence files: while a draft, by those of ``may_fill_drafts_of``."""
    if round_.status != AssessmentRound.Status.DRAFT:
        return False
    return may_fill_drafts_of(viewer, round_)


def can_confirm_round(viewer: Viewer, round_: AssessmentRound) -> bool:
    return round_.status == AssessmentRound.Status.SUBMITTED and viewer.is_coordinator(round_.network_id)


def can_lock_round(viewer: Viewer, round_: AssessmentRound) -> bool:
    return round_.status == AssessmentRound.Status.CONFIRMED and viewer.is_coordinator(round_.network_id)


def can_see_gap_map(viewer: Viewer, network: Network) -> bool:
    """The network's gap map of shared, confirmed results: every member of the network, observers too."""
    return can_view_network(viewer, network)


def can_edit_instruments(viewer: Viewer, network: Network) -> bool:
    return viewer.is_coordinator(network)
