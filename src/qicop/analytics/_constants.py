"""Constants and critical values used by the SPC engine.

Everything here is computed, not transcribed, so that a statistician can check the
definitions rather than a table of numbers:

* ``c4(k)``, ``A3(k)``, ``B3(k)``, ``B4(k)`` for subgroup charts (spec section 2);
* the Anhøj critical values ``longest_run_max(n) = round(log2(n)) + 3`` and
  ``n_crossings_min(n) = qbinom(0.05, n - 1, 0.5)`` (spec section 4);
* the IHI "too few / too many runs" limits from the exact runs distribution
  (spec section 8, Perla, Provost & Murray 2011).

Tables are cached and grown on demand so that vectorised callers can index them
with whole arrays of sizes.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

#: d2 for subgroups of two, *rounded* as in qicharts2 (not 2/sqrt(pi)).
D2 = 1.128
#: D4 for subgroups of two, rounded as in qicharts2; also the screening factor.
D4 = 3.267
#: NHS "Making Data Count" uses 2.66 (about 3/1.128) literally.
MDC_E2 = 2.66
#: Making Data Count: limits from fewer points are "trial limits" (NHSRplotthedots).
MDC_MIN_POINTS = 12
#: Median of a geometric distribution relative to its mean (Provost & Murray 2011, p. 228).
G_MEDIAN_FACTOR = 0.693
#: Power transformation of the T chart (Montgomery; Nelson's 1/3.6 transform).
T_POWER = 3.6


def c4(k: int) -> float:
    """Bias-correction constant c4(k) = sqrt(2/(k-1)) * Gamma(k/2) / Gamma((k-1)/2).

    Log-gamma keeps it finite for large k. ``k <= 1`` has no standard deviation, so
    the constant is missing (NaN), which makes the subgroup's limits missing.
    """
    if k <= 1:
        return math.nan
    return math.sqrt(2.0 / (k - 1)) * math.exp(math.lgamma(k / 2.0) - math.lgamma((k - 1) / 2.0))


class _SubgroupTable:
    """A3, B3, B4 (3- and 2-sigma variants) indexed by subgroup size, grown on demand."""

    def __init__(self) -> None:
        self._size = 0
        self._grow(64)

    def _grow(self, size: int) -> None:
        ks = range(size)
        c4s = np.array([c4(k) for k in ks])
        c5s = np.sqrt(1.0 - c4s**2)
        root_k = np.sqrt(np.arange(size, dtype=float))
        with np.errstate(divide="ignore", invalid="ignore"):
            self.a3 = 3.0 / (c4s * root_k)
            self.a3_2 = 2.0 / (c4s * root_k)
            self.b3 = np.maximum(0.0, 1.0 - 3.0 * c5s / c4s)
            self.b4 = 1.0 + 3.0 * c5s / c4s
            self.b3_2 = np.maximum(0.0, 1.0 - 2.0 * c5s / c4s)
            self.b4_2 = 1.0 + 2.0 * c5s / c4s
        self._size = size

    def lookup(self, k: np.ndarray) -> tuple[np.ndarray, ...]:
        """Return (A3, A3_2, B3, B4, B3_2, B4_2) for an integer array of sizes."""
        top = int(k.max(initial=0)) + 1
        if top > self._size:
            self._grow(max(top, 2 * self._size))
        return (self.a3[k], self.a3_2[k], self.b3[k], self.b4[k], self.b3_2[k], self.b4_2[k])


SUBGROUP = _SubgroupTable()


@cache
def _crossings_min_exact(n_useful: int) -> int:
    """Smallest c with P(Binomial(n_useful - 1, 1/2) <= c) >= 0.05, in exact integers.

    ``20 * sum(C(m, i), i <= c) >= 2**m`` is the same inequality without rounding, so
    the answer cannot be off by one at a boundary (R's qbinom fuzz never matters
    because 0.05 is not a dyadic fraction).
    """
    m = n_useful - 1
    if m <= 0:
        return 0
    total = 1 << m
    term, acc = 1, 0
    for c in range(m + 1):
        acc += term
        if 20 * acc >= total:
            return c
        term = term * (m - c) // (c + 1)
    return m


class _AnhoejTable:
    """longest_run_max and n_crossings_min by number of useful points, grown on demand."""

    def __init__(self) -> None:
        self.size = 0
        self.longest_max = np.empty(0)
        self.crossings_min = np.empty(0)
        self._grow(128)

    def _grow(self, size: int) -> None:
        n = np.arange(size, dtype=float)
        with np.errstate(divide="ignore"):
            # log2 of an integer is never exactly x.5, so R's round-half-even is moot.
            longest = np.round(np.log2(n)) + 3.0
        longest[0] = np.nan
        crossings = np.array([np.nan] + [float(_crossings_min_exact(i)) for i in range(1, size)])
        self.longest_max, self.crossings_min, self.size = longest, crossings, size

    def lookup(self, n_useful: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Critical values for an integer array; NaN where ``n_useful == 0``."""
        top = int(n_useful.max(initial=0)) + 1
        if top > self.size:
            self._grow(max(top, 2 * self.size))
        return self.longest_max[n_useful], self.crossings_min[n_useful]


ANHOEJ = _AnhoejTable()


@cache
def ihi_runs_limits(n_useful: int) -> tuple[int, int]:
    """Critical numbers of runs for the IHI run-chart rule "too few or too many runs".

    Exact distribution of the number of runs R (Swed & Eisenhart 1943) for
    ``n1 = n_useful // 2`` points on one side and ``n2 = n_useful - n1`` on the other
    (the median splits the useful points evenly). Returns ``(lower, upper)``:
    ``lower`` is the smallest r with P(R <= r) > 0.025 and ``upper`` the largest r
    with P(R >= r) > 0.025, so "too few" means R < lower and "too many" R > upper,
    each tail at most 2.5 % (about 5 % two-sided, as in Perla et al. 2011).
    """
    n1 = n_useful // 2
    n2 = n_useful - n1
    if n1 == 0:
        return (1, n_useful)
    ways = {}
    for r in range(2, n_useful + 1):
        k, odd = divmod(r, 2)
        if odd:
            ways[r] = math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1) + math.comb(n1 - 1, k - 1) * math.comb(
                n2 - 1, k
            )
        else:
            ways[r] = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
    total = math.comb(n_useful, n1)
    lower = upper = None
    acc = 0
    for r in range(2, n_useful + 1):
        acc += ways[r]
        if 40 * acc > total:  # P(R <= r) > 0.025
            lower = r
            break
    acc = 0
    for r in range(n_useful, 1, -1):
        acc += ways[r]
        if 40 * acc > total:
            upper = r
            break
    return (lower or 2, upper or n_useful)


def ihi_runs_table(n_useful: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`ihi_runs_limits` (few distinct sizes, so a cached lookup)."""
    values = np.unique(n_useful)
    lower = np.zeros(values.shape, dtype=float)
    upper = np.zeros(values.shape, dtype=float)
    for i, v in enumerate(values.tolist()):
        lower[i], upper[i] = ihi_runs_limits(int(v)) if v > 0 else (np.nan, np.nan)
    pos = np.searchsorted(values, n_useful)
    return lower[pos], upper[pos]
