"""Making Data Count trial limits: limits computed from fewer than 12 points are provisional
(NHSRplotthedots, vignettes/number-of-points-required.Rmd). Hand-made series, counted by eye."""

from __future__ import annotations

import pytest

from qicop.analytics import _text
from qicop.analytics.spc import chart, charts

ELEVEN = [10, 11, 9, 10, 12, 10, 9, 11, 10, 11, 10]
TWELVE = [*ELEVEN, 10]
PROVISIONAL = "Limits are provisional: fewer than 12 points."


def test_eleven_points_give_trial_limits_twelve_do_not():
    assert chart(ELEVEN, kind="i", rules="mdc").trial_limits.tolist() == [True] * 11
    assert chart(TWELVE, kind="i", rules="mdc").trial_limits.tolist() == [False] * 12


def test_only_points_the_limits_come_from_count():
    # 20 points, limits frozen after 8: every point carries the 8-point trial limits.
    assert chart([*TWELVE, *ELEVEN[:8]], kind="i", freeze=8, rules="mdc").trial_limits.all()
    # 12 points, one missing: 11 values.
    assert chart([*ELEVEN, None], kind="i", rules="mdc").trial_limits.all()
    # 12 points, one excluded: 11 values.
    assert chart(TWELVE, kind="i", exclude=[3], rules="mdc").trial_limits.all()
    # 13 points, one excluded: still 12.
    assert not chart([*TWELVE, 11], kind="i", exclude=[3], rules="mdc").trial_limits.any()


def test_each_phase_is_judged_on_its_own_points():
    y = [*ELEVEN, *TWELVE, 10, 11, 9]  # phase 1: 11 points, phase 2: 15
    result = chart(y, kind="i", part=[11], rules="mdc")
    assert result.trial_limits.tolist() == [True] * 11 + [False] * 15


def test_moving_range_chart_counts_moving_ranges():
    # 12 points have 11 moving ranges: the MR chart's limits are still trial limits.
    assert chart(TWELVE, kind="mr", rules="mdc").trial_limits.all()
    assert not chart([*TWELVE, 11], kind="mr", rules="mdc").trial_limits.any()


@pytest.mark.parametrize("rules", ["anhoej", "ihi"])
def test_other_rule_sets_have_no_trial_limits(rules):
    assert not chart(ELEVEN[:5], kind="i", rules=rules).trial_limits.any()


def test_run_charts_have_no_limits_to_be_provisional():
    assert not chart(ELEVEN, kind="run", rules="mdc").trial_limits.any()


def test_charts_marks_trial_limits_per_series():
    result = charts({"short": ELEVEN, "long": TWELVE}, kind="i", rules="mdc")
    assert result["short"].trial_limits.all()
    assert not result["long"].trial_limits.any()


def test_summary_says_the_limits_are_provisional():
    assert chart(ELEVEN, kind="i", rules="mdc").summary() == (
        "No signal: only common-cause variation. " + PROVISIONAL
    )
    assert PROVISIONAL not in chart(TWELVE, kind="i", rules="mdc").summary()
    assert PROVISIONAL not in chart(ELEVEN, kind="i").summary()


def test_summary_puts_the_warning_after_the_findings():
    result = chart([*ELEVEN[:10], 30], kind="i", freeze=10, rules="mdc", improvement="up")
    assert result.summary().startswith("Improvement. Outside the limits: 1 point(s) above")
    assert result.summary().endswith(PROVISIONAL)


def test_summary_names_the_phase_with_trial_limits():
    result = chart([*ELEVEN, *TWELVE, 10, 11, 9], kind="i", part=[11], rules="mdc")
    assert result.summary() == f"No signal: only common-cause variation. Phase 1: {PROVISIONAL}"


def test_provisional_sentence_is_translated_with_a_named_placeholder():
    assert "%(minimum)d" in _text.TRIAL_LIMITS
    french = {_text.TRIAL_LIMITS: "Limites provisoires : moins de %(minimum)d points."}
    summary = chart(ELEVEN, kind="i", rules="mdc").summary(translate=lambda s: french.get(s, s))
    assert summary.endswith("Limites provisoires : moins de 12 points.")
