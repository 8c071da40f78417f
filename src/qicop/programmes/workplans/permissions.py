"""Who may read and draft a round's work plan (one condition a line).

The country drafts its plan from a round once submitted (its own view of its results), confirmed or locked:
its focal point and the coordinator edit it; whoever sees the round reads it; observers never do."""

from __future__ import annotations

from qicop.network.permissions import Viewer, is_participant
from qicop.programmes.models import AssessmentRound
from qicop.programmes.permissions import can_run_rounds, can_view_round

PLANNED_FROM = (
    AssessmentRound.Status.SUBMITTED,
    AssessmentRound.Status.CONFIRMED,
    AssessmentRound.Status.LOCKED,
)


def can_read_plan(viewer: Viewer, round_: AssessmentRound) -> bool:
    return is_participant(viewer, round_.network) and can_view_round(viewer, round_)


def can_edit_plan(viewer: Viewer, round_: AssessmentRound) -> bool:
    if round_.status not in PLANNED_FROM:
        return False
    return can_run_rounds(viewer, round_.network, round_.country_id)
