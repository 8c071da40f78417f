"""Bad input fails early with a message a person can act on."""

from __future__ import annotations

import pytest

from qicop.analytics.spc import chart, charts


def test_unknown_chart_kind_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown chart kind 'pie'; choose one of: run, i, mr"):
        chart([1, 2, 3], kind="pie")


def test_denominators_of_a_different_length_are_refused():
    with pytest.raises(ValueError, match="y has 3 values but n has 2"):
        chart([1, 2, 3], [10, 10], kind="p")


def test_keys_of_a_different_length_are_refused():
    with pytest.raises(ValueError, match="x has 2 values but y has 3"):
        chart([1, 2, 3], x=[1, 2], kind="i")


def test_negative_denominators_are_refused():
    with pytest.raises(ValueError, match="denominators cannot be negative"):
        chart([1, 2, 3], [10, -10, 10], kind="u")


def test_numerator_above_denominator_is_refused_for_proportions():
    with pytest.raises(ValueError, match="numerator is larger than its denominator"):
        chart([1, 12, 3], [10, 10, 10], kind="p")
    with pytest.raises(ValueError, match="numerator is larger than its denominator"):
        chart([1, 12, 3], [10, 10, 10], kind="pp")


def test_numerator_above_denominator_is_fine_for_rates():
    assert chart([1, 12, 3], [10, 10, 10], kind="u").cl[0] == pytest.approx(16 / 30)


def test_zero_denominator_is_plotted_as_qicharts2_does_not_refused():
    result = chart([2, 3, 4], [0, 10, 10], kind="p")
    assert result.y[0] == float("inf")


def test_non_positive_times_between_events_are_refused_with_qicharts2s_message():
    with pytest.raises(ValueError, match=r"^Time between events must be greater than zero$"):
        chart([5, 3, 0, 8], kind="t")


def test_xbar_and_s_without_repeated_x_are_refused():
    for kind in ("xbar", "s"):
        with pytest.raises(ValueError, match="needs subgroups with several measurements"):
            chart([1, 2, 3, 4], kind=kind)


def test_proportion_chart_without_denominators_is_refused():
    with pytest.raises(ValueError, match="needs denominators"):
        chart([1, 2, 3], kind="p")


def test_text_where_numbers_belong_is_refused():
    with pytest.raises(ValueError, match="y must be numbers"):
        chart(["a", "b"], kind="i")


def test_charts_names_the_series_at_fault():
    with pytest.raises(ValueError, match="Series 'HT': denominators cannot be negative"):
        charts({"KE": ([1, 2], [5, 5]), "HT": ([1, 2], [5, -5])}, kind="p")


def test_mixing_series_with_and_without_denominators_is_refused():
    with pytest.raises(ValueError, match="every series has denominators"):
        charts({"KE": ([1, 2], [5, 5]), "HT": [1, 2]}, kind="run")


def test_unknown_rule_set_aggregation_and_direction_are_refused():
    with pytest.raises(ValueError, match="Unknown rule set 'nelson'"):
        chart([1, 2], rules="nelson")
    with pytest.raises(ValueError, match="Unknown aggregation 'max'"):
        chart([1, 2], agg="max")
    with pytest.raises(ValueError, match="improvement must be"):
        chart([1, 2], improvement="higher")


def test_centre_line_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="cl has 2 values but the chart has 3 subgroups"):
        chart([1, 2, 3], kind="i", cl=[1, 2])


def test_part_labels_must_be_contiguous():
    with pytest.raises(ValueError, match="contiguous blocks"):
        chart([1, 2, 3, 4], part=["a", "b", "a", "b"])


def test_keys_that_cannot_be_sorted_together_are_refused():
    with pytest.raises(ValueError, match="cannot be sorted together"):
        charts({"KE": ([1, 2], [1, 2], None), "HT": (["a", "b"], [1, 2], None)})
