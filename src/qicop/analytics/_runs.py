"""Runs analysis, vectorised over rows (spec section 4).

The building block is :func:`sign_runs`: given a sign per point and a mask of the
points that take part, it groups consecutive taking-part points of equal sign into
runs, skipping the others (they neither extend nor break a run). The Anhøj rules,
and the shift/trend rules of the IHI and MDC rule sets, are all phrased with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from qicop.analytics._constants import ANHOEJ


class Runs:
    """Runs of equal sign per row; per-point run lengths are computed only if asked."""

    def __init__(self, sign: np.ndarray, part: np.ndarray) -> None:
        rows, cols = sign.shape
        prev = previous_index(part)
        prev_sign = sign[np.arange(rows)[:, None], np.maximum(prev, 0)]
        self.part = part
        self.prev = prev  # column of the previous taking-part point (-1 if none)
        self.start = part & ~((prev >= 0) & (sign == prev_sign))  # first point of each run
        self.ordinal = part.cumsum(axis=1)
        first = np.maximum.accumulate(np.where(self.start, self.ordinal, 0), axis=1)
        self.position = np.where(part, self.ordinal - first + 1, 0)  # 1-based place in its run
        self.count = self.ordinal[:, -1] if cols else np.zeros(rows, np.int64)
        self.crossings = np.maximum(self.start.sum(axis=1) - 1, 0)  # runs - 1
        self.longest = self.position.max(axis=1, initial=0)

    @cached_property
    def length(self) -> np.ndarray:
        """Length of the run each point belongs to (0 for points not taking part)."""
        rows, cols = self.part.shape
        run_id = self.start.cumsum(axis=1) + (np.arange(rows) * (cols + 1))[:, None]
        sizes = np.bincount(run_id[self.part], minlength=rows * (cols + 1))
        return np.where(self.part, sizes[run_id], 0)

    @cached_property
    def end(self) -> np.ndarray:
        """Last point of each run."""
        return self.part & (self.position == self.length)


def previous_index(mask: np.ndarray) -> np.ndarray:
    """Column of the previous point where ``mask`` is true, -1 if none (per row)."""
    rows, cols = mask.shape
    last = np.maximum.accumulate(np.where(mask, np.arange(cols), -1), axis=1)
    prev = np.full((rows, cols), -1, dtype=last.dtype)
    prev[:, 1:] = last[:, :-1]
    return prev


def sign_runs(sign: np.ndarray, part: np.ndarray) -> Runs:
    """Runs of equal ``sign`` among the points where ``part`` is true."""
    return Runs(sign, part)


def span(start: np.ndarray, end: np.ndarray, start_cols: np.ndarray | None = None) -> np.ndarray:
    """Mark every column from each start to its matching end (inclusive).

    Starts and ends are paired in order within a row. ``start_cols`` moves each
    start to another column (a trend starts at the point *before* its first rise).
    """
    rows, cols = start.shape
    rs, cs = np.nonzero(start)
    if start_cols is not None:
        cs = start_cols[rs, cs]
    re, ce = np.nonzero(end)
    plus = np.zeros((rows, cols + 1), np.int32)
    minus = np.zeros((rows, cols + 1), np.int32)
    np.add.at(plus, (rs, cs), 1)
    minus[re, ce + 1] = 1
    return np.cumsum(plus - minus, axis=1)[:, :cols] > 0


@dataclass
class Anhoej:
    useful: np.ndarray
    sign: np.ndarray
    runs: Runs
    n_obs: np.ndarray
    n_useful: np.ndarray
    longest_run: np.ndarray  # float, NaN where no useful points
    longest_run_max: np.ndarray
    n_crossings: np.ndarray
    n_crossings_min: np.ndarray
    runs_signal: np.ndarray


def anhoej(y: np.ndarray, cl: np.ndarray, included: np.ndarray) -> Anhoej:
    """Anhøj runs analysis per row on the included points.

    Points on the centre line (d = 0) and missing points are not useful;
    ``longest_run_max = round(log2(n_useful)) + 3`` (Schilling 2012) and
    ``n_crossings_min = qbinom(0.05, n_useful - 1, 0.5)`` (Chen 2010). The signal
    is ``longest_run > longest_run_max or n_crossings < n_crossings_min``; with no
    useful point all four statistics are missing and there is no signal.
    """
    d = y - cl
    useful = included & ~np.isnan(d) & (d != 0)
    sign = np.sign(d)
    runs = sign_runs(sign, useful)
    n_useful = runs.count
    longest_max, crossings_min = ANHOEJ.lookup(n_useful)
    none = n_useful == 0
    longest = np.where(none, np.nan, runs.longest.astype(float))
    crossings = np.where(none, np.nan, runs.crossings.astype(float))
    signal = (longest > longest_max) | (crossings < crossings_min)
    return Anhoej(
        useful=useful,
        sign=sign,
        runs=runs,
        n_obs=included.sum(axis=1),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=crossings,
        n_crossings_min=crossings_min,
        runs_signal=signal,
    )
