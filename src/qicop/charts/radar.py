"""A radar chart of levels by domain: one axis per domain, the levels as rings, one polygon per year.

Made for the national programmes' yearly assessments (levels 0–5), where a country sees at a glance which
domains grew. At most ``MAX_SERIES`` years are drawn (more would be a tangle); they differ by line style as
well as colour, the latest solid and strongest, and the legend names them. Domain names are wrapped onto
short lines so that they stay readable when a phone shrinks the drawing.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence

from qicop.charts import _parts
from qicop.charts._model import BLUE, THEME, VERMILION, Drawing, Style
from qicop.charts._text import gettext_noop
from qicop.charts.axes import format_value, identity

#: The most years one radar draws.
MAX_SERIES = 5
#: Characters per line of a domain's name, and lines at most (the last one ends with "…" when cut).
LABEL_CHARS = 16
LABEL_LINES = 3

NO_RESULTS = gettext_noop("No results yet")
POLYGON = gettext_noop("%(series)s: %(values)s")
NO_LEVEL = gettext_noop("no level")

#: Line styles from the latest year (r0) to the oldest drawn (r4): colour, width and dash all differ, so
#: that the years part without colour too.
SERIES_STYLES = (
    Style(stroke=BLUE, width=2.5),
    Style(stroke=VERMILION, width=1.8, dash=(6, 3)),
    Style(stroke="#009E73", width=1.5, dash=(2, 2)),
    Style(stroke="#CC79A7", width=1.3, dash=(8, 3, 2, 3)),
    Style(stroke="#737373", width=1.2, dash=(1, 3)),
)


def _styles() -> dict[str, Style]:
    styles = dict(THEME)
    for rank, style in enumerate(SERIES_STYLES):
        styles[f"r{rank}"] = style
    styles["r0pt"] = Style(fill=BLUE, stroke=BLUE)
    styles["ring"] = Style(stroke="#d0d0d0")
    return styles


def wrap_label(text: str, chars: int = LABEL_CHARS, lines: int = LABEL_LINES) -> list[str]:
    """``text`` on lines of about ``chars`` characters (words are not split), at most ``lines`` of them."""
    wrapped = textwrap.wrap(text, chars, break_long_words=False) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: chars - 1].rstrip() + "…"
    return wrapped


def radar_chart(
    axes: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    title: str,
    description: str,
    levels: Sequence[int] = (0, 1, 2, 3, 4, 5),
    radius: float = 115,
    translate: Callable[[str], str] = identity,
) -> Drawing:
    """``axes``: the domains' names, clockwise from the top. ``series``: (name, one value per axis or None)
    oldest first; the last ``MAX_SERIES`` are drawn, the last of all strongest. Values run from the first
    level (centre) to the last (outer ring)."""
    tr = translate
    series = list(series)[-MAX_SERIES:]
    count = len(axes)
    margin_x, margin_y = 8 + LABEL_CHARS * _parts.CHAR_WIDTH * 11 / 12, 14 + LABEL_LINES * 13
    entries = [("line", f"r{len(series) - 1 - i}", name) for i, (name, _values) in enumerate(series)]
    width = 2 * (radius + margin_x)
    legend = _parts.legend_rows(entries, width - 16) if entries else []
    # A long title (a country and an instrument's name, longer in French) wraps rather than runs off.
    heading = textwrap.wrap(title, int((width - 16) / _parts.text_width("x", 14))) or [""]
    cx, cy = width / 2, 12 + 18 * len(heading) + margin_y + radius
    height = cy + radius + margin_y + 8 + len(legend) * _parts.ROW
    drawing = Drawing(width, height, title, description, styles=_styles())
    for k, line in enumerate(heading):
        drawing.text(8, 18 + 18 * k, line, "title")
    if count == 0 or not series:
        drawing.text(cx, cy, tr(NO_RESULTS), "text", "middle")
        return drawing
    lo, hi = float(levels[0]), float(levels[-1])

    def point(axis: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * axis / count
        r = radius * (value - lo) / (hi - lo or 1.0)
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    for level in levels[1:]:
        if count >= 3:
            drawing.add("polygon", [point(a, level) for a in range(count)], "ring")
        else:
            drawing.add("circle", [(cx, cy)], "ring", size=radius * (level - lo) / (hi - lo or 1.0))
        x, y = point(0, level)
        drawing.text(x + 3, y + 11, format_value(float(level)), "small")
    for axis, name in enumerate(axes):
        drawing.add("line", [(cx, cy), point(axis, hi)], "axis")
        _axis_label(drawing, point(axis, hi), (cx, cy), wrap_label(name), full=name)
    for i, (_name, values) in enumerate(series):
        points = [point(a, v) if v is not None else None for a, v in enumerate(values)]
        _series(drawing, points, i, series, tr)
        if i == len(series) - 1:
            for a, v in enumerate(values):
                if v is not None:
                    drawing.add("circle", [point(a, v)], "r0pt", size=3, tooltip=f"{axes[a]}: {_num(v)}")
    _parts.draw_legend(drawing, legend, 8, height - 8 - (len(legend) - 1) * _parts.ROW)
    return drawing


def _num(value: float) -> str:
    return format_value(value, False, 1)


def _series(drawing: Drawing, points, i: int, series, tr) -> None:
    """One year's polygon (or, where a domain has no level, the runs between the known ones)."""
    name, values = series[i]
    cls = f"r{len(series) - 1 - i}"
    words = ", ".join(tr(NO_LEVEL) if v is None else _num(v) for v in values)
    tooltip = tr(POLYGON) % {"series": name, "values": words}
    if all(p is not None for p in points):
        drawing.add("polygon", points, cls, tooltip=tooltip)
        return
    runs: list[list] = [[]]
    for p in [*points, points[0]]:  # round the circle back to the first axis
        if p is None:
            runs.append([])
        else:
            runs[-1].append(p)
    drawing.path(runs, cls, tooltip=tooltip)
    for run in runs:
        if len(run) == 1:  # a lone level between two gaps: a dot, so it is not lost
            drawing.add("circle", run, cls, size=2)


def _axis_label(drawing: Drawing, tip, centre, lines: list[str], full: str) -> None:
    """A domain's name just outside its axis' end, anchored away from the centre."""
    (x, y), (cx, cy) = tip, centre
    dx, dy = x - cx, y - cy
    anchor = "middle" if abs(dx) < 1 else ("start" if dx > 0 else "end")
    x += 6 if anchor == "start" else -6 if anchor == "end" else 0
    step = 13
    if abs(dy) < 1:
        first = y + 4 - (len(lines) - 1) * step / 2
    elif dy < 0:
        first = y - 6 - (len(lines) - 1) * step  # above the top half: the last line nearest the axis
    else:
        first = y + 14
    tooltip = full if len(lines) > 1 and "…" in lines[-1] else ""
    for k, line in enumerate(lines):
        drawing.text(x, first + k * step, line, "label", anchor, tooltip=tooltip)
