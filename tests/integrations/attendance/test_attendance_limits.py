"""Attendance reports are held whole (at most 5 MB): one made of a million tiny lines, or with a cell longer
than the csv module reads, is refused with the reason instead of costing 300 MB or ending in a 500."""

import pytest

from qicop.integrations.attendance import AttendanceFormatError, read_attendance


def test_a_report_of_more_lines_than_one_meeting_has_is_refused():
    with pytest.raises(AttendanceFormatError, match="more than 100,000 lines"):
        read_attendance(b"a\n" * 2_500_000)


def test_a_cell_longer_than_the_csv_module_reads_is_a_format_error():
    with pytest.raises(AttendanceFormatError, match="Line 1: not valid CSV"):
        read_attendance(b'"' + b"a" * 200_000 + b'"\n')
