"""The demo dates its signals as a network that ran all along would have first seen them."""

import datetime as dt

from qicop.deviance.demo import revealed


def test_a_shift_from_may_is_revealed_when_its_eighth_month_is_reported():
    # May to December 2025 are the eight points; December is reported in mid-January.
    assert revealed(dt.date(2025, 5, 1), 8) == dt.datetime(2026, 1, 16, 9, tzinfo=dt.UTC)


def test_a_point_beyond_the_limits_is_revealed_with_its_own_month():
    assert revealed(dt.date(2026, 11, 1), 1) == dt.datetime(2026, 12, 16, 9, tzinfo=dt.UTC)
