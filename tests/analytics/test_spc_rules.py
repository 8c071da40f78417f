"""The IHI, Health Care Data Guide and Making Data Count rules on series small enough to
check by hand. A fixed centre line (cl=...) keeps the arithmetic visible."""

from __future__ import annotations

import numpy as np
import pytest

from qicop.analytics._constants import ihi_runs_limits
from qicop.analytics.spc import chart


def fired(result, rule: str) -> list[int]:
    return np.flatnonzero(result.rule_flags[rule]).tolist()


# --- IHI run-chart rules (Perla, Provost & Murray 2011) -------------------------------------


def test_ihi_six_points_on_one_side_of_the_median_are_a_shift():
    y = [1, 1, 1, 1, 1, 1, -1, 1, -1]
    result = chart(y, kind="run", cl=0, rules="ihi")
    assert fired(result, "shift") == [0, 1, 2, 3, 4, 5]
    assert result.rule_flags["shift"][0] == 1  # above: upwards


def test_ihi_five_points_on_one_side_are_not_a_shift():
    result = chart([1, 1, 1, 1, 1, -1, 1, -1], kind="run", cl=0, rules="ihi")
    assert fired(result, "shift") == []


def test_ihi_points_on_the_median_neither_count_nor_break_a_shift():
    # 6 points below with one on the centre line in the middle: still a shift of 6.
    result = chart([-1, -1, -1, 0, -1, -1, -1, 1], kind="run", cl=0, rules="ihi")
    assert fired(result, "shift") == [0, 1, 2, 3, 4, 5, 6]
    assert result.rule_flags["shift"][0] == -1


def test_ihi_shift_uses_the_median_as_centre_line():
    # Median of 1..12 is 6.5: 7..12 are six points above it.
    result = chart(list(range(1, 13)), kind="run", rules="ihi")
    assert result.cl[0] == 6.5
    assert fired(result, "shift") == list(range(12))  # six below, then six above


def test_ihi_five_points_going_up_are_a_trend():
    result = chart([3, 1, 2, 3, 4, 5, 2], kind="run", cl=3, rules="ihi")
    assert fired(result, "trend") == [1, 2, 3, 4, 5]


def test_ihi_four_points_going_up_are_not_a_trend():
    result = chart([3, 1, 2, 3, 4, 2], kind="run", cl=3, rules="ihi")
    assert fired(result, "trend") == []


def test_ihi_ties_neither_add_to_nor_break_a_trend():
    # 5, 4, 4, 3, 2, 1: the repeated 4 counts once, so five distinct falling values.
    result = chart([5, 4, 4, 3, 2, 1], kind="run", cl=3, rules="ihi")
    assert fired(result, "trend") == [0, 1, 2, 3, 4, 5]
    assert result.rule_flags["trend"][0] == -1
    # 1, 2, 2, 3, 4: only four distinct rising values.
    assert fired(chart([1, 2, 2, 3, 4], kind="run", cl=3, rules="ihi"), "trend") == []


def test_ihi_too_few_runs_with_twenty_useful_points():
    lower, _ = ihi_runs_limits(20)
    y = [1] * 10 + [-1] * 10  # 2 runs
    result = chart(y, kind="run", cl=0, rules="ihi")
    assert lower > 2
    assert fired(result, "too few runs") == list(range(20))


def test_ihi_too_many_runs_with_twenty_alternating_points():
    _, upper = ihi_runs_limits(20)
    result = chart([1, -1] * 10, kind="run", cl=0, rules="ihi")
    assert upper < 20
    assert fired(result, "too many runs") == list(range(20))
    assert fired(result, "too few runs") == []


def test_ihi_runs_rule_waits_for_ten_useful_points():
    result = chart([1, -1] * 4 + [1], kind="run", cl=0, rules="ihi")
    assert fired(result, "too many runs") == []


# --- Health Care Data Guide control-chart rules (rules="ihi" on a control chart) --------------

# Twenty alternating baseline points: CL 10.5, every moving range 1, so
# sigma = 1/1.128 = 0.8865, 2 sigma = 1.773 and the limits are 10.5 +/- 2.660.
BASELINE = [10, 11] * 10


def test_hcdg_two_of_three_points_beyond_two_sigma_on_one_side():
    result = chart([*BASELINE, 12.5, 10.5, 12.6], kind="i", freeze=20, rules="ihi")
    assert result.ucl_95[0] == pytest.approx(10.5 + 2 / 1.128)
    assert fired(result, "2 of 3 near limit") == [20, 22]
    assert fired(result, "outside limits") == []


def test_hcdg_one_point_beyond_two_sigma_is_not_a_signal():
    result = chart([*BASELINE, 12.5, 10.5, 10.6], kind="i", freeze=20, rules="ihi")
    assert fired(result, "2 of 3 near limit") == []


def test_hcdg_eight_points_on_one_side_are_a_shift_seven_are_not():
    baseline = [11, 10] * 10  # ends below the centre line, so the run starts at 20
    eight = chart([*baseline, *[11.2] * 8], kind="i", freeze=20, rules="ihi")
    seven = chart([*baseline, *[11.2] * 7, 10], kind="i", freeze=20, rules="ihi")
    assert fired(eight, "shift") == list(range(20, 28))
    assert fired(seven, "shift") == []


