"""An automated accessibility check of the pages that show data: names for every image and field, table
headers, text contrast of at least 4.5:1 in the charts, signals told by shape as well as colour."""

import re

from defusedxml import ElementTree
from test_chart_page import data, url  # noqa: F401 - the fixture and the URL helper

SVG = "{http://www.w3.org/2000/svg}"


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_on_white(hex_colour: str) -> float:
    return 1.05 / (luminance(hex_colour) + 0.05)


def check_svg(svg_text: str) -> list[str]:
    problems = []
    root = ElementTree.fromstring(svg_text)
    if root.get("role") != "img":
        problems.append("the chart has no role=img")
    ids = {element.get("id") for element in root.iter() if element.get("id")}
    labels = (root.get("aria-labelledby") or "").split()
    if not labels or not all(label in ids for label in labels):
        problems.append("the chart is not labelled by its title and description")
    style = "".join(element.text or "" for element in root.iter(f"{SVG}style"))
    fills = dict(re.findall(r"\.([\w-]+)\{[^}]*?fill:(#[0-9a-fA-F]{6})", style))
    for text in root.iter(f"{SVG}text"):
        colour = fills.get(text.get("class", ""), "#000000")
        if contrast_on_white(colour) < 4.5:
            problems.append(f"text {text.text!r} has contrast {contrast_on_white(colour):.1f}:1")
    return problems


def check_html(page: str) -> list[str]:
    problems = []
    if not re.search(r'<html lang="[a-z]{2}"', page):
        problems.append("no language on <html>")
    if page.count("<h1") != 1:
        problems.append("not exactly one h1")
    for table in re.findall(r"<table.*?</table>", page, re.S):
        if "<th" not in table or 'scope="' not in table:
            problems.append("a table without headers")
    for tag, field_id in re.findall(r'(<(?:input|select|textarea)[^>]*\bid="([^"]+)"[^>]*>)', page):
        if 'type="hidden"' not in tag and f'for="{field_id}"' not in page:
            problems.append(f"field {field_id} has no label")
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        problems += check_svg(svg)
    return problems


def test_the_chart_page_passes_the_check(data):  # noqa: F811
    page = data.world.client_for("kim").get(url(data)).content.decode()
    assert check_html(page) == []


def test_the_chart_page_for_an_editor_with_its_forms_passes_the_check(data):  # noqa: F811
    page = data.world.client_for("dan").get(url(data)).content.decode()
    assert "<form" in page
    assert check_html(page) == []


def test_signals_are_shapes_as_well_as_colours(data):  # noqa: F811
    svg = data.world.client_for("kim").get(url(data, query="?format=svg")).content.decode()
    root = ElementTree.fromstring(svg)
    improvement_marks = [p for p in root.iter(f"{SVG}polygon") if "qc-imp" in (p.get("class") or "")]
    assert improvement_marks, "improvement signals are drawn as triangles"


def test_the_checker_itself_catches_low_contrast_and_missing_labels():
    bad = (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>.faint{fill:#cccccc}</style>'
        '<text class="faint">x</text></svg>'
    )
    problems = check_svg(bad)
    assert any("role=img" in p for p in problems)
    assert any("contrast" in p for p in problems)
