"""Run and control charts, exact to qicharts2 0.8.1, for one series or thousands.

>>> from qicop.analytics.spc import chart, charts, ChartResult
>>> r = chart([5, 7, 6, 8, 9, 7, 6], kind="i")
>>> round(float(r.cl[0]), 4)
6.8571

:func:`chart` draws one chart; :func:`charts` draws one chart per series of a
mapping with the same options, computed together: every step is a numpy
operation on a (series x subgroup) array, so there is no Python loop per series
on the hot path, and each result is bit-identical to calling :func:`chart` on that
series alone (all reductions run sequentially along a row, so padding never
changes a result).

The pipeline follows the reference specification section by section:

1. inputs and subgroups (:mod:`._inputs`): complete cases for ratios, missing x
   dropped, repeated x aggregated, output sorted by x;
2. parts, baseline (``freeze``) and inclusion (``exclude``), each part laid out
   as its own row ("segment");
3. centre line and limits per chart type (:mod:`._limits`);
4. Anhøj runs analysis per part (:mod:`._runs`);
5. ``multiply``, non-finite limits made missing, sigma signal, runs signal off
   for MR and categorical charts, ``y_neg``;
6. the selected rule set (:mod:`._signal_rules`) and the results.

A single chart of the common kinds skips this machinery: :mod:`._single` computes
the same numbers on 1-D arrays, bit for bit, and declines (returns None) whatever
it does not cover.

Deviations from qicharts2: none known in numbers or flags. Character keys sort by
Unicode code point (R sorts by the locale's collation, which may order mixed-case
keys differently), and part labels must form contiguous blocks (else ValueError).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from qicop.analytics._constants import MDC_MIN_POINTS
from qicop.analytics._inputs import (
    AGGS,
    KINDS,
    Batch,
    batch_with_x,
    batch_without_x,
    normalise,
    split_series,
)
from qicop.analytics._limits import CHARTS, Lines, Segments
from qicop.analytics._result import (
    BatchColumns,
    ChartResult,
    Finding,
    PhaseStory,
    Signal,
    Stacked,
)
from qicop.analytics._runs import anhoej
from qicop.analytics._signal_rules import SIGNAL_RULE_SETS, signal_flags
from qicop.analytics._single import KINDS as SINGLE_KINDS
from qicop.analytics._single import single_chart
from qicop.analytics._text import gettext_noop

__all__ = [
    "SIGNAL_RULE_SETS",
    "ChartResult",
    "Finding",
    "PhaseStory",
    "Signal",
    "Stacked",
    "chart",
    "charts",
    "gettext_noop",
]

_LIMIT_NAMES = ("lcl", "ucl", "lcl_95", "ucl_95", "lcl_1", "ucl_1")


@dataclass(frozen=True)
class _Options:
    kind: str
    freeze: int | None
    part: object
    exclude: tuple
    cl: object
    multiply: float
    agg: str
    y_neg: bool
    screened_mr: bool
    rule_set: str  # the signal rule set: "anhoej", "ihi" or "mdc"
    improvement: str | None


def _options(kind, freeze, part, exclude, cl, multiply, agg, y_neg, screened_mr, rules, improvement):
    if kind not in KINDS:
        raise ValueError(f"Unknown chart kind {kind!r}; choose one of: {', '.join(KINDS)}.")
    if agg not in AGGS:
        raise ValueError(f"Unknown aggregation {agg!r}; choose one of: {', '.join(AGGS)}.")
    if rules not in SIGNAL_RULE_SETS:
        raise ValueError(f"Unknown rule set {rules!r}; choose one of: {', '.join(SIGNAL_RULE_SETS)}.")
    if improvement not in (None, "up", "down"):
        raise ValueError('improvement must be "up" (higher is better), "down" (lower is better) or None.')
    if freeze is not None and (not isinstance(freeze, numbers.Integral) or freeze < 0):
        raise ValueError("freeze must be a whole number of subgroups (0 or more).")
    exclude = tuple(int(i) for i in (exclude or ()))
    if any(i < 0 for i in exclude):
        raise ValueError("exclude lists 0-based subgroup positions, so they cannot be negative.")
    if not isinstance(multiply, numbers.Real) or not np.isfinite(multiply):
        raise ValueError("multiply must be a finite number, e.g. 100 for percentages.")
    if (part is not None and not isinstance(part, (Sequence, np.ndarray))) or isinstance(part, str):
        part = [part]
    return _Options(kind, freeze, part, exclude, cl, multiply, agg, y_neg, screened_mr, rules, improvement)


def chart(
    y,
    n=None,
    x=None,
    kind: str = "run",
    freeze: int | None = None,
    part=None,
    exclude=None,
    cl=None,
    multiply: float = 1,
    agg: str = "mean",
    y_neg: bool = True,
    screened_mr: bool = True,
    rules: str = "anhoej",
    improvement: str | None = None,
) -> ChartResult:
    """One run or control chart, as ``qicharts2::qic(x, y, n, chart = kind, ...)``.

    ``y``: numbers (None/NaN missing); numerators or counts for p, pp, c, u, up.
    ``n``: denominators for p, pp, u, up (ignored by c). ``x``: subgroup keys
    (numbers, dates or text); equal keys form one subgroup and the output is
    sorted by ``x``; text keys make the chart categorical (funnel plot: no runs
    signal, Laney sigma from the SD of z). ``freeze``: the first ``freeze``
    subgroups are the baseline (ignored with ``part``, as in qicharts2).
    ``part``: a new phase starts at each listed 0-based subgroup index, or one
    label per raw row (a new phase at each new label). ``exclude``: 0-based
    subgroup indices left out of centre line, limits and runs analysis (still
    plotted and still checked against the limits). ``cl``: fixed centre line,
    scalar or one per subgroup (for g: the mean; displayed as 0.693 * cl).
    ``screened_mr``: qicharts2's ``qic.screenedmr`` (on when the package is
    attached). ``rules``: "anhoej", "ihi" or "mdc" (see :mod:`._signal_rules`).
    ``improvement``: "up" or "down", to class signals.

    Raises ValueError with a readable message for unknown kinds, mismatched
    lengths, negative denominators, numerators above denominators (p, pp),
    non-positive times (t) and xbar/s without repeated x.
    """
    if kind in SINGLE_KINDS and part is None and cl is None and rules == "anhoej":
        # The common case has a lean path (see ._single): same bits, a fraction of the calls.
        result = single_chart(y, n, x, kind, freeze, exclude, multiply, agg, y_neg, screened_mr, improvement)
        if result is not None:
            return result
    opts = _options(kind, freeze, part, exclude, cl, multiply, agg, y_neg, screened_mr, rules, improvement)
    return _draw([(None, (x, y, n))], opts)[0]


def charts(
    series: Mapping,
    n=None,
    kind: str = "run",
    freeze: int | None = None,
    part=None,
    exclude=None,
    cl=None,
    multiply: float = 1,
    agg: str = "mean",
    y_neg: bool = True,
    screened_mr: bool = True,
    rules: str = "anhoej",
    improvement: str | None = None,
) -> dict:
    """Many charts with the same options: ``{id: y | (y, n) | (x, y, n)}`` -> ``{id: ChartResult}``.

    Identical to ``{k: chart(...) for k in series}`` but vectorised across series.
    ``n`` is accepted only as None (denominators travel with each series).
    ``cl`` may be a scalar, one value per subgroup (all series then need that many
    subgroups), or a mapping from series id to either.
    """
    if n is not None:
        raise ValueError("Give denominators with each series, e.g. {'KE': (y, n)}, not as n=.")
    opts = _options(kind, freeze, part, exclude, cl, multiply, agg, y_neg, screened_mr, rules, improvement)
    items = [(key, split_series(value)) for key, value in series.items()]
    return dict(zip(series.keys(), _draw(items, opts), strict=True))


def _draw(items, opts: _Options) -> list[ChartResult]:
    # Missing values and n = 0 make NaN and infinities on purpose (as in R): one
    # errstate here instead of one per operation keeps small charts fast.
    with np.errstate(all="ignore"):
        return _draw_quietly(items, opts)


def _draw_quietly(items, opts: _Options) -> list[ChartResult]:
    keys, xs, ys, ns, has_n = normalise(items, opts.kind)
    if all(x is None for x in xs):
        batch = batch_without_x(keys, ys, ns, has_n, opts.kind)
    else:
        batch = batch_with_x(keys, xs, ys, ns, has_n, opts.agg, opts.kind)
    if opts.kind in ("xbar", "s") and not np.any(batch.ylen > 1):
        raise ValueError(
            f"A {opts.kind} chart needs subgroups with several measurements: give x with repeated "
            "keys (one key per subgroup), or use an I chart for single values."
        )
    return _compute(batch, items, opts)


@dataclass
class _Layout:
    """Where each (series, subgroup) sits in the segment layout (one part per row)."""

    row: np.ndarray | None  # None: one part per series, segments are the series rows
    col: np.ndarray | None
    parts: int
    width: int


def _phases(batch: Batch, items, opts: _Options) -> np.ndarray | None:
    if opts.part is None or len(opts.part) == 0:
        return None
    width = batch.y.shape[1]
    labels = [p for p in opts.part if not isinstance(p, numbers.Integral)]
    if not labels:
        cuts = np.unique(np.array(opts.part, dtype=np.int64))
        cuts = cuts[cuts > 0]
        return np.broadcast_to(np.searchsorted(cuts, np.arange(width), side="right"), batch.y.shape)
    phase = np.zeros(batch.y.shape, np.int64)
    for s, (_, (_, y, _)) in enumerate(items):
        if len(opts.part) != len(y):
            raise ValueError(f"part has {len(opts.part)} labels but the series has {len(y)} values.")
        first = np.arange(len(y)) if batch.first_row is None else batch.first_row[s]
        lab = np.asarray(opts.part, dtype=object)[first]
        new = np.concatenate([[False], lab[1:] != lab[:-1]]) if len(lab) else np.zeros(0, bool)
        if len(set(lab.tolist())) != int(new.sum()) + (1 if len(lab) else 0):
            raise ValueError("part labels must form contiguous blocks (each phase in one stretch of time).")
        phase[s, : len(lab)] = np.cumsum(new)
    return phase


def _layout(phase: np.ndarray | None, exists: np.ndarray) -> _Layout:
    rows, width = exists.shape
    if phase is None or not np.any(phase[exists] > 0):
        return _Layout(None, None, 1, width)
    cols = np.arange(width)
    change = np.ones(phase.shape, bool)
    change[:, 1:] = phase[:, 1:] != phase[:, :-1]
    col = cols - np.maximum.accumulate(np.where(change, cols, 0), axis=1)
    parts = int(phase[exists].max()) + 1
    row = np.arange(rows)[:, None] * parts + phase
    return _Layout(row, col, parts, int(col[exists].max()) + 1)


def _gather(a: np.ndarray, lay: _Layout, exists: np.ndarray, fill=np.nan) -> np.ndarray:
    if lay.row is None:
        return a
    a = np.broadcast_to(a, exists.shape)  # a (series, 1) column: its value at every subgroup
    out = np.full((exists.shape[0] * lay.parts, lay.width), fill, dtype=a.dtype)
    out[lay.row[exists], lay.col[exists]] = a[exists]
    return out


def _scatter(a: np.ndarray, lay: _Layout, exists: np.ndarray) -> np.ndarray:
    if lay.row is None:
        return a
    if a.ndim == 2 and a.shape[1] == 1:  # one value per segment row (see Lines)
        a = np.broadcast_to(a, (a.shape[0], lay.width))
    if a.ndim == 1:  # one value per part: copy it to every subgroup of the part
        out = np.zeros(exists.shape, a.dtype)
        out[exists] = a[lay.row[exists]]
        return out
    out = np.zeros(exists.shape, a.dtype)
    out[exists] = a[lay.row[exists], lay.col[exists]]
    return out


def _user_cl(cl, batch: Batch) -> np.ndarray | None:
    if cl is None:
        return None
    shape = batch.y.shape
    if isinstance(cl, Mapping):
        out = np.full(shape, np.nan)
        for s, key in enumerate(batch.keys):
            if key in cl and cl[key] is not None:
                out[s] = _user_cl_row(cl[key], int(batch.lengths[s]), shape[1])
        return out
    return np.broadcast_to(
        _user_cl_row(cl, int(batch.lengths.max(initial=0)), shape[1], batch.lengths), shape
    ).copy()


def _user_cl_row(cl, length: int, width: int, lengths=None) -> np.ndarray:
    arr = np.asarray(cl, dtype=float)
    if arr.ndim == 0:
        return np.full(width, float(arr))
    if (lengths is not None and np.any(lengths != len(arr))) or len(arr) != length:
        raise ValueError(
            f"cl has {len(arr)} values but the chart has {length} subgroups; give one centre line "
            "value per subgroup, or a single number."
        )
    out = np.full(width, np.nan)
    out[: len(arr)] = arr
    return out


def _segments(batch: Batch, lay: _Layout, opts: _Options) -> Segments:
    exists = batch.exists
    cols = np.arange(exists.shape[1])
    baseline = exists.copy()
    if opts.freeze is not None and opts.part is None:
        baseline &= cols < opts.freeze
    include = exists & ~np.isin(cols, opts.exclude) if opts.exclude else exists
    user = _user_cl(opts.cl, batch)
    g = lambda a, fill=np.nan: _gather(a, lay, exists, fill)  # noqa: E731
    return Segments(
        y=g(batch.y),
        n=g(batch.n),
        ysum=g(batch.ysum),
        ylen=g(batch.ylen, 0),
        ymean=g(batch.ymean),
        ysd=g(batch.ysd),
        exists=g(exists, False),
        calc=g(baseline & include, False),
        include=g(include, False),
        cl_user=None if user is None else g(user),
        screened=opts.screened_mr,
        categorical=batch.categorical,
        mdc=opts.rule_set == "mdc",
        # Only the Health Care Data Guide's rules (ihi on a control chart) read them.
        one_sigma=opts.rule_set == "ihi" and opts.kind != "run",
    ), g(baseline, False)


def _post_process(lines: Lines, seg: Segments, parts: int, opts: _Options) -> Lines:
    """Step 6 of the pipeline: multiply, non-finite limits missing, y_neg."""
    m = opts.multiply
    scale = (lambda v: v) if m == 1 else (lambda v: v * m)  # x * 1 is x: skip the pass
    out = {"y": scale(lines.y), "cl": scale(lines.cl)}
    for name in _LIMIT_NAMES:
        v = getattr(lines, name)
        if v is not None:
            v = scale(v)
            v[~np.isfinite(v)] = np.nan
        out[name] = v
    if not opts.y_neg:
        with np.errstate(invalid="ignore"):
            negative = np.any((out["y"] < 0) & seg.exists, axis=1)
        # "every plotted y >= 0" is judged over the whole series, across parts.
        series_ok = ~negative.reshape(-1, parts).any(axis=1)
        ok_rows = np.repeat(series_ok, parts)[:, None]
        for name in ("lcl", "lcl_95"):
            v = out[name]
            v[ok_rows & (v < 0)] = 0.0
    return Lines(**out)


def _compute(batch: Batch, items, opts: _Options) -> list[ChartResult]:
    lay = _layout(_phases(batch, items, opts), batch.exists)
    seg, baseline = _segments(batch, lay, opts)
    raw = CHARTS[opts.kind](seg)
    included = seg.include & seg.exists
    runs = anhoej(raw.y, raw.cl, included)
    lines = _post_process(raw, seg, lay.parts, opts)
    with np.errstate(invalid="ignore"):
        sigma_signal = (lines.y > lines.ucl) | (lines.y < lines.lcl)
    runs_signal = runs.runs_signal
    if opts.kind == "mr" or batch.categorical:
        runs_signal = np.zeros_like(runs_signal)
    flags = signal_flags(opts.rule_set, opts.kind, lines, runs, included)
    exists = batch.exists
    back = lambda a: _scatter(a, lay, exists)  # noqa: E731
    # A value per part: one value per series (1-D) when each series is one part.
    per_part = back if lay.row is not None else (lambda v: v)
    phase = (
        np.zeros(exists.shape[0], np.int64)
        if lay.row is None
        else _scatter(np.repeat(np.arange(lay.parts)[None, :], exists.shape[0], 0).ravel(), lay, exists)
    )
    columns = {
        "y": back(lines.y),
        "n": batch.n,
        "cl": back(lines.cl),
        "lcl": back(lines.lcl),
        "ucl": back(lines.ucl),
        "lcl_95": back(lines.lcl_95),
        "ucl_95": back(lines.ucl_95),
        "phase": phase,
        "baseline": back(baseline),
        "include": back(seg.include),
        "sigma_signal": back(sigma_signal),
        "runs_signal": per_part(runs_signal),
        "longest_run": per_part(runs.longest_run),
        "longest_run_max": per_part(runs.longest_run_max),
        "n_crossings": per_part(runs.n_crossings),
        "n_crossings_min": per_part(runs.n_crossings_min),
        "n_obs": per_part(runs.n_obs),
        "n_useful": per_part(runs.n_useful),
        "trial_limits": per_part(_trial_limits(raw, seg, opts)),
    }
    flags = {rule: back(v) for rule, v in flags.items()}
    return _results(batch, columns, flags, opts)


def _trial_limits(raw: Lines, seg: Segments, opts: _Options) -> np.ndarray:
    """Per part: MDC limits computed from fewer than 12 points are trial limits."""
    rows = seg.calc.shape[0]
    if opts.rule_set != "mdc" or opts.kind == "run":
        return np.zeros(rows, bool)
    # The points the limits come from: the calculation set, where the chart has a value
    # (for an MR chart the first point of a part has no moving range).
    used = np.count_nonzero(seg.calc & ~np.isnan(raw.y), axis=1)
    return used < MDC_MIN_POINTS


def _results(batch: Batch, columns: dict, flags: dict, opts: _Options) -> list[ChartResult]:
    """One result per series, each a window on the batch's columns (see BatchColumns)."""
    columns = {name: np.ascontiguousarray(c) for name, c in columns.items()}
    source = BatchColumns(columns, flags, batch.lengths.tolist(), batch.x)
    common = {"kind": opts.kind, "rules": opts.rule_set, "improvement": opts.improvement, "_batch": source}
    out = []
    new = object.__new__
    # Built without the dataclass __init__ (which sets 23 frozen fields one by one).
    for row in range(len(batch.keys)):
        result = new(ChartResult)
        state = result.__dict__
        state.update(common)
        state["_row"] = row
        out.append(result)
    return out
