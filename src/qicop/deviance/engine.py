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

A series with saved chart settings (``Saved``: a baseline, phases, as ``dashboards.pipeline.spc_for`` reads
them) is charted as its chart page charts it, in a batch of its own: the rules are read within each phase,
the level before ``since`` is the mean of the points before it *in its phase*, and a new phase whose centre
line moved the better way is an improvement too ("new phase": since the phase's first point, measured from
the centre line before to the one after, as the chart's story tells it). Of the two, the later is kept (the
phase change on a tie: it is the change a person documented).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from qicop.analytics.spc import Stacked, charts

MIN_POINTS = 12  # as analytics' MDC_MIN_POINTS: fewer, and the limits are trial limits
#: the rules read, strongest first (names as analytics' rule sets give them)
RULES = ("shift", "outside limits", "trend")
PHASE = "new phase"  # the rule of an improvement told by the move of a phase's centre line
LARGE_DENOMINATOR = 1000  # as the chart pipeline: p and u become p′ and u′ above this mean denominator


class Saved(NamedTuple):
    """A chart's saved settings, as the engine takes them: a baseline of the first ``freeze`` points, or
    phases starting at these indices (the chart pipeline's rules: phases win; None: not set)."""

    freeze: int | None
    part: tuple[int, ...] | None


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
    saved: Mapping[int, Saved] | None = None,
) -> list[Found]:
    """The improvement signals of each row of a (series x periods) block of numerators and denominators,
    charted as the chart pipeline charts an indicator of chart ``kind``; ``improvement`` "up" or "down"
    (None: no direction, so nothing is an improvement); ``saved``: row → its chart's saved settings, for
    the few rows that have them. Rows too short are left out."""
    if improvement not in ("up", "down") or numerator.size == 0:
        return []
    factor = factor or 1
    with np.errstate(all="ignore"):
        value = numerator / denominator * factor
    value[~np.isfinite(value)] = np.nan
    long_enough = np.count_nonzero(~np.isnan(value), axis=1) >= MIN_POINTS
    kinds = chart_kinds(kind, numerator, denominator)
    out: list[Found] = []
    saved = {r: s for r, s in (saved or {}).items() if s.freeze is not None or s.part}
    plain = long_enough.copy()
    plain[list(saved)] = False
    for chart_kind in np.unique(kinds[long_enough]).tolist():
        rows = np.flatnonzero(plain & (kinds == chart_kind))
        batches: dict[Saved | None, list[int]] = {None: rows.tolist()} if rows.size else {}
        for row, settings in saved.items():
            if long_enough[row] and kinds[row] == chart_kind:
                batches.setdefault(settings, []).append(row)
        for settings, batch in batches.items():
            block = (numerator, denominator, value)
            options = {"improvement": improvement, "factor": factor, "rules": rules}
            out.extend(_batch(block, np.array(batch), chart_kind, settings, **options))
    return out


def _batch(block, rows, chart_kind, settings: Saved | None, *, improvement, factor, rules) -> list[Found]:
    """The improvements of these ``rows`` of the block (numerators, denominators, values), charted together
    as ``chart_kind`` with these saved settings (None: none)."""
    numerator, denominator, value = block
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
        freeze=settings.freeze if settings else None,
        part=list(settings.part) if settings and settings.part else None,
    )
    results = [results[int(r)] for r in rows]
    if settings is None or not settings.part:
        return _found(rows, results, improvement)
    flagged = {f.row: f for f in _found(rows, results, improvement, phased=True)}
    out = []
    for row, result in zip(rows.tolist(), results, strict=True):
        found = flagged.get(row)
        change = _phase_change(row, result)
        if change is not None and (found is None or change.since >= found.since):
            found = change
        if found is not None:
            out.append(found)
    return out


def _phase_change(row: int, result) -> Found | None:
    """The latest new phase whose centre line moved the better way (the chart's story), as an improvement;
    sustained when it is the last phase."""
    phases = result.story()
    better = [p for p in phases if p.classification == "improvement" and p.change is not None]
    if not better:
        return None
    phase = better[-1]
    present = np.flatnonzero(~np.isnan(result.y))
    baseline = phase.centre - phase.change
    if not (np.isfinite(baseline) and np.isfinite(phase.centre)) or not present.size:
        return None
    return Found(
        row,
        PHASE,
        phase.first,
        int(present[-1]),
        float(baseline),
        float(phase.centre),
        float(phase.change),
        abs(phase.change) / abs(baseline) if baseline else 0.0,
        phase is phases[-1],
    )


def _found(rows: np.ndarray, results: list, improvement: str, *, phased: bool = False) -> list[Found]:
    """The flagged improvements of these results (``rows``: their rows in the block); ``phased``: the level
    before is read within the phase of ``since``."""
    if not results:
        return []
    columns = Stacked(results)  # the batch's own arrays: nothing cut per series
    y = columns.column("y")
    cl = columns.column("cl")
    width = y.shape[1]
    cols = np.arange(width)
    has = ~np.isnan(y)
    latest = width - 1 - np.argmax(has[:, ::-1], axis=1)
    code = 1 if improvement == "up" else -1
    chosen = np.full(len(results), -1)  # index into RULES
    since = np.zeros(len(results), int)
    end = np.zeros(len(results), int)
    for number, rule in enumerate(RULES):
        flags = columns.flags(rule)
        if flags is None:
            continue
        hit = flags == code
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
        if phased:  # within the phase of ``since``: the chart judged it against that phase's own level
            phase = columns.column("phase")[picked]
            before &= phase == phase[np.arange(len(picked)), since[picked]][:, None]
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
