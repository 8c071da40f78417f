"""Centre lines and control limits, one chart type per function (spec section 2).

All functions work on *segments*: a 2-D array whose rows are independent parts
(phases) of the series, padded on the right. ``seg.calc`` is the calculation set
B of each row (baseline, included, present); CL and sigma come from B only and
are then assigned to every row of the part.

Each function returns a :class:`Lines` with the plotted value, the CL, the
3-sigma limits, the 2-sigma lines (display and zone rules only) and the 1-sigma
lines (used only by the Health Care Data Guide's "15 points near the centre line"
rule, so left out, None, unless ``seg.one_sigma``). Truncation at 0 and 1
happens here; turning non-finite limits into missing values and ``multiply``
happen afterwards, for every chart alike.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qicop.analytics._constants import D2, D4, G_MEDIAN_FACTOR, MDC_E2, SUBGROUP, T_POWER
from qicop.analytics._sums import row_mean, row_median, row_sum


@dataclass
class Segments:
    """Subgroup data laid out one part per row (see module docstring)."""

    y: np.ndarray
    n: np.ndarray
    ysum: np.ndarray
    ylen: np.ndarray
    ymean: np.ndarray
    ysd: np.ndarray
    exists: np.ndarray
    calc: np.ndarray
    include: np.ndarray
    cl_user: np.ndarray | None
    screened: bool
    categorical: bool
    mdc: bool
    one_sigma: bool = True  # whether a rule reads the 1-sigma lines


@dataclass
class Lines:
    """The plotted value and the lines of each point, in the segment layout.

    A line that is one value per row (the centre line, and the limits of I, C and
    MR charts without a user ``cl``) is kept as a column, shape (rows, 1): numpy
    broadcasts it against the points, which spares a full (rows x subgroups) array
    and its arithmetic; it is spread to each subgroup only when a result reads it.
    """

    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    lcl_95: np.ndarray
    ucl_95: np.ndarray
    lcl_1: np.ndarray | None
    ucl_1: np.ndarray | None


def _full(v: np.ndarray, like: np.ndarray) -> np.ndarray:
    """A per-row value copied to every column of the row (a writable array)."""
    return np.repeat(v[:, None], like.shape[1], axis=1)


def _centre(seg: Segments, computed: np.ndarray) -> np.ndarray:
    """The user's centre line where the whole part has one, else the computed one.

    Without a user ``cl`` it is one value per row, a (rows, 1) column (see Lines).
    """
    if seg.cl_user is None:
        return computed[:, None]
    cl = np.repeat(computed[:, None], seg.y.shape[1], axis=1)
    usable = np.all(np.isfinite(seg.cl_user) | ~seg.exists, axis=1)
    cl[usable] = seg.cl_user[usable]
    return cl


def _symmetric(y, cl, sigma, one_sigma: bool) -> Lines:
    three = 3 * sigma
    lcl, ucl = cl - three, cl + three
    two = np.multiply(sigma, 2, out=three)  # reuses three's memory: one array fewer
    lcl_95, ucl_95 = cl - two, cl + two
    if not one_sigma:
        return Lines(y, cl, lcl, ucl, lcl_95, ucl_95, None, None)
    return Lines(y, cl, lcl, ucl, lcl_95, ucl_95, cl - sigma, cl + sigma)


def moving_range_mean(values: np.ndarray, members: np.ndarray, screened: bool) -> np.ndarray:
    """Average moving range between consecutive members of B, per row.

    Members are packed to the left first, so an excluded or post-freeze row is
    skipped and its neighbours' range bridges it; a missing value stays in the
    packed sequence and makes both ranges that touch it missing (qicharts2 drops
    rather than bridges them). With screening (Nelson 1982), the average is
    recomputed from the ranges strictly below 3.267 times the first average;
    if none survive the result is missing.
    """
    rows, cols = values.shape
    if members.all():  # nothing excluded or frozen out: packing changes nothing
        packed = values
    else:
        packed = np.full((rows, cols), np.nan)
        dest = np.cumsum(members, axis=1) - 1
        r, c = np.nonzero(members)
        packed[r, dest[r, c]] = values[r, c]
    mr = packed[:, 1:] - packed[:, :-1]
    np.abs(mr, out=mr)
    valid = ~np.isnan(mr)
    amr = row_mean(mr, valid)[0]
    if screened:
        kept = valid & (mr < D4 * amr[:, None])
        screened = np.flatnonzero(np.any(kept != valid, axis=1))
        if screened.size:  # usually few rows lose a range: average only those again
            amr[screened] = row_mean(mr[screened], kept[screened])[0]
    return amr


def _xmr(values: np.ndarray, seg: Segments) -> tuple[np.ndarray, np.ndarray]:
    """CL and average moving range of an individuals chart of ``values``."""
    ok = seg.calc & ~np.isnan(values)
    cl = _centre(seg, row_mean(values, ok)[0])
    dev = values - cl  # ranges of y - CL: differs from ranges of y only with a per-row CL
    return cl, moving_range_mean(dev, seg.calc, seg.screened)[:, None]


def run_chart(seg: Segments) -> Lines:
    ok = seg.calc & ~np.isnan(seg.y)
    cl = _centre(seg, row_median(seg.y, ok))
    na = np.full((seg.y.shape[0], 1), np.nan)  # no limits: one missing value per row
    return Lines(seg.y, cl, na, na, na, na, na, na)


def i_chart(seg: Segments) -> Lines:
    cl, amr = _xmr(seg.y, seg)
    if seg.mdc:
        # Making Data Count applies 2.66 * AMR literally as the 3-sigma distance.
        d3 = MDC_E2 * amr
        return Lines(seg.y, cl, cl - d3, cl + d3, cl - d3 * 2 / 3, cl + d3 * 2 / 3, cl - d3 / 3, cl + d3 / 3)
    return _symmetric(seg.y, cl, amr / D2, seg.one_sigma)


def mr_chart(seg: Segments) -> Lines:
    y = np.full(seg.y.shape, np.nan)
    y[:, 1:] = np.abs(seg.y[:, 1:] - seg.y[:, :-1])
    y[~seg.exists] = np.nan
    # Exclusion drops only the range stored at the excluded row [quirk].
    cl = _centre(seg, row_mean(y, seg.calc & ~np.isnan(y))[0])
    zero = np.where(np.isnan(cl), np.nan, 0.0)
    return Lines(y, cl, zero, D4 * cl, zero, D4 * cl * 2 / 3, zero, D4 * cl / 3)


def _sigma_tilde(seg: Segments) -> np.ndarray:
    """s-bar if every subgroup of the part has the same size, else the pooled SD.

    Whether sizes vary is judged over all rows of the part, not just B (spec 2).
    """
    k = seg.ylen.astype(float)
    first = k[:, :1]
    varies = np.any((k != first) & seg.exists, axis=1)
    ok = seg.calc & ~np.isnan(seg.ysd)
    sbar = row_mean(seg.ysd, ok)[0]
    pooled = np.sqrt(row_sum((k - 1) * seg.ysd**2, ok) / row_sum(k - 1, ok))
    return np.where(varies, pooled, sbar)


def xbar_chart(seg: Segments) -> Lines:
    ok = seg.calc & (seg.ylen > 0)
    grand = row_sum(seg.ylen * seg.ymean, ok) / row_sum(seg.ylen.astype(float), ok)
    cl = _centre(seg, grand)
    sig = _sigma_tilde(seg)[:, None]
    a3, a3_2, *_ = SUBGROUP.lookup(seg.ylen)
    return Lines(
        seg.y,
        cl,
        cl - a3 * sig,
        cl + a3 * sig,
        cl - a3_2 * sig,
        cl + a3_2 * sig,
        cl - a3_2 / 2 * sig,
        cl + a3_2 / 2 * sig,
    )


def s_chart(seg: Segments) -> Lines:
    cl = _centre(seg, _sigma_tilde(seg))
    _, _, b3, b4, b3_2, b4_2 = SUBGROUP.lookup(seg.ylen)
    one_lo, one_hi = (1 + b3_2) / 2 * cl, (1 + b4_2) / 2 * cl
    return Lines(seg.ysd, cl, b3 * cl, b4 * cl, b3_2 * cl, b4_2 * cl, one_lo, one_hi)


def t_chart(seg: Segments) -> Lines:
    """I chart of y^(1/3.6), back-transformed by ^3.6.

    Only the 3-sigma LCL is reset to 0 when negative on the transformed scale; a
    negative 2-sigma (or 1-sigma) line becomes NaN, then missing [quirk].
    """
    u = seg.y ** (1 / T_POWER)
    user = None if seg.cl_user is None else seg.cl_user ** (1 / T_POWER)
    useg = Segments(**{**seg.__dict__, "y": u, "cl_user": user})
    cl, amr = _xmr(u, useg)
    lines = _symmetric(u, cl, amr / D2, seg.one_sigma)
    back = {name: getattr(lines, name) for name in Lines.__dataclass_fields__}
    back = {name: None if v is None else v**T_POWER for name, v in back.items()}
    back["lcl"] = np.where(lines.lcl < 0, 0.0, back["lcl"])
    return Lines(**back)


def _attribute(seg: Segments, poisson: bool, laney: bool) -> Lines:
    """P, U and Laney's P', U': binomial or Poisson sigma per subgroup."""
    ok = seg.calc & ~np.isnan(seg.ysum)
    # A row with n = 0 still adds its numerator to the CL sum [quirk].
    centre = row_sum(seg.ysum, ok) / row_sum(seg.n, seg.calc & ~np.isnan(seg.n))
    cl = _centre(seg, centre)
    variance = cl / seg.n if poisson else cl * (1 - cl) / seg.n
    sigma = np.sqrt(variance, out=variance)  # in place: one full array fewer
    if laney:
        sigma = sigma * _laney_sigma_z(seg, cl, sigma)[:, None]
    lines = _symmetric(seg.y, cl, sigma, seg.one_sigma)
    # Only finite limits are truncated: an infinite one (n = 0) must stay
    # infinite here so that it is made missing later.
    for lower in (lines.lcl, lines.lcl_95):
        lower[np.isfinite(lower) & (lower < 0)] = 0.0
    if not poisson:
        for upper in (lines.ucl, lines.ucl_95):
            upper[np.isfinite(upper) & (upper > 1)] = 1.0
    return lines


