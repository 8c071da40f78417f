"""charts() on thousands of series: its vectorised paths give, bit for bit, what chart() gives each series.

The batches here are tall (at least eight series per subgroup column) so that they take the paths only big
batches take: sums walked column by column, runs analysed on the packed points, results cut from the
batch's columns on first read. Inputs are random but seeded, with missing values, ties, points on the
centre line, zero denominators, short series, phases, baselines and exclusions.
"""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from test_spc_properties import ARRAYS
from test_spc_single import assert_bits

from qicop.analytics import _sums
from qicop.analytics._runs import sign_runs
from qicop.analytics.spc import Stacked, chart, charts

SERIES = 170
LONGEST = 21  # 170 series >= 8 x 21 columns: a tall batch
PLAIN_KINDS = ["run", "i", "mr", "t", "c", "g"]
RATIO_KINDS = ["p", "pp", "u", "up"]
OPTIONS = [
    {},
    {"freeze": 9, "exclude": [3, 7], "y_neg": False},
    {"part": [7, 14], "rules": "ihi"},
    {"part": [10], "freeze": 6, "rules": "mdc", "multiply": 100},
    {"rules": "ihi", "screened_mr": False},
]


def option_names(options: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in options.items()) or "plain"


def assert_same_bits(together: dict, alone: dict) -> None:
    """Every result of the batch is bit for bit the chart of its series alone (NaN and zero signs
    included): compared field by field over all series at once, then series by series on a mismatch
    for a readable message."""
    assert list(together) == list(alone)
    a, b = list(together.values()), list(alone.values())
    fields = [*ARRAYS, "x"]
    for name in fields:
        got, want = [getattr(r, name) for r in a], [getattr(r, name) for r in b]
        same = [(g.dtype, g.shape) for g in got] == [(w.dtype, w.shape) for w in want]
        if not same or np.concatenate(got).tobytes() != np.concatenate(want).tobytes():
            for key in together:
                assert_bits(together[key], alone[key])
    for one, other in zip(a, b, strict=True):
        assert list(one.rule_flags) == list(other.rule_flags)
        assert (one.kind, one.rules, one.improvement) == (other.kind, other.rules, other.improvement)
    for rule in a[0].rule_flags if a else ():
        got = np.concatenate([r.rule_flags[rule] for r in a])
        want = np.concatenate([r.rule_flags[rule] for r in b])
        np.testing.assert_array_equal(got, want, err_msg=rule, strict=True)


def lengths(rng) -> list[int]:
    """Mostly full series, some short ones (one, two, three points) and some of middling length."""
    sizes = rng.integers(4, LONGEST + 1, SERIES)
    sizes[rng.random(SERIES) < 0.5] = LONGEST
    sizes[:6] = [1, 2, 3, 1, 2, 3]
    return sizes.tolist()


