"""PNG backend: the same primitives drawn with Pillow's ImageDraw.

ImageDraw does not anti-alias shapes, so the picture is drawn at twice the requested
scale and reduced with a Lanczos filter. The font is the TrueType font bundled with
Pillow (``ImageFont.load_default(size=...)``), so no font is fetched or assumed installed.
Tooltips have no meaning in a picture and are dropped.
"""

from __future__ import annotations

import io
import itertools
import math
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from qicop.charts._model import Drawing, Primitive, Style

SUPERSAMPLE = 2
_ANCHORS = {"start": "ls", "middle": "ms", "end": "rs"}


@lru_cache(maxsize=32)
def _font(size: int):
    return ImageFont.load_default(size=size)


def _dashed(points, pattern: tuple[float, ...]):
    """Split a polyline into the drawn pieces of a dash pattern (ImageDraw has no dashes)."""
    pieces, current, index, left, on = [], [points[0]], 0, pattern[0], True
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while length - done > left:
            done += left
            t = done / length
            cut = (x0 + (x1 - x0) * t, y0 + (y1 - y0) * t)
            if on:
                current.append(cut)
                pieces.append(current)
            current = [cut]
            on = not on
            index = (index + 1) % len(pattern)
            left = pattern[index]
        left -= length - done
        if on:
            current.append((x1, y1))
    if on and len(current) > 1:
        pieces.append(current)
    return pieces


def _stroke(draw, points, style: Style, k: float) -> None:
    if not style.stroke or len(points) < 2:
        return
    width = max(1, round(style.width * k))
    pieces = _dashed(points, tuple(d * k for d in style.dash)) if style.dash else [points]
    for piece in pieces:
        draw.line(piece, fill=style.stroke, width=width, joint="curve")


def _draw(draw: ImageDraw.ImageDraw, shape: Primitive, style: Style, k: float) -> None:
    pts = [(x * k, y * k) for x, y in shape.points]
    if shape.kind in ("line", "polyline"):
        _stroke(draw, pts, style, k)
    elif shape.kind == "path":
        for run in shape.segments:
            _stroke(draw, [(x * k, y * k) for x, y in run], style, k)
    elif shape.kind == "polygon":
        draw.polygon(pts, fill=style.fill)
        _stroke(draw, [*pts, pts[0]], style, k)
    elif shape.kind == "rect":
        draw.rectangle(pts, fill=style.fill)
        (x0, y0), (x1, y1) = pts
        _stroke(draw, [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], style, k)
    elif shape.kind == "circle":
        (x, y), r = pts[0], shape.size * k
        width = max(1, round(style.width * k)) if style.stroke else 0
        draw.ellipse([x - r, y - r, x + r, y + r], fill=style.fill, outline=style.stroke, width=width)
    elif shape.kind == "text":
        size = style.size or 12
        # Bundled font has no bold face: a thin outline in the text colour stands in for it.
        bold = round(k * 0.4) if style.bold else 0
        draw.text(
            pts[0],
            shape.text,
            fill=style.fill or "#000000",
            font=_font(round(size * k)),
            anchor=_ANCHORS[shape.anchor],
            stroke_width=bold,
            stroke_fill=style.fill or "#000000",
        )


def render_png(drawing: Drawing, scale: float = 2.0) -> bytes:
    if scale <= 0:
        raise ValueError("scale must be positive")
    k = scale * SUPERSAMPLE
    size = (max(1, round(drawing.width * k)), max(1, round(drawing.height * k)))
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for shape in drawing.primitives:
        style = drawing.style(shape.cls or "text") if shape.kind == "text" else drawing.style(shape.cls)
        if shape.kind == "text" and not style.size:
            style = drawing.style("text " + shape.cls)
        _draw(draw, shape, style, k)
    final = (max(1, round(drawing.width * scale)), max(1, round(drawing.height * scale)))
    image = image.resize(final, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