def _laney_sigma_z(seg: Segments, cl: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """Laney's between-subgroup sigma: AMR(z)/1.128, or SD(z) for categorical x.

    The SD keeps missing values, so one missing z makes every limit missing [quirk].
    """
    z = (seg.y - cl) / sigma
    if seg.categorical:
        mean, count = row_mean(z, seg.calc)
        sd = np.sqrt(row_sum((z - mean[:, None]) ** 2, seg.calc) / (count - 1))
        sd[count < 2] = np.nan
        return sd
    return moving_range_mean(z, seg.calc, seg.screened) / D2


def p_chart(seg: Segments) -> Lines:
    return _attribute(seg, poisson=False, laney=False)


def pp_chart(seg: Segments) -> Lines:
    return _attribute(seg, poisson=False, laney=True)


def u_chart(seg: Segments) -> Lines:
    return _attribute(seg, poisson=True, laney=False)


def up_chart(seg: Segments) -> Lines:
    return _attribute(seg, poisson=True, laney=True)


def c_chart(seg: Segments) -> Lines:
    y = seg.ysum  # the count itself; a denominator is ignored, as in qicharts2
    ok = seg.calc & ~np.isnan(y)
    cl = _centre(seg, row_mean(y, ok)[0])
    lines = _symmetric(y, cl, np.sqrt(cl), seg.one_sigma)
    for lower in (lines.lcl, lines.lcl_95):
        lower[lower < 0] = 0.0
    return lines


def g_chart(seg: Segments) -> Lines:
    """Displayed CL is the median; limits come from the mean m, sigma = sqrt(m(m+1)).

    A user-supplied ``cl`` is taken as the mean and displayed as 0.693 * cl.
    """
    ok = seg.calc & ~np.isnan(seg.y)
    shown = _full(row_median(seg.y, ok), seg.y)
    mean = _full(row_mean(seg.y, ok)[0], seg.y)
    if seg.cl_user is not None:
        usable = np.all(np.isfinite(seg.cl_user) | ~seg.exists, axis=1)
        mean[usable] = seg.cl_user[usable]
        shown[usable] = G_MEDIAN_FACTOR * seg.cl_user[usable]
    sigma = np.sqrt(mean * (mean + 1))
    lines = Lines(
        seg.y,
        shown,
        np.maximum(0.0, mean - 3 * sigma),
        mean + 3 * sigma,
        np.maximum(0.0, mean - 2 * sigma),
        mean + 2 * sigma,
        np.maximum(0.0, mean - sigma),
        mean + sigma,
    )
    return lines


CHARTS = {
    "run": run_chart,
    "i": i_chart,
    "mr": mr_chart,
    "xbar": xbar_chart,
    "s": s_chart,
    "t": t_chart,
    "p": p_chart,
    "pp": pp_chart,
    "c": c_chart,
    "u": u_chart,
    "up": up_chart,
    "g": g_chart,
}
