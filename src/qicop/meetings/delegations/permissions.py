"""Who names a delegation and who downloads its letters and certificates, beyond ``meetings.permissions``:
one condition a line."""

from __future__ import annotations

from qicop.meetings import permissions
from qicop.meetings.attendance.selectors import is_guest
from qicop.meetings.models import Attendance, Delegate, Meeting
from qicop.network.models import Country
from qicop.network.permissions import Viewer


def has_delegations(meeting: Meeting) -> bool:
    """Only in-person and hybrid meetings have delegations: a virtual session has registrations."""
    return meeting.kind != Meeting.Kind.VIRTUAL


def can_see_delegate_email(viewer: Viewer, meeting: Meeting, country_id: int) -> bool:
    return permissions.can_manage_delegation(viewer, meeting, country_id)


def can_download_letter(viewer: Viewer, delegate: Delegate) -> bool:
    if permissions.can_manage_delegation(viewer, delegate.meeting, delegate.country_id):
        return True
    return viewer.member_id is not None and delegate.member_id == viewer.member_id


def has_certificate(attendance: Attendance) -> bool:
    """A member's attendance, or a named guest's the coordinator added or confirmed; not an unmatched row
    of a report ("iPhone (2)"), whom nobody vouched for."""
    return attendance.member_id is not None or is_guest(attendance)


def can_download_certificate(viewer: Viewer, attendance: Attendance) -> bool:
    if not has_certificate(attendance):
        return False
    if viewer.is_coordinator(attendance.meeting.network_id):
        return True  # a guest has no account: the coordinator hands the certificate over
    return attendance.member_id is not None and attendance.member_id == viewer.member_id


def manageable_countries(viewer: Viewer, meeting: Meeting) -> list[Country]:
    """The participating countries whose delegation the viewer names (prefetch meeting.countries)."""
    if not has_delegations(meeting):
        return []
    return [c for c in meeting.countries.all() if permissions.can_manage_delegation(viewer, meeting, c.pk)]
