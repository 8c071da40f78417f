"""Periods for people: their names, and whether publications cover them."""

from datetime import date

from django.utils import translation

from qicop.indicators.periods import covered, period_name
from qicop.integrations.dhis2.periods import parse_period


def month(period_id: str) -> tuple[date, date]:
    period = parse_period(period_id)
    return period.start, period.end


def test_a_period_is_named_as_people_say_it_in_their_language():
    assert period_name("202611") == "Nov 2026"
    assert period_name("") == "" and period_name(None) == ""
    with translation.override("fr"):
        assert period_name("202611") != "202611" and "2026" in period_name("202611")


def test_a_quarter_is_covered_by_its_three_months_published_one_by_one():
    quarter = parse_period("2026Q3")
    assert covered([month("202609"), month("202607"), month("202608")], quarter)
    assert not covered([month("202607"), month("202609")], quarter)  # August is not published


def test_a_month_is_covered_by_its_quarter_or_its_year():
    assert covered([month("2026Q3")], parse_period("202608"))
    assert covered([month("2026")], parse_period("202608"))
    assert not covered([month("2026Q2")], parse_period("202608"))
    assert not covered([], parse_period("202608"))
