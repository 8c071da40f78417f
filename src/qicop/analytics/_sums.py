"""Row-wise sums, means and medians over masked 2-D arrays.

R accumulates ``sum()`` and ``mean()`` in extended precision and ``mean()`` adds a
correction pass (spec section 10). Plain float64 summation can put a point that
sits on its centre line a few ulps to one side and so change the runs analysis.
These helpers therefore sum in double-double arithmetic (Ogita, Rump & Oishi's
cascaded Sum2, vectorised over rows) and round once at the end.

Every reduction runs *sequentially along the row* (``np.cumsum``), never with
numpy's pairwise ``sum``: the result for a row then does not depend on how many
columns of padding the batch has, which is what makes ``charts()`` bit-identical
to ``chart()``.
"""

from __future__ import annotations

import numpy as np

_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp/Dekker splitting constant


def _last(a: np.ndarray) -> np.ndarray:
    return a[:, -1] if a.shape[1] else np.zeros(a.shape[0])


#: From this many rows per column on, a batch is summed column by column (see row_sum_dd).
_TALL = 8


def row_sum_dd(values: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Double-double sum of ``values`` where ``mask`` is true, per row: (hi, lo).

    Two ways to the same bits. A short batch (a few charts) runs numpy's cumsum
    along each row and TwoSum on the shifted running sums. A tall one (thousands
    of series) walks the columns instead, adding column j of every row at once:
    the same additions in the same order, but each step is one contiguous vector
    operation over all rows, where the per-row cumsum pays numpy's per-row loop
    overhead on rows of a few dozen values.
    """
    rows, cols = values.shape
    if cols >= 2 and rows >= _TALL * cols:
        # Masked-out values are +0.0 in both ways; here they are written straight into
        # the transposed layout the column walk reads (no row-major copy in between).
        # (np.empty + fill rather than np.zeros: a large calloc maps fresh pages, whose
        # first touch costs more than the sums.)
        columns = np.empty((cols, rows))
        columns.fill(0.0)
        np.copyto(columns, values.T, where=mask.T)
        hi, lo = _sum_columns(columns)
    else:
        x = np.where(mask, values, 0.0)
        if cols < 2:
            return _last(x.cumsum(axis=1)), np.zeros(rows)
        hi, lo = _sum_rows(x)
    finite = np.isfinite(hi)
    if not finite.all():  # an infinite sum has no meaningful rounding error
        lo[~finite] = 0.0
    total = hi + lo
    lo = lo - (total - hi)
    if not finite.all():
        lo[~finite] = 0.0
    return total, lo


def _sum_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Running sum along each row, and the sum of each step's rounding error."""
    s = x.cumsum(axis=1)
    a, b, t = s[:, :-1], x[:, 1:], s[:, 1:]
    bb = t - a
    err = (a - (t - bb)) + (b - bb)  # TwoSum: the exact rounding error of each step
    return s[:, -1], err.cumsum(axis=1)[:, -1]


def _sum_columns(columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_sum_rows` of ``columns.T``, one column at a time over all rows (same
    operations in the same order)."""
    a = columns[0].copy()
    lo = None
    for b in columns[1:]:
        t = a + b
        bb = t - a
        err = (a - (t - bb)) + (b - bb)
        # The row-wise cumsum of the errors starts from the first error itself (not 0.0 + it).
        lo = err if lo is None else np.add(lo, err, out=lo)
        a = t
    return a, lo


def row_sum(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Sum per row of the masked values, correctly rounded in all but freak cases."""
    return row_sum_dd(values, mask)[0]


def _divide_dd(hi: np.ndarray, lo: np.ndarray, count: np.ndarray) -> np.ndarray:
    """(hi + lo) / count with one Newton correction, like R's two-pass mean."""
    q = hi / count
    p = q * count
    # TwoProduct(q, count): count is a small integer, so only q needs splitting.
    c = _SPLIT * q
    qh = c - (c - q)
    ql = q - qh
    p_err = (qh * count - p) + ql * count
    r = ((hi - p) - p_err) + lo
    out = q + r / count
    return np.where(np.isfinite(out), out, q)


def row_mean(values: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean per row of the masked values and the count; NaN where the count is 0."""
    count = mask.sum(axis=1, dtype=float)
    hi, lo = row_sum_dd(values, mask)
    mean = _divide_dd(hi, lo, count)
    mean[count == 0] = np.nan
    return mean, count


def row_median(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Median per row of the masked values (R's ``median``); NaN for an empty row."""
    count = mask.sum(axis=1)
    rows = values.shape[0]
    if values.shape[1] == 0:
        return np.full(rows, np.nan)
    ordered = np.sort(np.where(mask, values, np.inf), axis=1)
    hi_idx = np.minimum(count // 2, values.shape[1] - 1)
    lo_idx = np.maximum((count - 1) // 2, 0)
    r = np.arange(rows)
    a = ordered[r, lo_idx]
    b = ordered[r, hi_idx]
    # (a + b) / 2 rounds exactly like R's long-double mean of two values: the
    # halving is exact, so only the one rounding of a + b remains.
    med = np.where(count % 2 == 1, a, (a + b) / 2.0)
    med[count == 0] = np.nan
    return med


def row_sd(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Sample standard deviation (n - 1) per row; NaN with fewer than two values."""
    mean, count = row_mean(values, mask)
    dev = values - mean[:, None]
    ss = row_sum(dev * dev, mask)
    sd = np.sqrt(ss / (count - 1.0))
    sd[count < 2] = np.nan
    return sd
