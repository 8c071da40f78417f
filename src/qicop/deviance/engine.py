"""Signals of improvement in many series at once: the SPC engine (``analytics.spc.charts``) over a
(series x periods) block, then numpy over its flags.

One call takes every series of one chart kind and direction (e.g. all org units of a country for one
indicator); nothing here loops in Python per point, and per series only to cut the engine's results.
A series with fewer than ``MIN_POINTS`` values is left out, not guessed: the limits of a shorter chart are
trial limits (NHS Making Data Count's 12 points).

For each series the strongest improvement is kept, by rule in this order: a shift (a run longer than the
chart's limit on the better side), points beyond the limit on the better side, a trend towards better (rule
sets that have one). ``since`` is the first point of the latest block of points the rule flagged, its size
the mean of the points from there to the latest one minus the mean before, and it is ``sustained`` when the
block reaches the latest point with a value. The level it is measured against is the mean of the points
before ``since`` (the chart's centre line, computed over the whole window, would count the new level too).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from qicop.analytics.spc import charts

MIN_POINTS = 12  # as analytics' MDC_MIN_POINTS: fewer, and the limits are trial limits
#: the rules read, strongest first (names as analytics' rule sets give them)
RULES = ("shift", "outside limits", "trend")
LARGE_DENOMINATOR = 1000  # as the chart pipeline: p and u become p′ and u′ above this mean denominator


class Found(NamedTuple):
    """One series' improvement (a named tuple: tens of thousands are made in a refresh)."""

    row: int  # the series' row in the block
    rule: str
    since: int  # index of the first period of the new level
    latest: int  # index of the latest period with a value
    baseline: float
    level_now: float
    size: float
    relative: float
    sustained: bool


def chart_kinds(kind: str, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Per series (rows), the chart the chart pipeline would draw (``dashboards.pipeline.chart_kind``):
    the indicator's, Laney-adjusted for large denominators, a run chart below 8 values."""
    count = np.count_nonzero(~np.isnan(numerator), axis=1)
    with np.errstate(all="ignore"):
        has_den = np.any(~np.isnan(denominator), axis=1)
        mean_n = np.where(has_den, np.nanmean(np.where(has_den[:, None], denominator, 0.0), axis=1), 0.0)
    out = np.full(len(numerator), kind, dtype=object)
    if kind in ("p", "u"):
        out[mean_n > LARGE_DENOMINATOR] = {"p": "pp", "u": "up"}[kind]
    out[count < 8] = "run"
    return out


def improvements(
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    kind: str,
    improvement: str | None,
    factor: float = 1,
    rules: str = "anhoej",
) -> list[Found]:
    """The improvement signals of each row of a (series x periods) block of numerators and denominators,
    charted as the chart pipeline charts an indicator of chart ``kind``; ``improvement`` "up" or "down"
    (None: no direction, so nothing is an improvement). Rows too short are left out."""
    if improvement not in ("up", "down") or numerator.size == 0:
        return []
    factor = factor or 1
    with np.errstate(all="ignore"):
        value = numerator / denominator * factor
    value[~np.isfinite(value)] = np.nan
    long_enough = np.count_nonzero(~np.isnan(value), axis=1) >= MIN_POINTS
    kinds = chart_kinds(kind, numerator, denominator)
    out: list[Found] = []
    for chart_kind in np.unique(kinds[long_enough]).tolist():
        rows = np.flatnonzero(long_enough & (kinds == chart_kind))
        ratio = chart_kind in ("p", "pp", "u", "up")
        if ratio:
            series = {int(r): (numerator[r], denominator[r]) for r in rows}
        else:
            series = {int(r): value[r] for r in rows}
        results = charts(
            series,
            kind=chart_kind,
            rules=rules,
            improvement=improvement,
            multiply=factor if ratio else 1,
        )
        out.extend(_found(rows, [results[int(r)] for r in rows], improvement))
    return out


def _found(rows: np.ndarray, results: list, improvement: str) -> list[Found]:
    if not results:
        return []
    y = np.stack([r.y for r in results])
    cl = np.stack([r.cl for r in results])
    width = y.shape[1]
    cols = np.arange(width)
    has = ~np.isnan(y)
    latest = width - 1 - np.argmax(has[:, ::-1], axis=1)
    code = 1 if improvement == "up" else -1
    chosen = np.full(len(results), -1)  # index into RULES
    since = np.zeros(len(results), int)
    end = np.zeros(len(results), int)
    for number, rule in enumerate(RULES):
        if rule not in results[0].rule_flags:
            continue
        hit = np.stack([r.rule_flags[rule] for r in results]) == code
        fired = hit.any(axis=1) & (chosen < 0)
        if not fired.any():
            continue
        last = width - 1 - np.argmax(hit[:, ::-1], axis=1)
        # the first point of the block that ends at ``last``: one after the last point not flagged before it
        gaps = np.where(~hit, cols, -1)
        before = np.maximum.accumulate(gaps, axis=1)
        first = before[np.arange(len(results)), last] + 1
        chosen[fired], since[fired], end[fired] = number, first[fired], last[fired]
    picked = np.flatnonzero(chosen >= 0)
    if picked.size == 0:
        return []
    with np.errstate(all="ignore"):
        window = (cols[None, :] >= since[picked, None]) & (cols[None, :] <= latest[picked, None])
        window &= has[picked]
        level_now = np.where(window, y[picked], 0.0).sum(axis=1) / np.maximum(window.sum(axis=1), 1)
        # the level before: the mean of the points before ``since`` (the centre line where there are none)
        before = (cols[None, :] < since[picked, None]) & has[picked]
        counted = before.sum(axis=1)
        mean_before = np.where(before, y[picked], 0.0).sum(axis=1) / np.maximum(counted, 1)
        baseline = np.where(counted > 0, mean_before, cl[picked, since[picked]])
        size = level_now - baseline
        relative = np.where(baseline != 0, np.abs(size) / np.abs(baseline), 0.0)
    sustained = end[picked] >= latest[picked]
    keep = np.isfinite(baseline) & np.isfinite(level_now) & (size * code > 0)
    relative = np.where(np.isfinite(relative), relative, 0.0)
    kept = picked[keep]
    return [
        Found(*found)
        for found in zip(
            rows[kept].tolist(),
            [RULES[c] for c in chosen[kept].tolist()],
            since[kept].tolist(),
            latest[kept].tolist(),
            baseline[keep].tolist(),
            level_now[keep].tolist(),
            size[keep].tolist(),
            relative[keep].tolist(),
            sustained[keep].tolist(),
            strict=True,
        )
    ]
