"""Small charts: the dashboard sparkline and a grid of small SPC charts on one shared scale."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from qicop.analytics.spc import ChartResult
from qicop.charts import _parts, _text
from qicop.charts._model import Drawing, marker
from qicop.charts.axes import Scale, identity, nice_range


def sparkline(
    values: Sequence[float | None],
    *,
    title: str,
    description: str = "",
    improvement_index: int | None = None,
    deterioration_index: int | None = None,
    width: int = 120,
    height: int = 28,
) -> Drawing:
    """A trend line without axes (the page shows the value next to it), gaps for missing values.

    The latest value gets a dot; a point with an improvement or deterioration signal gets
    its triangle. Kept to a few hundred bytes: it appears once per country and indicator.
    """
    ys = np.array([math.nan if v is None else float(v) for v in values], dtype=float)
    drawing = Drawing(width, height, title, description or title)
    known = ys[np.isfinite(ys)]
    if known.size == 0:
        return drawing
    pad = 4.0
    y = Scale(float(known.min()), float(known.max()), height - pad, pad)
    step = (width - 2 * pad) / max(len(ys) - 1, 1)
    xs = [pad + i * step for i in range(len(ys))]
    py = [y(v) if math.isfinite(v) else math.nan for v in ys.tolist()]
    drawing.path(_parts.gap_segments(xs, py), "data")
    last = int(np.flatnonzero(np.isfinite(ys))[-1])
    drawing.add("circle", [(xs[last], py[last])], "pt", size=2)
    for index, cls, shape in ((improvement_index, "imp", "up"), (deterioration_index, "det", "down")):
        if index is not None and 0 <= index < len(ys) and math.isfinite(ys[index]):
            marker(drawing, xs[index], py[index], shape, cls, 2.5)
    return drawing


#: The legend's name of each marker class, for the small charts' tooltips.
CLASS_NAMES = {"imp": _text.IMPROVEMENT, "det": _text.DETERIORATION, "neu": _text.OTHER_SIGNAL}


def _cell(drawing, result, labels, name, box, y: Scale, percent, tr) -> None:
    """One small chart in ``box`` (left, top, right, bottom): data, centre line, limits, signals."""
    left, top, right, bottom = box
    if name:
        drawing.text(left, top - 6, name, "small")
    drawing.add("rect", [(left, top), (right, bottom)], "frame")
    n = max(len(result), 1)
    xs = [left + (i + 0.5) * (right - left) / n for i in range(len(result))]
    half = (right - left) / n / 2
    for rows in [np.flatnonzero(result.phase == p) for p in np.unique(result.phase).tolist()]:
        trial = " trial" if bool(result.trial_limits[rows[0]]) else ""
        for column, cls in ((result.ucl, "lim"), (result.lcl, "lim"), (result.cl, "cl")):
            ys = [y(v) if math.isfinite(v) else math.nan for v in column[rows].tolist()]
            drawing.path(_parts.step_segments([xs[i] for i in rows], ys, half), cls + trial)
    py = [y(v) if math.isfinite(v) else math.nan for v in result.y.tolist()]
    drawing.path(_parts.gap_segments(xs, py), "data")
    for i, value in enumerate(result.y.tolist()):
        cls = _parts.signal_class(result.signals[i])
        if not math.isfinite(value) or cls == "pt":
            continue  # plain points would be specks at this size; the line shows them
        tip = _parts.point_tooltip(labels[i], value, percent)
        # The class alone ("Improvement"): a small chart's page links to the full chart, whose tooltips and
        # plain words name the rules; a hundred long tooltips would weigh more than the drawings.
        tip += "\n" + tr(CLASS_NAMES[cls])
        marker(drawing, xs[i], py[i], _parts.SHAPES[cls], cls, 2.5, f"{name} — {tip}" if name else tip)
    if labels:
        drawing.text(left, bottom + 13, labels[0], "small")
        drawing.text(right, bottom + 13, labels[-1], "small", "end")


def small_multiples(
    items: Sequence[tuple[str, ChartResult, Sequence[str]]],
    *,
    y_range: tuple[float, float],
    title: str,
    description: str,
    columns: int = 4,
    cell_width: int = 170,
    cell_height: int = 110,
    percent: bool = False,
    translate: Callable[[str], str] = identity,
) -> Drawing:
    """Many (name, chart, x labels) on one SVG, all on the same y scale so that heights compare.

    ``y_range`` is the shared scale (widened to round ticks); values outside it are drawn
    at their place beyond the cell, so choose it to cover every chart.
    """
    tr = translate
    lo, hi, ticks = nice_range(*y_range)
    columns = max(1, min(columns, len(items) or 1))
    gutter = 14 + _parts.tick_label_width(ticks, percent)
    rows = math.ceil(len(items) / columns) if items else 0
    width = gutter + columns * (cell_width + 12)
    # The legend names the signals shown, and only those.
    shown = {_parts.signal_class(s) for _name, result, _labels in items for s in result.signals}
    entries = _parts.signal_legend(shown, tr)
    legend = _parts.legend_rows(entries, width - 16) if entries else []
    height = 30 + rows * (cell_height + 40) + len(legend) * _parts.ROW
    drawing = Drawing(width, height, title, description)
    drawing.text(8, 18, title, "title")
    for k, (name, result, labels) in enumerate(items):
        r, c = divmod(k, columns)
        left, top = gutter + c * (cell_width + 12), 50 + r * (cell_height + 40)
        y = Scale(lo, hi, top + cell_height, top)
        if c == 0:
            _parts.y_axis(drawing, y, ticks, left, left + cell_width, percent)
        else:
            for tick in ticks:
                drawing.add("line", [(left, y(tick)), (left + cell_width, y(tick))], "grid")
        box = (left, top, left + cell_width, top + cell_height)
        _cell(drawing, result, list(labels), name, box, y, percent, tr)
    _parts.draw_legend(drawing, legend, 8, height - 8 - (len(legend) - 1) * _parts.ROW)
    return drawing
