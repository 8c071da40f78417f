"""The assessments room's own rules, beside programmes.permissions (one condition a line)."""

from __future__ import annotations

from qicop.network.models import Network, Role
from qicop.network.permissions import Viewer, is_participant
from qicop.programmes.models import AssessmentRound
from qicop.programmes.permissions import can_run_rounds


def can_list_rounds(viewer: Viewer, network: Network) -> bool:
    """The rounds list: participants (observers see only the network's gap map)."""
    return is_participant(viewer, network)


def can_start_rounds(viewer: Viewer, network: Network) -> bool:
    """Start a round for some country: the coordinator (any), a focal point (their own)."""
    return viewer.is_coordinator(network) or viewer.has_role(network, Role.FOCAL_POINT)


def can_share_round(viewer: Viewer, round_: AssessmentRound) -> bool:
    return can_run_rounds(viewer, round_.network, round_.country_id)


def can_return_round(viewer: Viewer, round_: AssessmentRound) -> bool:
    """Send a submitted round back to draft: the coordinator."""
    return round_.status == AssessmentRound.Status.SUBMITTED and viewer.is_coordinator(round_.network_id)
