"""The values the attendance readers return, and the error they raise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from qicop.integrations.errors import FormatError

ZOOM = "zoom"
TEAMS = "teams"
# Teams' attendance list before 2021 (``meetingAttendanceList.csv``): one row per join/leave event.
TEAMS_LEGACY = "teams-legacy"


class AttendanceFormatError(FormatError):
    """The file is not an attendance report we can read; the message names what is missing."""


@dataclass(frozen=True)
class Segment:
    """One stay in the meeting. ``left`` is None when the report ends with the person still present;
    ``minutes`` is the tool's own figure when the file has one, else computed from the two times."""

    joined: datetime | None
    left: datetime | None
    minutes: float | None


@dataclass
class Participant:
    name: str
    email: str | None
    segments: list[Segment]
    total_minutes: float
    guest: bool
    role: str | None = None


@dataclass
class AttendanceReport:
    tool: str
    meeting_title: str | None
    meeting_start: datetime | None
    meeting_end: datetime | None
    participants: list[Participant]
    warnings: list[str] = field(default_factory=list)