def plain(kind: str, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    series = {}
    for key, size in enumerate(lengths(rng)):
        if kind in ("c", "g"):
            y = rng.integers(0, 6, size).astype(float)  # small counts: many ties
        elif kind == "t":
            y = rng.integers(1, 20, size) / 4
        else:
            y = rng.integers(-8, 9, size) / 2  # a coarse grid: points fall on the centre line
        y[rng.random(size) < 0.1] = np.nan
        series[f"S{key}"] = y
    return series


def ratios(kind: str, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    series = {}
    for key, size in enumerate(lengths(rng)):
        n = rng.integers(0, 40, size).astype(float)
        n[rng.random(size) < 0.05] = 0.0  # zero denominators
        y = np.floor(rng.random(size) * (n + 1)) if kind in ("p", "pp") else rng.integers(0, 30, size) * 1.0
        y[rng.random(size) < 0.08] = np.nan
        n[rng.random(size) < 0.04] = np.nan
        series[f"S{key}"] = (y, n)
    return series


@pytest.mark.parametrize("options", OPTIONS, ids=option_names)
@pytest.mark.parametrize("kind", PLAIN_KINDS)
def test_a_tall_batch_equals_one_chart_per_series(kind, options):
    series = plain(kind, seed=len(kind) * 100 + len(options))
    together = charts(series, kind=kind, **options)
    assert_same_bits(together, {key: chart(y, kind=kind, **options) for key, y in series.items()})


@pytest.mark.parametrize("options", OPTIONS, ids=option_names)
@pytest.mark.parametrize("kind", RATIO_KINDS)
def test_a_tall_batch_of_ratios_equals_one_chart_per_series(kind, options):
    series = ratios(kind, seed=len(kind) * 100 + len(options))
    together = charts(series, kind=kind, **options)
    assert_same_bits(together, {key: chart(y, n, kind=kind, **options) for key, (y, n) in series.items()})


@pytest.mark.parametrize("kind", ["i", "xbar", "s"])
def test_a_tall_batch_with_repeated_keys_equals_one_chart_per_series(kind):
    rng = np.random.default_rng(7)
    series = {}
    for key in range(SERIES):
        x = np.sort(rng.integers(0, 10, 25))  # about 10 subgroups of 2 or 3 values
        y = rng.integers(0, 20, 25) / 2
        y[rng.random(25) < 0.1] = np.nan
        series[key] = (x, y, None)
    together = charts(series, kind=kind, freeze=8)
    assert_same_bits(together, {key: chart(y, x=x, kind=kind, freeze=8) for key, (x, y, _) in series.items()})


def test_sums_walked_column_by_column_equal_sums_along_each_row():
    rng = np.random.default_rng(3)
    values = rng.integers(-50, 50, (400, 40)) / 10
    values[rng.random(values.shape) < 0.05] = -0.0
    values[:, :3] = [1e16, 1.0, -1e16]  # a sum whose rounding error matters
    values[5] = -0.0  # a row of negative zeros keeps its sign
    values[6, 10] = np.inf
    mask = rng.random(values.shape) < 0.9
    mask[7] = False  # a row with nothing to sum
    with np.errstate(invalid="ignore"):  # the infinite row (the engine always runs under errstate)
        tall = _sums.row_sum_dd(values, mask)  # 400 rows >= 8 x 40 columns: column by column
        for row in range(values.shape[0]):
            short = _sums.row_sum_dd(values[row : row + 1], mask[row : row + 1])  # one row: along the row
            for got, want in zip(tall, short, strict=True):
                assert got[row].tobytes() == want[0].tobytes(), row


def reference_runs(signs: list, part: list) -> list[tuple[int, int, int]]:
    """Runs of one row as (first column, last column, points), straight from the definition."""
    runs = []
    for col, (sign, taking_part) in enumerate(zip(signs, part, strict=True)):
        if not taking_part:
            continue
        if runs and signs[runs[-1][1]] == sign:
            first, _, size = runs[-1]
            runs[-1] = (first, col, size + 1)
        else:
            runs.append((col, col, 1))
    return runs


def test_runs_on_packed_points_match_their_definition():
    rng = np.random.default_rng(11)
    sign = rng.integers(-1, 2, (300, 25)).astype(np.int8)
    part = rng.random(sign.shape) < 0.8
    part[4] = False  # a row with no point taking part
    runs = sign_runs(sign, part)
    marked = runs.mark(runs.size >= 3, runs.sign)
    for row in range(sign.shape[0]):
        expected = reference_runs(sign[row].tolist(), part[row].tolist())
        assert runs.count[row] == sum(size for *_, size in expected)
        assert runs.crossings[row] == max(len(expected) - 1, 0)
        assert runs.longest[row] == max((size for *_, size in expected), default=0)
        length = np.zeros(sign.shape[1], np.int64)
        flag = np.zeros(sign.shape[1], np.int8)
        for first, last, size in expected:
            length[first : last + 1] = np.where(part[row, first : last + 1], size, 0)
            if size >= 3:
                flag[first : last + 1] = sign[row, first]
        np.testing.assert_array_equal(runs.length[row], length)
        np.testing.assert_array_equal(runs.start[row], np.isin(np.arange(25), [r[0] for r in expected]))
        np.testing.assert_array_equal(runs.end[row], np.isin(np.arange(25), [r[1] for r in expected]))
        np.testing.assert_array_equal(marked[row], flag)


def test_each_result_of_a_batch_owns_its_arrays():
    series = plain("i", seed=5)
    together = charts(series, kind="i")
    first, second = together["S10"], together["S11"]
    before = second.cl.copy(), second.y.copy(), first.lcl.copy()
    first.cl[0] = 1e9
    first.y[0] = 1e9
    np.testing.assert_array_equal(second.cl, before[0])
    np.testing.assert_array_equal(second.y, before[1])
    np.testing.assert_array_equal(first.lcl, before[2])
    assert first.cl[0] == 1e9  # the change is kept: a column is cut once


def test_a_result_of_a_batch_is_pickled_and_copied_with_its_columns_only():
    series = plain("i", seed=6)
    result = charts(series, kind="i")["S30"]
    alone = chart(series["S30"], kind="i")
    for twin in (pickle.loads(pickle.dumps(result)), copy.copy(result), copy.deepcopy(result)):
        assert "_batch" not in twin.__dict__
        assert_bits(twin, alone)
    assert len(pickle.dumps(result)) < len(pickle.dumps(alone)) * 2  # not the whole batch


# --- many results' columns at once ------------------------------------------------------------------


def test_stacked_gives_the_columns_of_a_whole_batch_as_each_result_gives_them():
    rng = np.random.default_rng(17)
    series = {k: (rng.binomial(50, 0.8, 24).astype(float), np.full(24, 50.0)) for k in range(30)}
    results = list(charts(series, kind="p", part=[12], rules="ihi").values())
    for name in ("y", "cl", "ucl", "phase"):
        expected = np.stack(
            [getattr(charts(series, kind="p", part=[12], rules="ihi")[k], name) for k in series]
        )
        np.testing.assert_array_equal(Stacked(results).column(name), expected)
    for rule in results[0].rule_flags:
        expected = np.stack(
            [r.rule_flags[rule] for r in list(charts(series, kind="p", part=[12], rules="ihi").values())]
        )
        np.testing.assert_array_equal(Stacked(results).flags(rule), expected)
    assert Stacked(results).flags("no such rule") is None


def test_stacked_stacks_results_that_are_not_a_whole_batch_in_its_order():
    rng = np.random.default_rng(18)
    series = {k: rng.normal(10, 2, 20) for k in range(12)}
    results = list(charts(series, kind="i").values())
    some = results[5:] + results[:2]  # part of the batch, out of its order
    np.testing.assert_array_equal(Stacked(some).column("y"), np.stack([r.y for r in some]))
    np.testing.assert_array_equal(Stacked(some).column("lcl"), np.stack([r.lcl for r in some]))
    np.testing.assert_array_equal(
        Stacked(some).flags("shift"), np.stack([r.rule_flags["shift"] for r in some])
    )
    assert Stacked(some).flags("no such rule") is None and Stacked([]).flags("shift") is None
