"""Reads of materials, scoped to the viewer."""

from __future__ import annotations

from django.db.models import Q

from qicop.meetings import permissions
from qicop.meetings.models import AgendaItem, Meeting
from qicop.network.permissions import Viewer


def upload_targets(viewer: Viewer, meeting: Meeting) -> list[AgendaItem]:
    """The agenda items of ``meeting`` the viewer may attach materials to: all of them for coordinators,
    the ones they present, sit on the panel of or moderate for anyone else."""
    items = meeting.agenda.all()
    if not permissions.can_manage_meetings(viewer, meeting.network_id):
        if viewer.member_id is None:
            return []
        mine = (
            Q(presenters__id=viewer.member_id)
            | Q(panellists__id=viewer.member_id)
            | Q(moderator_id=viewer.member_id)
        )
        items = items.filter(mine).distinct()
    items = items.prefetch_related("presenters", "panellists")
    return [item for item in items if permissions.can_upload_material(viewer, meeting, item)]
