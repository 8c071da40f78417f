"""The SPC chart: data, centre line and limits per phase, signals as shapes, notes and a target."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qicop.analytics.spc import ChartResult
from qicop.charts import _parts, _text
from qicop.charts._model import Drawing, marker
from qicop.charts.axes import Scale, format_value, identity, nice_range

POINT_RADIUS = 2.5
SIGNAL_SIZE = 4.0


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits in the drawing and how data map onto it."""

    left: float
    right: float
    top: float
    bottom: float
    xs: list[float]
    y: Scale
    ticks: list[float]

    @property
    def half(self) -> float:
        return (self.right - self.left) / max(len(self.xs), 1) / 2


@dataclass(frozen=True)
class FlaggedPoint:
    """A point left out of the chart's calculation because its data are implausible (a numerator above its
    denominator, a zero denominator…): drawn apart, at ``value`` when there is one that fits the plot, else
    on the axis. ``tooltip`` says why, in the reader's words."""

    index: int
    value: float | None
    tooltip: str


def _y_domain(result: ChartResult, target: float | None, flagged=()) -> tuple[float, float]:
    values = np.concatenate([_parts.finite(a) for a in (result.y, result.cl, result.lcl, result.ucl)])
    if target is not None and math.isfinite(target):
        values = np.append(values, target)
    if values.size == 0:
        values = _parts.finite([p.value for p in flagged if p.value is not None])
        if values.size == 0:
            return 0.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    # A flagged value widens the scale by up to two spans of the data, no further: 112 % shows where it
    # is, a value a thousand times too large does not flatten every other point (it sits on the edge).
    span = hi - lo or abs(hi) or 1.0
    for point in flagged:
        if point.value is not None and math.isfinite(point.value):
            lo, hi = min(lo, max(point.value, lo - 2 * span)), max(hi, min(point.value, hi + 2 * span))
    return lo, hi


def _frame(result, width, height, legend_height, target, percent, has_notes, flagged=()) -> _Frame:
    lo, hi = _y_domain(result, target, flagged)
    lo, hi, ticks = nice_range(lo, hi)
    left = 14 + _parts.tick_label_width(ticks, percent)
    right = width - 12
    top = 58 if has_notes else 44
    bottom = height - 28 - legend_height
    n = max(len(result), 1)
    xs = [left + (i + 0.5) * (right - left) / n for i in range(len(result))]
    return _Frame(left, right, top, bottom, xs, Scale(lo, hi, bottom, top), ticks)


def _phases(result: ChartResult) -> list[np.ndarray]:
    return [np.flatnonzero(result.phase == p) for p in np.unique(result.phase).tolist()]


def _limits(drawing: Drawing, result: ChartResult, f: _Frame, tr) -> None:
    """Centre line and 3-sigma limits, one stepped run per phase; trial limits dashed."""
    xs = np.asarray(f.xs)
    for number, rows in enumerate(_phases(result)):
        trial = " trial" if bool(result.trial_limits[rows[0]]) else ""
        for column, cls in ((result.ucl, "lim"), (result.lcl, "lim"), (result.cl, "cl")):
            ys = [f.y(v) if math.isfinite(v) else math.nan for v in column[rows].tolist()]
            drawing.path(_parts.step_segments(xs[rows].tolist(), ys, f.half), cls + trial)
        if number:
            x = f.xs[rows[0]] - f.half
            drawing.add("line", [(x, f.top), (x, f.bottom)], "phase")
            # At the bottom: the top is where note flags hang.
            drawing.text(x + 4, f.bottom - 6, tr(_text.PHASE) % {"phase": number + 1}, "small")


def _baseline(drawing: Drawing, result: ChartResult, f: _Frame, tr) -> None:
    """A shaded band over the frozen baseline, when only part of the series is baseline."""
    rows = np.flatnonzero(result.baseline)
    if rows.size == 0 or rows.size == len(result):
        return
    x0, x1 = f.xs[rows[0]] - f.half, f.xs[rows[-1]] + f.half
    drawing.add("rect", [(x0, f.top), (x1, f.bottom)], "base")
    drawing.text(x0 + 4, f.bottom - 6, tr(_text.BASELINE), "small")


def _target(drawing: Drawing, target: float | None, f: _Frame, percent: bool, tr) -> None:
    if target is None or not math.isfinite(target):
        return
    y = f.y(target)
    label = tr(_text.TARGET_VALUE) % {"value": format_value(target, percent)}
    drawing.add("line", [(f.left, y), (f.right, y)], "target", tooltip=label)
    # Above the line unless that would leave the plot.
    drawing.text(f.right - 4, y - 5 if y - 16 > f.top else y + 14, label, "small", "end")


def _points(drawing, result, f, labels, numerators, denominators, notes, percent, tr) -> set[str]:
    """Data line with gaps, then one marker per point, with its tooltip; returns the marker classes used."""
    ys = [f.y(v) if math.isfinite(v) else math.nan for v in result.y.tolist()]
    drawing.path(_parts.gap_segments(f.xs, ys), "data")
    used: set[str] = set()
    for i, value in enumerate(result.y.tolist()):
        if not math.isfinite(value):
            continue
        num = numerators[i] if numerators is not None else None
        den = denominators[i] if denominators is not None else None
        lines = [_parts.point_tooltip(labels[i], value, percent, num, den)]
        if result.signals[i]:
            lines.append(_parts.signal_words(result.signals[i], tr))
        cls = _parts.signal_class(result.signals[i])
        if not result.include[i]:
            lines.append(tr(_text.EXCLUDED))
            used.add("ex")
        lines.extend(notes.get(i, []))
        used.add(cls)
        size = POINT_RADIUS if cls == "pt" else SIGNAL_SIZE
        full = cls if result.include[i] else cls + " ex"
        marker(drawing, f.xs[i], ys[i], _parts.SHAPES[cls], full, size, "\n".join(lines))
    return used


