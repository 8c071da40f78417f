"""The SPC chart's content: signal shapes, limits, phases, notes, target, legend and translation."""

import re

import numpy as np
import pytest

from qicop.analytics.spc import chart
from qicop.charts import spc_chart


def shout(text: str) -> str:
    """A fake translation: upper case, placeholders untouched (as a real catalogue keeps them)."""
    return "".join(p if p.startswith("%(") else p.upper() for p in re.split(r"(%\(\w+\)\w)", text))


def _draw(result, **extra):
    labels = extra.pop("labels", [str(i) for i in range(len(result))])
    return spc_chart(result, labels=labels, title="T", description="D", **extra)


def test_improvement_points_are_upward_triangles_and_deterioration_points_downward(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    classes = [{s.classification for s in sig} for sig in result.signals]
    improving = sum("improvement" in c for c in classes)
    worsening = sum("deterioration" in c and "improvement" not in c for c in classes)
    assert improving > 0
    drawing = _draw(result, labels=labels)
    up = drawing.find("polygon", "imp")
    assert len(up) == improving
    assert len(drawing.find("polygon", "det")) == worsening
    # An upward triangle: its apex is above (smaller y than) its base.
    apex, right, left = up[0].points
    assert apex[1] < right[1] == left[1]


def test_a_known_shift_is_drawn_with_improvement_shapes_in_the_right_place():
    values = [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 9, 10, 9, 10, 9, 10, 9, 10, 9, 10]
    result = chart(values, kind="run", improvement="down")
    drawing = _draw(result)
    expected = [i for i, sig in enumerate(result.signals) if any(s.rule == "shift" for s in sig)]
    assert expected
    assert len(drawing.find("polygon", "det")) == len(expected)
    assert not drawing.find("polygon", "imp")


def test_neutral_signals_are_hollow_diamonds():
    result = chart([5, 7, 6, 8, 9, 7, 6, 12, 13, 14, 13, 12, 14], kind="i", improvement=None)
    drawing = _draw(result)
    diamonds = drawing.find("polygon", "neu")
    assert len(diamonds) == sum(bool(s) for s in result.signals)
    assert all(len(d.points) == 4 for d in diamonds)
    assert drawing.style("neu").fill == "#ffffff"


def test_trial_limits_are_dashed_and_say_so_in_the_legend():
    result = chart([5, 7, 6, 8, 9, 7, 6, 8, 7], kind="i", rules="mdc")
    assert result.trial_limits.all()
    drawing = _draw(result)
    limits = drawing.find("path", "lim") + drawing.find("path", "cl")
    assert limits and all("trial" in p.classes for p in limits)
    assert drawing.style("cl trial").dash
    assert any(t.text == "Trial limits" for t in drawing.find("text", "key"))


def test_limits_are_solid_without_trial_limits(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    drawing = _draw(result, labels=labels)
    for shape in drawing.find("path", "cl"):
        assert not drawing.style(shape.cls).dash


def test_each_phase_has_its_own_centre_line_and_a_separator(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    drawing = _draw(result, labels=labels)
    assert len(drawing.find("path", "cl")) == 2
    assert len(drawing.find("line", "phase")) == 1


def test_p_chart_limits_step_with_the_denominator(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    (upper_first_phase, *_) = _draw(result, labels=labels).find("path", "lim")
    heights = {round(y, 1) for run in upper_first_phase.segments for _, y in run}
    assert len(heights) > 5


def test_excluded_points_are_hollow():
    result = chart([5, 7, 6, 8, 9, 7, 6, 8, 7, 6], kind="i", exclude=[2])
    drawing = _draw(result)
    hollow = drawing.find(cls="ex")
    assert len([p for p in hollow if p.kind != "text" and p.tooltip]) == 1
    assert drawing.style("pt ex").fill == "#ffffff"


def test_annotations_are_numbered_flags_with_their_text_in_tooltips():
    result = chart([5, 7, 6, 8, 9, 7, 6, 8], kind="i")
    drawing = _draw(result, annotations=[(3, "New guideline"), (6, "Stock-out")])
    flags = drawing.find("rect", "flag")
    assert [f.tooltip for f in flags] == ["Note 1: New guideline", "Note 2: Stock-out"]
    point_tips = [p.tooltip for p in drawing.find("circle", "pt")]
    assert "Note 1: New guideline" in point_tips[3]


def test_target_is_a_dotted_line_with_a_label():
    result = chart([0.5, 0.6, 0.55, 0.7], kind="i")
    drawing = _draw(result, target=0.9, percent=True)
    (line,) = drawing.find("line", "target")
    assert drawing.style("target").dash
    assert any(t.text == "Target 90%" for t in drawing.find("text"))
    assert line.points[0][1] == line.points[1][1]


def test_x_labels_are_thinned_to_fit():
    result = chart(list(range(60)), kind="run")
    labels = [f"Label number {i}" for i in range(60)]
    drawing = _draw(result, labels=labels, width=400)
    shown = [t for t in drawing.find("text") if t.text in labels]
    assert 2 <= len(shown) < 20
    assert shown[0].text == labels[0]


def test_y_axis_has_four_to_six_round_ticks(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    grid = _draw(result, labels=labels, percent=True).find("line", "grid")
    assert 4 <= len(grid) <= 7


def test_every_word_goes_through_translate(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    drawing = _draw(result, labels=labels, target=0.9, percent=True, translate=shout)
    svg = drawing.to_svg()
    for word in ("CENTRE LINE", "CONTROL LIMITS", "IMPROVEMENT", "TARGET", "PHASE 2", "DATA"):
        assert word in svg
    assert "Centre line" not in svg


def test_legend_shows_the_shapes_used(shifted_p_chart):
    result, _, _, labels = shifted_p_chart
    texts = {t.text for t in _draw(result, labels=labels).find("text", "key")}
    assert {"Data", "Centre line", "Control limits", "Improvement"} <= texts


def test_labels_must_match_the_points():
    with pytest.raises(ValueError, match="labels"):
        _draw(chart([1, 2, 3], kind="i"), labels=["a"])


def test_a_chart_without_values_still_draws():
    result = chart([np.nan, np.nan, np.nan], kind="i")
    assert _draw(result).to_svg().startswith("<svg")


def test_flagged_points_are_hollow_squares_with_their_reason_and_a_legend_entry():
    from qicop.charts import FlaggedPoint

    values = [50.0, 52, 51, 49, 50, float("nan"), 51, 50, float("nan")]
    result = chart(values, kind="i")
    flagged = [FlaggedPoint(5, 112.0, "112 of 100: too many"), FlaggedPoint(8, None, "no denominator")]
    drawing = _draw(result, flagged=flagged, translate=shout)
    squares = drawing.find("polygon", "flagged")
    assert len(squares) == 2 and "112 of 100: too many" in squares[0].tooltip
    assert "IMPLAUSIBLE, LEFT OUT" in squares[0].tooltip
    assert [p for p in drawing.find(cls="key") if "flagged" in p.classes]  # in the legend
    # The value that has one is drawn where it is; the one without sits on the axis (the lowest point).
    top = min(y for _x, y in squares[0].points)
    axis = drawing.find("line", "axis")[0].points[0][1]
    assert top < min(y for p in drawing.find("circle", "pt") for _x, y in p.points)
    assert max(y for _x, y in squares[1].points) > axis - 1


def test_a_far_flagged_value_widens_the_scale_by_two_spans_of_the_data_at_most():
    from qicop.charts import FlaggedPoint

    result = chart([50.0, 52, 51, 49, 50, 51, 50, float("nan")], kind="run")
    near = _draw(result, flagged=[FlaggedPoint(7, 60.0, "x")])
    far = _draw(result, flagged=[FlaggedPoint(7, 1e9, "x")])
    labels = [p.text for p in far.find("text", "small")]
    assert "1,000,000,000" not in " ".join(labels)  # the scale stays readable
    assert len(far.find("polygon", "flagged")) == len(near.find("polygon", "flagged")) == 1
