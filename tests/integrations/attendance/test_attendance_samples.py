"""Every real Zoom and Teams export of ``../shared/formats`` is read, and what was read is pinned down.

One entry per file under ``zoom-participants/`` and ``teams-attendance/`` (recursively): the tool, how many
people remain after merging rejoins, one chosen person (name, e-mail, minutes, first join as an aware
datetime in the organiser's zone) and the warnings shown to the coordinator. The zone given to each file is
a plausible organiser's zone for its source. The samples live next to the repository; a fresh clone without
them skips this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from qicop.integrations.attendance import TEAMS, TEAMS_LEGACY, ZOOM, read_attendance

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "formats"
FOLDERS = ("zoom-participants", "teams-attendance")

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="the shared sample files (../shared/formats next to the repository) are absent",
)


@dataclass(frozen=True)
class Expected:
    zone: str
    tool: str
    people: int
    name: str
    email: str | None
    minutes: float
    segments: int
    first_join: tuple[int, ...]  # local wall-clock time in ``zone``
    utc_offset_hours: float
    title: str | None = None
    warnings: tuple[str, ...] = ()  # one fragment per expected warning, in order


BRUSSELS_GB = Expected(
    "Europe/Brussels", TEAMS, 7, "García Simón, Pedro", "pgsimon@spain.es", 19.35, 1,
    (2022, 11, 14, 9, 30, 52), 1, "Scrum Meeting",
)  # fmt: skip
# Section 2 lists 8 people under a summary of 9: the anonymiser removed someone; we say so.
BRUSSELS_15 = Expected(
    "Europe/Brussels", TEAMS, 8, "Johnny Walker", "Johnny.Walker@scotch.aero", 10.8, 1,
    (2022, 11, 15, 9, 30, 56), 1, "Scrum Meeting", ("summary counts 9 participants but it lists 8 people",),
)  # fmt: skip
BRUSSELS_16 = Expected(
    "Europe/Brussels", TEAMS, 8, "ROBUST Razvan", "razvan@un.int", 15.72, 1, (2022, 11, 16, 9, 30, 37),
    1, "Scrum Meeting",
)  # fmt: skip
POLISH_WARNINGS = (
    "'3/10/25, 8:02:00 AM' could be day/month or month/day; read as month/day",
    "The e-mail column holds 'EMAIL', which are not addresses",
)

EXPECTED = {
    "teams-attendance/IDL-14-11-22.csv": BRUSSELS_GB,
    "teams-attendance/IDL-15-11-22.csv": BRUSSELS_15,
    "teams-attendance/IDL-16-11-22.csv": BRUSSELS_16,
    "teams-attendance/utf8/IDL-14-11-22.csv": BRUSSELS_GB,
    "teams-attendance/utf8/IDL-15-11-22.csv": BRUSSELS_15,
    "teams-attendance/utf8/IDL-16-11-22.csv": BRUSSELS_16,
    # Polish labels, en-US dates (12-hour clock, so 3/10/25 is 10 March), anonymised e-mails.
    "teams-attendance/Przedmiot lab3 - Raport obecności 3-10-25.csv": Expected(
        "Europe/Warsaw", TEAMS, 7, "uczestnik jakis4", None, 117.27, 1, (2025, 3, 10, 8, 1, 24), 1,
        "Nazwa przedmiotu - lab 3", POLISH_WARNINGS,
    ),
    # The same report re-saved as Windows-1250 with semicolons; its summary says 4/10/25 while every row
    # says 3/10/25, which the reader points out.
    "teams-attendance/exported_csv-Przedmiot lab3 - Raport obecności 3-10-25.csv": Expected(
        "Europe/Warsaw", TEAMS, 7, "uczestnik jakis4", None, 117.27, 1, (2025, 3, 10, 8, 1, 24), 1,
        "Nazwa przedmiotu - lab 3",
        (
            *POLISH_WARNINGS,
            "The meeting starts on 2025-04-10 08:00 but the first person joined on 2025-03-10",
        ),
    ),
    # Pre-2021 list, UTF-16LE with tabs, 24-hour clock so 11/12/2020 is 11 December; six stays of one person.
    "teams-attendance/dominikhoebert/meetingAttendanceList.csv": Expected(
        "Europe/Vienna", TEAMS_LEGACY, 5, "Müller Hans", None, 25.62, 6, (2020, 12, 11, 12, 39, 32), 1, None,
        ("'11/12/2020, 12:27:24' could be day/month or month/day; read as day/month",),
    ),
    # Pre-2021 list re-saved as UTF-8 with commas; "Joined before" opens a stay; 19 people never left.
    "teams-attendance/gspahlin/meetingAttendanceList.csv": Expected(
        "America/Detroit", TEAMS_LEGACY, 38, "Kray Thorn", None, 16.55, 1, (2020, 11, 4, 9, 50, 12), -5, None,
        ("read as month/day because the times use a 12-hour clock", "19 people had not left"),
    ),
    # Japanese headings, e-mails cut short with an ellipsis, minutes without seconds.
    "zoom-participants/example.csv": Expected(
        "Asia/Tokyo", ZOOM, 204, "太郎5", "taro5…", 1.0, 1, (2020, 12, 8, 8, 42), 9
    ),
    "zoom-participants/example2.csv": Expected(
        "Asia/Tokyo", ZOOM, 114, "次郎1", "jiro1…", 226.0, 1, (2020, 12, 8, 8, 55), 9
    ),
    # 31 rows; Power Girl was connected twice at once: 114 + 111 minutes less the 110.45 they overlap.
    "zoom-participants/participants_heroes.csv": Expected(
        "America/New_York", ZOOM, 27, "003_Power Girl (Kara Zor-L)", "power-girl_kryptonian@dc.com",
        114.55, 2, (2021, 11, 19, 10, 8, 26), -5,
    ),
    # The same meeting exported with its meeting-info block on top.
    "zoom-participants/participants_heroes_full.csv": Expected(
        "America/New_York", ZOOM, 27, "022_Dazzler", "dazzler_mutant@marvel.com", 29.0, 2,
        (2021, 11, 19, 11, 1, 2), -5, "Heroes meeting",
    ),
    "zoom-participants/sample_zoom_class1.csv": Expected(
        "Asia/Kolkata", ZOOM, 45, "Guest User 1", None, 5.0, 1, (2024, 1, 15, 10, 0), 5.5
    ),
    "zoom-participants/sample_zoom_class2.csv": Expected(
        "Asia/Kolkata", ZOOM, 41, "gaurav mehta", "cs-21-011@university.edu", 54.0, 2,
        (2024, 1, 22, 10, 5), 5.5,
    ),
}  # fmt: skip


def sample_files() -> list[str]:
    if not SAMPLES.is_dir():
        return []
    return sorted(
        path.relative_to(SAMPLES).as_posix()
        for folder in FOLDERS
        for path in (SAMPLES / folder).rglob("*")
        if path.is_file()
    )


def test_every_sample_file_has_an_expectation_and_every_expectation_a_file():
    assert sample_files() == sorted(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_sample_is_read_exactly(relative):
    expected = EXPECTED[relative]
    report = read_attendance((SAMPLES / relative).read_bytes(), filename=relative, time_zone=expected.zone)

    assert report.tool == expected.tool
    assert len(report.participants) == expected.people
    assert report.meeting_title == expected.title
    chosen = [person for person in report.participants if person.name == expected.name]
    assert len(chosen) == 1
    person = chosen[0]
    assert person.email == expected.email
    assert person.total_minutes == pytest.approx(expected.minutes, abs=0.01)
    assert len(person.segments) == expected.segments
    first_join = person.segments[0].joined
    assert first_join == datetime(*expected.first_join, tzinfo=ZoneInfo(expected.zone))
    assert first_join.utcoffset().total_seconds() == expected.utc_offset_hours * 3600
    assert len(report.warnings) == len(expected.warnings), report.warnings
    for fragment, warning in zip(expected.warnings, report.warnings, strict=True):
        assert fragment in warning


def test_a_utf16_big_endian_export_reads_the_same_as_its_utf8_copy():
    utf16 = read_attendance((SAMPLES / "teams-attendance/IDL-14-11-22.csv").read_bytes(), time_zone="UTC")
    utf8 = read_attendance((SAMPLES / "teams-attendance/utf8/IDL-14-11-22.csv").read_bytes(), time_zone="UTC")
    assert utf16 == utf8


def test_a_windows_1250_resave_reads_the_same_people_as_the_utf16_original():
    folder = SAMPLES / "teams-attendance"
    original = read_attendance(folder.joinpath("Przedmiot lab3 - Raport obecności 3-10-25.csv").read_bytes())
    resaved = read_attendance(
        folder.joinpath("exported_csv-Przedmiot lab3 - Raport obecności 3-10-25.csv").read_bytes()
    )
    assert [p.name for p in resaved.participants] == [p.name for p in original.participants]
    assert [p.total_minutes for p in resaved.participants] == [p.total_minutes for p in original.participants]


def test_teams_roles_are_read_in_english_from_polish_labels():
    report = read_attendance(
        (SAMPLES / "teams-attendance/Przedmiot lab3 - Raport obecności 3-10-25.csv").read_bytes()
    )
    assert [p.role for p in report.participants] == ["Organizer"] + ["Presenter"] * 6


def test_the_zoom_meeting_info_block_gives_the_meeting_times():
    report = read_attendance(
        (SAMPLES / "zoom-participants/participants_heroes_full.csv").read_bytes(),
        time_zone="America/New_York",
    )
    zone = ZoneInfo("America/New_York")
    assert (report.meeting_start, report.meeting_end) == (
        datetime(2021, 11, 19, 10, 0, tzinfo=zone),
        datetime(2021, 11, 19, 12, 0, tzinfo=zone),
    )


def test_zoom_guest_flag_comes_from_its_guest_column_and_otherwise_from_a_missing_email():
    heroes = read_attendance((SAMPLES / "zoom-participants/participants_heroes.csv").read_bytes())
    assert {p.name for p in heroes.participants if not p.guest} == {"014_Clea"}
    klass = read_attendance((SAMPLES / "zoom-participants/sample_zoom_class2.csv").read_bytes())
    assert sorted(p.name for p in klass.participants if p.guest) == [
        "Guest User 1",
        "Guest User 2",
        "Guest User 3",
    ]


def test_a_teams_legacy_stay_still_open_counts_until_the_last_time_in_the_list():
    report = read_attendance(
        (SAMPLES / "teams-attendance/gspahlin/meetingAttendanceList.csv").read_bytes(),
        time_zone="America/Detroit",
    )
    carmack = next(p for p in report.participants if p.name == "John Carmack")
    assert carmack.segments[0].left is None
    assert carmack.segments[0].minutes is None
    # Joined 10:06:23; the last event of the list is Ken Brooker leaving at 10:07:17.
    assert carmack.total_minutes == pytest.approx(0.9)
