"""The indicator arithmetic (indicators/arithmetic.py): SUM and LAST over time, one rule for a period and a
series, and one answer whatever order the database returns stored periods in."""

import itertools
import random
from datetime import date

import numpy as np
import pytest

from qicop.indicators.arithmetic import (
    Mapping,
    combine,
    combine_over,
    operand_value,
    period_bounds,
    series_of,
    totals_for,
)
from qicop.indicators.models import IndicatorMapping
from qicop.integrations.dhis2.expressions import parse_expression
from qicop.integrations.dhis2.periods import parse_period


def span(period_id: str, total: float):
    period = parse_period(period_id)
    return (period.start, period.end, total)


def over(spans, period_ids, *, last):
    starts, ends = period_bounds([parse_period(p) for p in period_ids])
    return combine_over(spans, starts, ends, last=last)


def test_a_flow_adds_up_the_stored_periods_inside_the_target():
    spans = [span("202401", 10), span("202402", 20), span("202403", 5), span("202404", 99)]
    assert combine(spans, date(2024, 1, 1), date(2024, 3, 31), last=False) == 35


def test_a_flow_is_not_carried_from_a_longer_period_into_a_month():
    assert combine([span("2024", 1200)], date(2024, 5, 1), date(2024, 5, 31), last=False) is None


def test_a_stock_takes_the_latest_stored_period_inside_the_target():
    spans = [span("202403", 70), span("202401", 60), span("202402", 65)]
    assert combine(spans, date(2024, 1, 1), date(2024, 3, 31), last=True) == 70


def test_a_stock_stored_for_a_year_holds_for_each_of_its_months():
    values = over([span("2024", 500)], ["202312", "202401", "202407", "202412", "202501"], last=True)
    assert np.array_equal(values, [np.nan, 500, 500, 500, np.nan], equal_nan=True)


def test_a_stored_period_overlapping_the_target_in_part_counts_for_neither_rule():
    # 2024Q1 and the financial year from April never contain or cover February-to-April... nor a BiMonthly
    spans = [span("2024Q1", 30), span("2024April", 400)]
    for last in (False, True):
        assert combine(spans, date(2024, 3, 1), date(2024, 4, 30), last=last) is None


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_of_several_covering_periods_a_stock_takes_the_shortest_whatever_their_order(order):
    """November 2024 lies in the calendar year, in the second half-year (July to December) and in the
    financial year from October. The half-year is the shortest: its value counts, though the financial year
    starts later and the database may list any of them first."""
    covering = [span("2024", 1000), span("2024S2", 600), span("2024Oct", 800)]
    spans = [covering[i] for i in order]
    assert combine(spans, date(2024, 11, 1), date(2024, 11, 30), last=True) == 600
    assert over(spans, ["202411"], last=True)[0] == 600


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_of_covering_periods_of_one_length_a_stock_takes_the_one_that_starts_last(order):
    # August 2025: the calendar year 2025 and the financial year from July 2025 (both 365 days)
    covering = [span("2025", 1000), span("2025July", 1100)]
    assert (covering[0][1] - covering[0][0]) == (covering[1][1] - covering[1][0])
    spans = [covering[i] for i in order]
    assert combine(spans, date(2025, 8, 1), date(2025, 8, 31), last=True) == 1100


def test_the_same_dates_stored_twice_are_settled_by_the_larger_value_in_any_order():
    for spans in ([span("2024", 3), span("2024", 5)], [span("2024", 5), span("2024", 3)]):
        assert combine(spans, date(2024, 2, 1), date(2024, 2, 29), last=True) == 5


def test_a_stored_period_inside_the_target_wins_over_one_that_covers_it():
    spans = [span("2024", 1000), span("2024Q2", 50)]
    assert combine(spans, date(2024, 4, 1), date(2024, 6, 30), last=True) == 50


