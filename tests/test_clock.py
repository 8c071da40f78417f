"""The suite's own clock (tests/clock.py): which moment QICOP_TEST_NOW names, and that tests start there."""

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clock import CLOCKLESS, DEFAULT_NOW, pinned_moment

SRC = Path(__file__).resolve().parents[1] / "src" / "qicop"

REAL_NOW = datetime(2028, 2, 29, 7, 15, tzinfo=UTC)


def test_without_a_value_the_suite_runs_at_its_own_moment():
    assert pinned_moment(None, REAL_NOW) == pinned_moment("", REAL_NOW) == DEFAULT_NOW


def test_an_iso_time_is_taken_as_written_and_utc_when_it_names_no_zone():
    assert pinned_moment("2027-02-28T23:30:00Z", REAL_NOW) == datetime(2027, 2, 28, 23, 30, tzinfo=UTC)
    assert pinned_moment("2027-02-28T23:30", REAL_NOW) == datetime(2027, 2, 28, 23, 30, tzinfo=UTC)
    assert pinned_moment("2027-03-01T09:30+10:00", REAL_NOW) == datetime(2027, 2, 28, 23, 30, tzinfo=UTC)


def test_years_ahead_count_from_the_real_now_and_a_leap_day_becomes_the_28th():
    assert pinned_moment("+1y", REAL_NOW) == datetime(2029, 2, 28, 7, 15, tzinfo=UTC)
    assert pinned_moment("+2y", REAL_NOW.replace(day=28)) == datetime(2030, 2, 28, 7, 15, tzinfo=UTC)


def test_anything_else_stops_the_run_with_the_variable_named():
    with pytest.raises(pytest.UsageError, match="QICOP_TEST_NOW='next week'"):
        pinned_moment("next week", REAL_NOW)


def test_every_test_starts_at_the_pinned_moment_whatever_ran_before_and_the_clock_ticks(clock):
    first = timezone.now()
    assert clock.now <= first < clock.now + timedelta(seconds=10)  # not minutes of earlier tests later
    time.sleep(0.01)
    assert timezone.now() > first


def test_the_layers_tested_once_read_neither_the_clock_nor_the_database():
    """The SPC engine, the chart drawing and the file formats are handed every date they use and every
    moment they write, and import no Django: their tests hold whatever the calendar says and whichever
    database runs, so they run once (``pure``), not again under other clocks or on PostgreSQL."""
    reads = re.compile(r"\b(now|today|utcnow|localdate|localtime|time|time_ns|monotonic)\(|import time\b")
    django = re.compile(r"^\s*(from|import) django\b", re.MULTILINE)
    for package in CLOCKLESS:
        for path in (SRC / package).rglob("*.py"):
            text = path.read_text()
            where = f"{package}/{path.relative_to(SRC / package)}"
            found = reads.search(text)
            assert found is None, f"{where} reads the clock: {found.group(0)}"
            assert django.search(text) is None, f"{where} imports Django"
