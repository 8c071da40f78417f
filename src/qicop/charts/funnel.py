"""Funnel plot: each unit's rate against its denominator, with limits that narrow as units grow.

Small facilities vary more by chance; limits drawn as curves over the denominator judge
them fairly. The engine gives limits at each unit's own denominator only, so the curves
are rebuilt from them: for p, pp, u and up charts the half-width of the 3-sigma band
times the square root of the denominator is the same for every unit (Laney's factor
included), and the curve is the centre line plus or minus that constant over sqrt(n).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence

import numpy as np

from qicop.analytics.spc import ChartResult
from qicop.charts import _parts, _text
from qicop.charts._model import Drawing, marker
from qicop.charts.axes import Scale, format_value, identity, nice_range

CURVE_POINTS = 48
#: Units named on the plot itself, beyond the reader's own: those furthest outside the limits first.
MAX_LABELS = 12


def outside_limits(result: ChartResult) -> list[str]:
    """Per unit: "above" or "below" its 3-sigma limits, or "" inside them (or without a value)."""
    flags = result.rule_flags.get("outside limits")
    if flags is None:
        return ["" for _ in range(len(result))]
    return ["above" if code > 0 else "below" if code < 0 else "" for code in flags.tolist()]


def _named(result: ChartResult, highlight: Collection[int]) -> list[int]:
    """The units whose names are written beside their points: the reader's own, and those outside the
    limits (the furthest out first, at most MAX_LABELS of them: the table beside the plot lists all)."""
    sides = outside_limits(result)
    with np.errstate(invalid="ignore", divide="ignore"):
        half = np.fmax(result.ucl - result.cl, result.cl - result.lcl)
        distance = np.abs(result.y - result.cl) / half
    outside = sorted(
        (i for i, side in enumerate(sides) if side), key=lambda i: -float(np.nan_to_num(distance[i]))
    )
    own = [i for i in highlight if 0 <= i < len(result) and math.isfinite(float(result.y[i]))]
    return own + [i for i in outside[:MAX_LABELS] if i not in own]


def _labels(drawing, result, named, labels, highlight, xs: Scale, ys: Scale, box) -> None:
    """Each named unit's name beside its point, readable without a mouse: to the right of the point (to
    its left near the right edge), moved up or down a line where it would cover a name already written."""
    left, top, right, bottom = box
    placed: list[tuple[float, float, float, float]] = []
    for i in named:
        px, py = xs(float(result.n[i])), ys(float(result.y[i]))
        text = labels[i]
        width = _parts.text_width(text, 11)
        fits_right = px + 7 + width <= right or px - 7 - width < left
        anchor, x0 = ("start", px + 7) if fits_right else ("end", px - 7)
        x_lo = x0 if anchor == "start" else x0 - width
        for dy in (0, -14, 14, -28, 28, -42, 42):
            y = py + 4 + dy
            box_ = (x_lo - 1, y - 11, x_lo + width + 1, y + 3)  # the text with a pixel of air around it
            inside = top <= box_[1] and box_[3] <= bottom
            if inside and not any(_overlap(box_, other) for other in placed):
                break
        else:
            y, box_ = py + 4, (x_lo, py - 6, x_lo + width, py + 6)
        placed.append(box_)
        drawing.text(x0, y, text, "label-own" if i in highlight else "label", anchor)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


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


def _units(drawing, result, order, labels, numerators, xs, ys, percent, tr, highlight) -> set[str]:
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
        if i in highlight:  # the reader's own unit: a ring around its point, as in the legend
            drawing.add("circle", [(xs(n), ys(value))], "own", size=size + 4)
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
    highlight: Collection[int] = (),
    highlight_label: str = "",
) -> Drawing:
    """A funnel plot of a categorical p, pp, u or up chart (one point per unit, x = unit name).

    ``labels`` default to the units' keys (``result.x``). Every point has its name in a tooltip; the
    units that matter are also named on the plot, so that a reader without a mouse (a phone, a
    keyboard, a printed PNG) finds them: those outside the 3-sigma limits, which carry the improvement /
    deterioration shapes, and the reader's own (``highlight``, positions in ``result``), ringed and
    named in the legend as ``highlight_label``.
    """
    highlight = set(highlight)
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
    if highlight and highlight_label:
        entries.append(("circle", "own", highlight_label))
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
        text = format_value(tick)
        # The last tick sits at the plot's right edge: its label ends there rather than run off the drawing.
        overflows = xs(tick) + _parts.text_width(text, 11) / 2 > width - 2
        drawing.text(xs(tick), bottom + 16, text, "small", "end" if overflows else "middle")
    drawing.text((left + width - 16) / 2, bottom + 32, x_label or tr(_text.DENOMINATOR), "small", "middle")
    _limit_lines(drawing, curves, ns, xs, ys, tr)
    centre = _parts.finite(result.cl)
    if centre.size:
        drawing.add("line", [(left, ys(centre[0])), (width - 16, ys(centre[0]))], "cl")
    if target is not None:
        label = tr(_text.TARGET_VALUE) % {"value": format_value(target, percent)}
        drawing.add("line", [(left, ys(target)), (width - 16, ys(target))], "target", tooltip=label)
    order = np.argsort(result.n, kind="stable")
    _units(drawing, result, order, labels, numerators, xs, ys, percent, tr, highlight)
    _labels(
        drawing, result, _named(result, highlight), labels, highlight, xs, ys, (left, 44, width - 16, bottom)
    )
    _parts.draw_legend(drawing, rows, 8, height - 8 - (len(rows) - 1) * _parts.ROW)
    return drawing
