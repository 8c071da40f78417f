"""A driver diagram: the aim, its primary drivers, their secondary drivers and the change ideas under
those, as four columns of boxes joined by lines, left to right.

Each item's text is wrapped to its box; a box is as tall as its text. An item's children are stacked in
the next column and the item is centred on them, so every branch reads along one band of the drawing
(printed, or enlarged on a phone; the page also lists the outline as nested lists for narrow screens and
screen readers). Plain data in: any objects with ``text`` and ``children`` (a sequence of the same).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from qicop.charts._model import BLUE, THEME, Drawing, Style
from qicop.charts._text import gettext_noop

AIM = gettext_noop("Aim")
PRIMARY = gettext_noop("Primary drivers")
SECONDARY = gettext_noop("Secondary drivers")
CHANGES = gettext_noop("Change ideas")
NO_DRIVERS = gettext_noop("No drivers yet")

STYLES: dict[str, Style] = {
    **THEME,
    "head": Style(fill="#595959", size=12, bold=True),
    "aim": Style(fill="#e8f1f8", stroke=BLUE, width=1.5),
    "primary": Style(fill="#ffffff", stroke="#4d4d4d", width=1.5),
    "secondary": Style(fill="#ffffff", stroke="#4d4d4d"),
    "change": Style(fill="#f2f2f2", stroke="#8c8c8c"),
    "link": Style(stroke="#8c8c8c", width=1.2),
    "box-text": Style(fill="#333333", size=13),
}

FONT = 13
LINE = 17  # baseline to baseline
PAD = 8  # inside a box
GAP = 10  # between two boxes of a column
GUTTER = 36  # between two columns: where the joining lines run
MARGIN = 8
TOP = 32  # the column headings


@dataclass(frozen=True)
class Node:
    """An item of the diagram, for callers without their own tree."""

    text: str
    children: tuple[Node, ...] = field(default=())


def wrap(text: str, width: float, size: float = FONT) -> list[str]:
    """``text`` broken into lines that fit ``width`` user units of ``size`` px sans-serif text (an average
    character is a little over half as wide as the font is tall)."""
    per_line = max(8, int(width / (size * 0.52)))
    return textwrap.wrap(text, per_line, break_long_words=True, break_on_hyphens=True) or [""]


@dataclass
class _Box:
    lines: list[str]
    kind: str
    children: list[_Box]
    text: str
    top: float = 0.0

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + 2 * PAD - (LINE - FONT) + 2

    def span(self) -> float:
        """The height of this box's band: its own box, or its children's stacked, whichever is taller."""
        below = sum(child.span() for child in self.children) + GAP * max(0, len(self.children) - 1)
        return max(self.height, below)


KINDS = ("aim", "primary", "secondary", "change")


def _boxes(items: Sequence, depth: int, inner: float) -> list[_Box]:
    kind = KINDS[min(depth, 3)]
    return [
        _Box(
            wrap(item.text, inner),
            kind,
            _boxes(item.children, depth + 1, inner) if depth < 3 else [],
            item.text,
        )
        for item in items
    ]


def driver_diagram(
    aim: str,
    drivers: Sequence,
    *,
    title: str,
    column_width: int = 190,
    translate: Callable[[str], str] = lambda s: s,
) -> Drawing:
    """The diagram of ``aim`` and ``drivers`` (primary drivers, each with ``children``: secondary drivers,
    each with change ideas). ``column_width`` is one column's box width in user units."""
    tr = translate
    inner = column_width - 2 * PAD
    aim_box = _Box(wrap(aim or "—", inner), "aim", _boxes(drivers, 1, inner), aim)
    width = MARGIN * 2 + column_width * 4 + GUTTER * 3
    height = TOP + aim_box.span() + MARGIN + 6
    drawing = Drawing(width, height, title, _description(aim, drivers, tr), styles=STYLES)

    def x_of(depth: int) -> float:
        return MARGIN + depth * (column_width + GUTTER)

    for depth, label in enumerate((AIM, PRIMARY, SECONDARY, CHANGES)):
        drawing.text(x_of(depth), 18, tr(label), "head")

    def place(box: _Box, depth: int, band_top: float) -> None:
        band = box.span()
        box.top = band_top + (band - box.height) / 2
        x = x_of(depth)
        drawing.add(
            "rect", [(x, box.top), (x + column_width, box.top + box.height)], box.kind, tooltip=box.text
        )
        for i, line in enumerate(box.lines):
            drawing.text(x + PAD, box.top + PAD + FONT + i * LINE - 2, line, "box-text")
        below = sum(c.span() for c in box.children) + GAP * max(0, len(box.children) - 1)
        y = band_top + (band - below) / 2
        for child in box.children:
            place(child, depth + 1, y)
            _join(
                drawing,
                x + column_width,
                box.top + box.height / 2,
                x_of(depth + 1),
                child.top + child.height / 2,
            )
            y += child.span() + GAP

    place(aim_box, 0, TOP)
    if not drivers:
        drawing.text(x_of(1), TOP + aim_box.height / 2 + 4, tr(NO_DRIVERS), "small")
    return drawing


def _join(drawing: Drawing, x0: float, y0: float, x1: float, y1: float) -> None:
    """A line from a box's right edge to its child's left edge, bending half-way across the gutter."""
    middle = (x0 + x1) / 2
    drawing.path([[(x0, y0), (middle, y0), (middle, y1), (x1, y1)]], "link")


def _description(aim: str, drivers: Sequence, tr) -> str:
    """The diagram in words, for the SVG's description: each item after the kind of item it is."""
    parts = [f"{tr(AIM)}: {aim}"]
    for primary in drivers:
        parts.append(f"{tr(PRIMARY)}: {primary.text}")
        for secondary in primary.children:
            parts.append(f"{tr(SECONDARY)}: {secondary.text}")
            parts.extend(f"{tr(CHANGES)}: {idea.text}" for idea in secondary.children)
    return "; ".join(parts)
