"""The engine keeps signals of improvement only, direction-aware, on series long enough for it."""

import numpy as np

from qicop.deviance.engine import MIN_POINTS, improvements


def _block(*rows):
    numerators = np.array(rows, dtype=float)
    return numerators, np.full(numerators.shape, 100.0)


BEFORE = [70, 72, 71, 69, 70, 71, 72, 70, 69, 71, 70, 72, 71, 70, 69, 71]
AFTER = [84, 85, 83, 86, 84, 85, 84, 83, 85, 86, 84, 85]


class TestEngine:
    def test_a_step_up_of_a_higher_is_better_measure_is_an_improvement_since_its_first_month(self):
        num, den = _block(BEFORE + AFTER)
        [found] = improvements(num, den, kind="p", improvement="up", factor=100)
        assert found.rule == "shift"
        assert found.since == len(BEFORE)
        assert found.sustained
        assert found.size > 10 and found.level_now > found.baseline

    def test_the_same_step_is_no_improvement_when_lower_is_better(self):
        num, den = _block(BEFORE + AFTER)
        assert improvements(num, den, kind="p", improvement="down", factor=100) == []

    def test_a_step_down_is_a_deterioration_and_left_out(self):
        num, den = _block(AFTER + BEFORE)
        assert improvements(num, den, kind="p", improvement="up", factor=100) == []

    def test_a_measure_without_a_direction_has_no_improvement(self):
        num, den = _block(BEFORE + AFTER)
        assert improvements(num, den, kind="p", improvement=None, factor=100) == []

    def test_a_series_shorter_than_the_engine_needs_is_left_out_not_guessed(self):
        short = [70, 71, 70, 85, 86, 85, 84, 86, 85, 87, 86][: MIN_POINTS - 1]
        padded = short + [np.nan] * (len(BEFORE + AFTER) - len(short))
        num, den = _block(padded, BEFORE + AFTER)
        found = improvements(num, den, kind="p", improvement="up", factor=100)
        assert [f.row for f in found] == [1]

    def test_an_improvement_that_fell_back_is_not_sustained(self):
        back = BEFORE + AFTER[:9] + [70, 71, 69, 70, 71]
        num, den = _block(back)
        [found] = improvements(num, den, kind="p", improvement="up", factor=100)
        assert not found.sustained
        assert found.since == len(BEFORE)

    def test_many_series_are_charted_together_and_each_keeps_its_row(self):
        flat = [70, 71, 70, 69, 71, 70, 71, 70, 69, 70, 71, 70, 69, 71] * 2
        num, den = _block(flat, BEFORE + AFTER, flat[::-1])
        found = improvements(num, den, kind="p", improvement="up", factor=100)
        assert [f.row for f in found] == [1]
