"""Who reads and edits the proceedings, answers the survey after a meeting and reads its answers:
one condition a line.

Participants read every year (a draft is labelled so); observers read published years only."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from qicop.meetings import permissions
from qicop.meetings.models import Meeting, Proceedings
from qicop.network.models import Network
from qicop.network.permissions import Viewer


def can_read_proceedings(viewer: Viewer, network: Network, proceedings: Proceedings | None) -> bool:
    """Participants read every year; a member who is only an observer reads published years only.
    (The caller has already checked that the viewer belongs to the network.)"""
    if permissions.is_participant(viewer, network):
        return True
    return proceedings is not None and proceedings.published_at is not None


def can_edit_proceedings(viewer: Viewer, network: Network | int) -> bool:
    return permissions.can_manage_meetings(viewer, network)


def can_download_materials(viewer: Viewer, network: Network) -> bool:
    """Material files are served to participants only: observers see their titles, not links."""
    return permissions.can_see_meetings(viewer, network)


def survey_is_open(meeting: Meeting, now: datetime | None = None) -> bool:
    """Open from the start of the meeting on; a cancelled meeting has nothing to evaluate."""
    return meeting.status != Meeting.Status.CANCELLED and meeting.start <= (now or timezone.now())


def can_evaluate(viewer: Viewer, meeting: Meeting) -> bool:
    return (
        viewer.member_id is not None
        and permissions.is_participant(viewer, meeting.network_id)
        and survey_is_open(meeting)
    )


def can_read_answers(viewer: Viewer, network) -> bool:
    """Every answer, one by one: coordinators. Everyone else sees the summary."""
    return permissions.can_manage_meetings(viewer, network)
