"""The radar of a country's assessments: one axis per domain, levels as rings, one polygon per year."""

import xml.etree.ElementTree as ET

from qicop.charts.radar import MAX_SERIES, radar_chart, wrap_label

DOMAINS = ["Leadership and commitment", "Quality management plan and structure", "Measurement", "Capacity"]


def _years(drawing):
    return [p for p in drawing.find("polygon") if p.classes[0] in ("r0", "r1", "r2", "r3", "r4")]


def _radar(*years, axes=DOMAINS, **options):
    return radar_chart(
        axes,
        [(str(2020 + i), values) for i, values in enumerate(years)],
        title="Kenya",
        description="Levels by domain",
        **options,
    )


def test_each_domain_gets_an_axis_from_the_centre_and_each_level_a_ring():
    drawing = _radar([1, 2, 3, 4])
    assert len(drawing.find("line", "axis")) == len(DOMAINS)
    rings = drawing.find("polygon", "ring")
    assert len(rings) == 5  # levels 1–5 (0 is the centre)
    assert all(len(ring.points) == len(DOMAINS) for ring in rings)
    assert {t.text for t in drawing.find("text", "small")} >= {"1", "2", "3", "4", "5"}


def test_each_year_is_one_polygon_and_the_latest_is_drawn_strongest():
    drawing = _radar([1, 1, 1, 1], [2, 2, 2, 2], [3, 3, 3, 3])
    years = _years(drawing)
    assert [p.classes[0] for p in years] == ["r2", "r1", "r0"]  # oldest first, the latest (r0) on top
    assert years[-1].tooltip.startswith("2022: 3")
    styles = [drawing.style(p.cls) for p in years]
    assert styles[-1].width > max(s.width for s in styles[:-1])
    assert not styles[-1].dash and all(s.dash for s in styles[:-1])


def test_at_most_five_years_are_drawn_the_latest_ones():
    drawing = _radar(*[[i % 5] * 4 for i in range(8)])
    years = _years(drawing)
    assert len(years) == MAX_SERIES
    assert [t.text for t in drawing.find("text", "key")] == ["2023", "2024", "2025", "2026", "2027"]


def test_a_level_of_the_centre_and_the_outer_ring_sit_where_they_belong():
    drawing = _radar([0, 5, 0, 5])
    (year,) = [p for p in drawing.find("polygon") if p.classes[0] == "r0"]
    outer = drawing.find("polygon", "ring")[-1]
    centre = year.points[0]
    assert year.points[0] == year.points[2] == centre  # level 0: the centre
    assert year.points[1] == outer.points[1] and year.points[3] == outer.points[3]


def test_the_legend_names_every_year_drawn():
    drawing = _radar([1, 2, 3, 4], [2, 3, 4, 5])
    assert [t.text for t in drawing.find("text", "key")] == ["2020", "2021"]
    assert len(drawing.find("line", "key")) == 2


def test_long_domain_names_are_wrapped_onto_short_lines():
    wrapped = wrap_label("Quality management plan and structure")
    assert wrapped == ["Quality", "management plan", "and structure"]
    lines = wrap_label("Performance measurement and use of data for improvement and accountability")
    assert len(lines) == 3 and lines[-1].endswith("…")
    drawing = _radar([1, 2, 3, 4])
    labels = [t.text for t in drawing.find("text", "label")]
    assert "Quality" in " ".join(labels) and "Quality management plan and structure" not in labels
    assert all(len(label) <= 16 for label in labels)


def test_a_domain_without_a_level_breaks_the_line_instead_of_drawing_it_at_zero():
    drawing = _radar([1, None, 3, 4])
    assert not [p for p in drawing.find("polygon") if p.classes[0] == "r0"]
    (path,) = drawing.find("path", "r0")
    assert "no level" in path.tooltip


def test_no_year_says_so_instead_of_an_empty_web():
    drawing = radar_chart(DOMAINS, [], title="t", description="d")
    assert [t.text for t in drawing.find("text")] == ["t", "No results yet"]


def test_the_words_are_translated():
    drawing = radar_chart(["A", "B", "C"], [], title="t", description="d", translate=lambda s: s.upper())
    assert "NO RESULTS YET" in [t.text for t in drawing.find("text")]


def test_the_radar_is_valid_svg_and_a_png():
    drawing = _radar([1, 2, 3, 4], [2, None, 4, 5])
    svg = drawing.to_svg()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg) < 12_000
    assert drawing.to_png()[:4] == b"\x89PNG"


def test_two_domains_draw_rings_as_circles():
    drawing = _radar([1, 2], axes=["Leadership", "Measurement"])
    assert len(drawing.find("circle", "ring")) == 5


def test_a_long_title_wraps_instead_of_running_off_the_drawing():
    title = "Haïti : Évaluation du programme national de gestion de la qualité (version 2)"
    drawing = radar_chart(DOMAINS, [("2026", [1, 2, 3, 4])], title=title, description="d")
    lines = [t.text for t in drawing.find("text", "title")]
    assert len(lines) == 2 and " ".join(lines) == title
