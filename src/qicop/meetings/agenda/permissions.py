"""Who plans meetings and reviews case presentations, beyond ``meetings.permissions``: one condition a
line."""

from __future__ import annotations

from qicop.meetings import permissions
from qicop.meetings.models import CasePresentation
from qicop.network.models import Network
from qicop.network.permissions import Viewer


def can_plan_meetings(viewer: Viewer, network: Network | int) -> bool:
    """Create, edit, copy and cancel meetings, edit agendas and topics, assign and review cases."""
    return permissions.can_manage_meetings(viewer, network)


def can_review_case(viewer: Viewer, case: CasePresentation) -> bool:
    return permissions.can_manage_meetings(viewer, case.meeting.network_id)
