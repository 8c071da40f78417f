"""The distribution of teams' scores over time: for each month of a collaborative, how many teams stood at
each level of the IHI assessment scale (1.0 … 5.0), as stacked bars. IHI paces learning sessions by it: a
collaborative is ready for the next when the bars' upper part grows."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qicop.charts import _parts
from qicop.charts._model import THEME, Drawing, Style
from qicop.charts._text import gettext_noop
from qicop.charts.axes import Scale, identity, nice_range

TEAMS = gettext_noop("Teams")
SCORE = gettext_noop("Score %(score)s")
POINT = gettext_noop("%(month)s, score %(score)s: %(count)d of %(total)d teams")
NO_SCORES = gettext_noop("No scores yet")

#: A sequential palette from light (1.0, forming) to dark (5.0, outstanding sustainable results): the order
#: reads without colour too, as the lowest score is always at the bottom of a bar.
PALETTE = (
    "#f1eef6",
    "#d7d9ea",
    "#bdc9e1",
    "#9bb4d6",
    "#74a9cf",
    "#4a90c2",
    "#2b8cbe",
    "#0570b0",
    "#034e7b",
)


def _styles(count: int) -> dict[str, Style]:
    styles = dict(THEME)
    for i in range(count):
        styles[f"s{i}"] = Style(fill=PALETTE[min(i, len(PALETTE) - 1)], stroke="#737373", width=0.5)
    return styles


def score_distribution(
    months: Sequence[str],
    counts: Sequence[Sequence[int]],
    *,
    scores: Sequence[str],
    title: str,
    description: str,
    width: int = 640,
    height: int = 300,
    translate: Callable[[str], str] = identity,
) -> Drawing:
    """Stacked bars, one per month (``months``: their labels, oldest first); ``counts[m][s]`` is how many
    teams stood at ``scores[s]`` (labels such as "1.0", lowest first) in month ``m``.

    The y axis counts teams; each block's tooltip says the month, the score and the count, so a screen
    reader hears the numbers (the page puts the same numbers in a table under the drawing).
    """
    tr = translate
    drawing = Drawing(width, height, title, description, styles=_styles(len(scores)))
    drawing.text(8, 18, title, "title")
    totals = [sum(row) for row in counts]
    entries = [("square", f"s{i}", tr(SCORE) % {"score": score}) for i, score in enumerate(scores)]
    legend = _parts.legend_rows(entries, width - 16)
    top, bottom = 34.0, height - 34.0 - len(legend) * _parts.ROW
    if not months or not any(totals):
        drawing.text(width / 2, (top + bottom) / 2, tr(NO_SCORES), "text", "middle")
        return drawing
    lo, hi, ticks = nice_range(0.0, float(max(totals)))
    lo, ticks = 0.0, [t for t in ticks if t >= 0 and float(t).is_integer()] or [0.0, hi]
    left = 14 + _parts.tick_label_width(ticks, False)
    right = width - 8.0
    y = Scale(lo, hi, bottom, top)
    _parts.y_axis(drawing, y, ticks, left, right, False)
    drawing.text(8, top - 4, tr(TEAMS), "small")
    slot = (right - left) / len(months)
    bar = max(slot * 0.7, 1.0)
    xs = [left + (m + 0.5) * slot for m in range(len(months))]
    for m, row in enumerate(counts):
        below = 0
        for s, count in enumerate(row):
            if not count:
                continue
            tip = tr(POINT) % {"month": months[m], "score": scores[s], "count": count, "total": totals[m]}
            corners = [(xs[m] - bar / 2, y(below + count)), (xs[m] + bar / 2, y(below))]
            drawing.add("rect", corners, f"s{s}", tooltip=tip)
            below += count
    drawing.add("line", [(left, bottom), (right, bottom)], "axis")
    _parts.x_labels(drawing, list(months), xs, bottom + 16, right - left)
    _parts.draw_legend(drawing, legend, 8, height - 8 - (len(legend) - 1) * _parts.ROW)
    return drawing
