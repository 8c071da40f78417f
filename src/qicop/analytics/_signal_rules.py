"""Signal rule sets: the rules that turn a chart into signals (spec sections 4, 5 and 8).

("Signal rules" here; the apps' *permission* rules live in their ``permissions``
modules and have nothing to do with these.)

Every rule yields an int8 array per point: 0 = did not fire, +1 = fired upwards
(above the centre line, rising), -1 = fired downwards, 2 = fired without a
direction (for example "few crossings"). Rules work on segments (one part per
row) so that runs never cross a phase boundary.

``anhoej`` (qicharts2)
    outside limits (strictly beyond a 3-sigma limit); shift (points of a run
    longer than ``longest_run_max``); few crossings (every useful point of a part
    with fewer crossings than ``n_crossings_min``).
``ihi`` on a run chart (Perla, Provost & Murray 2011)
    shift: 6 or more consecutive points on one side of the median, points on the
    median skipped; trend: 5 or more points each higher (lower) than the last,
    ties skipped; too few / too many runs against :func:`ihi_runs_limits`
    (applied from 10 useful points, where the published table starts).
``ihi`` on a control chart (Provost & Murray, The Health Care Data Guide)
    outside limits; shift of 8 (points on the CL skipped); trend of 6 (ties
    skipped, as on run charts); 2 of 3 consecutive points in the outer third on
    the same side (beyond the 2-sigma line, not beyond the limit); 15
    consecutive points in the inner third (strictly within 1 sigma).
``mdc`` (NHS Making Data Count, as NHSRplotthedots 0.2.2)
    outside limits; trend: 7 points each higher (lower) than the last, an equal
    value breaks it; 2 of 3 in the near-limit band (beyond 2 sigma, not outside)
    with all three on the same side of the mean, only the near-limit points
    flagged; shift: 7 points on one side of the mean, a point on the mean breaks
    it. Run charts get shift and trend only. Limits computed from fewer than 12
    points are trial limits (``ChartResult.trial_limits``, set in ``spc``).
"""

from __future__ import annotations

import numpy as np

from qicop.analytics._constants import ihi_runs_table
from qicop.analytics._runs import Anhoej, previous_index, sign_runs, span

NONE, UP, DOWN, UNDIRECTED = 0, 1, -1, 2

OUTSIDE = "outside limits"
SHIFT = "shift"
TREND = "trend"
FEW_CROSSINGS = "few crossings"
TOO_FEW_RUNS = "too few runs"
TOO_MANY_RUNS = "too many runs"
TWO_OF_THREE = "2 of 3 near limit"
NEAR_CENTRE = "15 near centre line"

SIGNAL_RULE_SETS = ("anhoej", "ihi", "mdc")


def _directed(up: np.ndarray, down: np.ndarray) -> np.ndarray:
    return up.view(np.int8) - down.view(np.int8)


def outside(y, lcl, ucl) -> np.ndarray:
    return _directed(y > ucl, y < lcl)


def shift(d: np.ndarray, valid: np.ndarray, min_points: int, line_breaks: bool) -> np.ndarray:
    """Points of runs of at least ``min_points`` on one side of the centre line."""
    sign = np.sign(d)
    part = valid & ~np.isnan(d) if line_breaks else valid & ~np.isnan(d) & (d != 0)
    runs = sign_runs(sign, part)
    return runs.mark((runs.size >= min_points) & (runs.sign != 0), runs.sign)


def trend(y: np.ndarray, valid: np.ndarray, min_points: int, ties_break: bool) -> np.ndarray:
    """Points of ``min_points`` or more values each higher (or each lower) than the last.

    A tie either is skipped (IHI: "of consecutive equal values only one is
    counted") or breaks the trend (MDC).
    """
    ok = valid & ~np.isnan(y)
    prev = previous_index(ok)
    has_prev = ok & (prev >= 0)
    step = np.sign(y - np.take_along_axis(y, np.maximum(prev, 0), axis=1))
    part = has_prev if ties_break else has_prev & (step != 0)
    runs = sign_runs(step, part)
    long = (runs.length >= min_points - 1) & (step != 0)
    out = []
    for direction in (1, -1):
        sel = long & (step == direction)
        out.append(span(runs.start & sel, runs.end & sel, start_cols=prev))
    return _directed(*out)


def _pack(mask: np.ndarray):
    """Left-pack the true positions of each row: (rows, cols) of the packed slots."""
    dest = np.cumsum(mask, axis=1) - 1
    r, c = np.nonzero(mask)
    return r, c, dest[r, c]


