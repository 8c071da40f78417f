"""Funnel plot, sparkline, cascade and small multiples."""

import itertools
import re

import numpy as np
from defusedxml import ElementTree

from qicop.analytics.spc import chart
from qicop.charts import cascade_bars, funnel_plot, small_multiples, sparkline
from qicop.charts.funnel import outside_limits


def _funnel_result():
    rng = np.random.default_rng(5)
    n = rng.integers(50, 900, 40)
    p = np.full(40, 0.8)
    p[3], p[10] = 0.55, 0.97
    y = rng.binomial(n, p)
    return chart(y, n=n, x=[f"Facility {i:02d}" for i in range(40)], kind="p", improvement="up")


def test_funnel_plot_marks_units_outside_the_limits_with_the_signal_shapes():
    result = _funnel_result()
    drawing = funnel_plot(result, title="F", description="D", percent=True)
    above = [p.tooltip for p in drawing.find("polygon", "imp")]
    below = [p.tooltip for p in drawing.find("polygon", "det")]
    assert any(t.startswith("Facility 10:") for t in above)
    assert any(t.startswith("Facility 03:") for t in below)
    assert len(above) + len(below) + len(drawing.find("circle", "pt")) == 40


def test_funnel_limits_narrow_as_the_denominator_grows():
    drawing = funnel_plot(_funnel_result(), title="F", description="D", percent=True)
    upper = drawing.find("path", "lim")[1]  # lower curve first, then upper
    ys = [y for run in upper.segments for _, y in run]
    assert ys[0] < ys[-1]  # screen y grows downwards: the upper curve comes down
    assert len(drawing.find("path", "lim95")) == 2


def test_funnel_tooltips_name_the_unit_and_its_denominator():
    result = _funnel_result()
    drawing = funnel_plot(result, title="F", description="D", percent=True)
    tips = [p.tooltip for p in drawing.primitives if p.tooltip.startswith("Facility")]
    assert len(tips) == 40 and all("(n = " in t for t in tips)
    ElementTree.fromstring(drawing.to_svg())


def test_sparkline_is_tiny_and_accessible():
    svg = sparkline(
        [0.5, 0.6, None, 0.55, 0.7, 0.72, 0.8] * 5, title="Trend", improvement_index=34, deterioration_index=2
    ).to_svg()
    assert len(svg.encode()) <= 2_000
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert "qc-imp" in svg and "qc-det" not in svg  # no marker on a missing value


def test_sparkline_of_a_sixty_point_series_stays_under_2_kb():
    values = np.random.default_rng(1).normal(100, 10, 60).round(1).tolist()
    assert len(sparkline(values, title="Trend", improvement_index=59).to_svg().encode()) <= 2_000


def test_sparkline_without_values_is_empty_but_valid():
    ElementTree.fromstring(sparkline([None, None], title="Trend").to_svg())


def test_cascade_draws_bars_ratios_and_targets():
    steps = [("Diagnosed", 90_000), ("On treatment", 81_000), ("Suppressed", 72_900)]
    drawing = cascade_bars(steps, title="C", description="D", targets=(None, 0.95, 0.95))
    assert len(drawing.find("rect", "bar")) == 3
    texts = {t.text for t in drawing.find("text")}
    assert "90% of previous" in texts
    assert len(drawing.find("line", "target")) == 2
    assert "90%" in drawing.find("rect", "bar")[1].tooltip


def test_cascade_handles_missing_steps():
    steps = [("Diagnosed", 90_000), ("On treatment", None), ("Suppressed", 60_000)]
    drawing = cascade_bars(steps, title="C", description="D", targets=(0.95, 0.95, 0.95))
    assert len(drawing.find("rect", "bar")) == 2
    texts = [t.text for t in drawing.find("text")]
    assert "No data" in texts
    assert not [t for t in texts if t.endswith("of previous")]  # no ratio next to a missing step
    assert len(drawing.find("line", "target")) == 1  # only the step after a known one
    ElementTree.fromstring(drawing.to_svg())


def smallest_text_on_a_phone(svg: str, available: float = 332) -> float:
    """The smallest font size, in CSS pixels, of an inline SVG shown ``available`` px wide at most (a card's
    content on a 390 px phone): the drawing is scaled down when its viewBox is wider than that."""
    width = float(re.search(r'viewBox="0 0 ([\d.]+) ', svg).group(1))
    sizes = [float(size) for size in re.findall(r"font-size:([\d.]+)px", svg)]
    return min(sizes) * min(1.0, available / width)