def test_one_period_and_a_series_follow_the_same_rule_on_random_stored_periods():
    """The array form against a plain reading of the rule, period by period, on random mixes of months,
    quarters, half-years and years (the scalar form is the array form for one period)."""
    rng = random.Random(13)
    ids = [f"{y}{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
    ids += [f"{y}Q{q}" for y in (2023, 2024) for q in range(1, 5)] + ["2023S2", "2024S1", "2023", "2024"]
    ids += ["2023July", "2023Oct"]
    targets = [parse_period(p) for p in ids]
    for _round in range(60):
        spans = [span(p, float(rng.randint(0, 50))) for p in rng.sample(ids, rng.randint(1, 8))]
        for last in (False, True):
            starts, ends = period_bounds(targets)
            values = combine_over(spans, starts, ends, last=last)
            for target, value in zip(targets, values, strict=True):
                expected = plain_rule(spans, target.start, target.end, last=last)
                assert (np.isnan(value) and expected is None) or value == expected, (spans, target, last)
                one = combine(spans, target.start, target.end, last=last)
                assert one == expected


def plain_rule(spans, start, end, *, last):
    """The module docstring's rule, read literally."""
    inside = [(s, e, t) for s, e, t in spans if s >= start and e <= end]
    if inside:
        if not last:
            return sum(t for _s, _e, t in inside)
        return max(inside, key=lambda x: (x[0], x[2]))[2]
    covering = [(s, e, t) for s, e, t in spans if s <= start and e >= end]
    if last and covering:
        return max(covering, key=lambda x: (-(x[1] - x[0]), x[0], x[2]))[2]
    return None


def operand(text: str):
    [only] = parse_expression(text).operands()
    return only


def test_an_operand_sums_the_disaggregations_it_names():
    totals = {
        ("TxCurr0001a", "CocFemale01", None): 60.0,
        ("TxCurr0001a", "CocMale0001", None): 40.0,
        ("VlTested01a", "HllvX50cXC0", None): 80.0,
    }
    assert operand_value(totals, operand("#{TxCurr0001a}")) == 100
    assert operand_value(totals, operand("#{TxCurr0001a.CocFemale01}")) == 60
    assert operand_value(totals, operand("#{Other000001}")) is None


def test_an_operand_naming_an_attribute_option_combo_counts_only_that_one_where_it_is_stored():
    totals = {
        ("TxCurr0001a", "HllvX50cXC0", "FundAaaaa01"): 60.0,
        ("TxCurr0001a", "HllvX50cXC0", "FundBbbbb01"): 40.0,
    }
    assert operand_value(totals, operand("#{TxCurr0001a.HllvX50cXC0.FundAaaaa01}")) == 60
    assert operand_value(totals, operand("#{TxCurr0001a}")) == 100


def test_a_series_and_one_period_evaluate_the_mapping_alike():
    mapping = Mapping.of(
        IndicatorMapping(numerator="#{VlTested01a}", denominator="#{TxCurr0001a} + #{PlhivEst01a}")
    )
    stored = {
        ("VlTested01a", "HllvX50cXC0", None): [span("202401", 80), span("202402", 90)],
        ("TxCurr0001a", "HllvX50cXC0", None): [span("202401", 100), span("202402", 110)],
        ("PlhivEst01a", "HllvX50cXC0", None): [span("2024", 7)],
    }
    stocks = {"TxCurr0001a", "PlhivEst01a"}
    periods = [parse_period(p) for p in ("202401", "202402", "202403", "2024Q1")]
    numerator, denominator = series_of(mapping, stored, *period_bounds(periods), stocks)
    assert np.array_equal(numerator, [80, 90, np.nan, 170], equal_nan=True)
    assert np.array_equal(denominator, [107, 117, 7, 117], equal_nan=True)
    for i, period in enumerate(periods):
        totals = totals_for(stored, period.start, period.end, stocks)
        value_of = lambda operand, totals=totals: operand_value(totals, operand)  # noqa: E731
        one = mapping.numerator.evaluate(value_of), mapping.denominator.evaluate(value_of)
        assert one == (None if np.isnan(numerator[i]) else numerator[i], denominator[i])


def test_a_mapping_that_does_not_parse_says_why_and_computes_nothing():
    mapping = Mapping.of(IndicatorMapping(numerator="#{VL", denominator="1"))
    assert not mapping.usable and mapping.problem and mapping.elements == set()


def test_no_mapping_is_no_mapping():
    assert Mapping.of(None) == Mapping(None) and not Mapping.of(None).usable
