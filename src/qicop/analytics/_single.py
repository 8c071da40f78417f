"""A lean path for the most common single chart, bit-identical to the general path.

Why it exists: :func:`~qicop.analytics.spc.chart` on the general path runs the
(series x subgroup) machinery of ``charts()`` on a batch of one row: 150-200
numpy calls whose fixed cost (about 0.5-1 microsecond each) dwarfs the arithmetic
on 60 points. This module does the same arithmetic on 1-D arrays and Python floats,
in the same order, so every number, flag and count is bit for bit what the general
path returns (a hypothesis test compares the two on random inputs).

It covers one series of a run, I, C, P or U chart with the Anhøj rules, no
``part``, no user ``cl``, and ``x`` absent or already sorted unique numbers or
dates. ``freeze``, ``exclude``, ``multiply``, ``y_neg`` and ``screened_mr`` are
supported. Anything else (and any input that would raise an error) returns None and
the caller takes the general path, which also writes the readable error messages.

Why the shortcuts below are exact:

* The general sums (:mod:`._sums`) replace masked-out entries by 0.0 inside a
  sequential cumsum. Adding 0.0 changes neither the running sum nor its TwoSum
  error term, so summing only the kept values gives the same bits, except that a
  leading ``-0.0`` becomes ``+0.0`` when the general row starts with a masked
  zero; :func:`_dd_sum` reproduces that.
* Python floats are IEEE doubles: a scalar expression rounds exactly as the same
  numpy float64 expression does element by element.
* For the I and C charts every limit is one number per part, so the lines are
  computed once as scalars and broadcast.
"""

from __future__ import annotations

import datetime as _dt
import math

import numpy as np

from qicop.analytics._constants import ANHOEJ, D2, D4
from qicop.analytics._inputs import AGGS
from qicop.analytics._result import ChartResult
from qicop.analytics._signal_rules import FEW_CROSSINGS, OUTSIDE, SHIFT, UNDIRECTED

KINDS = frozenset(("run", "i", "c", "p", "u"))
_RATIO = frozenset(("p", "u"))
_SPLIT = 134217729.0  # 2**27 + 1, as in _sums
_NAN = math.nan
_INT = np.dtype(np.int64)
# The limits travel as one (4, length) block with rows LCL, 2-sigma LCL, UCL, 2-sigma UCL:
# both lower lines are one contiguous slice for the truncation at 0, both upper ones for 1.
_LIMIT_SIGMAS = np.array([-3.0, -2.0, 3.0, 2.0])


# ndarray.all(), .any(), np.ones and np.full go through Python wrappers (1-2 µs each,
# a few percent of a chart apiece); these do the same in one C call.
def _all(mask: np.ndarray) -> bool:
    return np.count_nonzero(mask) == mask.shape[0]


def _any(mask: np.ndarray) -> bool:
    return np.count_nonzero(mask) > 0


def _filled(length: int, value, dtype=float) -> np.ndarray:
    out = np.empty(length, dtype)
    out.fill(value)
    return out


def _dd_sum(v: np.ndarray, first_kept: bool) -> tuple[float, float]:
    """``_sums.row_sum_dd`` of one row whose masked-out entries were removed.

    ``first_kept`` says whether column 0 of the general row was kept; if not, the
    general running sum starts at +0.0, so a leading -0.0 turns into +0.0.
    """
    k = v.shape[0]
    if k == 0:
        return 0.0, 0.0
    if k == 1:
        head = float(v[0])
        return (head if first_kept else 0.0 + head), 0.0
    if not first_kept and v[0] == 0.0:
        v = v.copy()
        v[0] = 0.0
    s = v.cumsum()
    hi = float(s[-1])
    if not math.isfinite(hi):  # the general path zeroes the error terms of an infinite sum
        return hi, 0.0
    a = s[:-1]
    t = s[1:]
    bb = t - a
    err = (a - (t - bb)) + (v[1:] - bb)
    lo = float(err.cumsum()[-1])
    total = hi + lo
    return total, lo - (total - hi)