def _flagged(drawing: Drawing, flagged: Sequence[FlaggedPoint], f: _Frame, labels, tr) -> None:
    """Implausible points: a hollow square at the value (kept inside the plot), or on the axis without one."""
    lo, hi = min(f.y.lo, f.y.hi), max(f.y.lo, f.y.hi)
    for point in flagged:
        if not 0 <= point.index < len(f.xs):
            continue
        value = point.value
        y = f.bottom if value is None or not math.isfinite(value) else f.y(min(max(value, lo), hi))
        text = f"{labels[point.index]}: {tr(_text.FLAGGED)}\n{point.tooltip}"
        marker(drawing, f.xs[point.index], y, "square", "flagged", SIGNAL_SIZE, text)


def _notes(drawing, annotations, f: _Frame, tr) -> dict[int, list[str]]:
    """Numbered flags above the plot; the note itself is the flag's tooltip."""
    notes: dict[int, list[str]] = {}
    for number, (index, text) in enumerate(annotations, start=1):
        if not 0 <= index < len(f.xs):
            continue
        note = tr(_text.NOTE) % {"number": number, "text": text}
        notes.setdefault(index, []).append(note)
        x, label = f.xs[index], str(number)
        w = _parts.text_width(label, 11) + 6
        drawing.add("line", [(x, f.top - 2), (x, f.bottom)], "phase")
        drawing.add("rect", [(x - w / 2, f.top - 16), (x + w / 2, f.top - 2)], "flag", tooltip=note)
        drawing.text(x, f.top - 5, label, "small", "middle", tooltip=note)
    return notes


def _legend_entries(result: ChartResult, used: set[str], target, tr) -> list[_parts.LegendEntry]:
    entries: list[_parts.LegendEntry] = [("circle", "pt", tr(_text.DATA))]
    if np.any(np.isfinite(result.cl)):
        entries.append(("line", "cl", tr(_text.CENTRE_LINE)))
    if np.any(np.isfinite(result.ucl)):
        trial = bool(np.any(result.trial_limits))
        entries.append(
            ("line", "lim trial" if trial else "lim", tr(_text.TRIAL_LIMITS if trial else _text.LIMITS))
        )
    entries.extend(_parts.signal_legend(used, tr))
    if "ex" in used:
        entries.append(("circle", "pt ex", tr(_text.EXCLUDED)))
    if "flagged" in used:
        entries.append(("square", "flagged", tr(_text.FLAGGED)))
    if target is not None:
        entries.append(("line", "target", tr(_text.TARGET)))
    return entries


def spc_chart(
    result: ChartResult,
    *,
    labels: Sequence[str],
    title: str,
    description: str,
    y_label: str = "",
    numerators: Sequence[float | None] | None = None,
    denominators: Sequence[float | None] | None = None,
    annotations: Sequence[tuple[int, str]] = (),
    target: float | None = None,
    percent: bool = False,
    width: int = 720,
    height: int = 320,
    translate: Callable[[str], str] = identity,
    flagged: Sequence[FlaggedPoint] = (),
    names: Sequence[str] | None = None,
) -> Drawing:
    """One run or control chart as a :class:`Drawing`.

    ``labels``: one x label per point (see :func:`axis_labels`); ``names``: each point's period as
    people write it alone, year included ("Mar 2026", where the axis says "Mar"), for its tooltip
    (``labels`` when not given).
    ``annotations``: (point index, text) pairs, drawn as numbered flags. ``percent``: the
    values are proportions (0-1) shown as percentages. ``flagged``: points left out of the
    calculation as implausible (missing in ``result``), drawn apart. Every user-facing word goes
    through ``translate``; ``title`` and ``description`` are used as given.
    """
    if len(labels) != len(result):
        raise ValueError(f"{len(labels)} labels for {len(result)} points")
    names = list(labels) if names is None or len(names) != len(result) else list(names)
    tr = translate
    drawing = Drawing(width, height, title, description)
    # The legend depends on which signals occur, and its height on the width: lay it out first.
    classes = (
        {_parts.signal_class(s) for s in result.signals}
        | ({"ex"} if not result.include.all() else set())
        | ({"flagged"} if flagged else set())
    )
    entries = _legend_entries(result, classes, target, tr)
    rows = _parts.legend_rows(entries, width - 16)
    f = _frame(result, width, height, len(rows) * _parts.ROW, target, percent, bool(annotations), flagged)
    drawing.text(8, 18, title, "title")
    if y_label:
        drawing.text(8, 36, y_label, "small")
    _baseline(drawing, result, f, tr)
    _parts.y_axis(drawing, f.y, f.ticks, f.left, f.right, percent)
    drawing.add("line", [(f.left, f.bottom), (f.right, f.bottom)], "axis")
    _parts.x_labels(drawing, list(labels), f.xs, f.bottom + 16, f.right - f.left)
    _limits(drawing, result, f, tr)
    _target(drawing, target, f, percent, tr)
    notes = _notes(drawing, annotations, f, tr)
    _points(drawing, result, f, names, numerators, denominators, notes, percent, tr)
    _flagged(drawing, flagged, f, names, tr)
    _parts.draw_legend(drawing, rows, 8, height - 8 - (len(rows) - 1) * _parts.ROW)
    return drawing
