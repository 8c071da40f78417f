"""Pieces shared by the charts: axes, legends, signal markers and point tooltips."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from qicop.charts import _text
from qicop.charts._model import Drawing, Point, marker
from qicop.charts.axes import Scale, decimals_for, format_value

# Average advance of the bundled sans-serif at 12 px; used to fit labels, not to place them exactly.
CHAR_WIDTH = 6.3
ROW = 18

SHAPES = {"imp": "up", "det": "down", "neu": "diamond", "pt": "circle"}
CLASS_OF = {"improvement": "imp", "deterioration": "det", "neutral": "neu"}


def text_width(text: str, size: float = 12) -> float:
    return len(text) * CHAR_WIDTH * size / 12


def finite(values) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[np.isfinite(array)]


def signal_class(signals) -> str:
    """The marker class of a point: a directed signal wins over an undirected one."""
    kinds = {s.classification for s in signals}
    for klass in ("improvement", "deterioration", "neutral"):
        if klass in kinds:
            return CLASS_OF[klass]
    return "pt"


def signal_words(signals, tr: Callable[[str], str]) -> str:
    """ "Improvement: a run of points on one side of the centre line" style text, one clause per class,
    each rule named in words (a reader of "Other signal" learns which rule fired)."""
    by_class: dict[str, list[str]] = {}
    for s in signals:
        rule = tr(_text.RULE_WORDS.get(s.rule, s.rule))
        names = by_class.setdefault(s.classification, [])
        if rule not in names:
            names.append(rule)
    return "; ".join(f"{tr(CLASS_WORDS.get(k, k))}: {', '.join(v)}" for k, v in sorted(by_class.items()))


#: The legend's names of the signal classes, used in tooltips too so that both read the same.
CLASS_WORDS = {
    "improvement": _text.IMPROVEMENT,
    "deterioration": _text.DETERIORATION,
    "neutral": _text.OTHER_SIGNAL,
}


def point_tooltip(label: str, value: float, percent: bool, numerator=None, denominator=None) -> str:
    text = f"{label}: {format_value(value, percent)}"
    has_num = numerator is not None and math.isfinite(float(numerator))
    has_den = denominator is not None and math.isfinite(float(denominator))
    if has_num and has_den:
        text += f" ({format_value(float(numerator))}/{format_value(float(denominator))})"
    elif has_den:
        text += f" (n = {format_value(float(denominator))})"
    return text


def y_axis(drawing: Drawing, scale: Scale, ticks: Sequence[float], left: float, right: float, percent: bool):
    """Horizontal grid lines with their values at the left."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = decimals_for(step * 100 if percent else step)
    for tick in ticks:
        y = scale(tick)
        drawing.add("line", [(left, y), (right, y)], "grid")
        drawing.text(left - 5, y + 4, format_value(tick, percent, decimals), "small", "end")


def tick_label_width(ticks: Sequence[float], percent: bool) -> float:
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = decimals_for(step * 100 if percent else step)
    return max(text_width(format_value(t, percent, decimals), 11) for t in ticks)


def thin_every(labels: Sequence[str], available: float, size: float = 11) -> int:
    """Show every k-th label so that labels do not overlap in ``available`` pixels."""
    if not labels:
        return 1
    widest = max(text_width(label, size) for label in labels) + 10
    return max(1, math.ceil(len(labels) * widest / max(available, 1.0)))


def x_labels(drawing: Drawing, labels: Sequence[str], xs: Sequence[float], y: float, available: float):
    every = thin_every(labels, available)
    for i in range(0, len(labels), every):
        drawing.add("line", [(xs[i], y - 14), (xs[i], y - 10)], "axis")
        drawing.text(xs[i], y, labels[i], "small", "middle")


LegendEntry = tuple[str, str, str]  # (shape: "line" or a marker shape, classes, label)


def legend_rows(entries: Sequence[LegendEntry], width: float) -> list[list[tuple[float, LegendEntry]]]:
    """Entries laid out left to right, wrapping to new rows on narrow drawings."""
    rows: list[list[tuple[float, LegendEntry]]] = [[]]
    x = 0.0
    for entry in entries:
        size = 26 + text_width(entry[2], 11) + 14
        if x and x + size > width:
            rows.append([])
            x = 0.0
        rows[-1].append((x, entry))
        x += size
    return rows


def draw_legend(drawing: Drawing, rows, left: float, top: float) -> None:
    for r, row in enumerate(rows):
        y = top + r * ROW
        for x, (shape, cls, label) in row:
            x0 = left + x
            if shape == "line":
                drawing.add("line", [(x0, y - 4), (x0 + 20, y - 4)], cls + " key")
            else:
                marker(drawing, x0 + 10, y - 4, shape, cls + " key", 3.5 if shape != "circle" else 3)
            drawing.text(x0 + 26, y, label, "small key")


def signal_legend(classes: set[str], tr: Callable[[str], str]) -> list[LegendEntry]:
    entries = []
    if "imp" in classes:
        entries.append(("up", "imp", tr(_text.IMPROVEMENT)))
    if "det" in classes:
        entries.append(("down", "det", tr(_text.DETERIORATION)))
    if "neu" in classes:
        entries.append(("diamond", "neu", tr(_text.OTHER_SIGNAL)))
    return entries


def step_segments(xs: Sequence[float], values: Sequence[float], half: float) -> list[list[Point]]:
    """A stepped line: each value held for its point's slot; NaN breaks the line."""
    segments: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for x, v in zip(xs, values, strict=True):
        if not math.isfinite(v):
            if current:
                segments.append(current)
            current = []
            continue
        if current and abs(current[-1][1] - v) < 0.05:
            current[-1] = (x + half, v)  # same height: extend the last run instead of adding points
            continue
        # Starting at x - half joins the previous run with a vertical step.
        current.extend([(x - half, v), (x + half, v)])
    if current:
        segments.append(current)
    return segments


def gap_segments(xs: Sequence[float], ys: Sequence[float]) -> list[list[tuple[float, float]]]:
    """The data line, broken where a value is missing."""
    segments: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(xs, ys, strict=True):
        if math.isfinite(y):
            segments[-1].append((x, y))
        elif segments[-1]:
            segments.append([])
    return [s for s in segments if s]
