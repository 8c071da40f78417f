"""Who may bind a case presentation to its evidence and turn the peers' recommendations into work: one
condition a line. Those who may send the case (the country's focal point, a coordinator) may do both."""

from __future__ import annotations

from qicop.meetings.models import CasePresentation
from qicop.meetings.permissions import can_submit_case
from qicop.network.permissions import Viewer


def can_attach_evidence(viewer: Viewer, case: CasePresentation) -> bool:
    return can_submit_case(viewer, case)


def can_turn_recommendations(viewer: Viewer, case: CasePresentation) -> bool:
    """Whoever records what the peers recommended (a coordinator) or answers for the country (its focal
    point) makes actions and change ideas of it."""
    return can_submit_case(viewer, case)
