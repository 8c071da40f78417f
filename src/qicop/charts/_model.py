"""The drawing model: a flat list of primitives that both backends (SVG, PNG) render.

A chart is built once, as plain shapes in user units (the SVG ``viewBox``), and each
backend only translates shapes. This keeps the PNG export a picture of exactly the same
drawing as the inline SVG, and lets tests inspect a chart without parsing markup.

Styles live in one stylesheet keyed by class name: the SVG writes them once in a
``<style>`` block (instead of repeating attributes on every point, which is what keeps a
60-point chart under 20 KB) and the PNG backend looks them up by the same names. A
primitive may carry several space-separated classes; later ones override earlier ones,
as in CSS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

Point = tuple[float, float]

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. Shapes
# carry the meaning as well (triangle up / down / diamond), so colour is never alone.
BLUE = "#0072B2"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
# Text colours with contrast >= 4.5:1 on white (#333: 12.6:1, #595959: 7:1).
INK = "#333333"
MUTED = "#595959"
GRID = "#e3e3e3"


@dataclass(frozen=True, slots=True)
class Style:
    """How one class of primitive looks. ``fill=None`` means no fill; for text, ``fill`` is its colour."""

    stroke: str | None = None
    fill: str | None = None
    width: float = 1.0
    dash: tuple[float, ...] = ()
    size: float = 0.0
    bold: bool = False


THEME: dict[str, Style] = {
    "text": Style(fill=INK, size=12),
    "small": Style(fill=MUTED, size=11),
    "title": Style(fill=INK, size=14, bold=True),
    "axis": Style(stroke="#8c8c8c"),
    "grid": Style(stroke=GRID),
    "data": Style(stroke="#4d4d4d", width=1.5),
    "pt": Style(fill="#4d4d4d", stroke="#4d4d4d"),
    "cl": Style(stroke="#1b7837", width=1.5),
    "lim": Style(stroke="#8c8c8c", width=1.2),
    "lim95": Style(stroke="#bdbdbd", width=1, dash=(2, 2)),
    "trial": Style(dash=(6, 4)),
    "target": Style(stroke=PURPLE, width=1.5, dash=(2, 3)),
    "phase": Style(stroke="#737373", dash=(3, 3)),
    "base": Style(fill="#f2f2f2"),
    "imp": Style(fill=BLUE, stroke=BLUE),
    "det": Style(fill=VERMILION, stroke=VERMILION),
    "neu": Style(fill="#ffffff", stroke="#4d4d4d", width=1.5),
    # Excluded points keep their shape but are hollow (the fill goes, the outline stays).
    "ex": Style(fill="#ffffff", width=1.5),
    "flag": Style(fill="#fff7bc", stroke="#8c6d00"),
    # Implausible data left out of the limits: a hollow square in dark orange (5.2:1 on white).
    "flagged": Style(fill="#ffffff", stroke="#a35200", width=2),
    "bar": Style(fill="#6b8fb3"),
    "frame": Style(stroke="#bdbdbd"),
    # A unit named on a funnel plot; the reader's own in bold, its point ringed.
    "label": Style(fill=INK, size=11),
    "label-own": Style(fill=INK, size=11, bold=True),
    "own": Style(stroke=INK, width=2),
}


@dataclass(frozen=True, slots=True)
class Primitive:
    """One shape. ``points`` depends on ``kind``:

    - ``line``/``polyline``/``polygon``: the vertices;
    - ``path``: unused; ``segments`` holds disconnected runs of vertices (gaps between them);
    - ``circle``: ``(centre,)``, with ``size`` the radius;
    - ``rect``: ``(top_left, bottom_right)``;
    - ``text``: ``(baseline_anchor_point,)``, with ``text`` and ``anchor`` (start, middle, end).
    ``tooltip`` becomes an SVG ``<title>`` child: a native tooltip and what screen readers read.
    """

    kind: str
    points: tuple[Point, ...] = ()
    cls: str = ""
    tooltip: str = ""
    text: str = ""
    size: float = 0.0
    anchor: str = "start"
    segments: tuple[tuple[Point, ...], ...] = ()

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.cls.split())


@dataclass
class Drawing:
    """A chart ready to render: size in user units, accessible title and description, shapes in order."""

    width: float
    height: float
    title: str
    description: str
    primitives: list[Primitive] = field(default_factory=list)
    styles: Mapping[str, Style] = field(default_factory=lambda: THEME)

    def add(self, kind: str, points=(), cls: str = "", **extra) -> Primitive:
        shape = Primitive(kind, tuple((float(x), float(y)) for x, y in points), cls, **extra)
        self.primitives.append(shape)
        return shape

    def text(self, x: float, y: float, text: str, cls: str = "text", anchor: str = "start", tooltip=""):
        return self.add("text", [(x, y)], cls, text=text, anchor=anchor, tooltip=tooltip)

    def path(self, segments, cls: str, tooltip: str = "") -> Primitive | None:
        runs = tuple(tuple((float(x), float(y)) for x, y in run) for run in segments if len(run) > 1)
        if not runs:
            return None
        shape = Primitive("path", (), cls, tooltip=tooltip, segments=runs)
        self.primitives.append(shape)
        return shape

    def style(self, cls: str) -> Style:
        """The resolved style of a class list: later classes override what they set, as in CSS."""
        merged = Style()
        default = Style()
        for name in cls.split():
            own = self.styles.get(name)
            if own is None:
                continue
            changes = {k: getattr(own, k) for k in Style.__slots__ if getattr(own, k) != getattr(default, k)}
            merged = replace(merged, **changes)
        return merged

    def find(self, kind: str | None = None, cls: str | None = None) -> list[Primitive]:
        """Primitives of a kind and/or carrying a class (tests and callers inspect charts this way).

        Legend keys (class ``key``) are left out unless asked for with ``cls="key"``: they
        repeat the shapes of the chart without being data.
        """
        return [
            p
            for p in self.primitives
            if (kind is None or p.kind == kind)
            and (cls is None or cls in p.classes)
            and (cls == "key" or "key" not in p.classes)
        ]

    def to_svg(self, id_prefix: str | None = None) -> str:
        from qicop.charts._svg import render_svg  # local: _svg imports this module

        return render_svg(self, id_prefix)

    def to_png(self, scale: float = 2.0) -> bytes:
        from qicop.charts._png import render_png  # local: _png imports this module

        return render_png(self, scale)


def marker(drawing: Drawing, x: float, y: float, shape: str, cls: str, size: float, tooltip: str = ""):
    """A point marker: ``circle``, ``up`` (triangle), ``down`` (triangle), ``diamond`` or ``square``."""
    if shape == "circle":
        return drawing.add("circle", [(x, y)], cls, size=size, tooltip=tooltip)
    s = size * 1.6  # triangles and diamonds look smaller than a circle of the same radius
    if shape == "square":
        s = size * 1.1
        pts = [(x - s, y - s), (x + s, y - s), (x + s, y + s), (x - s, y + s)]
    elif shape == "up":
        pts = [(x, y - s), (x + s, y + s * 0.75), (x - s, y + s * 0.75)]
    elif shape == "down":
        pts = [(x, y + s), (x + s, y - s * 0.75), (x - s, y - s * 0.75)]
    else:
        pts = [(x, y - s), (x + s * 0.8, y), (x, y + s), (x - s * 0.8, y)]
    return drawing.add("polygon", pts, cls, tooltip=tooltip)
