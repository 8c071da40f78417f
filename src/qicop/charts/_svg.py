"""SVG backend: compact, self-contained markup for inline use in pages.

Size matters (slow 2G links): coordinates are rounded to one decimal without trailing
zeros, styles are written once per class in a ``<style>`` block, and axis-aligned path
steps use ``H``/``V``. Class names are prefixed (``qc-``) because a ``<style>`` inside
inline SVG applies to the whole page; ids get a per-drawing prefix so that several charts
on one page keep their ``aria-labelledby`` targets apart.
"""

from __future__ import annotations

import zlib
from xml.sax.saxutils import escape, quoteattr

from qicop.charts._model import Drawing, Primitive, Style

PREFIX = "qc-"


def num(value: float) -> str:
    """One decimal, no trailing zero, no "-0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _css(name: str, style: Style) -> str:
    rules = []
    if style.size:
        rules.append(f"font-size:{num(style.size)}px")
        if style.bold:
            rules.append("font-weight:bold")
    if style.size or style.fill or style.stroke:
        # A base style says "no fill" explicitly (SVG fills paths black by default); a modifier
        # such as "trial" sets neither fill nor stroke and only adds what it changes.
        rules.append(f"fill:{style.fill or 'none'}")
    if style.stroke:
        rules.append(f"stroke:{style.stroke}")
    if style.width != 1:
        rules.append(f"stroke-width:{num(style.width)}")
    if style.dash:
        rules.append("stroke-dasharray:" + ",".join(num(d) for d in style.dash))
    return f".{PREFIX}{name}{{{';'.join(rules)}}}"


def _stylesheet(drawing: Drawing) -> str:
    used: list[str] = []
    for shape in drawing.primitives:
        used.extend(c for c in shape.classes if c not in used)
    # Order matters for the cascade: the theme's order, so modifiers (trial, ex) come after bases.
    names = [n for n in drawing.styles if n in used]
    base = f"svg.{PREFIX}c{{font-family:sans-serif}}.{PREFIX}c text{{font-size:12px}}"
    return base + "".join(_css(n, drawing.styles[n]) for n in names)


def _path_data(segments) -> str:
    out = []
    for run in segments:
        (x0, y0), rest = run[0], run[1:]
        out.append(f"M{num(x0)} {num(y0)}")
        for x, y in rest:
            if num(y) == num(y0):
                out.append(f"H{num(x)}")
            elif num(x) == num(x0):
                out.append(f"V{num(y)}")
            else:
                out.append(f"L{num(x)} {num(y)}")
            x0, y0 = x, y
    return "".join(out)


def _points(points) -> str:
    return " ".join(f"{num(x)},{num(y)}" for x, y in points)


def _element(shape: Primitive) -> tuple[str, str, str]:
    """Tag name, attributes and text content of one primitive."""
    pts = shape.points
    if shape.kind == "circle":
        (x, y) = pts[0]
        return "circle", f'cx="{num(x)}" cy="{num(y)}" r="{num(shape.size)}"', ""
    if shape.kind == "rect":
        (x0, y0), (x1, y1) = pts
        return "rect", f'x="{num(x0)}" y="{num(y0)}" width="{num(x1 - x0)}" height="{num(y1 - y0)}"', ""
    if shape.kind == "line":
        (x0, y0), (x1, y1) = pts
        return "line", f'x1="{num(x0)}" y1="{num(y0)}" x2="{num(x1)}" y2="{num(y1)}"', ""
    if shape.kind in ("polyline", "polygon"):
        return shape.kind, f'points="{_points(pts)}"', ""
    if shape.kind == "path":
        return "path", f'd="{_path_data(shape.segments)}"', ""
    if shape.kind == "text":
        (x, y) = pts[0]
        anchor = "" if shape.anchor == "start" else f' text-anchor="{shape.anchor}"'
        return "text", f'x="{num(x)}" y="{num(y)}"{anchor}', escape(shape.text)
    raise ValueError(f"unknown primitive kind {shape.kind!r}")


def _write(shape: Primitive) -> str:
    tag, attrs, content = _element(shape)
    classes = " ".join(PREFIX + c for c in shape.classes)
    cls = f' class="{classes}"' if classes else ""
    if shape.tooltip:
        content = f"<title>{escape(shape.tooltip)}</title>{content}"
    if not content:
        return f"<{tag}{cls} {attrs}/>"
    return f"<{tag}{cls} {attrs}>{content}</{tag}>"


def render_svg(drawing: Drawing, id_prefix: str | None = None) -> str:
    if id_prefix is None:
        # Stable across renders of the same chart, distinct between charts on one page.
        seed = f"{drawing.title}\n{drawing.description}\n{len(drawing.primitives)}"
        id_prefix = f"qc{zlib.crc32(seed.encode()):08x}"
    title_id, desc_id = f"{id_prefix}-t", f"{id_prefix}-d"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{PREFIX}c" role="img"'
        f' viewBox="0 0 {num(drawing.width)} {num(drawing.height)}" width="100%"'
        f' style="max-width:{num(drawing.width)}px;height:auto"'
        f" aria-labelledby={quoteattr(title_id + ' ' + desc_id)}>"
        f'<title id="{title_id}">{escape(drawing.title)}</title>'
        f'<desc id="{desc_id}">{escape(drawing.description)}</desc>'
        f"<style>{_stylesheet(drawing)}</style>"
    )
    return head + "".join(_write(p) for p in drawing.primitives) + "</svg>"
