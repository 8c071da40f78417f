"""Column headings and labels of both tools in the languages of the real exports we have (English,
Japanese Zoom, Polish Teams).

Headings are compared after ``normalise`` (case-folded, spaces collapsed, full-width brackets made ASCII), so
one alias covers ``First join`` and ``First Join``. To support another language, add the headings of a real
export of it here (guessed translations would silently mismatch); the readers need no change. Each tuple
starts with the English heading, which error messages use.
"""

from __future__ import annotations

import re
import unicodedata

NAME = "name"
EMAIL = "email"
JOIN = "join"
LEAVE = "leave"
DURATION = "duration"
ROLE = "role"
GUEST = "guest"
USER_ID = "user_id"
ACTION = "action"
TIMESTAMP = "timestamp"

ZOOM_COLUMNS: dict[str, tuple[str, ...]] = {
    NAME: ("Name (Original Name)", "名前 (元の名前)", "User Name (Original Name)"),
    EMAIL: ("User Email", "ユーザーメール", "Email"),
    JOIN: ("Join Time", "参加時刻"),
    LEAVE: ("Leave Time", "退出時刻"),
    DURATION: ("Duration (Minutes)", "所要時間（分）", "Time in Session (minutes)"),
    GUEST: ("Guest", "Is Guest"),
    USER_ID: ("User ID", "Participant ID"),
    ROLE: ("Role",),
}
# The block "Export with meeting data" puts above the participants.
ZOOM_MEETING_INFO: dict[str, tuple[str, ...]] = {
    "id": ("Meeting ID", "Webinar ID"),
    "title": ("Topic",),
    "start": ("Start Time", "Actual Start Time"),
    "end": ("End Time",),
}

TEAMS_COLUMNS: dict[str, tuple[str, ...]] = {
    NAME: ("Name", "Imię i nazwisko"),
    JOIN: ("Join time", "First join", "Godzina dołączenia", "Pierwsze dołączenie"),
    LEAVE: ("Leave time", "Last leave", "Godzina opuszczenia", "Ostatnie wyjście"),
    DURATION: ("Duration", "In-meeting duration", "Czas trwania", "Czas udziału w spotkaniu"),
    EMAIL: ("Email", "Adres e-mail"),
    USER_ID: ("Participant ID (UPN)", "Identyfikator uczestnika (UPN)"),
    ROLE: ("Role", "Rola"),
}
# The "1. Summary" block of the current Teams report: label in the first cell, value in the second.
TEAMS_SUMMARY: dict[str, tuple[str, ...]] = {
    "title": ("Meeting title", "Tytuł spotkania"),
    "start": ("Start time", "Godzina rozpoczęcia"),
    "end": ("End time", "Godzina zakończenia"),
    "attended": ("Attended participants", "Liczba uczestniczących"),
    "duration": ("Meeting duration", "Czas trwania spotkania"),
}
# Before 2021 the list had one row per event.
TEAMS_LEGACY_COLUMNS: dict[str, tuple[str, ...]] = {
    NAME: ("Full Name",),
    ACTION: ("User Action",),
    TIMESTAMP: ("Timestamp",),
}
LEGACY_JOINED = ("joined", "joined before")
LEGACY_LEFT = ("left",)

# Teams roles as written in the exports, mapped to the English label shown in qicop.
TEAMS_ROLES = {
    "Organizer": ("Organizer", "Organiser", "Organizator"),
    "Co-organizer": ("Co-organizer", "Co-organiser"),
    "Presenter": ("Presenter", "Osoba prowadząca"),
    "Attendee": ("Attendee",),
}
YES = ("yes", "y", "true", "1")

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """A heading or label as aliases are compared: NFKC turns full-width ``（分）`` into ``(分)``."""
    text = unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    return _SPACES.sub(" ", text).strip().casefold()


def lookup(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Normalised alias → field."""
    return {normalise(alias): field for field, aliases in table.items() for alias in aliases}


def map_header(cells: list[str], table: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Field → column index for the cells of one header row (the first column wins for a repeated field)."""
    aliases = lookup(table)
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = aliases.get(normalise(cell))
        if field and field not in found:
            found[field] = index
    return found


def english(table: dict[str, tuple[str, ...]], field: str) -> str:
    return table[field][0]


def role_label(raw: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    for label, aliases in TEAMS_ROLES.items():
        if normalise(raw) in {normalise(alias) for alias in aliases}:
            return label
    return raw


def is_section_title(cells: list[str]) -> bool:
    """Teams' ``1. Summary`` / ``2. Uczestnicy`` / ``3. In-Meeting activities`` rows."""
    return len(cells) == 1 and re.match(r"^\d\.\s*\S", cells[0]) is not None
