"""How raw data become subgroups: keys, dates, aggregation, categorical keys, many series."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from qicop.analytics.spc import chart, charts


def test_output_is_sorted_by_x_whatever_the_input_order():
    result = chart([30, 10, 20], x=[3, 1, 2], kind="i")
    assert result.x.tolist() == [1, 2, 3]
    assert result.y.tolist() == [10, 20, 30]


def test_dates_are_valid_keys_and_sort_in_time():
    days = [dt.date(2024, 3, 1), dt.date(2024, 1, 1), dt.date(2024, 2, 1)]
    result = chart([3, 1, 2], x=days)
    assert result.x.tolist() == sorted(days)
    assert result.y.tolist() == [1, 2, 3]


def test_numpy_datetimes_are_valid_keys():
    days = np.array(["2024-02-01", "2024-01-01"], dtype="datetime64[D]")
    assert chart([2, 1], x=days).y.tolist() == [1, 2]


def test_rows_with_missing_keys_are_dropped():
    result = chart([1, 2, 3], x=[1, None, 3])
    assert result.y.tolist() == [1, 3]


def test_repeated_keys_are_aggregated_by_the_chosen_function():
    x, y = [1, 1, 1, 2, 2, 2], [1, 2, 6, 4, 4, 10]
    assert chart(y, x=x, agg="mean").y.tolist() == [3, 6]
    assert chart(y, x=x, agg="median").y.tolist() == [2, 4]
    assert chart(y, x=x, agg="sum").y.tolist() == [9, 18]


def test_proportions_of_a_subgroup_pool_numerators_and_denominators():
    result = chart([1, 3, 2], [10, 10, 20], x=[1, 1, 2], kind="p")
    assert result.y.tolist() == pytest.approx([0.2, 0.1])
    assert result.n.tolist() == [20, 20]


def test_p_chart_limits_widen_for_small_denominators():
    result = chart([5, 50, 500], [20, 200, 2000], kind="p")
    width = result.ucl - result.lcl
    assert width[0] > width[1] > width[2]
    assert result.cl.tolist() == pytest.approx([0.25] * 3)


def test_text_keys_make_a_categorical_chart_without_runs_signal():
    result = chart([40, 10, 12, 11, 9], [100, 100, 100, 100, 100], x=list("ebcda"), kind="pp")
    assert result.x.tolist() == list("abcde")
    assert not result.runs_signal.any()


def test_charts_accepts_y_y_n_and_x_y_n_forms():
    plain = charts({"KE": [1, 2, 3, 4], "HT": ([9, 8, 7], None)}, kind="run")
    assert plain["KE"].y.tolist() == [1, 2, 3, 4]
    assert plain["HT"].y.tolist() == [9, 8, 7]
    results = charts(
        {
            "HT": ([1, 2, 3, 4], [10, 10, 10, 10]),
            "NA": ([4, 3, 2, 1], [4, 3, 2, 1], [10, 10, 10, 10]),
        },
        kind="run",
    )
    assert list(results) == ["HT", "NA"]
    assert results["HT"].y.tolist() == pytest.approx([0.1, 0.2, 0.3, 0.4])
    assert results["NA"].x.tolist() == [1, 2, 3, 4]
    assert results["NA"].y.tolist() == pytest.approx([0.1, 0.2, 0.3, 0.4])


def test_charts_handles_series_of_different_lengths():
    results = charts({"short": [1, 2, 3], "long": list(range(40)), "empty": []}, kind="i")
    assert [len(r) for r in results.values()] == [3, 40, 0]
    assert results["short"].cl[0] == 2


def test_charts_takes_a_centre_line_per_series():
    results = charts({"KE": [1, 2, 3], "HT": [1, 2, 3]}, kind="i", cl={"KE": 5})
    assert results["KE"].cl.tolist() == [5, 5, 5]
    assert results["HT"].cl.tolist() == [2, 2, 2]


def test_part_labels_start_a_phase_at_each_new_label():
    result = chart([1, 2, 3, 7, 8, 9], part=["before"] * 3 + ["after"] * 3, kind="i")
    assert result.phase.tolist() == [0, 0, 0, 1, 1, 1]
    assert result.cl.tolist() == [2, 2, 2, 8, 8, 8]


def test_results_are_frozen():
    result = chart([1, 2, 3])
    with pytest.raises(AttributeError):
        result.cl = None
