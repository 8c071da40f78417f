"""The driver diagram's outline: one item a line, indented once for a secondary driver, twice for a change
idea; every problem named with its line."""

from __future__ import annotations

from qicop.improvement.teams.outline import outline_text, parse_outline

GOOD = """Every result is acted on quickly
    Results reach the clinic fast
        Same-day result review
        SMS to the client

Clients come back
    Clients know why it matters
"""


def _tree(outline):
    return [(p.text, [(s.text, [c.text for c in s.children]) for s in p.children]) for p in outline.drivers]


def test_an_outline_becomes_primary_drivers_with_their_secondary_drivers_and_change_ideas():
    outline = parse_outline(GOOD)
    assert outline.ok
    assert _tree(outline) == [
        (
            "Every result is acted on quickly",
            [("Results reach the clinic fast", ["Same-day result review", "SMS to the client"])],
        ),
        ("Clients come back", [("Clients know why it matters", [])]),
    ]
    assert [idea.line for idea in outline.change_ideas()] == [3, 4]


def test_two_spaces_a_tab_or_bullets_mean_the_same_as_four_spaces():
    two = "A\n  B\n    C\n"
    tabs = "A\n\tB\n\t\tC\n"
    bullets = "- A\n  - B\n    - C\n"
    expected = [("A", [("B", ["C"])])]
    assert (
        _tree(parse_outline(two)) == _tree(parse_outline(tabs)) == _tree(parse_outline(bullets)) == expected
    )


def test_a_line_indented_two_levels_deeper_than_the_one_above_is_refused_with_its_line():
    outline = parse_outline("A\n  B\n  C\nD\n    E\n")
    assert not outline.ok
    assert [p.line for p in outline.problems] == [5]
    assert "Line 5 is indented two levels deeper" in outline.problems[0].message
    assert outline.drivers == ()


def test_a_fourth_level_is_refused():
    outline = parse_outline("A\n  B\n    C\n      D\n")
    assert [(p.line, "fourth level" in p.message) for p in outline.problems] == [(4, True)]


def test_a_change_idea_with_no_secondary_driver_is_refused():
    outline = parse_outline("\n\t\tSame-day review\nA\n\tB\n")
    assert [p.line for p in outline.problems] == [2]
    assert (
        "change idea" in outline.problems[0].message and "no secondary driver" in outline.problems[0].message
    )


def test_a_secondary_driver_with_no_primary_driver_is_refused():
    outline = parse_outline("  B\nA\n")
    assert [p.line for p in outline.problems] == [1]
    assert "no primary driver" in outline.problems[0].message


def test_a_line_longer_than_300_characters_is_refused():
    outline = parse_outline("A\n  " + "b" * 301 + "\n")
    assert [p.line for p in outline.problems] == [2]
    assert "301 characters" in outline.problems[0].message and "300" in outline.problems[0].message


def test_an_item_placed_under_itself_is_refused_as_a_cycle():
    outline = parse_outline("Results reach the clinic\n  Staff trained\n    results  REACH the clinic\n")
    assert [p.line for p in outline.problems] == [3]
    message = outline.problems[0].message
    assert "line 1" in message and "cannot be under itself" in message


def test_the_same_text_in_another_branch_is_no_cycle():
    assert parse_outline("A\n  B\n    C\nD\n  B\n    C\n").ok


def test_every_problem_is_listed_not_just_the_first():
    outline = parse_outline("A\n    C\n  B\n      X\n  " + "y" * 400)
    assert [p.line for p in outline.problems] == [2, 4, 5]


def test_an_empty_outline_clears_a_diagram_only_when_confirmed():
    assert parse_outline("   \n\n", had_diagram=False).ok
    refused = parse_outline("", had_diagram=True)
    assert [p.line for p in refused.problems] == [0]
    assert "Clear the diagram" in refused.problems[0].message
    assert parse_outline("", had_diagram=True, confirm_clear=True).ok


def test_the_form_shows_a_diagram_as_the_outline_it_came_from():
    outline = parse_outline(GOOD)
    assert _tree(parse_outline(outline_text(outline.drivers))) == _tree(outline)
