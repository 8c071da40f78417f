"""Who records a meeting's attendance: one condition a line."""

from __future__ import annotations

from qicop.meetings.models import Meeting
from qicop.network.permissions import viewer_for


def can_record_attendance(user, meeting: Meeting) -> bool:
    return viewer_for(user).is_coordinator(meeting.network)
