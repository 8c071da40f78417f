"""The IHI assessment scale in our words, and the score qicop suggests from the evidence (pure)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal

import pytest

from qicop.improvement.scoring import Evidence, suggest


def test_the_scale_has_nine_levels_from_one_to_five_in_half_points_each_named_and_defined():
    from qicop.improvement.scale import LEVELS

    assert [level.score for level in LEVELS] == [Decimal(n) / 2 for n in range(2, 11)]
    for level in LEVELS:
        assert len(str(level.name)) > 3 and len(str(level.definition)) > 40
    assert len({str(level.definition) for level in LEVELS}) == 9


def test_a_score_off_the_scale_has_no_level():
    from qicop.improvement.scale import level_of

    assert level_of("2.5").name == "Changes tested, no improvement yet"
    assert level_of(Decimal("4")).score == Decimal("4.0")
    assert level_of("2.3") is None and level_of("six") is None and level_of(None) is None


def test_a_level_writes_its_score_with_the_readers_decimal_separator():
    from django.utils import translation

    from qicop.improvement.scale import level_of

    with translation.override("fr"):
        assert level_of("2.5").label.startswith("2,5 — ")


def test_the_suggester_imports_nothing_from_django():
    code = "import sys, qicop.improvement.scoring; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def evidence(**facts) -> Evidence:
    base = {
        "aim_set": True,
        "cycles_planned": 0,
        "cycles_done": 0,
        "changes_adopted": 0,
        "improvement_signal": False,
        "aim_reached": False,
        "months_at_aim": 0,
        "all_at_goal_months": 0,
    }
    return Evidence(**{**base, **facts})


ACTIVE = {"cycles_planned": 4, "cycles_done": 3}
IMPROVING = dict(ACTIVE, improvement_signal=True)
ADOPTED = dict(IMPROVING, changes_adopted=2)


@pytest.mark.parametrize(
    ("facts", "score", "codes"),
    [
        ({"aim_set": False}, "1.0", ["no_aim", "no_cycles"]),
        ({}, "1.5", ["aim_set", "no_cycles"]),
        ({"cycles_planned": 2}, "2.0", ["cycles_planned", "none_tested"]),
        (ACTIVE, "2.5", ["cycles_done", "no_signal"]),
        (
            dict(ACTIVE, aim_reached=True, months_at_aim=5),
            "2.5",
            ["cycles_done", "no_signal", "aim_reached_without_signal"],
        ),
        (IMPROVING, "3.0", ["cycles_done", "signal", "none_adopted"]),
        (ADOPTED, "3.5", ["cycles_done", "signal", "changes_adopted", "aim_not_reached"]),
        (
            dict(ADOPTED, aim_reached=True, months_at_aim=1),
            "4.0",
            ["signal", "changes_adopted", "aim_reached", "not_sustained"],
        ),
        (
            dict(ADOPTED, aim_reached=True, months_at_aim=3, all_at_goal_months=2),
            "4.5",
            ["signal", "changes_adopted", "aim_sustained", "not_all_at_goal"],
        ),
        (
            dict(ADOPTED, aim_reached=True, months_at_aim=7, all_at_goal_months=6),
            "5.0",
            ["signal", "changes_adopted", "all_at_goal"],
        ),
    ],
)
def test_each_level_is_suggested_from_its_evidence_with_its_reasons(facts, score, codes):
    suggestion = suggest(evidence(**facts))
    assert suggestion.score == Decimal(score)
    assert [reason.code for reason in suggestion.reasons] == codes


def test_without_a_cycle_the_suggestion_stays_at_one_and_a_half_whatever_the_charts_show():
    strong = evidence(improvement_signal=True, aim_reached=True, months_at_aim=12, all_at_goal_months=12)
    assert suggest(strong).score == Decimal("1.5")


def test_the_reasons_say_how_many_in_words():
    from qicop.improvement.reports.reasons import reasons_text

    words = reasons_text(suggest(evidence(**dict(ADOPTED, changes_adopted=1))).reasons)
    assert words[0] == "3 changes tested to the end (the cycles reached Study)."
    assert "1 change adopted." in words


def test_months_in_a_row_count_back_from_the_latest_value():
    from qicop.improvement.scoring import months_in_a_row

    nan = float("nan")
    assert months_in_a_row([90, 96, 97, 98, nan], lambda v: v >= 95) == 3
    assert months_in_a_row([96, nan, 97], lambda v: v >= 95) == 1
    assert months_in_a_row([], lambda v: True) == 0
