"""The 95-95-95 cascade: absolute numbers as bars, the ratio between bars and where the target puts each."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from qicop.charts import _parts, _text
from qicop.charts._model import Drawing
from qicop.charts.axes import Scale, format_value, identity


def _ratio(steps, i) -> float | None:
    if i == 0:
        return None
    previous, current = steps[i - 1][1], steps[i][1]
    if previous is None or current is None or not previous:
        return None
    return current / previous


def _goal(steps, targets, i) -> float | None:
    """Where the target puts bar ``i``: its target ratio times the previous bar."""
    target = targets[i] if i < len(targets) else None
    previous = steps[i - 1][1] if i else None
    if target is None or previous is None or not math.isfinite(previous):
        return None
    return target * previous


#: Height of one step: its label and number, its bar, and its ratio to the step before.
STEP = 58


def cascade_bars(
    steps: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str,
    targets: Sequence[float | None] = (),
    width: int = 300,
    height: int | None = None,
    translate: Callable[[str], str] = identity,
) -> Drawing:
    """Bars for e.g. diagnosed → on treatment → virally suppressed, for one country.

    One step per row, its bar running left to right: the label and the number above the bar, the ratio
    to the step before beneath it, in words people read at a phone's width (the drawing is as wide as a
    card on a phone, so nothing is scaled down; no label shares its line with another step's).
    ``targets[i]`` is the target ratio of step ``i`` to step ``i - 1`` (0.95 for 95-95-95); it is drawn
    as a dashed mark where the bar should reach. A target for the first step has no previous bar to apply
    to and is ignored. A missing step (None) says "No data", and the ratios next to it are not shown.
    """
    tr = translate
    entries_height = _parts.ROW + 8
    top = 34
    height = height or top + len(steps) * STEP + entries_height
    drawing = Drawing(width, height, title, description)
    known = [v for _, v in steps if v is not None and math.isfinite(v)]
    goals = [g for i in range(len(steps)) if (g := _goal(steps, targets, i)) is not None]
    left, right = 8.0, width - 12.0
    x = Scale(0.0, max(known + goals) if known else 1.0, left, right)
    drawing.text(8, 18, title, "title")
    drawn_target = False
    for i, (label, value) in enumerate(steps):
        row = top + i * STEP
        drawing.text(left, row + 12, label, "text")
        bar_top, bar_bottom = row + 18, row + 34
        drawing.add("line", [(left, bar_top - 2), (left, bar_bottom + 2)], "axis")
        ratio = _ratio(steps, i)
        if value is None or not math.isfinite(value):
            drawing.text(left + 6, bar_bottom - 3, tr(_text.NO_DATA), "small")
        else:
            tip = f"{label}: {format_value(value)}"
            if ratio is not None:
                tip += " — " + tr(_text.OF_PREVIOUS) % {"ratio": format_value(ratio, True)}
            drawing.add("rect", [(left, bar_top), (max(x(value), left + 1), bar_bottom)], "bar", tooltip=tip)
            drawing.text(right, row + 12, format_value(value), "text", "end")
        if ratio is not None:
            drawing.text(
                left, row + 48, tr(_text.OF_PREVIOUS) % {"ratio": format_value(ratio, True)}, "small"
            )
        goal = _goal(steps, targets, i)
        if goal is not None:
            label_text = tr(_text.TARGET_VALUE) % {"value": format_value(targets[i], True)}
            drawing.add(
                "line", [(x(goal), bar_top - 4), (x(goal), bar_bottom + 4)], "target", tooltip=label_text
            )
            drawing.text(right, row + 48, label_text, "small", "end")
            drawn_target = True
    entries = [("line", "target", tr(_text.TARGET))] if drawn_target else []
    _parts.draw_legend(drawing, _parts.legend_rows(entries, width - 16), 8, height - 8)
    return drawing
