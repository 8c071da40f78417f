"""The lean single-chart path (``_single``) against the general path, bit for bit.

The general path is reached through the same private entry points ``chart()`` uses when
the lean path declines; the lean path is called directly, so a test cannot pass by
silently falling back to the general path."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_spc_properties import ARRAYS

from qicop.analytics import spc
from qicop.analytics._single import KINDS, single_chart

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FLOATS = (
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "lcl_95",
    "ucl_95",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
)


def general(y, n=None, x=None, kind="run", **options):
    opts = spc._options(
        kind,
        options.get("freeze"),
        options.get("part"),
        options.get("exclude"),
        None,
        options.get("multiply", 1),
        options.get("agg", "mean"),
        options.get("y_neg", True),
        options.get("screened_mr", True),
        "anhoej",
        options.get("improvement"),
    )
    return spc._draw([(None, (x, y, n))], opts)[0]


def lean(y, n=None, x=None, kind="run", **options):
    return single_chart(
        y,
        n,
        x,
        kind,
        options.get("freeze"),
        options.get("exclude"),
        options.get("multiply", 1),
        options.get("agg", "mean"),
        options.get("y_neg", True),
        options.get("screened_mr", True),
        options.get("improvement"),
    )


def assert_bits(a, b) -> None:
    """Same dtype, same values, NaN where NaN, and the same sign of every zero."""
    for name in (*ARRAYS, "x"):
        got, want = getattr(a, name), getattr(b, name)
        np.testing.assert_array_equal(got, want, err_msg=name, strict=True)
        if name in FLOATS:
            np.testing.assert_array_equal(np.signbit(got), np.signbit(want), err_msg=f"{name}: sign")
    assert list(a.rule_flags) == list(b.rule_flags)
    for rule in a.rule_flags:
        np.testing.assert_array_equal(a.rule_flags[rule], b.rule_flags[rule], err_msg=rule, strict=True)
    assert (a.kind, a.rules, a.improvement) == (b.kind, b.rules, b.improvement)


def number(kind: str):
    if kind in ("c", "p", "u"):
        return st.integers(0, 30).map(float)
    small = st.integers(-40, 40).map(lambda v: v / 10)
    return st.one_of(small, st.just(-0.0), st.just(0.0), st.floats(-1e6, 1e6, allow_nan=False))


@st.composite
def inputs(draw, kind: str):
    size = draw(st.integers(1, 40))
    if kind in ("p", "u"):
        n = draw(st.lists(st.one_of(st.none(), st.integers(0, 40).map(float)), min_size=size, max_size=size))
        top = lambda v: 40 if kind == "u" or v is None else int(v)  # noqa: E731
        y = [draw(st.one_of(st.none(), st.integers(0, top(v)).map(float))) for v in n]
    else:
        n = None
        y = draw(
            st.lists(st.one_of(st.none(), st.just(float("nan")), number(kind)), min_size=size, max_size=size)
        )
    x = draw(
        st.one_of(
            st.none(),
            st.just(list(range(3, 3 + size))),
            st.just([0.5 * i for i in range(size)]),
            st.just(np.datetime64("2024-01", "M") + np.arange(size)),
            st.just([dt.date(2020 + i // 12, i % 12 + 1, 1) for i in range(size)]),
        )
    )
    return y, n, x


OPTIONS = st.fixed_dictionaries(
    {
        "freeze": st.one_of(st.none(), st.integers(0, 45)),
        "exclude": st.one_of(st.none(), st.lists(st.integers(0, 45), max_size=4)),
        "multiply": st.sampled_from([1, 100, 0.5, -2, 1e300]),
        "agg": st.sampled_from(["mean", "median", "sum"]),
        "y_neg": st.booleans(),
        "screened_mr": st.booleans(),
        "improvement": st.sampled_from([None, "up", "down"]),
    }
)


@SETTINGS
@given(kind=st.sampled_from(sorted(KINDS)), data=st.data(), options=OPTIONS)
def test_lean_path_equals_general_path(kind, data, options):
    y, n, x = data.draw(inputs(kind))
    fast = lean(y, n, x, kind, **options)
    assert fast is not None, "the lean path should take this input"
    assert_bits(fast, general(y, n, x, kind, **options))


@SETTINGS
@given(
    kind=st.sampled_from(sorted(KINDS)),
    data=st.data(),
    part=st.lists(st.integers(0, 45), min_size=1, max_size=3),
)
def test_chart_with_parts_is_the_general_path(kind, data, part):
    y, n, x = data.draw(inputs(kind))
    assert_bits(spc.chart(y, n, x, kind=kind, part=part), general(y, n, x, kind, part=part))


@pytest.mark.parametrize(
    ("args", "options"),
    [
        (([1, 2, 3], None, None, "mr"), {}),  # kind without a lean path
        (([1, 2, 3], None, [3, 2, 1], "i"), {}),  # unsorted keys need grouping
        (([1, 2, 3], None, [1, 1, 2], "i"), {}),  # repeated keys
        (([1, 2, 3], None, ["a", "b", "c"], "i"), {}),  # text keys: categorical chart
        (([1, 2], None, [dt.date(2024, 1, 1), dt.datetime(2024, 2, 1)], "i"), {}),  # mixed objects
        (([1, 2], None, [dt.date(2024, 2, 1), dt.date(2024, 1, 1)], "i"), {}),  # unsorted dates
        (([1, 2, 3], None, [0, 1, 2], "i"), {"agg": "sd"}),
        (([1, 2, 3], [4, 5, 6], None, "i"), {}),  # an I chart of ratios
        (([1, 2, 3], None, None, "i"), {"exclude": np.array([1])}),
        (([1, 2, 3], None, None, "i"), {"freeze": 2.0}),
        (([5, 2, 3], [4, 5, 6], None, "p"), {}),  # numerator above denominator: error
        (([-1, 2, 3], None, None, "c"), {}),  # negative count: error
        (([1, 2, 3], None, None, "i"), {"multiply": float("inf")}),
        (([1, 2, 3], None, None, "i"), {"agg": "mode"}),
    ],
)
def test_lean_path_declines_what_only_the_general_path_does(args, options):
    assert lean(*args, **options) is None


def test_declined_inputs_still_raise_the_readable_error():
    with pytest.raises(ValueError, match="numerator is larger than its denominator"):
        spc.chart([5, 2, 3], [4, 5, 6], kind="p")


def test_lean_path_copies_its_input():
    y = np.array([1.0, 2.0, 4.0, 3.0])
    result = spc.chart(y, kind="i")
    result.y[0] = 99.0
    assert y[0] == 1.0
