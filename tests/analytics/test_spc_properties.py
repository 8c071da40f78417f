"""Properties that must hold for any data (hypothesis): charts() is chart() per series,
x order does not matter, multiply scales, trailing missing values change no limit."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qicop.analytics.spc import ChartResult, chart, charts

ARRAYS = (
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "lcl_95",
    "ucl_95",
    "phase",
    "baseline",
    "include",
    "sigma_signal",
    "runs_signal",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "n_obs",
    "n_useful",
    "trial_limits",
)
LIMITS = ("cl", "lcl", "ucl", "lcl_95", "ucl_95")
PLAIN_KINDS = ("run", "i", "mr", "t", "c", "g")
RATIO_KINDS = ("p", "pp", "u", "up")
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(a: ChartResult, b: ChartResult) -> None:
    """Bit-identical, NaN where NaN."""
    for name in ARRAYS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name, strict=True)
    np.testing.assert_array_equal(a.x, b.x)
    assert a.rule_flags.keys() == b.rule_flags.keys()
    for rule in a.rule_flags:
        np.testing.assert_array_equal(a.rule_flags[rule], b.rule_flags[rule], err_msg=rule)


def value(kind: str):
    """Numbers a chart of ``kind`` accepts, with ties and missing values likely."""
    if kind == "t":
        number = st.integers(1, 60).map(lambda v: v / 4)
    elif kind in ("c", "g"):
        number = st.integers(0, 30).map(float)
    else:
        number = st.integers(-40, 40).map(lambda v: v / 10)
    return st.one_of(st.none(), number, number, number)


@st.composite
def plain_series(draw, kind: str, min_size: int = 0):
    return draw(st.lists(value(kind), min_size=min_size, max_size=30))


@st.composite
def ratio_series(draw, min_size: int = 0):
    n = draw(st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=min_size, max_size=30))
    y = [None if v is None else draw(st.integers(0, v)) for v in n]
    return y, n


OPTIONS = st.fixed_dictionaries(
    {
        "freeze": st.one_of(st.none(), st.integers(0, 20)),
        "part": st.one_of(st.none(), st.lists(st.integers(0, 25), max_size=3)),
        "exclude": st.one_of(st.none(), st.lists(st.integers(0, 25), max_size=3)),
        "screened_mr": st.booleans(),
        "y_neg": st.booleans(),
        "rules": st.sampled_from(["anhoej", "ihi", "mdc"]),
    }
)


@SETTINGS
@given(kind=st.sampled_from(PLAIN_KINDS), data=st.data(), options=OPTIONS)
def test_charts_equals_chart_for_every_series(kind, data, options):
    series = {k: data.draw(plain_series(kind)) for k in ("KE", "HT", "NA", "RW")}
    together = charts(series, kind=kind, **options)
    assert list(together) == list(series)
    for key, y in series.items():
        assert_same(together[key], chart(y, kind=kind, **options))


@SETTINGS
@given(kind=st.sampled_from(RATIO_KINDS), data=st.data(), options=OPTIONS)
def test_charts_equals_chart_for_ratio_series(kind, data, options):
    series = {k: data.draw(ratio_series()) for k in ("KE", "HT", "NA")}
    together = charts(series, kind=kind, **options)
    for key, (y, n) in series.items():
        assert_same(together[key], chart(y, n, kind=kind, **options))


@SETTINGS
@given(kind=st.sampled_from(PLAIN_KINDS), data=st.data())
def test_charts_with_keys_equals_chart_with_keys(kind, data):
    series = {}
    for key in ("a", "b", "c"):
        y = data.draw(plain_series(kind))
        x = data.draw(st.lists(st.integers(0, 8), min_size=len(y), max_size=len(y)))
        series[key] = (x, y, None)
    together = charts(series, kind=kind)
    for key, (x, y, _) in series.items():
        assert_same(together[key], chart(y, x=x, kind=kind))


@SETTINGS
@given(kind=st.sampled_from(PLAIN_KINDS), data=st.data())
def test_permuting_x_permutes_nothing_in_the_result(kind, data):
    y = data.draw(plain_series(kind, min_size=1))
    order = data.draw(st.permutations(range(len(y))))
    shuffled = chart([y[i] for i in order], x=list(order), kind=kind)
    assert_same(shuffled, chart(y, kind=kind))


@SETTINGS
@given(
    kind=st.sampled_from(PLAIN_KINDS + RATIO_KINDS),
    data=st.data(),
    factor=st.sampled_from([2, 100, 1000, 0.5]),
)
def test_multiplying_scales_centre_line_and_limits(kind, data, factor):
    if kind in RATIO_KINDS:
        y, n = data.draw(ratio_series(min_size=1))
    else:
        y, n = data.draw(plain_series(kind, min_size=1)), None
    plain = chart(y, n, kind=kind)
    scaled = chart(y, n, kind=kind, multiply=factor)
    for name in (*LIMITS, "y"):
        np.testing.assert_allclose(getattr(scaled, name), getattr(plain, name) * factor, rtol=1e-12)
    np.testing.assert_array_equal(scaled.runs_signal, plain.runs_signal)


@SETTINGS
@given(kind=st.sampled_from(PLAIN_KINDS + RATIO_KINDS), data=st.data(), extra=st.integers(1, 5))
def test_appending_missing_values_changes_no_limit(kind, data, extra):
    if kind in RATIO_KINDS:
        y, n = data.draw(ratio_series(min_size=1))
        longer = chart(y + [None] * extra, n + [None] * extra, kind=kind)
    else:
        y, n = data.draw(plain_series(kind, min_size=1)), None
        longer = chart(y + [None] * extra, kind=kind)
    plain = chart(y, n, kind=kind)
    assert len(longer) == len(plain) + extra
    for name in LIMITS:
        np.testing.assert_array_equal(getattr(longer, name)[: len(plain)], getattr(plain, name), err_msg=name)
    assert all(math.isnan(v) for v in longer.y[len(plain) :])
