"""Critical values and chart constants against the specification's tables."""

from __future__ import annotations

import math

import numpy as np
import pytest

from qicop.analytics._constants import ANHOEJ, SUBGROUP, c4, ihi_runs_limits

# Spec section 4: n useful points -> (longest.run.max, n.crossings.min)
SPEC_TABLE = {
    1: (3, 0), 2: (4, 0), 3: (5, 0), 4: (5, 0), 5: (5, 0), 6: (6, 1), 7: (6, 1), 8: (6, 1),
    9: (6, 2), 10: (6, 2), 11: (6, 2), 12: (7, 3), 13: (7, 3), 14: (7, 4), 15: (7, 4),
    16: (7, 4), 17: (7, 5), 18: (7, 5), 19: (7, 6), 20: (7, 6), 21: (7, 6), 22: (7, 7),
    23: (8, 7), 24: (8, 8), 25: (8, 8), 26: (8, 8), 27: (8, 9), 28: (8, 9), 29: (8, 10),
    30: (8, 10), 36: (8, 13), 40: (8, 14), 50: (9, 19), 60: (9, 23), 80: (9, 32),
    100: (10, 41), 200: (11, 88), 500: (12, 231),
}  # fmt: skip


def test_anhoej_critical_values_match_the_specification_table():
    n = np.array(sorted(SPEC_TABLE))
    longest, crossings = ANHOEJ.lookup(n)
    assert dict(zip(n.tolist(), zip(longest.tolist(), crossings.tolist(), strict=True), strict=True)) == {
        k: (float(a), float(b)) for k, (a, b) in SPEC_TABLE.items()
    }


def test_anhoej_critical_values_are_missing_without_useful_points():
    longest, crossings = ANHOEJ.lookup(np.array([0]))
    assert math.isnan(longest[0]) and math.isnan(crossings[0])


def test_c4_matches_the_textbook_values():
    assert c4(2) == pytest.approx(0.7979, abs=1e-4)
    assert c4(5) == pytest.approx(0.9400, abs=1e-4)
    assert c4(25) == pytest.approx(0.9896, abs=1e-4)
    assert math.isnan(c4(1))


def test_subgroup_constants_match_the_textbook_values_for_five():
    a3, _, b3, b4, _, _ = SUBGROUP.lookup(np.array([5]))
    assert (a3[0], b3[0], b4[0]) == pytest.approx((1.427, 0.0, 2.089), abs=1e-3)


def test_ihi_runs_limits_keep_each_tail_at_most_2_5_percent():
    # Exact distribution of the number of runs for 10 + 10 points.
    lower, upper = ihi_runs_limits(20)
    assert (lower, upper) == (7, 15)
    assert ihi_runs_limits(10) == (3, 9)
    assert ihi_runs_limits(30) == (11, 21)
