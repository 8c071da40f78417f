"""Input normalisation and subgroup aggregation (spec section 1, steps 1-3).

Turns one or many series into a :class:`Batch`: padded 2-D arrays with one row per
series and one column per subgroup (after dropping missing ``x``, aggregating
repeated ``x`` and sorting by ``x``). The common case, series without ``x``, needs
no grouping at all; series with ``x`` are grouped in one vectorised pass over all
series together (a global sort by ``(series, x)``), not series by series.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from qicop.analytics._sums import row_mean, row_median, row_sd, row_sum

KINDS = ("run", "i", "mr", "xbar", "s", "t", "p", "pp", "c", "u", "up", "g")
NEEDS_N = ("p", "pp", "u", "up")
AGGS = ("mean", "median", "sum", "sd")


@dataclass
class Batch:
    """Subgroup-level data of S series padded to T columns.

    ``exists[s, t]`` marks real subgroups; everything else is padding. ``y`` is the
    plotted value before any chart transformation (Σy/Σn with a denominator,
    otherwise the aggregate of the raw values). A column that holds one value per
    series (``n`` without denominators) may be a (series, 1) array.
    """

    keys: list
    x: list | None  # one array of sorted subgroup keys per series; None: the positions 0..k-1
    lengths: np.ndarray
    exists: np.ndarray
    y: np.ndarray
    n: np.ndarray
    ysum: np.ndarray
    ylen: np.ndarray
    ymean: np.ndarray
    ysd: np.ndarray
    has_n: bool
    categorical: bool
    first_row: list | None  # per series: first raw row of each subgroup (part labels); None: 0..k-1


def _is_scalar(v) -> bool:
    if isinstance(v, np.ndarray):  # the usual series: no need for the (slow) ABC check below
        return v.ndim == 0
    return v is None or isinstance(v, (numbers.Number, str, bytes)) or np.ndim(v) == 0


def split_series(value) -> tuple:
    """Accept ``y``, ``(y, n)`` or ``(x, y, n)`` and return ``(x, y, n)``."""
    if isinstance(value, tuple) and len(value) in (2, 3) and not _is_scalar(value[-2]):
        if len(value) == 2:
            return None, value[0], value[1]
        return value
    return None, value, None


def _where(key) -> str:
    """Prefix naming the series in an error message (none for a single chart)."""
    return "" if key is None else f"Series {key!r}: "


def _as_float(values, what: str, key) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{_where(key)}{what} must be numbers (use None or NaN for a missing value)."
        ) from None
    if arr.ndim != 1:
        arr = arr.reshape(-1) if arr.ndim == 0 else arr
        if arr.ndim != 1:
            raise ValueError(f"{_where(key)}{what} must be a flat sequence of numbers.")
    return arr


def _missing_x(xa: np.ndarray) -> np.ndarray:
    kind = xa.dtype.kind
    if kind == "f":
        return np.isnan(xa)
    if kind in "mM":
        return np.isnat(xa)
    if kind == "O":
        return np.fromiter(
            (v is None or (isinstance(v, float) and v != v) for v in xa.tolist()), bool, len(xa)
        )
    return np.zeros(len(xa), bool)


def _as_keys(x, key) -> np.ndarray:
    xa = np.asarray(x)
    if xa.ndim != 1:
        raise ValueError(f"{_where(key)}x must be a flat sequence of subgroup keys.")
    if xa.dtype.kind == "O" and len(xa) and all(isinstance(v, str) for v in xa.tolist()):
        xa = xa.astype(str)
    return xa


def _first_key(bad: np.ndarray, keys, sid) -> object:
    where = np.flatnonzero(bad.reshape(-1))[0]
    row = sid[where] if sid is not None else np.unravel_index(where, bad.shape)[0]
    return keys[int(row)]


def check_values(y: np.ndarray, n: np.ndarray | None, kind: str, keys, sid=None) -> None:
    """Refuse values no chart of ``kind`` can mean, naming the first series at fault.

    Works on all series at once (a padded 2-D array, or flat values with their
    series index ``sid``). Missing values (NaN) are never at fault here.
    """

    def fail(bad, message):
        if bad.any():
            key = _first_key(bad, keys, sid)
            raise ValueError(message if "%s" not in message else message % _where(key))

    if kind == "t":
        fail(y <= 0, "Time between events must be greater than zero")
    if kind in ("c", "g", *NEEDS_N):
        fail(y < 0, "%scounts cannot be negative.")
    if n is None:
        return
    fail(n < 0, "%sdenominators cannot be negative.")
    if kind in ("p", "pp"):
        # n = 0 is allowed: qicharts2 plots y/0 and leaves the limits missing.
        fail(
            (y > n) & (n > 0),
            "%sa numerator is larger than its denominator; a proportion cannot be above 1 "
            "(check that numerator and denominator are not swapped).",
        )


def complete_cases(y: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A row missing either part of a ratio loses both (R's ``complete.cases``)."""
    gone = np.isnan(y) | np.isnan(n)
    if gone.any():
        y = np.where(gone, np.nan, y)
        n = np.where(gone, np.nan, n)
    return y, n