def two_of_three(y, cl, lcl, ucl, lcl_95, ucl_95, valid, same_side: bool) -> np.ndarray:
    """2 of 3 consecutive points in the near-limit band on one side."""
    ok = valid & ~np.isnan(y)
    rows, cols = y.shape
    high = ok & (y > ucl_95) & ~(y > ucl)
    low = ok & (y < lcl_95) & ~(y < lcl)
    side = np.sign(y - cl)
    r, c, k = _pack(ok)
    out = []
    for band, direction in ((high, 1), (low, -1)):
        packed = np.zeros((rows, cols + 2), bool)
        packed[r, k] = band[r, c]
        hits = packed[:, :-2].astype(int) + packed[:, 1:-1] + packed[:, 2:]
        window = hits >= 2
        if same_side:
            sides = np.zeros((rows, cols + 2), bool)
            sides[r, k] = side[r, c] == direction
            window &= sides[:, :-2] & sides[:, 1:-1] & sides[:, 2:]
        covered = window.copy()
        covered[:, 1:] |= window[:, :-1]
        covered[:, 2:] |= window[:, :-2]
        flag = np.zeros((rows, cols), bool)
        flag[r, c] = covered[r, k] & packed[r, k]
        out.append(flag)
    return _directed(*out)


def near_centre(y, lcl_1, ucl_1, valid, min_points: int = 15) -> np.ndarray:
    ok = valid & ~np.isnan(y)
    inner = ((y > lcl_1) & (y < ucl_1)).astype(float)
    runs = sign_runs(inner, ok)
    undirected = np.full(runs.size.shape, UNDIRECTED, np.int8)
    return runs.mark((runs.size >= min_points) & (runs.sign > 0), undirected)


def _fill_rows(flag_rows: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if not flag_rows.any():
        return np.zeros(mask.shape, np.int8)
    return np.where(flag_rows[:, None] & mask, UNDIRECTED, NONE).astype(np.int8)


def anhoej_flags(lines, a: Anhoej, valid) -> dict[str, np.ndarray]:
    flags = {OUTSIDE: outside(lines.y, lines.lcl, lines.ucl)}
    shifted = np.zeros(lines.y.shape, np.int8)
    if np.any(a.longest_run > a.longest_run_max):  # most charts have no signal: skip the per-point work
        runs = a.runs
        shifted = runs.mark(runs.size > a.longest_run_max[runs.run_row], runs.sign)
    flags[SHIFT] = shifted
    flags[FEW_CROSSINGS] = _fill_rows(a.n_crossings < a.n_crossings_min, a.useful)
    return flags


def ihi_run_chart_flags(lines, a: Anhoej, valid) -> dict[str, np.ndarray]:
    d = lines.y - lines.cl
    n = a.n_useful
    lower, upper = ihi_runs_table(n)
    runs = a.runs.crossings + 1
    return {
        SHIFT: shift(d, valid, 6, line_breaks=False),
        TREND: trend(lines.y, valid, 5, ties_break=False),
        TOO_FEW_RUNS: _fill_rows((n >= 10) & (runs < lower), a.useful),
        TOO_MANY_RUNS: _fill_rows((n >= 10) & (runs > upper), a.useful),
    }


def hcdg_flags(lines, a: Anhoej, valid) -> dict[str, np.ndarray]:
    d = lines.y - lines.cl
    return {
        OUTSIDE: outside(lines.y, lines.lcl, lines.ucl),
        SHIFT: shift(d, valid, 8, line_breaks=False),
        TREND: trend(lines.y, valid, 6, ties_break=False),
        TWO_OF_THREE: two_of_three(
            lines.y, lines.cl, lines.lcl, lines.ucl, lines.lcl_95, lines.ucl_95, valid, same_side=False
        ),
        NEAR_CENTRE: near_centre(lines.y, lines.lcl_1, lines.ucl_1, valid),
    }


def mdc_flags(lines, a: Anhoej, valid, run_chart: bool) -> dict[str, np.ndarray]:
    d = lines.y - lines.cl
    flags = {} if run_chart else {OUTSIDE: outside(lines.y, lines.lcl, lines.ucl)}
    flags[TREND] = trend(lines.y, valid, 7, ties_break=True)
    if not run_chart:
        flags[TWO_OF_THREE] = two_of_three(
            lines.y, lines.cl, lines.lcl, lines.ucl, lines.lcl_95, lines.ucl_95, valid, same_side=True
        )
    flags[SHIFT] = shift(d, valid, 7, line_breaks=True)
    return flags


def signal_flags(rule_set: str, kind: str, lines, a: Anhoej, valid) -> dict[str, np.ndarray]:
    """Flags of every rule of ``rule_set`` (segment layout)."""
    if rule_set == "anhoej":
        return anhoej_flags(lines, a, valid)
    if rule_set == "ihi":
        return ihi_run_chart_flags(lines, a, valid) if kind == "run" else hcdg_flags(lines, a, valid)
    return mdc_flags(lines, a, valid, run_chart=kind == "run")
