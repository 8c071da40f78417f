"""The suite's clock: every test starts at one pinned moment, never at today's date.

What tests make relative to "now" (the demo's last 36 months, a session three weeks ahead, an invitation
valid for fourteen days) and what they assert about it read the same pinned clock, so the suite gives the
same answer whatever the calendar says. The clock ticks from that moment, so durations and timeouts behave,
and it is set back at the start of every test, so a test sees the same "now" whichever worker runs it and
whatever ran before it.

``QICOP_TEST_NOW`` moves the pinned moment, to show that no test depends on where it falls:

    QICOP_TEST_NOW=2027-02-28T23:30:00Z uv run pytest  # a month's last half hour (March in Port Moresby)
    QICOP_TEST_NOW=+1y uv run pytest                   # a year after the real now

Outside the test process (a demo started as a subprocess) the real clock still runs.

The tests that touch dates carry the ``dates`` mark, so another clock can run just them (``-m dates``):
every test but those of the SPC engine, the chart drawing and the file formats, which are handed their data
and every moment they write and never read the clock (tests/test_clock.py holds them to it), and those whose
work runs in processes of their own (``real_clock``, ``live_qicop``), which this clock does not reach.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

# A Wednesday in the middle of a month, in the morning in Haiti and the evening in Papua New Guinea.
DEFAULT_NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)
ENV = "QICOP_TEST_NOW"


def pinned_moment(value: str | None, real_now: datetime) -> datetime:
    """The moment a value of QICOP_TEST_NOW names: an ISO 8601 time (UTC unless it says otherwise) or
    "+Ny", N years after the real now. Empty means the suite's own default."""
    if not value:
        return DEFAULT_NOW
    years = re.fullmatch(r"\+(\d+)y", value.strip())
    if years:
        ahead = real_now.year + int(years.group(1))
        leap_day = (real_now.month, real_now.day) == (2, 29)  # a year later, the 28th
        return real_now.replace(year=ahead, day=28 if leap_day else real_now.day)
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise pytest.UsageError(
            f'{ENV}={value!r} is neither an ISO 8601 time such as "2027-02-28T23:30:00Z" nor "+1y"'
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Clock:
    """The pinned clock of one test process."""

    def __init__(self, moment: datetime):
        self.now = moment.astimezone(UTC)
        self._travel = time_machine.travel(self.now, tick=True)
        self._traveller = None

    def start(self) -> None:
        self._traveller = self._travel.start()

    def stop(self) -> None:
        self._travel.stop()

    def reset(self) -> None:
        """Back to the pinned moment, ticking from there."""
        self._traveller.move_to(self.now, tick=True)

    def freeze(self) -> None:
        """Stop at the pinned moment: what is made now is stamped exactly then, never after the moment at
        which the tests that read it start."""
        self._traveller.move_to(self.now, tick=False)


_clock: Clock | None = None
CLOCKLESS = (
    "analytics",
    "charts",
    "integrations",
)  # layers (and their test folders) that never read the clock


def pytest_configure(config):
    global _clock
    _clock = Clock(pinned_moment(os.environ.get(ENV), datetime.now(UTC)))
    config.addinivalue_line("markers", "dates: the test touches dates (run it under other clocks too)")
    config.addinivalue_line(
        "markers", "pure: the test's layer reads neither the clock nor the database: one run is enough"
    )
    config.addinivalue_line(
        "markers",
        "real_clock: the test's work runs in processes of its own, on the real clock (not under -m dates)",
    )


def pytest_collection_modifyitems(session, config, items):
    clockless = [Path(__file__).parent / folder for folder in CLOCKLESS]
    for item in items:
        # A server started as its own process keeps the real clock: this one changes nothing for it.
        if item.get_closest_marker("live_qicop") or item.get_closest_marker("real_clock"):
            continue
        if any(item.path.is_relative_to(folder) for folder in clockless):
            item.add_marker(pytest.mark.pure)
        else:
            item.add_marker(pytest.mark.dates)


def pytest_report_header(config):
    return f"clock: every test starts at {_clock.now.isoformat()} ({ENV} moves it)"


@pytest.fixture(scope="session", autouse=True)
def clock():
    """The pinned clock, started before any other fixture of the session (the database, the demo)."""
    _clock.start()
    yield _clock
    _clock.stop()


@pytest.fixture(autouse=True)
def _each_test_starts_at_the_pinned_moment(clock):
    clock.reset()
