"""Maturity levels 0–5 (the national programmes' assessments): one colour scale for every page that shows a
level (the gap map's cells, the distribution per domain), and the distribution as horizontal stacked bars.

The scale is ColorBrewer's RdYlBu in six steps, which stays distinguishable with the common colour-vision
deficiencies; weak levels are warm so that gaps stand out. Colour is never alone: cells and blocks carry
their number too, and each colour has the text colour that reads on it (contrast >= 4.5:1).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from qicop.charts import _parts
from qicop.charts._model import THEME, Drawing, Style
from qicop.charts._text import gettext_noop
from qicop.charts.axes import identity

#: Background of each level 0–5, weakest first.
LEVEL_COLOURS = ("#d73027", "#fc8d59", "#fee090", "#e0f3f8", "#91bfdb", "#4575b4")
#: The text colour that reads on each level's background (white on the two dark ends, else near-black).
LEVEL_INK = ("#ffffff", "#1a1a1a", "#1a1a1a", "#1a1a1a", "#1a1a1a", "#ffffff")

LEVEL = gettext_noop("Level %(level)s")
BLOCK = gettext_noop("%(row)s, level %(level)s: %(count)d of %(total)d")
NO_RESULTS = gettext_noop("No results yet")


def level_step(level: float | None) -> int | None:
    """The level a mean has reached (2.5 has reached 2, not 3: when unsure, the lower level), clamped to
    the scale; None stays None."""
    if level is None or not math.isfinite(level):
        return None
    return max(0, min(len(LEVEL_COLOURS) - 1, math.floor(level + 1e-9)))


def level_colours(level: float | None) -> tuple[str, str] | None:
    """(background, text colour) of a level, or None for no level."""
    step = level_step(level)
    return None if step is None else (LEVEL_COLOURS[step], LEVEL_INK[step])


def _styles() -> dict[str, Style]:
    styles = dict(THEME)
    for step, (fill, ink) in enumerate(zip(LEVEL_COLOURS, LEVEL_INK, strict=True)):
        styles[f"l{step}"] = Style(fill=fill, stroke="#737373", width=0.5)
        styles[f"n{step}"] = Style(fill=ink, size=11)
    return styles


def level_bars(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    description: str,
    width: int = 560,
    translate: Callable[[str], str] = identity,
) -> Drawing:
    """One horizontal stacked bar per row (``rows``: label and the count at each level 0–5, weakest first,
    in the order to show): how many countries stand at each level of a domain. Blocks wide enough carry
    their count; every block's tooltip says the row, the level and the count."""
    tr = translate
    levels = len(LEVEL_COLOURS)
    entries = [("square", f"l{step}", tr(LEVEL) % {"level": step}) for step in range(levels)]
    legend = _parts.legend_rows(entries, width - 16)
    bar, gap, top = 18.0, 10.0, 34.0
    height = top + max(len(rows), 1) * (bar + gap) + 10 + len(legend) * _parts.ROW
    drawing = Drawing(width, height, title, description, styles=_styles())
    drawing.text(8, 18, title, "title")
    if not rows or not any(sum(counts) for _label, counts in rows):
        drawing.text(width / 2, top + bar, tr(NO_RESULTS), "text", "middle")
        return drawing
    label_width = min(max(_parts.text_width(label, 11) for label, _counts in rows) + 12, width * 0.4)
    left, right = 8 + label_width, width - 8.0
    most = max(sum(counts) for _label, counts in rows)
    unit = (right - left) / most
    for r, (label, counts) in enumerate(rows):
        y0 = top + r * (bar + gap)
        shown = label if _parts.text_width(label, 11) <= label_width - 8 else _fit(label, label_width - 8)
        drawing.text(left - 6, y0 + bar - 5, shown, "small", "end", tooltip=label if shown != label else "")
        total, x = sum(counts), left
        for step, count in enumerate(counts[:levels]):
            if not count:
                continue
            tip = tr(BLOCK) % {"row": label, "level": step, "count": count, "total": total}
            drawing.add("rect", [(x, y0), (x + count * unit, y0 + bar)], f"l{step}", tooltip=tip)
            if count * unit >= 14:
                drawing.text(x + count * unit / 2, y0 + bar - 5, str(count), f"n{step}", "middle")
            x += count * unit
    _parts.draw_legend(drawing, legend, 8, height - 8 - (len(legend) - 1) * _parts.ROW)
    return drawing


def _fit(label: str, room: float) -> str:
    keep = max(1, int(room / _parts.text_width("x", 11)) - 1)
    return label[:keep].rstrip() + "…"
