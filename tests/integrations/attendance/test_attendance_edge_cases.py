"""Bad input and the hard cases of spec formats.md §7, on our own small files in tests/fixtures/attendance."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from qicop.integrations.attendance import TEAMS, ZOOM, AttendanceFormatError, read_attendance
from qicop.integrations.errors import FormatError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "attendance"

ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\r\n"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_a_file_that_is_neither_zoom_nor_teams_is_refused_naming_the_missing_columns():
    with pytest.raises(AttendanceFormatError) as caught:
        read_attendance(fixture("neither_tool.csv"), filename="neither_tool.csv")
    assert str(caught.value) == (
        "neither_tool.csv: Neither a Zoom participants report nor a Teams attendance report: no name and "
        "join-time columns (first row: 'Country', 'Indicator', 'Period', 'Value')"
    )


def test_the_error_is_a_format_error_and_a_value_error():
    with pytest.raises(FormatError):
        read_attendance(fixture("neither_tool.csv"))
    with pytest.raises(ValueError, match="Neither a Zoom"):
        read_attendance(fixture("neither_tool.csv"))


def test_a_teams_report_that_lost_its_join_time_column_is_refused_naming_it():
    with pytest.raises(AttendanceFormatError) as caught:
        read_attendance(fixture("teams_lost_join_time_column.csv"))
    assert caught.value.message == (
        "This looks like a Teams attendance report but its in-meeting activities table has no 'Join time' "
        "column (found: Name, Leave time, Duration, Email, Role)"
    )
    assert caught.value.line == 15


def test_a_zoom_report_that_lost_its_name_column_is_refused_naming_it():
    with pytest.raises(
        AttendanceFormatError, match=r"no 'Name \(Original Name\)' column \(found: User Email,"
    ):
        read_attendance(fixture("zoom_lost_name_column.csv"))


def test_a_legacy_teams_list_that_lost_its_action_column_is_refused_naming_it():
    with pytest.raises(
        AttendanceFormatError, match=r"no 'User Action' column \(found: Full Name, Timestamp\)"
    ):
        read_attendance(fixture("teams_legacy_lost_action_column.csv"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The attendance file is empty"),
        (b"\xef\xbb\xbf\r\n,,,\r\n", "The attendance file is empty"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook or a zip file"),
        (ZOOM_HEADER.encode(), "This Zoom participants report lists no participants"),
    ],
)
def test_empty_files_workbooks_and_reports_without_people_are_refused(data, message):
    with pytest.raises(AttendanceFormatError, match=message):
        read_attendance(data)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(AttendanceFormatError, match="Unknown time zone 'Mars/Olympus'"):
        read_attendance(fixture("zoom_rejoin_overlap.csv"), time_zone="Mars/Olympus")


def test_a_stay_across_midnight_ends_the_next_day():
    report = read_attendance(fixture("zoom_across_midnight.csv"), time_zone="America/Port-au-Prince")
    zone = ZoneInfo("America/Port-au-Prince")
    somchai, kila = report.participants
    # Zoom wrote the next day's date: nothing to fix.
    assert somchai.segments[0].left == datetime(2025, 1, 1, 0, 40, tzinfo=zone)
    assert somchai.total_minutes == 50
    # The leave time carries the join date but an earlier clock time: read as the next day, and said.
    assert kila.segments[0].joined == datetime(2024, 12, 31, 23, 55, tzinfo=zone)
    assert kila.segments[0].left == datetime(2025, 1, 1, 0, 35, tzinfo=zone)
    assert kila.total_minutes == 40
    assert report.warnings == [
        "Kila Namaliu: left at 00:35 before joining at 23:55 on 2024-12-31; read as leaving the next day"
    ]


def test_a_stay_across_the_spring_change_lasts_its_real_length():
    report = read_attendance(fixture("zoom_dst_port_au_prince.csv"), time_zone="America/Port-au-Prince")
    joseph = report.participants[0]
    segment = joseph.segments[0]
    # 01:30 EST to 03:30 EDT is one hour, not two.
    assert segment.joined.utcoffset().total_seconds() == -5 * 3600
    assert segment.left.utcoffset().total_seconds() == -4 * 3600
    assert joseph.total_minutes == 60


def test_a_time_in_the_spring_gap_is_read_on_the_clock_before_the_change_and_reported():
    report = read_attendance(fixture("zoom_dst_port_au_prince.csv"), time_zone="America/Port-au-Prince")
    lafontant = report.participants[1]
    # 02:15 never happened in Port-au-Prince on 10 March 2024; a clock not yet moved shows it at 03:15 EDT.
    assert lafontant.segments[0].joined == datetime(
        2024, 3, 10, 3, 15, tzinfo=ZoneInfo("America/Port-au-Prince")
    )
    assert lafontant.segments[0].minutes == 30  # computed: the Duration cell is empty
    assert (
        "2024-03-10 02:15 does not exist in America/Port-au-Prince (the clocks moved forward); "
        "read as 03:15 -0400" in report.warnings
    )


def test_times_in_the_autumn_overlap_are_settled_by_the_durations_in_the_file():
    report = read_attendance(fixture("teams_dst_auckland.csv"), time_zone="Pacific/Auckland")
    assert report.tool == TEAMS
    aroha = report.participants[0]
    segment = aroha.segments[0]
    # Joined 02:40 on the first pass (NZDT), left 02:10 on the second (NZST): the 30 minutes of the file.
    assert segment.joined.utcoffset().total_seconds() == 13 * 3600
    assert segment.left.utcoffset().total_seconds() == 12 * 3600
    assert aroha.total_minutes == 30
    assert aroha.role == "Organizer"
    # The meeting ended at 02:20 on the second pass: the summary's 1h 25m says so.
    assert report.meeting_end.utcoffset().total_seconds() == 12 * 3600
    assert sum("happens twice in Pacific/Auckland" in warning for warning in report.warnings) == 3


def test_rejoins_are_merged_per_person_without_counting_overlaps_twice():
    report = read_attendance(fixture("zoom_rejoin_overlap.csv"))
    assert report.tool == ZOOM
    grace, lan = report.participants
    # Same e-mail in another case and a renamed device: one person. 30 + 30 − 10 overlapping + 10.
    assert grace.name == "Grace Achieng"
    assert len(grace.segments) == 3
    assert grace.total_minutes == 50 + 10
    # A phone rejoin without e-mail under the same name joins the person who has one.
    assert lan.email == "lan.nguyen@moh.gov.vn"
    assert [segment.minutes for segment in lan.segments] == [20, 30]
    assert lan.total_minutes == 50
    assert lan.guest is False


def test_segments_come_in_the_order_joined():
    report = read_attendance(fixture("zoom_rejoin_overlap.csv"))
    for person in report.participants:
        joins = [segment.joined for segment in person.segments]
        assert joins == sorted(joins)


def test_people_without_email_and_different_names_stay_apart():
    data = (
        ZOOM_HEADER + "Guest User 1,,01/22/2024 10:00:00,01/22/2024 10:05:00,5,Yes\r\n"
        "Guest User 2,,01/22/2024 10:00:00,01/22/2024 10:05:00,5,Yes\r\n"
        "Guest User 1,,01/22/2024 10:10:00,01/22/2024 10:15:00,5,Yes\r\n"
    ).encode()
    report = read_attendance(data)
    assert [(p.name, p.total_minutes, p.guest) for p in report.participants] == [
        ("Guest User 1", 10, True),
        ("Guest User 2", 5, True),
    ]


def test_a_file_mixing_day_month_and_month_day_is_refused():
    data = (
        ZOOM_HEADER + "A,a@x.org,13/01/2024 10:00:00,13/01/2024 10:05:00,5,No\r\n"
        "B,b@x.org,01/13/2024 10:00:00,01/13/2024 10:05:00,5,No\r\n"
    ).encode()
    with pytest.raises(AttendanceFormatError, match="mix day/month and month/day"):
        read_attendance(data)


def test_the_caller_can_settle_ambiguous_dates():
    data = (ZOOM_HEADER + "A,a@x.org,03/10/2024 10:00:00 AM,03/10/2024 10:05:00 AM,5,No\r\n").encode()
    guessed = read_attendance(data)
    told = read_attendance(data, day_first=True)
    assert guessed.participants[0].segments[0].joined.date().isoformat() == "2024-03-10"
    assert told.participants[0].segments[0].joined.date().isoformat() == "2024-10-03"
    assert told.warnings == []


def test_a_cell_that_is_not_a_date_is_refused_with_its_person_and_line():
    data = (ZOOM_HEADER + "A,a@x.org,yesterday,01/22/2024 10:05:00,5,No\r\n").encode()
    with pytest.raises(AttendanceFormatError) as caught:
        read_attendance(data)
    assert str(caught.value) == "A: 'yesterday' is not a date and time in any format we know (line 2)"


def test_utf16_without_a_bom_is_recognised_by_its_nul_bytes():
    text = fixture("zoom_rejoin_overlap.csv").decode("utf-8-sig")
    for encoding in ("utf-16-le", "utf-16-be"):
        report = read_attendance(text.encode(encoding))
        assert [p.name for p in report.participants] == ["Grace Achieng", "Nguyen Thi Lan"]


def test_windows_1252_and_1250_are_told_apart_by_the_letters_they_produce():
    french = (ZOOM_HEADER + "Nadège Pierre-Louis,,01/22/2024 10:00:00,01/22/2024 10:05:00,5,No\r\n").encode(
        "cp1252"
    )
    polish = (ZOOM_HEADER + "Łukasz Wąsik,,01/22/2024 10:00:00,01/22/2024 10:05:00,5,No\r\n").encode("cp1250")
    assert read_attendance(french).participants[0].name == "Nadège Pierre-Louis"
    assert read_attendance(polish).participants[0].name == "Łukasz Wąsik"


def test_semicolon_separated_zoom_reports_are_read():
    data = ZOOM_HEADER.replace(",", ";") + "A B;a@x.org;01/22/2024 10:00:00;01/22/2024 10:45:00;45;No\r\n"
    report = read_attendance(data.encode())
    assert report.participants[0].total_minutes == 45


def test_the_package_imports_neither_django_nor_qicop_apps():
    import subprocess
    import sys

    code = (
        "import sys, qicop.integrations.attendance; "
        "print(sorted(m for m in sys.modules if m.startswith('django') "
        "or (m.startswith('qicop.') and not m.startswith('qicop.integrations'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_report_in_sections_with_their_own_headers_reads_every_section_but_no_shows():
    data = (
        b"Topic,Webinar ID,Actual Start Time\r\n"
        b"Knowledge management for QI,812 3456 7890,05/14/2024 08:00:00 AM\r\n"
        b"\r\n"
        b"Panelist Details\r\n"
        b"User Name (Original Name),Email,Join Time,Leave Time,Time in Session (minutes)\r\n"
        b"Tendai Moyo,tmoyo@mohcc.gov.zw,05/14/2024 07:55:00 AM,05/14/2024 09:00:00 AM,65\r\n"
        b"\r\n"
        b"Attendee Details\r\n"
        b"Attended,User Name (Original Name),Email,Join Time,Leave Time,"
        b"Time in Session (minutes),Is Guest\r\n"
        b"Yes,Chipo Banda,,05/14/2024 08:05:00 AM,05/14/2024 08:50:00 AM,45,Yes\r\n"
        b"No,Absent Person,absent@x.org,--,--,,No\r\n"
    )
    report = read_attendance(data, time_zone="Africa/Harare")
    assert report.meeting_title == "Knowledge management for QI"
    assert [(p.name, p.total_minutes, p.guest) for p in report.participants] == [
        ("Tendai Moyo", 65, False),
        ("Chipo Banda", 45, True),
    ]
    assert report.warnings == [
        "Absent Person is listed without any time (registered, did not attend); left out"
    ]
