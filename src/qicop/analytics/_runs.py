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
    """Runs of equal sign per row among the taking-part points.

    The taking-part points are packed into one flat sequence, row after row
    (``np.flatnonzero`` of the mask): within a row, neighbours in that sequence
    are consecutive taking-part points whatever lies between them, so a run
    starts wherever the sign changes or a new row begins. Every step is then a
    1-D pass over contiguous memory, with no per-row work. Per-point arrays
    (``start``, ``end``, ``length``) are built only when a rule asks for them.
    """

    def __init__(self, sign: np.ndarray, part: np.ndarray) -> None:
        rows = part.shape[0]
        self.part = part
        self.shape = part.shape
        self.where = np.flatnonzero(part)  # flat position of each taking-part point
        packed = np.ravel(sign)[self.where]
        self.count = np.count_nonzero(part, axis=1)  # taking-part points per row
        bounds = np.zeros(rows + 1, np.int64)  # row r owns packed[bounds[r]:bounds[r + 1]]
        np.cumsum(self.count, out=bounds[1:])
        total = packed.shape[0]
        opens = np.zeros(total + 1, bool)  # one spare slot: the bound of the last row
        opens[bounds[:-1]] = True  # the first point of each (non-empty) row opens a run
        opens[1:total] |= packed[1:] != packed[:-1]
        self.first = np.flatnonzero(opens[:total])  # packed index of each run's first point
        self.size = np.diff(self.first, append=total)  # points in each run
        self.sign = packed[self.first]  # the sign of each run
        # Runs per row: runs that open before the row's bound, minus those of earlier rows.
        opened = np.searchsorted(self.first, bounds)
        runs = np.diff(opened)
        self.run_row = np.repeat(np.arange(rows), runs)  # the row of each run
        self.crossings = np.maximum(runs - 1, 0)
        self.longest = np.zeros(rows, np.int64)
        filled = runs > 0
        if filled.any():
            # reduceat over each row's block of runs (blocks are contiguous and in order).
            self.longest[filled] = np.maximum.reduceat(self.size, opened[:-1][filled])

    def _per_point(self, packed_values: np.ndarray, dtype) -> np.ndarray:
        out = np.zeros(self.part.size, dtype)
        out[self.where] = packed_values
        return out.reshape(self.shape)

    @cached_property
    def start(self) -> np.ndarray:
        """First point of each run."""
        first = np.zeros(self.where.size, bool)
        first[self.first] = True
        return self._per_point(first, bool)

    @cached_property
    def end(self) -> np.ndarray:
        """Last point of each run."""
        last = np.zeros(self.where.size, bool)
        last[self.first + self.size - 1] = True
        return self._per_point(last, bool)

    @cached_property
    def length(self) -> np.ndarray:
        """Length of the run each point belongs to (0 for points not taking part)."""
        return self._per_point(np.repeat(self.size, self.size), np.int64)

    def mark(self, selected: np.ndarray, values: np.ndarray) -> np.ndarray:
        """int8 array with ``values[k]`` on every column from the first to the last point
        of each selected run ``k`` (points not taking part in between included).

        A difference array over the flat layout: +v at a run's first column, -v just
        after its last one, then a running sum. Runs never overlap and never cross a
        row, so the flat running sum restarts at 0 at each row's first column.
        """
        diff = np.zeros(self.part.size + 1, np.int8)
        first = self.first[selected]
        value = values[selected].astype(np.int8)
        diff[self.where[first]] = value
        diff[self.where[first + self.size[selected] - 1] + 1] -= value
        return np.cumsum(diff[:-1], dtype=np.int8).reshape(self.shape)


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
    above, below = d > 0, d < 0  # a missing d (NaN) is neither
    useful = included & (above | below)
    # The side of the centre line as int8 (+1 above, -1 below): 1 byte a point, not 8.
    side = above.view(np.int8) - below.view(np.int8)
    runs = sign_runs(side, useful)
    n_useful = runs.count
    longest_max, crossings_min = ANHOEJ.lookup(n_useful)
    none = n_useful == 0
    longest = np.where(none, np.nan, runs.longest.astype(float))
    crossings = np.where(none, np.nan, runs.crossings.astype(float))
    signal = (longest > longest_max) | (crossings < crossings_min)
    return Anhoej(
        useful=useful,
        runs=runs,
        n_obs=np.count_nonzero(included, axis=1),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=crossings,
        n_crossings_min=crossings_min,
        runs_signal=signal,
    )
