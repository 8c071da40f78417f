"""A chart in plain words as a QI coach tells it: the phase change first, then the signals within phases."""

from django.utils import translation

from qicop.analytics.spc import chart
from qicop.dashboards import plain_words

MONTHS = [f"{2024 + m // 12}{m % 12 + 1:02d}" for m in range(30)]


def kenya_like(improvement="up"):
    """85 % for 18 months, then a step up to 92 % whose first month (86 %) is below the new limits."""
    before = [85, 84, 86, 85, 85, 86, 84, 85, 86, 85, 84, 85, 86, 85, 84, 86, 85, 85]
    after = [86, 92, 93, 92, 91, 92, 93, 92, 91, 92, 93, 92]
    return chart(before + after, kind="i", part=[18], improvement=improvement)


def test_a_step_up_reads_as_an_improvement_before_the_point_below_the_new_limits():
    with translation.override("en"):
        paragraphs = plain_words.story(kenya_like(), MONTHS, percent=True)
    lead, first = paragraphs[0]
    assert lead == ""
    assert first.startswith("Phase 2 starts in Jul 2025: the centre line moved up from 85.1% to 91.6%")
    assert first.endswith("(+6.5 percentage points). That is an improvement.")
    # Then each phase, named by its months, with its own signals.
    assert paragraphs[1][0] == "Within phase 1 (Jan 2024 – Jun 2025):"
    assert paragraphs[1][1] == "No signal: only common-cause variation."
    assert paragraphs[2][0] == "Within phase 2 (Jul 2025 – Jun 2026):"
    # Its first month, still at the old level, is below the new limits: the change took hold after it. A
    # coach says so, rather than calling it a deterioration.
    assert paragraphs[2][1].startswith(
        "Jul 2025, the first point of the phase, is still below its new lower limit: the change took hold "
        "after it (the phase might start one period later)."
    )
    assert "Deterioration" not in plain_words.text(paragraphs)


def test_the_same_step_is_a_deterioration_where_lower_is_better():
    with translation.override("en"):
        first = plain_words.story(kenya_like(improvement="down"), MONTHS, percent=True)[0][1]
    assert first.endswith("That is a deterioration.")


def test_an_other_signal_is_named_in_words():
    y = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]
    result = chart(y, kind="run")  # no direction of improvement: every signal is an "other signal"
    with translation.override("en"):
        words = plain_words.text(plain_words.story(result, MONTHS[: len(y)]))
    assert "“Other signal” on the chart marks a signal with no direction of improvement:" in words
    assert "a run of points on one side of the centre line" in words


def test_numbers_take_the_readers_decimal_mark_and_months_their_names():
    with translation.override("fr"):
        first = plain_words.story(kenya_like(), MONTHS, percent=True)[0][1]
    assert "85,1" in first and "91,6" in first  # French writes a decimal comma
    assert "juil. 2025" in first  # the month as French readers write it


def test_a_chart_without_data_says_so():
    with translation.override("en"):
        assert plain_words.story(chart([None, None], kind="i"), MONTHS[:2]) == [
            ("", "Not enough data to look for signals.")
        ]


def test_a_point_below_the_limits_later_in_a_phase_is_a_deterioration():
    before = [85, 84, 86, 85, 85, 86, 84, 85, 86, 85, 84, 85, 86, 85, 84, 86, 85, 85]
    after = [92, 93, 92, 91, 92, 93, 92, 91, 86, 92, 93, 92]
    with translation.override("en"):
        words = plain_words.text(
            plain_words.story(chart(before + after, kind="i", part=[18], improvement="up"), MONTHS)
        )
    assert "Deterioration: 1 point below the lower control limit, in Mar 2026" in words


def test_provisional_limits_are_said_with_the_rule_sets_minimum():
    result = chart([5, 6, 5, 7, 6, 5, 6, 7, 5, 6], kind="i", rules="mdc")
    with translation.override("en"):
        words = plain_words.text(plain_words.story(result, MONTHS[:10]))
    assert words.endswith("Limits are provisional: fewer than 12 points.")


def test_a_move_of_less_than_a_point_is_counted_in_the_plural():
    with translation.override("en"):
        assert plain_words.difference(0.4, percent=True) == "+0.4 percentage points"
        assert plain_words.difference(-1.0, percent=True) == "−1.0 percentage point"
