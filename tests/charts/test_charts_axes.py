"""X labels that follow the DHIS2 period type, and round y ticks."""

import pytest

from qicop.charts import axis_labels
from qicop.charts.axes import format_value, nice_range


def test_monthly_labels_show_the_year_when_it_changes():
    ids = ["202311", "202312", "202401", "202402", "202403"]
    assert axis_labels(ids) == ["Nov 2023", "Dec", "Jan 2024", "Feb", "Mar"]


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        (["2024Q1", "2024Q2"], ["2024 Q1", "2024 Q2"]),
        (["2023", "2024"], ["2023", "2024"]),
        (["2024W5", "2024W06"], ["2024 W05", "2024 W06"]),
        (["2024S1", "2024S2"], ["2024 S1", "2024 S2"]),
        (["20240131", "20240201", "20250101"], ["31 Jan 2024", "1 Feb", "1 Jan 2025"]),
    ],
)
def test_labels_follow_each_period_type(ids, expected):
    assert axis_labels(ids) == expected


def test_unknown_ids_are_kept_as_they_are():
    assert axis_labels(["2024BiW1", "Facility A", "202413"]) == ["2024BiW1", "Facility A", "202413"]


def test_month_names_go_through_translate():
    french = {"Jan": "janv.", "Feb": "févr."}
    assert axis_labels(["202401", "202402"], translate=lambda s: french.get(s, s)) == ["janv. 2024", "févr."]


@pytest.mark.parametrize(("lo", "hi"), [(0.0, 1.0), (0.43, 0.87), (3, 1234), (-5, 5), (7, 7), (0.001, 0.002)])
def test_y_ticks_are_four_to_six_round_values_covering_the_data(lo, hi):
    first, last, ticks = nice_range(lo, hi)
    assert 3 <= len(ticks) <= 6
    assert first <= lo and last >= hi


def test_values_format_as_people_read_them():
    assert format_value(0.756, percent=True) == "75.6%"
    assert format_value(1234.0) == "1,234"
    assert format_value(None) == "–"


def test_numbers_are_drawn_with_the_separators_the_caller_gives():
    from qicop.charts.axes import format_value, number_separators

    assert format_value(15000.0) == "15,000" and format_value(85.25) == "85.2"
    with number_separators("\u202f", ","):
        assert format_value(15000.0) == "15\u202f000"
        assert format_value(85.25) == "85,2"
        assert format_value(0.852, percent=True) == "85,2%"
    assert format_value(15000.0) == "15,000"  # only inside
