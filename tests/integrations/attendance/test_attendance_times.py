"""How dates, clock times and durations written by Zoom and Teams are read."""

from __future__ import annotations

from datetime import datetime

import pytest

from qicop.integrations.attendance._model import AttendanceFormatError
from qicop.integrations.attendance._times import DateOrder, decide_order, parse_duration, parse_local

MONTH_FIRST = DateOrder(day_first=False, guessed=False)
DAY_FIRST = DateOrder(day_first=True, guessed=False)


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("11/19/2021 09:54:15 AM", MONTH_FIRST, datetime(2021, 11, 19, 9, 54, 15)),
        ("11/19/2021 12:01:59 PM", MONTH_FIRST, datetime(2021, 11, 19, 12, 1, 59)),
        ("11/19/2021 12:01:59 AM", MONTH_FIRST, datetime(2021, 11, 19, 0, 1, 59)),
        ("3/10/25, 8:00:48 PM", MONTH_FIRST, datetime(2025, 3, 10, 20, 0, 48)),
        ("14/11/22, 09:30:46", DAY_FIRST, datetime(2022, 11, 14, 9, 30, 46)),
        ("2020/12/8 8:35", DAY_FIRST, datetime(2020, 12, 8, 8, 35)),
        ("2020/12/8 8:35", MONTH_FIRST, datetime(2020, 12, 8, 8, 35)),
        ("2020年12月8日 午後 3:05", MONTH_FIRST, datetime(2020, 12, 8, 15, 5)),
        ("2024-03-10T01:30:00", MONTH_FIRST, datetime(2024, 3, 10, 1, 30)),
        ("03.10.2025 08:00", MONTH_FIRST, datetime(2025, 10, 3, 8, 0)),
    ],
)
def test_dates_are_read_in_the_formats_of_the_exports(text, order, expected):
    assert parse_local(text, order) == expected


@pytest.mark.parametrize("text", ["", "  ", "--"])
def test_an_empty_time_cell_is_no_time(text):
    assert parse_local(text, MONTH_FIRST) is None


@pytest.mark.parametrize(
    ("texts", "day_first", "guessed"),
    [
        (["14/11/22, 09:30:46", "3/11/22, 09:30:46"], True, False),  # a first number above 12
        (["01/15/2024 10:09:00", "01/02/2024 10:09:00"], False, False),  # a second number above 12
        (["3/10/25, 8:00:48 AM"], False, True),  # ambiguous, 12-hour clock: en-US
        (["11/12/2020, 12:27:24"], True, True),  # ambiguous, 24-hour clock: en-GB and most locales
        (["2020/12/8 8:35"], True, True),  # year first never depends on the guess
    ],
)
def test_day_or_month_first_is_decided_once_per_file(texts, day_first, guessed):
    assert decide_order(texts) == DateOrder(day_first, guessed)


def test_the_caller_overrides_the_guess():
    assert decide_order(["3/10/25, 8:00:48 AM"], day_first=True) == DateOrder(True, guessed=False)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("65", 65),
        ("01:05:03", 65.05),
        ("1:05", 65),
        ("1h 5m 3s", 65.05),
        ("19m 26s", 19 + 26 / 60),
        ("2 godz. 19 min 19 s", 139 + 19 / 60),
        ("1 godz. 57 min 16 s", 117 + 16 / 60),
        ("3時間5分", 185),
        ("45 min", 45),
        ("30s", 0.5),
    ],
)
def test_durations_are_read_in_minutes(text, minutes):
    assert parse_duration(text) == pytest.approx(minutes)


def test_an_empty_duration_is_no_duration():
    assert parse_duration(" ") is None


@pytest.mark.parametrize("text", ["about an hour", "5 fortnights", "1h then 5m"])
def test_a_duration_in_unknown_words_is_refused(text):
    with pytest.raises(AttendanceFormatError, match=r"duration|unit"):
        parse_duration(text)


def test_an_impossible_date_is_refused_with_the_reason():
    with pytest.raises(AttendanceFormatError, match=r"'02/30/2024 10:00' is not a valid date and time"):
        parse_local("02/30/2024 10:00", MONTH_FIRST)


def test_an_hour_above_twelve_with_am_is_refused():
    with pytest.raises(AttendanceFormatError, match="hour 13 on a 12-hour clock"):
        parse_local("11/19/2021 13:00:00 PM", MONTH_FIRST)
