"""The PNG backend draws the same model as the SVG."""

import io

from PIL import Image, ImageFont

from qicop.charts import spc_chart
from qicop.charts._model import Drawing
from qicop.charts._png import _dashed


def _chart(shifted_p_chart):
    result, y, n, labels = shifted_p_chart
    return spc_chart(result, labels=labels, title="T", description="D", numerators=y, denominators=n)


def test_png_is_a_valid_image_of_the_drawing_size_times_the_scale(shifted_p_chart):
    data = _chart(shifted_p_chart).to_png(scale=1.5)
    image = Image.open(io.BytesIO(data))
    image.verify()
    assert Image.open(io.BytesIO(data)).size == (1080, 480)
    assert data.startswith(b"\x89PNG")


def test_png_and_svg_come_from_the_same_primitives(shifted_p_chart):
    drawing = _chart(shifted_p_chart)
    markers = [p for p in drawing.primitives if p.tooltip and p.kind in ("circle", "polygon")]
    assert len(markers) == 60
    assert drawing.to_svg().count("<title") == len([p for p in drawing.primitives if p.tooltip]) + 1
    before = list(drawing.primitives)
    drawing.to_png()
    assert drawing.primitives == before


def test_png_shows_the_signal_colours(shifted_p_chart):
    drawing = _chart(shifted_p_chart)
    image = Image.open(io.BytesIO(drawing.to_png(scale=1))).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1_000_000)}
    assert (0x00, 0x72, 0xB2) in colours  # Okabe-Ito blue of improvement triangles


def test_a_shape_drawn_alone_lands_where_the_model_says():
    drawing = Drawing(40, 20, "t", "d")
    drawing.add("rect", [(10, 5), (30, 15)], "imp")
    image = Image.open(io.BytesIO(drawing.to_png(scale=1))).convert("RGB")
    assert image.getpixel((20, 10)) == (0x00, 0x72, 0xB2)
    assert image.getpixel((2, 2)) == (255, 255, 255)


def test_dashes_alternate_drawn_and_skipped_pieces():
    pieces = _dashed([(0, 0), (20, 0)], (4, 4))
    assert [(round(a[0]), round(b[0])) for a, *_, b in pieces] == [(0, 4), (8, 12), (16, 20)]


def test_the_bundled_font_is_a_truetype_font_so_no_font_is_downloaded():
    assert isinstance(ImageFont.load_default(size=24), ImageFont.FreeTypeFont)
