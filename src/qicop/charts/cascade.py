"""The 95-95-95 cascade: absolute numbers as bars, the ratio between bars and where the target puts each."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from qicop.charts import _parts, _text
from qicop.charts._model import Drawing
from qicop.charts.axes import Scale, format_value, identity, nice_range


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


def cascade_bars(
    steps: Sequence[tuple[str, float | None]],
    *,
    title: str,
    description: str,
    targets: Sequence[float | None] = (),
    width: int = 480,
    height: int = 300,
    translate: Callable[[str], str] = identity,
) -> Drawing:
    """Bars for e.g. diagnosed → on treatment → virally suppressed, for one country.

    ``targets[i]`` is the target ratio of step ``i`` to step ``i - 1`` (0.95 for 95-95-95);
    it is drawn as a dashed mark at the height the bar should reach. A target for the first
    step has no previous bar to apply to and is ignored. A missing step (None) leaves an
    empty slot marked "No data", and the ratios next to it are not shown.
    """
    tr = translate
    drawing = Drawing(width, height, title, description)
    known = [v for _, v in steps if v is not None and math.isfinite(v)]
    goals = [g for i in range(len(steps)) if (g := _goal(steps, targets, i)) is not None]
    lo, hi, ticks = nice_range(0.0, max(known + goals) if known else 1.0)
    left = 14 + _parts.tick_label_width(ticks, False)
    right, top, bottom = width - 12, 70, height - 40 - _parts.ROW
    y = Scale(lo, hi, bottom, top)
    drawing.text(8, 18, title, "title")
    _parts.y_axis(drawing, y, ticks, left, right, False)
    drawing.add("line", [(left, bottom), (right, bottom)], "axis")
    slot = (right - left) / max(len(steps), 1)
    drawn_target = False
    bar = slot * 0.56
    for i, (label, value) in enumerate(steps):
        centre = left + (i + 0.5) * slot
        x0, x1 = centre - bar / 2, centre + bar / 2
        drawing.text(centre, bottom + 16, label, "small", "middle")
        ratio = _ratio(steps, i)
        if value is None or not math.isfinite(value):
            drawing.text(centre, bottom - 8, tr(_text.NO_DATA), "small", "middle")
        else:
            tip = f"{label}: {format_value(value)}"
            if ratio is not None:
                tip += " — " + tr(_text.OF_PREVIOUS) % {"ratio": format_value(ratio, True)}
            drawing.add("rect", [(x0, y(value)), (x1, bottom)], "bar", tooltip=tip)
            # Above the bar, or above its target mark when that is higher, so the two never overlap.
            goal = _goal(steps, targets, i)
            above = min(y(value), y(goal) if goal is not None else y(value))
            drawing.text(centre, above - 6, format_value(value), "text", "middle")
        if ratio is not None:
            # Between the bars, where the eye moves from one to the next.
            drawing.text(centre - slot / 2, 44, format_value(ratio, True), "title", "middle")
        goal = _goal(steps, targets, i)
        if goal is not None:
            label_text = tr(_text.TARGET_VALUE) % {"value": format_value(targets[i], True)}
            drawing.add("line", [(x0 - 6, y(goal)), (x1 + 6, y(goal))], "target", tooltip=label_text)
            drawn_target = True
    entries = [("line", "target", tr(_text.TARGET))] if drawn_target else []
    _parts.draw_legend(drawing, _parts.legend_rows(entries, width - 16), 8, height - 8)
    return drawing
