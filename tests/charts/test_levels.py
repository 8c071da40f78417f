"""Maturity levels: one colour-blind-safe scale with readable text, and the distribution as stacked bars."""

import xml.etree.ElementTree as ET

import pytest

from qicop.charts.levels import LEVEL_COLOURS, LEVEL_INK, level_bars, level_colours, level_step


def _contrast(a: str, b: str) -> float:
    def luminance(colour):
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_level_has_a_text_colour_that_reads_on_it():
    assert len(LEVEL_COLOURS) == len(LEVEL_INK) == 6
    assert all(_contrast(bg, ink) >= 4.5 for bg, ink in zip(LEVEL_COLOURS, LEVEL_INK, strict=True))


def test_a_mean_counts_as_the_level_it_has_reached():
    assert level_step(2.5) == 2 and level_step(3.0) == 3 and level_step(5.0) == 5 and level_step(None) is None
    assert level_colours(0.4) == (LEVEL_COLOURS[0], LEVEL_INK[0])


def test_each_domain_is_a_bar_of_blocks_one_per_level_held_with_its_count():
    drawing = level_bars(
        [("Measurement", [2, 1, 0, 0, 0, 0]), ("Leadership", [0, 0, 1, 1, 0, 1])], title="t", description="d"
    )
    blocks = [p for p in drawing.find("rect") if p.classes[0].startswith("l")]
    assert [b.classes[0] for b in blocks] == ["l0", "l1", "l2", "l3", "l5"]
    assert "Measurement, level 0: 2 of 3" in [b.tooltip for b in blocks]
    width = lambda block: block.points[1][0] - block.points[0][0]  # noqa: E731
    assert width(blocks[0]) == pytest.approx(2 * width(blocks[1]))
    assert "2" in [t.text for t in drawing.find("text") if t.classes[0] == "n0"]
    assert next(t.text for t in drawing.find("text", "key")) == "Level 0"


def test_no_results_says_so_and_the_bars_render_as_svg_and_png():
    assert "No results yet" in [t.text for t in level_bars([], title="t", description="d").find("text")]
    drawing = level_bars([("A", [1, 0, 0, 0, 0, 1])], title="t", description="d")
    ET.fromstring(drawing.to_svg())
    assert drawing.to_png()[:4] == b"\x89PNG"