def normalise(items, kind: str):
    """Convert raw series ``(key, (x, y, n))`` to float arrays; check their lengths."""
    keys, xs, ys, ns = [], [], [], []
    for key, (x, y, n) in items:
        y = _as_float(y, "y", key)
        if n is not None:
            n = _as_float(n, "n", key)
            if len(n) != len(y):
                raise ValueError(
                    f"{_where(key)}y has {len(y)} values but n has {len(n)}; give one denominator per value."
                )
        elif kind in NEEDS_N:
            raise ValueError(
                f"{_where(key)}a {kind!r} chart needs denominators (n), e.g. the number of patients."
            )
        if x is not None:
            x = _as_keys(x, key)
            if len(x) != len(y):
                raise ValueError(
                    f"{_where(key)}x has {len(x)} values but y has {len(y)}; give one key per value."
                )
        keys.append(key)
        xs.append(x)
        ys.append(y)
        ns.append(n)
    has_n = any(n is not None for n in ns)
    if has_n and not all(n is not None for n in ns):
        raise ValueError("Either every series has denominators (n) or none has.")
    return keys, xs, ys, ns, has_n


def _pad(arrays, lengths, width, fill=np.nan) -> np.ndarray:
    if len(set(lengths.tolist())) <= 1 and width == (lengths[0] if len(lengths) else 0):
        return np.array(arrays, dtype=float).reshape(len(arrays), width)
    out = np.full((len(arrays), width), fill)
    for i, a in enumerate(arrays):
        out[i, : len(a)] = a
    return out


