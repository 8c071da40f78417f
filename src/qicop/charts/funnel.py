"""Funnel plot: each unit's rate against its denominator, with limits that narrow as units grow.

Small facilities vary more by chance; limits drawn as curves over the denominator judge
them fairly. The engine gives limits at each unit's own denominator only, so the curves
are rebuilt from them: for p, pp, u and up charts the half-width of the 3-sigma band
times the square root of the denominator is the same for every unit (Laney's factor
included), and the curve is the centre line plus or minus that constant over sqrt(n).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from qicop.analytics.spc import ChartResult
from qicop.charts import _parts, _text
from qicop.charts._model import Drawing, marker
from qicop.charts.axes import Scale, format_value, identity, nice_range

CURVE_POINTS = 48


def _spread(result: ChartResult) -> float:
    """Median of 3-sigma half-widths times sqrt(n); the wider side survives clamping at 0 or 1."""
    half = np.fmax(result.ucl - result.cl, result.cl - result.lcl) / 3
    k = half * np.sqrt(result.n)
    k = k[np.isfinite(k)]
    return float(np.median(k)) if k.size else math.nan


def _curves(result: ChartResult, ns: np.ndarray, percent: bool) -> dict[float, tuple[np.ndarray, np.ndarray]]:
    centre = float(np.nanmedian(result.cl)) if np.any(np.isfinite(result.cl)) else math.nan
    k = _spread(result)
    ceiling = 1.0 if percent and result.kind in ("p", "pp") else math.inf
    out = {}
    for z in (2.0, 3.0):
        width = z * k / np.sqrt(ns)
        out[z] = (np.clip(centre - width, 0, ceiling), np.clip(centre + width, 0, ceiling))
    return out


def _domain(result, target, percent) -> tuple[float, float]:
    """Units, centre line, target and the limits at a small (10th percentile) denominator.

    Not at the smallest: one tiny unit would stretch the axis and flatten everyone else.
    """
    values = [_parts.finite(result.y), _parts.finite(result.cl)]
    n = _parts.finite(result.n)
    if n.size:
        small = _curves(result, np.array([max(float(np.quantile(n, 0.1)), 1e-9)]), percent)
        values += [_parts.finite(c) for c in small[3.0]]
    if target is not None:
        values.append(np.array([target], dtype=float))
    flat = np.concatenate(values)
    return (float(flat.min()), float(flat.max())) if flat.size else (0.0, 1.0)


def _limit_lines(drawing, curves, ns, xs: Scale, ys: Scale, tr) -> None:
    lo, hi = min(ys.lo, ys.hi), max(ys.lo, ys.hi)
    for z, cls, label in ((2.0, "lim95", _text.LIMITS_95), (3.0, "lim", _text.LIMITS_99)):
        for curve in curves[z]:
            if not np.any(np.isfinite(curve)):
                continue
            # Curves run off the plot for tiny denominators: leave out the part beyond the axis.
            inside = [ys(v) if lo - 1e-9 <= v <= hi + 1e-9 else math.nan for v in curve.tolist()]
            segments = _parts.gap_segments([xs(n) for n in ns.tolist()], inside)
            drawing.path(segments, cls, tooltip=tr(label))


def _units(drawing, result, order, labels, numerators, xs, ys, percent, tr) -> set[str]:
    used = set()
    for i in order.tolist():
        value, n = float(result.y[i]), float(result.n[i])
        if not (math.isfinite(value) and math.isfinite(n)):
            continue
        cls = _parts.signal_class(result.signals[i])
        used.add(cls)
        num = numerators[i] if numerators is not None else None
        tip = _parts.point_tooltip(labels[i], value, percent, num, n)
        if result.signals[i]:
            tip += "\n" + _parts.signal_words(result.signals[i], tr)
        size = 3.0 if cls == "pt" else 4.0
        marker(drawing, xs(n), ys(value), _parts.SHAPES[cls], cls, size, tip)
    return used


def funnel_plot(
    result: ChartResult,
    *,
    title: str,
    description: str,
    labels: Sequence[str] | None = None,
    numerators: Sequence[float | None] | None = None,
    percent: bool = False,
    target: float | None = None,
    x_label: str = "",
    y_label: str = "",
    width: int = 720,
    height: int = 360,
    translate: Callable[[str], str] = identity,
) -> Drawing:
    """A funnel plot of a categorical p, pp, u or up chart (one point per unit, x = unit name).

    ``labels`` default to the units' keys (``result.x``); they appear in tooltips, where
    500 facilities would not fit as axis labels. Units outside the 3-sigma limits carry
    the improvement / deterioration shapes.
    """
    tr = translate
    labels = [str(x) for x in result.x] if labels is None else list(labels)
    drawing = Drawing(width, height, title, description)
    n_values = _parts.finite(result.n)
    n_max = float(n_values.max()) if n_values.size else 1.0
    n_min = max(float(n_values.min()) if n_values.size else 1.0, 1e-9)
    x_lo, x_hi, x_ticks = nice_range(0.0, n_max)
    ns = np.geomspace(n_min * 0.8, x_hi, CURVE_POINTS)
    curves = _curves(result, ns, percent)
    lo, hi, y_ticks = nice_range(*_domain(result, target, percent))
    classes = {_parts.signal_class(s) for s in result.signals}
    entries = [("circle", "pt", tr(_text.DATA)), ("line", "lim95", tr(_text.LIMITS_95))]
    entries += [("line", "lim", tr(_text.LIMITS_99)), ("line", "cl", tr(_text.CENTRE_LINE))]
    entries += _parts.signal_legend(classes, tr)
    if target is not None:
        entries.append(("line", "target", tr(_text.TARGET)))
    rows = _parts.legend_rows(entries, width - 16)
    left = 14 + _parts.tick_label_width(y_ticks, percent)
    bottom = height - 44 - len(rows) * _parts.ROW
    xs, ys = Scale(x_lo, x_hi, left, width - 16), Scale(lo, hi, bottom, 44)
    drawing.text(8, 18, title, "title")
    if y_label:
        drawing.text(8, 36, y_label, "small")
    _parts.y_axis(drawing, ys, y_ticks, left, width - 16, percent)
    drawing.add("line", [(left, bottom), (width - 16, bottom)], "axis")
    for tick in x_ticks:
        drawing.add("line", [(xs(tick), bottom), (xs(tick), bottom + 4)], "axis")
        drawing.text(xs(tick), bottom + 16, format_value(tick), "small", "middle")
    drawing.text((left + width - 16) / 2, bottom + 32, x_label or tr(_text.DENOMINATOR), "small", "middle")
    _limit_lines(drawing, curves, ns, xs, ys, tr)
    centre = _parts.finite(result.cl)
    if centre.size:
        drawing.add("line", [(left, ys(centre[0])), (width - 16, ys(centre[0]))], "cl")
    if target is not None:
        label = tr(_text.TARGET_VALUE) % {"value": format_value(target, percent)}
        drawing.add("line", [(left, ys(target)), (width - 16, ys(target))], "target", tooltip=label)
    order = np.argsort(result.n, kind="stable")
    _units(drawing, result, order, labels, numerators, xs, ys, percent, tr)
    _parts.draw_legend(drawing, rows, 8, height - 8 - (len(rows) - 1) * _parts.ROW)
    return drawing