def _dd_mean(v: np.ndarray, first_kept: bool = True) -> float:
    """``_sums.row_mean`` of the kept values (NaN when there are none)."""
    count = float(v.shape[0])
    if count == 0:
        return _NAN
    hi, lo = _dd_sum(v, first_kept)
    q = hi / count
    p = q * count
    c = _SPLIT * q
    qh = c - (c - q)
    ql = q - qh
    p_err = (qh * count - p) + ql * count
    r = ((hi - p) - p_err) + lo
    out = q + r / count
    return out if math.isfinite(out) else q


def _median(y: np.ndarray, ok: np.ndarray) -> float:
    """``_sums.row_median`` of one row.

    It sorts the whole row with the unused values set to +inf, as the general path
    does: numpy's sort is not stable, so sorting only the kept values could put a
    -0.0 and a +0.0 in another order and change the sign of a zero median.
    """
    count = int(np.count_nonzero(ok))
    if count == 0:
        return _NAN
    ordered = np.sort(np.where(ok, y, np.inf))
    lo, hi = float(ordered[(count - 1) // 2]), float(ordered[count // 2])
    return lo if count % 2 == 1 else (lo + hi) / 2.0


def _keys(x, length: int, agg: str) -> np.ndarray | None:
    """Output keys when ``x`` needs no grouping (sorted, unique numbers or dates)."""
    if x is None:
        return np.arange(length)
    if agg == "sd":  # the SD of a one-value subgroup is missing: the general path knows
        return None
    xa = np.array(x)
    if xa.ndim != 1 or len(xa) != length:
        return None
    if xa.dtype.kind == "O":
        # Python dates (the usual month keys) compare fine; mixed or other objects
        # are left to the general path, which knows their errors.
        kinds = {type(v) for v in xa.tolist()}
        if len(kinds) != 1 or not issubclass(kinds.pop(), _dt.date):
            return None
    elif xa.dtype.kind not in "iufmM":
        return None
    # NaN and NaT compare false, so they fail this test too.
    if length > 1 and not (xa[1:] > xa[:-1]).all():
        return None
    return xa


def _valid_options(freeze, exclude, multiply, agg, improvement) -> bool:
    if agg not in AGGS or improvement not in (None, "up", "down"):
        return False
    if freeze is not None and (type(freeze) is not int or freeze < 0):
        return False
    if exclude is not None and (
        type(exclude) not in (list, tuple) or not all(type(i) is int and i >= 0 for i in exclude)
    ):
        return False
    return type(multiply) in (int, float) and math.isfinite(multiply)


def single_chart(y, n, x, kind, freeze, exclude, multiply, agg, y_neg, screened_mr, improvement):
    """The chart of one series, or None when the general path must draw it."""
    if kind not in KINDS or not _valid_options(freeze, exclude, multiply, agg, improvement):
        return None
    if (n is not None) != (kind in _RATIO):
        return None
    try:
        ya = np.array(y, dtype=float)
        na = None if n is None else np.array(n, dtype=float)
    except (TypeError, ValueError):
        return None
    length = ya.shape[0] if ya.ndim == 1 else 0
    if length == 0 or (na is not None and na.shape != ya.shape):
        return None
    keys = _keys(x, length, agg)
    if keys is None:
        return None
    # Missing values and n = 0 make NaN and infinities on purpose, as in R.
    with np.errstate(all="ignore"):
        if x is not None and agg == "mean" and kind in ("i", "run"):
            # The general path takes the mean of each one-value subgroup, which turns
            # -0.0 into +0.0 (and nothing else): adding +0.0 does the same.
            ya += 0.0
        return _draw(ya, na, keys, kind, freeze, exclude, multiply, y_neg, screened_mr, improvement)


def _draw(y, n, keys, kind, freeze, exclude, multiply, y_neg, screened_mr, improvement):
    length = y.shape[0]
    # --- inputs (spec 1): complete cases and the checks of _inputs.check_values
    if n is not None:
        gone = np.isnan(y) | np.isnan(n)
        bad = np.fmin(y, n) < 0  # (y < 0) | (n < 0): fmin passes over a NaN
        if kind == "p":
            bad |= (y > n) & (n > 0)
        if _any(bad):
            return None
        if _any(gone):
            y = np.where(gone, _NAN, y)
            n = np.where(gone, 0.0, n)
            plotted = np.where(gone, 0.0, y) / n
        else:
            plotted = y / n
        missing = gone
    else:
        if kind == "c" and _any(y < 0):
            return None
        plotted = y
        missing = np.isnan(y)
    # --- baseline, inclusion and calculation set (spec 3)
    baseline = _filled(length, True, bool)
    if freeze is not None:
        baseline[freeze:] = False
    include = _filled(length, True, bool)
    if exclude:
        include[[i for i in exclude if i < length]] = False
    calc_all = freeze is None or freeze >= length
    all_included = not exclude or _all(include)
    if all_included:
        calc = baseline
    else:
        calc = baseline & include
        calc_all = False
    ok = calc & ~missing
    values = y if _all(ok) else y[ok]
    first_kept = bool(ok[0])
    # --- centre line and limits (spec 2), before multiply
    scalar = kind != "p" and kind != "u"
    if kind == "run":
        cl = _median(y, ok)
        lines = [_NAN, _NAN, _NAN, _NAN]
    elif kind == "i":
        cl = _dd_mean(values, first_kept)
        dev = y - cl
        packed = dev if calc_all else dev[calc]
        mr = np.abs(packed[1:] - packed[:-1])
        gaps = np.isnan(mr)
        if _any(gaps):
            mr = mr[~gaps]
        amr = _dd_mean(mr)
        if screened_mr:
            kept = mr < D4 * amr
            if not _all(kept):  # usually nothing is screened out
                amr = _dd_mean(mr[kept])
        sigma = amr / D2
        lines = [cl - 3 * sigma, cl - 2 * sigma, cl + 3 * sigma, cl + 2 * sigma]
    elif kind == "c":
        cl = _dd_mean(values, first_kept)
        sigma = math.sqrt(cl) if cl >= 0 else _NAN
        lines = [cl - 3 * sigma, cl - 2 * sigma, cl + 3 * sigma, cl + 2 * sigma]
        # LCL >= 0 (NaN stays NaN; -inf cannot arise: cl - 3 * sqrt(cl) is NaN for cl = inf).
        lines[0] = 0.0 if lines[0] < 0 else lines[0]
        lines[1] = 0.0 if lines[1] < 0 else lines[1]
    else:
        total = _dd_sum(values, first_kept)[0]
        n_kept = n if calc_all else n[calc]
        # numpy division keeps R's 0/0 = NaN and x/0 = Inf (Python would raise).
        cl = float(np.float64(total) / _dd_sum(n_kept, bool(calc[0]))[0])
        sigma = np.sqrt(cl / n) if kind == "u" else np.sqrt(cl * (1 - cl) / n)
        # Rows LCL, LCL 2-sigma, UCL, UCL 2-sigma as cl + (-3 sigma) ...: the same bits as
        # cl - 3 * sigma (negation is exact), in two numpy calls instead of six.
        block = np.multiply.outer(_LIMIT_SIGMAS, sigma)
        block += cl
        # Non-finite limits become missing; doing it before the truncation gives the
        # same result as the general order (truncate finite values, then NaN).
        block[~np.isfinite(block)] = _NAN
        lower = block[:2]
        lower[lower < 0] = 0.0
        if kind == "p":
            upper = block[2:]
            upper[upper > 1] = 1.0
    # --- post-processing (spec 6): multiply, non-finite limits missing, y_neg
    raw_y, raw_cl = plotted, cl
    if scalar:
        lines = [v if math.isfinite(v) else _NAN for v in lines]
    if multiply != 1:
        plotted = plotted * multiply
        cl = cl * multiply
        if scalar:
            lines = [v * multiply for v in lines]
            lines = [v if math.isfinite(v) else _NAN for v in lines]
        else:
            block *= multiply
            block[~np.isfinite(block)] = _NAN
    if not y_neg and not _any(plotted < 0):
        if scalar:
            lines[0] = 0.0 if lines[0] < 0 else lines[0]
            lines[1] = 0.0 if lines[1] < 0 else lines[1]
        else:
            lower = block[:2]
            lower[lower < 0] = 0.0
    if scalar:
        block = np.empty((5, length))
        block[:] = np.array([*lines, cl])[:, None]
        cl_col = block[4]
    else:
        cl_col = _filled(length, cl)
    lcl, ucl = block[0], block[2]
    above = plotted > ucl
    below = plotted < lcl
    sigma_signal = above | below
    runs, flags = _anhoej(raw_y - raw_cl, include, all_included)
    flags = {OUTSIDE: above.view(np.int8) - below.view(np.int8), **flags}
    state = {
        "y": plotted,
        "n": n if n is not None else _filled(length, _NAN),
        "cl": cl_col,
        "lcl": lcl,
        "ucl": ucl,
        "lcl_95": block[1],
        "ucl_95": block[3],
        "phase": np.zeros(length, _INT),
        "baseline": baseline,
        "include": include,
        "sigma_signal": sigma_signal,
        **runs,
        "trial_limits": np.zeros(length, bool),
        "x": keys,
        "rule_flags": flags,
        "kind": kind,
        "rules": "anhoej",
        "improvement": improvement,
    }
    result = object.__new__(ChartResult)
    result.__dict__.update(state)  # see spc._results: the frozen __init__ is slow
    return result


def _anhoej(d: np.ndarray, include: np.ndarray, all_included: bool) -> tuple[dict, dict]:
    """``_runs.anhoej`` and ``_signal_rules.anhoej_flags`` (shift, few crossings) for one part."""
    length = d.shape[0]
    useful = np.abs(d) > 0  # False on the centre line and where d is missing (NaN)
    if not all_included:
        useful &= include
    n_useful = int(np.count_nonzero(useful))
    sign = np.sign(d) if n_useful == length else np.sign(d[useful])
    shift = np.zeros(length, np.int8)
    few = np.zeros(length, np.int8)
    if n_useful == 0:
        longest = crossings = longest_max = crossings_min = _NAN
        signal = False
    else:
        if n_useful >= ANHOEJ.size:
            ANHOEJ.lookup(np.array([n_useful]))  # grow the table
        longest_max = float(ANHOEJ.longest_max[n_useful])
        crossings_min = float(ANHOEJ.crossings_min[n_useful])
        # Index (among useful points) of the last point of each run but the last one:
        # where the next useful point has the other sign. A chart has a few dozen runs
        # at most, so a plain loop beats numpy's per-call cost here.
        changes = (sign[1:] != sign[:-1]).nonzero()[0].tolist()
        crossings = float(len(changes))
        before, longest = -1, 0  # the point before the run, the longest run so far
        for last in changes:
            if last - before > longest:
                longest = last - before
            before = last
        longest = float(max(longest, n_useful - 1 - before))
        if longest > longest_max:  # rare: only then is the per-point shift flag needed
            lasts = [*changes, n_useful - 1]
            befores = [-1, *changes]
            sizes = [last - before for before, last in zip(befores, lasts, strict=True)]
            cols = useful.nonzero()[0].tolist()
            directions = sign.tolist()
            for before, last, size in zip(befores, lasts, sizes, strict=True):
                if size > longest_max:  # every column from the run's first to last point
                    shift[cols[before + 1] : cols[last] + 1] = int(directions[last])
        if crossings < crossings_min:
            few = useful.astype(np.int8) * np.int8(UNDIRECTED)
        signal = longest > longest_max or crossings < crossings_min
    stats = np.empty((4, length))
    stats[:] = np.array([longest, longest_max, crossings, crossings_min])[:, None]
    counts = np.empty((2, length), _INT)
    n_obs = length if all_included else np.count_nonzero(include)
    counts[:] = np.array([n_obs, n_useful], _INT)[:, None]
    runs = {
        "runs_signal": _filled(length, signal, bool),
        "longest_run": stats[0],
        "longest_run_max": stats[1],
        "n_crossings": stats[2],
        "n_crossings_min": stats[3],
        "n_obs": counts[0],
        "n_useful": counts[1],
    }
    return runs, {SHIFT: shift, FEW_CROSSINGS: few}
