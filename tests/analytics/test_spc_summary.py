"""Signals per point, their improvement/deterioration class, and the plain-language summary."""

from __future__ import annotations

import datetime as dt

from spc_oracle import call_arguments, load

from qicop.analytics import _text
from qicop.analytics.spc import Signal, chart


def months(count: int, start: dt.date = dt.date(2023, 4, 1)) -> list[dt.date]:
    first = start.year * 12 + start.month - 1
    return [dt.date((first + i) // 12, (first + i) % 12 + 1, 1) for i in range(count)]


def test_common_cause_variation_reads_no_signal():
    result = chart(**call_arguments(load("run_basic")))
    assert result.summary() == "No signal: only common-cause variation."
    assert not result.has_signal
    assert all(s == () for s in result.signals)


def test_a_chart_without_data_says_so():
    assert chart([None, None], kind="i").summary() == "Not enough data to look for signals."


def test_shift_below_the_centre_line_is_told_with_its_start_date():
    y = [10, 11, 9, 12, 10, 11, 9, 12, 10, 11, 9, 12, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6]
    result = chart(y, x=months(len(y)), kind="run", cl=8.5)
    summary = result.summary()
    assert "Shift: 10 points below the centre line since 2024-04-01 — unlikely to be chance." in summary


def test_signals_are_classed_by_the_direction_of_improvement():
    y = [*([10, 11] * 10), 20]
    better_up = chart(y, kind="i", freeze=20, improvement="up")
    better_down = chart(y, kind="i", freeze=20, improvement="down")
    no_direction = chart(y, kind="i", freeze=20)
    assert better_up.signals[20] == (Signal("outside limits", "up", "improvement"),)
    assert better_down.signals[20] == (Signal("outside limits", "up", "deterioration"),)
    assert no_direction.signals[20] == (Signal("outside limits", "up", "neutral"),)
    assert better_up.summary().startswith("Improvement. Outside the limits: 1 point(s) above")
    assert better_down.summary().startswith("Deterioration. Outside the limits")


def test_few_crossings_is_neutral_whatever_the_direction_of_improvement():
    result = chart(**call_arguments(load("run_few_crossings")), improvement="up")
    classes = {s.classification for point in result.signals for s in point if s.rule == "few crossings"}
    assert classes == {"neutral"}
    assert "Few crossings: the data cross the centre line 5 times where at least 6" in result.summary()


def test_summary_is_translated_by_the_callers_gettext():
    catalogue = {
        _text.NO_SIGNAL: "Aucun signal : variation de cause commune uniquement.",
        _text.FINDINGS[("outside limits", 1)]: (
            "%(count)d point(s) au-dessus de la limite (dernier : %(last)s)."
        ),
        _text.IMPROVEMENT: "Amélioration. %(finding)s",
    }
    french = lambda s: catalogue.get(s, s)  # noqa: E731
    quiet = chart(**call_arguments(load("run_basic")))
    assert quiet.summary(translate=french) == catalogue[_text.NO_SIGNAL]
    result = chart([*([10, 11] * 10), 20], kind="i", freeze=20, improvement="up")
    expected = "Amélioration. 1 point(s) au-dessus de la limite (dernier : 20)."
    assert result.summary(translate=french) == expected


def test_every_summary_sentence_uses_named_placeholders_only():
    for message in _text.FINDINGS.values():
        assert "%d" not in message and "%s" not in message


def test_phases_are_named_when_a_chart_has_several():
    y = [*([10, 11] * 10), *([20, 21] * 10), 40]
    result = chart(y, kind="i", part=[20])
    assert "Phase 2: Outside the limits" in result.summary()


def test_the_story_gives_each_phase_its_centre_move_and_its_signals_as_facts():
    before = [85, 84, 86, 85, 85, 86, 84, 85, 86, 85, 84, 85, 86, 85, 84, 86, 85, 85]
    after = [86, 92, 93, 92, 91, 92, 93, 92, 91, 92, 93, 92]
    first, second = chart(before + after, kind="i", part=[18], improvement="up").story()
    assert (first.number, first.first, first.last, first.change) == (1, 0, 17, None)
    assert (second.number, second.first, second.last) == (2, 18, 29)
    assert round(second.change, 2) == round(sum(after) / 12 - sum(before) / 18, 2)
    assert second.classification == "improvement"  # the centre moved up, where up is better
    outside = [f for f in second.findings if f.rule == "outside limits"]
    assert [(f.direction, f.classification, f.count, f.first, f.last) for f in outside] == [
        ("down", "deterioration", 1, 18, 18)
    ]


def test_a_chart_without_data_has_no_story():
    assert chart([None, None], kind="i").story() == ()