def test_hcdg_six_points_increasing_are_a_trend():
    y = [*BASELINE, 10.0, 10.1, 10.2, 10.3, 10.4, 10.45]
    result = chart(y, kind="i", freeze=20, rules="ihi")
    assert fired(result, "trend") == list(range(20, 26))


def test_hcdg_fifteen_points_close_to_the_centre_line_are_flagged_fourteen_are_not():
    # 10.2/10.8 alternating: |y - CL| = 0.3, well inside one sigma (0.53).
    assert fired(chart([10.2, 10.8] * 7 + [10.2], kind="i", rules="ihi"), "15 near centre line") == list(
        range(15)
    )
    assert fired(chart([10.2, 10.8] * 7, kind="i", rules="ihi"), "15 near centre line") == []


# --- NHS Making Data Count (NHSRplotthedots) ----------------------------------------------


def test_mdc_limits_are_mean_plus_minus_2_66_average_moving_ranges():
    result = chart(BASELINE, kind="i", rules="mdc")
    assert result.ucl[0] == pytest.approx(10.5 + 2.66 * 1.0, rel=1e-15)
    assert result.lcl[0] == pytest.approx(10.5 - 2.66, rel=1e-15)
    assert result.ucl_95[0] == pytest.approx(10.5 + 2.66 * 2 / 3, rel=1e-15)


def test_mdc_seven_points_on_one_side_are_a_shift_six_are_not():
    seven = chart([1, 1, 1, 1, 1, 1, 1, -1], kind="run", cl=0, rules="mdc")
    six = chart([1, 1, 1, 1, 1, 1, -1, 1], kind="run", cl=0, rules="mdc")
    assert fired(seven, "shift") == list(range(7))
    assert fired(six, "shift") == []


def test_mdc_a_point_on_the_mean_breaks_a_shift():
    result = chart([1, 1, 1, 0, 1, 1, 1, 1], kind="run", cl=0, rules="mdc")
    assert fired(result, "shift") == []
    # The IHI convention skips the point instead, so the same data are an IHI shift.
    assert fired(chart([1, 1, 1, 0, 1, 1, 1, 1], kind="run", cl=0, rules="ihi"), "shift") != []


def test_mdc_trend_needs_seven_points_and_an_equal_value_breaks_it():
    assert fired(chart([1, 2, 3, 4, 5, 6, 7], kind="run", cl=4, rules="mdc"), "trend") == list(range(7))
    assert fired(chart([1, 2, 3, 4, 5, 6], kind="run", cl=4, rules="mdc"), "trend") == []
    assert fired(chart([1, 2, 3, 3, 4, 5, 6, 7], kind="run", cl=4, rules="mdc"), "trend") == []


def test_mdc_two_of_three_needs_all_three_on_the_same_side_of_the_mean():
    same_side = chart([*BASELINE, 12.5, 11, 12.6], kind="i", freeze=20, rules="mdc")
    middle_on_mean = chart([*BASELINE, 12.5, 10.5, 12.6], kind="i", freeze=20, rules="mdc")
    assert fired(same_side, "2 of 3 near limit") == [20, 22]  # only the near-limit points
    assert fired(middle_on_mean, "2 of 3 near limit") == []


def test_mdc_point_outside_the_limit_is_not_near_the_limit():
    result = chart([*BASELINE, 14, 11, 12.6], kind="i", freeze=20, rules="mdc")
    assert fired(result, "outside limits") == [20]
    assert fired(result, "2 of 3 near limit") == []


# --- Anhøj rules (qicharts2) --------------------------------------------------------------


def test_anhoej_shift_flags_the_run_longer_than_the_limit():
    y = [1, -1] * 4 + [1] * 9 + [-1, 1]  # 19 useful points: longest_run_max 7, a run of 9
    result = chart(y, kind="run", cl=0)
    assert result.longest_run_max[0] == 7
    assert fired(result, "shift") == list(range(8, 17))
    assert bool(result.runs_signal[0])


def test_anhoej_few_crossings_flags_the_whole_part():
    y = [1, 1, 1, 1, -1, -1, -1, -1, 1, 1, 1, 1, -1, -1, -1, -1, 1, 1, 1, 1]  # 4 crossings < 6
    result = chart(y, kind="run", cl=0)
    assert result.n_crossings[0] == 4
    assert result.n_crossings_min[0] == 6
    assert fired(result, "few crossings") == list(range(20))
    assert fired(result, "shift") == []


def test_a_point_exactly_on_a_limit_is_not_outside_it():
    # C chart with a fixed centre line 4: UCL = 4 + 3 * sqrt(4) = 10 exactly.
    result = chart([2, 10, 3, 11], kind="c", cl=4)
    assert result.ucl[0] == 10
    assert result.sigma_signal.tolist() == [False, False, False, True]
    assert fired(result, "outside limits") == [3]
