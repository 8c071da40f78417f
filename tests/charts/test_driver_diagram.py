"""The driver diagram drawing: aim → primary → secondary → change ideas as columns of joined boxes."""

from __future__ import annotations

from xml.dom import minidom

from qicop.charts.driver_diagram import Node, driver_diagram, wrap

AIM = "Raise viral-load suppression from 80 % to 95 % by June"
TREE = [
    Node(
        "Every result is acted on quickly",
        (
            Node(
                "Results reach the clinic fast", (Node("Same-day result review"), Node("SMS to the client"))
            ),
            Node("Clinicians know what to do"),
        ),
    ),
    Node("Clients come back for their results"),
]


def _texts(drawing) -> str:
    return " ".join(p.text for p in drawing.find("text"))


def test_each_item_has_a_box_and_its_text():
    drawing = driver_diagram(AIM, TREE, title="Nakuru")
    # the aim, two primary drivers, two secondary drivers, two change ideas
    assert len(drawing.find("rect")) == 7
    assert [len(drawing.find("rect", kind)) for kind in ("aim", "primary", "secondary", "change")] == [
        1,
        2,
        2,
        2,
    ]
    words = _texts(drawing)
    for text in ("Same-day result review", "SMS to the client", "Clients come back for their results"):
        assert text in words
    assert {"Aim", "Primary drivers", "Secondary drivers", "Change ideas"} <= {
        p.text for p in drawing.find("text", "head")
    }


def test_every_box_but_the_aim_is_joined_to_its_parent_by_a_line():
    drawing = driver_diagram(AIM, TREE, title="Nakuru")
    assert len(drawing.find("path", "link")) == 6


def test_columns_run_left_to_right_and_children_stay_within_their_parents_band():
    drawing = driver_diagram(AIM, TREE, title="Nakuru")
    lefts = [drawing.find("rect", kind)[0].points[0][0] for kind in ("aim", "primary", "secondary", "change")]
    assert lefts == sorted(lefts) and len(set(lefts)) == 4
    ideas = drawing.find("rect", "change")
    assert ideas[0].points[1][1] < ideas[1].points[0][1]  # stacked, not overlapping


def test_a_long_text_is_wrapped_to_the_box_and_the_box_grows_with_it():
    long = "Every client whose viral load result is high is called back within a week " * 3
    drawing = driver_diagram(AIM, [Node(long)], title="Nakuru")
    box = drawing.find("rect", "primary")[0]
    (x0, y0), (x1, y1) = box.points
    lines = [
        p for p in drawing.find("text", "box-text") if x0 < p.points[0][0] < x1 and y0 < p.points[0][1] < y1
    ]
    assert len(lines) > 3
    assert all(len(p.text) * 13 * 0.52 <= x1 - x0 for p in lines)
    assert " ".join(p.text for p in lines) == " ".join(long.split())
    assert y1 - y0 > 3 * 17


def test_wrap_breaks_a_word_longer_than_the_box():
    assert all(len(line) <= 20 for line in wrap("x" * 100, 20 * 13 * 0.52))


def test_the_svg_is_valid_xml_with_a_title_and_the_outline_as_its_description():
    svg = driver_diagram(AIM, TREE, title="Driver diagram of Nakuru <Level 5>").to_svg()
    document = minidom.parseString(svg)
    assert document.getElementsByTagName("title")[0].firstChild.data == "Driver diagram of Nakuru <Level 5>"
    description = document.getElementsByTagName("desc")[0].firstChild.data
    assert "Change ideas: Same-day result review" in description


def test_the_png_is_a_picture_of_the_same_drawing():
    png = driver_diagram(AIM, TREE, title="Nakuru").to_png()
    assert png.startswith(b"\x89PNG")


def test_words_are_translated_through_the_callers_gettext():
    drawing = driver_diagram(AIM, [], title="Nakuru", translate=lambda s: s.upper())
    assert "PRIMARY DRIVERS" in _texts(drawing) and "NO DRIVERS YET" in _texts(drawing)
