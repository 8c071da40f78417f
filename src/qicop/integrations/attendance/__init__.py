"""Attendance of virtual sessions from the Zoom participants report and the Teams attendance report.

Pure Python, no Django: ``read_attendance`` turns the downloaded file into an ``AttendanceReport`` (one
``Participant`` per person with merged ``Segment`` stays and aware datetimes), ``match_participants`` links
them to members by e-mail, then by name.
"""

from ._model import TEAMS, TEAMS_LEGACY, ZOOM, AttendanceFormatError, AttendanceReport, Participant, Segment
from .matching import Match, match_participants
from .reader import read_attendance

__all__ = [
    "TEAMS",
    "TEAMS_LEGACY",
    "ZOOM",
    "AttendanceFormatError",
    "AttendanceReport",
    "Match",
    "Participant",
    "Segment",
    "match_participants",
    "read_attendance",
]