def test_cascade_labels_are_legible_at_a_phones_width():
    steps = [
        ("People living with HIV", 100_000),
        ("Diagnosed", 90_000),
        ("On treatment", 81_000),
        ("Virally suppressed", 72_900),
    ]
    svg = cascade_bars(steps, title="Kenya", description="D", targets=(None, None, 0.95, 0.95)).to_svg()
    assert smallest_text_on_a_phone(svg) >= 11


def test_cascade_steps_each_have_their_own_line_so_labels_never_overlap():
    steps = [("Personnes vivant avec le VIH", 100_000), ("Diagnostiquées", 90_000), ("Sous traitement", 1)]
    drawing = cascade_bars(steps, title="C", description="D")
    labels = [t for t in drawing.find("text") if t.text in {s[0] for s in steps}]
    baselines = sorted(t.points[0][1] for t in labels)
    assert all(b - a >= 14 for a, b in itertools.pairwise(baselines))


def test_cascade_with_no_data_at_all_still_draws():
    drawing = cascade_bars([("Diagnosed", None), ("On treatment", None)], title="C", description="D")
    ElementTree.fromstring(drawing.to_svg())


def test_small_multiples_share_one_y_scale():
    low = chart([0.5, 0.52, 0.48, 0.5, 0.51, 0.49], kind="i")
    high = chart([0.5, 0.9, 0.92, 0.88, 0.9, 0.91], kind="i")
    labels = [str(i) for i in range(6)]
    drawing = small_multiples(
        [("A", low, labels), ("B", high, labels)], y_range=(0.0, 1.0), title="S", description="D"
    )
    frames = drawing.find("rect", "frame")
    assert len(frames) == 2
    lines = drawing.find("path", "data")
    # Both series start at 0.5: same height within their cell, whatever else they hold.
    first = [line.segments[0][0][1] - frame.points[0][1] for line, frame in zip(lines, frames, strict=True)]
    assert abs(first[0] - first[1]) < 1e-9
    ElementTree.fromstring(drawing.to_svg())


def test_small_multiples_lay_out_a_grid():
    result = chart([1, 2, 3, 4, 5], kind="i")
    items = [(f"C{i}", result, ["a", "b", "c", "d", "e"]) for i in range(6)]
    drawing = small_multiples(items, y_range=(0, 6), title="S", description="D", columns=4)
    tops = sorted({round(f.points[0][1]) for f in drawing.find("rect", "frame")})
    assert len(tops) == 2


def test_funnel_plot_names_the_units_outside_the_limits_and_the_readers_own_on_the_plot():
    result = _funnel_result()
    sides = outside_limits(result)
    assert sides[10] == "above" and sides[3] == "below"
    drawing = funnel_plot(
        result, title="F", description="D", percent=True, highlight=[20], highlight_label="Your country"
    )
    named = {t.text for t in drawing.find("text", "label")} | {
        t.text for t in drawing.find("text", "label-own")
    }
    outside = {f"Facility {i:02d}" for i, side in enumerate(sides) if side}
    assert outside <= named  # readable without hovering over a point
    assert [t.text for t in drawing.find("text", "label-own")] == ["Facility 20"]
    assert len(drawing.find("circle", "own")) == 1  # its ring (the legend's is "own key")
    assert "Your country" in {t.text for t in drawing.find("text", "key")}
    # The same words are in the PNG: it is drawn from the same primitives.
    assert drawing.to_png().startswith(b"\x89PNG")


def test_funnel_labels_do_not_cover_each_other():
    result = _funnel_result()
    drawing = funnel_plot(result, title="F", description="D", percent=True, highlight=[0, 1, 2, 4, 5])
    boxes = []
    for text in drawing.find("text", "label") + drawing.find("text", "label-own"):
        (x, y), width = text.points[0], len(text.text) * 6.3 * 11 / 12
        x0 = x if text.anchor == "start" else x - width
        boxes.append((x0, y - 10, x0 + width, y + 2))
    assert len(boxes) >= 7
    for a, b in itertools.combinations(boxes, 2):
        assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
