"""Who adds and deletes a meeting's materials, beyond ``meetings.permissions``: one condition a line."""

from __future__ import annotations

from qicop.meetings import permissions
from qicop.meetings.models import AgendaItem, Material, Meeting
from qicop.network.permissions import Viewer


def can_add_materials(viewer: Viewer, meeting: Meeting, targets: list[AgendaItem]) -> bool:
    return permissions.can_manage_meetings(viewer, meeting.network_id) or bool(targets)


def can_delete_material(viewer: Viewer, material: Material, network_id: int) -> bool:
    if permissions.can_manage_meetings(viewer, network_id):
        return True
    return viewer.member_id is not None and material.uploaded_by_id == viewer.member_id
