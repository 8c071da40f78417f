"""Who may do what with meetings: one condition a line, answered from the request's Viewer.

Coordinators create and run meetings; focal points manage their country's delegation and case
presentation; presenters upload their own materials; members register and see materials and minutes;
observers see published proceedings only.
"""

from __future__ import annotations

from qicop.meetings.models import AgendaItem, CasePresentation, Meeting
from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant


def can_see_meetings(viewer: Viewer, network: Network) -> bool:
    """Meeting pages, agendas, materials, minutes, calendars: participants; observers read proceedings."""
    return is_participant(viewer, network)


def can_manage_meetings(viewer: Viewer, network: Network | int) -> bool:
    return viewer.is_coordinator(network)


def can_manage_delegation(viewer: Viewer, meeting: Meeting, country_id: int | None) -> bool:
    return can_manage_meetings(viewer, meeting.network_id) or viewer.is_focal_point_for(
        meeting.network_id, country_id
    )


def is_presenter(viewer: Viewer, item: AgendaItem) -> bool:
    """Named presenter, panellist or moderator of the agenda item (prefetch presenters/panellists)."""
    if viewer.member_id is None:
        return False
    return (
        item.moderator_id == viewer.member_id
        or any(p.pk == viewer.member_id for p in item.presenters.all())
        or any(p.pk == viewer.member_id for p in item.panellists.all())
    )


def can_upload_material(viewer: Viewer, meeting: Meeting, item: AgendaItem | None) -> bool:
    if can_manage_meetings(viewer, meeting.network_id):
        return True
    return item is not None and item.meeting_id == meeting.pk and is_presenter(viewer, item)


def can_submit_case(viewer: Viewer, case: CasePresentation) -> bool:
    """The assigned country's focal point (or a coordinator) uploads the presentation and the question."""
    return can_manage_delegation(viewer, case.meeting, case.country_id)
