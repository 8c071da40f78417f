"""The SVG backend: well-formed, accessible, compact, with one native tooltip per point."""

import math

import numpy as np
from defusedxml import ElementTree

from qicop.analytics.spc import chart
from qicop.charts import spc_chart

NS = "{http://www.w3.org/2000/svg}"


def _svg_tree(drawing):
    return ElementTree.fromstring(drawing.to_svg())


def _draw(result, labels, **extra):
    return spc_chart(result, labels=labels, title="Viral load suppression", description="A p chart.", **extra)


def test_svg_is_well_formed_and_labelled_by_its_title_and_description(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    root = _svg_tree(_draw(result, labels, percent=True))
    assert root.get("role") == "img"
    assert root.get("width") == "100%" and root.get("viewBox") == "0 0 720 320"
    ids = root.get("aria-labelledby").split()
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert [title.get("id"), desc.get("id")] == ids
    assert title.text == "Viral load suppression" and desc.text == "A p chart."


def test_every_point_has_one_tooltip_with_its_value_and_numerator_over_denominator(shifted_p_chart):
    result, y, n, labels = shifted_p_chart
    root = _svg_tree(_draw(result, labels, percent=True, numerators=y, denominators=n))
    tooltips = [
        el.find(f"{NS}title").text
        for el in root
        if el.tag in (f"{NS}circle", f"{NS}polygon") and el.find(f"{NS}title") is not None
    ]
    assert len(tooltips) == 60
    assert tooltips[0] == f"{labels[0]}: {result.y[0] * 100:.1f}% ({int(y[0])}/{int(n[0])})"
    assert all(f"({int(a)}/{int(b)})" in t for t, a, b in zip(tooltips, y, n, strict=True))


def test_a_sixty_point_p_chart_with_two_phases_and_signals_stays_under_20_kb(shifted_p_chart):
    result, y, n, labels = shifted_p_chart
    assert result.has_signal and len(np.unique(result.phase)) == 2
    drawing = _draw(
        result, labels, percent=True, numerators=y, denominators=n, target=0.9, annotations=[(30, "Training")]
    )
    assert len(drawing.to_svg().encode()) <= 20_000


def test_coordinates_are_rounded_to_one_decimal(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    for el in _svg_tree(_draw(result, labels)):
        for name in ("cx", "cy", "x", "y", "x1", "y2"):
            value = el.get(name)
            if value is not None:
                assert len(value.partition(".")[2]) <= 1


def test_styles_are_classes_in_one_style_block_not_attributes_on_each_shape(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    root = _svg_tree(_draw(result, labels))
    assert len(root.findall(f"{NS}style")) == 1
    for el in root.iter():
        assert el.get("fill") is None and el.get("stroke") is None
    assert ".qc-imp{" in root.find(f"{NS}style").text


def test_missing_values_leave_gaps_in_the_line_and_have_no_marker():
    values = [5, 6, 7, None, 6, 5, math.nan, 7, 6, 5, 6, 7]
    result = chart(values, kind="i")
    drawing = _draw(result, [str(i) for i in range(12)])
    (line,) = drawing.find("path", "data")
    assert len(line.segments) == 3
    assert len(drawing.find("circle", "pt")) == 10
    assert _svg_tree(drawing).find(f"{NS}path[@class='qc-data']").get("d").count("M") == 3


def test_two_charts_on_one_page_get_different_ids(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    one = _svg_tree(_draw(result, labels)).get("aria-labelledby")
    other = _svg_tree(spc_chart(result, labels=labels, title="Other", description="x")).get("aria-labelledby")
    assert one != other


def test_text_is_escaped():
    result = chart([1, 2, 3, 4], kind="i")
    drawing = spc_chart(result, labels=["<a>", "b&c", "c", "d"], title="A < B & C", description='"q"')
    root = ElementTree.fromstring(drawing.to_svg())
    assert root.find(f"{NS}title").text == "A < B & C"