def batch_without_x(keys, ys, ns, has_n: bool, kind: str) -> Batch:
    """Every raw value is its own subgroup, already in order: no grouping needed."""
    lengths = np.array([len(y) for y in ys], dtype=np.int64)
    width = int(lengths.max(initial=0))
    y = _pad(ys, lengths, width)
    exists = np.arange(width)[None, :] < lengths[:, None]
    nraw = _pad(ns, lengths, width) if has_n else None
    if has_n:
        y, nraw = complete_cases(y, nraw)
    check_values(y, nraw, kind, keys)
    ok = ~np.isnan(y)
    if has_n:
        n = nraw  # fresh from _pad or complete_cases: changed in place, one array fewer
        n[np.isnan(n)] = 0.0
        num = y if ok.all() else np.where(ok, y, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            plotted = num / n
        n[~exists] = np.nan
    else:
        n = np.full((len(ys), 1), np.nan)  # no denominators: one missing value per series
        plotted = y
    return Batch(
        keys=keys,
        x=None,
        lengths=lengths,
        exists=exists,
        y=plotted,
        n=n,
        ysum=y,
        # Every subgroup holds one value (or none): sizes 0/1 as a view, SDs missing.
        # Only xbar and s charts read these, and they refuse series without x.
        ylen=ok.view(np.int8),
        ymean=y,
        ysd=np.full((len(ys), 1), np.nan),
        has_n=has_n,
        categorical=False,
        first_row=None,
    )


def _global_codes(xs, ys):
    """Sort keys of every series on one scale; drop rows whose x is missing."""
    parts, keep = [], []
    for x, y in zip(xs, ys, strict=True):
        xa = np.arange(len(y)) if x is None else x
        m = ~_missing_x(xa)
        keep.append(m)
        kept = xa[m]
        if kept.dtype.kind == "O" and len(kept) and all(isinstance(v, str) for v in kept.tolist()):
            kept = kept.astype(str)  # text keys with missing ones removed
        parts.append(kept)
    families = {"number" if p.dtype.kind in "iufb" else p.dtype.kind for p in parts if len(p)}
    if len(families) > 1:
        raise ValueError(
            "The x keys cannot be sorted together: use one kind of key (numbers, dates or text)."
        )
    try:
        allx = np.concatenate(parts) if parts else np.empty(0)
        uniq, codes = np.unique(allx, return_inverse=True)
    except TypeError:
        raise ValueError(
            "The x keys cannot be sorted together: use one kind of key (numbers, dates or text)."
        ) from None
    return allx, codes.reshape(-1), keep, uniq.dtype.kind in "US"


def batch_with_x(keys, xs, ys, ns, has_n: bool, agg: str, kind: str) -> Batch:
    """Group repeated keys within each series, all series in one vectorised pass."""
    allx, codes, keep, categorical = _global_codes(xs, ys)
    counts = np.array([int(m.sum()) for m in keep], dtype=np.int64)
    sid = np.repeat(np.arange(len(ys)), counts)
    raw_index = np.concatenate([np.flatnonzero(m) for m in keep]) if keep else np.empty(0, np.int64)
    yv = np.concatenate([y[m] for y, m in zip(ys, keep, strict=True)]) if ys else np.empty(0)
    nv = np.concatenate([n[m] for n, m in zip(ns, keep, strict=True)]) if has_n else None
    if has_n:
        yv, nv = complete_cases(yv, nv)
    check_values(yv, nv, kind, keys, sid)
    order = np.lexsort((codes, sid))
    sid, codes, yv, raw_index, allx = sid[order], codes[order], yv[order], raw_index[order], allx[order]
    m = len(sid)
    new = np.ones(m, bool)
    new[1:] = (sid[1:] != sid[:-1]) | (codes[1:] != codes[:-1])
    gid = np.cumsum(new) - 1
    starts = np.flatnonzero(new)
    pos = np.arange(m) - starts[gid]
    groups, gmax = len(starts), int(pos.max(initial=-1)) + 1
    grid = np.full((groups, gmax), np.nan)
    grid[gid, pos] = yv
    present = np.zeros((groups, gmax), bool)
    present[gid, pos] = True
    yok = present & ~np.isnan(grid)
    ylen = yok.sum(axis=1)
    size = present.sum(axis=1)
    ysum = row_sum(grid, yok)
    ysum[(size == 1) & (ylen == 0)] = np.nan  # qicharts2 keeps a lone missing value missing
    ymean = row_mean(grid, yok)[0]
    ysd = row_sd(grid, yok)
    if has_n:
        ngrid = np.full((groups, gmax), np.nan)
        ngrid[gid, pos] = nv[order]
        nsum = row_sum(ngrid, present & ~np.isnan(ngrid))
        with np.errstate(invalid="ignore", divide="ignore"):
            plotted = row_sum(grid, yok) / nsum
    else:
        nsum = np.full(groups, np.nan)
        plotted = {"mean": lambda: ymean, "median": lambda: row_median(grid, yok), "sd": lambda: ysd}.get(
            agg, lambda: np.where(ylen > 0, ysum, np.nan)
        )()
    gsid = sid[starts]
    lengths = np.bincount(gsid, minlength=len(ys)).astype(np.int64)
    first_group = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    col = np.arange(groups) - first_group[gsid]
    width = int(lengths.max(initial=0))
    exists = np.zeros((len(ys), width), bool)
    exists[gsid, col] = True

    def spread(v, fill=np.nan):
        out = np.full((len(ys), width), fill, dtype=np.asarray(v).dtype)
        out[gsid, col] = v
        return out

    bounds = np.cumsum(lengths).tolist()
    gx = allx[starts]
    graw = raw_index[starts]
    xs_out = [gx[a:b] for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]
    first_rows = [graw[a:b] for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]
    return Batch(
        keys=keys,
        x=xs_out,
        lengths=lengths,
        exists=exists,
        y=spread(plotted),
        n=spread(nsum),
        ysum=spread(ysum),
        ylen=spread(ylen, 0),
        ymean=spread(ymean),
        ysd=spread(ysd),
        has_n=has_n,
        categorical=categorical,
        first_row=first_rows,
    )
