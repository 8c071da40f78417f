"""DHIS2 and ADX periods (formats.md §1.7 and §2): a specification of `qicop.integrations.dhis2.periods`."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qicop.integrations.dhis2.periods import (
    PERIOD_TYPES,
    ParsedPeriod,
    PeriodError,
    parse_adx_period,
    parse_period,
    period_of,
    periods_between,
    rollup,
)

D = date

# id → (type, first day, last day): one or more examples of every type of formats.md §1.7.
EXAMPLES = {
    "20240315": ("Daily", D(2024, 3, 15), D(2024, 3, 15)),
    "20240229": ("Daily", D(2024, 2, 29), D(2024, 2, 29)),
    "2024W1": ("Weekly", D(2024, 1, 1), D(2024, 1, 7)),
    "2020W1": ("Weekly", D(2019, 12, 30), D(2020, 1, 5)),
    "2020W53": ("Weekly", D(2020, 12, 28), D(2021, 1, 3)),
    "2026W53": ("Weekly", D(2026, 12, 28), D(2027, 1, 3)),
    "2021W1": ("Weekly", D(2021, 1, 4), D(2021, 1, 10)),
    "2015WedW5": ("WeeklyWednesday", D(2015, 1, 28), D(2015, 2, 3)),
    "2024ThuW1": ("WeeklyThursday", D(2024, 1, 4), D(2024, 1, 10)),
    "2024FriW1": ("WeeklyFriday", D(2023, 12, 29), D(2024, 1, 4)),
    "2024SatW1": ("WeeklySaturday", D(2023, 12, 30), D(2024, 1, 5)),
    "2024SunW1": ("WeeklySunday", D(2023, 12, 31), D(2024, 1, 6)),
    "2015BiW1": ("BiWeekly", D(2014, 12, 29), D(2015, 1, 11)),
    "2024BiW26": ("BiWeekly", D(2024, 12, 16), D(2024, 12, 29)),
    "2020BiW27": ("BiWeekly", D(2020, 12, 28), D(2021, 1, 10)),
    "202403": ("Monthly", D(2024, 3, 1), D(2024, 3, 31)),
    "202402": ("Monthly", D(2024, 2, 1), D(2024, 2, 29)),
    "202401B": ("BiMonthly", D(2024, 1, 1), D(2024, 2, 29)),
    "202406B": ("BiMonthly", D(2024, 11, 1), D(2024, 12, 31)),
    "2024Q1": ("Quarterly", D(2024, 1, 1), D(2024, 3, 31)),
    "2024Q4": ("Quarterly", D(2024, 10, 1), D(2024, 12, 31)),
    "2024NovQ1": ("QuarterlyNov", D(2023, 11, 1), D(2024, 1, 31)),
    "2024NovQ4": ("QuarterlyNov", D(2024, 8, 1), D(2024, 10, 31)),
    "2024S2": ("SixMonthly", D(2024, 7, 1), D(2024, 12, 31)),
    "2024AprilS1": ("SixMonthlyApril", D(2024, 4, 1), D(2024, 9, 30)),
    "2024AprilS2": ("SixMonthlyApril", D(2024, 10, 1), D(2025, 3, 31)),
    "2024NovS1": ("SixMonthlyNov", D(2023, 11, 1), D(2024, 4, 30)),
    "2024NovS2": ("SixMonthlyNov", D(2024, 5, 1), D(2024, 10, 31)),
    "2024": ("Yearly", D(2024, 1, 1), D(2024, 12, 31)),
    "2024Feb": ("FinancialFeb", D(2024, 2, 1), D(2025, 1, 31)),
    "2024April": ("FinancialApril", D(2024, 4, 1), D(2025, 3, 31)),
    "2024July": ("FinancialJuly", D(2024, 7, 1), D(2025, 6, 30)),
    "2024Aug": ("FinancialAug", D(2024, 8, 1), D(2025, 7, 31)),
    "2024Sep": ("FinancialSep", D(2024, 9, 1), D(2025, 8, 31)),
    "2023Oct": ("FinancialOct", D(2023, 10, 1), D(2024, 9, 30)),
    "2024Nov": ("FinancialNov", D(2024, 11, 1), D(2025, 10, 31)),
}


@pytest.mark.parametrize(("text", "expected"), EXAMPLES.items(), ids=list(EXAMPLES))
def test_every_dhis2_period_id_parses_into_its_type_and_inclusive_span(text, expected):
    period = parse_period(text)
    assert (period.period_type, period.start, period.end) == expected
    assert period.id == text


def test_the_examples_cover_every_period_type():
    assert {period_type for period_type, _, _ in EXAMPLES.values()} == set(PERIOD_TYPES)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("2024-03-15", "20240315"), ("2024-03", "202403"), ("2024W01", "2024W1"), ("  2024Q1\t", "2024Q1")],
)
def test_alternative_spellings_and_surrounding_whitespace_parse_to_the_canonical_id(text, canonical):
    assert parse_period(text) == parse_period(canonical)
    assert parse_period(text).id == canonical


def test_iso_week_53_exists_only_in_long_years():
    assert parse_period("2020W53").days == 7
    assert parse_period("2026W53").start == D(2026, 12, 28)
    with pytest.raises(PeriodError, match="2024 has 52 ISO weeks"):
        parse_period("2024W53")


def test_week_one_may_start_in_the_previous_december():
    assert parse_period("2025W1").start == D(2024, 12, 30)
    assert period_of("Weekly", D(2024, 12, 31)).id == "2025W1"


def test_days_at_the_start_of_january_may_belong_to_the_last_week_of_the_previous_year():
    assert period_of("Weekly", D(2021, 1, 3)).id == "2020W53"
    assert period_of("Weekly", D(2023, 1, 1)).id == "2022W52"


def test_other_weekly_types_count_weeks_from_the_week_holding_the_fourth_of_january():
    for period_type, weekday in [("WeeklyWednesday", 2), ("WeeklySaturday", 5), ("WeeklySunday", 6)]:
        for year in range(2015, 2030):
            first = period_of(period_type, D(year, 1, 4))
            assert first.id.endswith("W1")
            assert first.start.weekday() == weekday
            assert first.contains(period_of("Daily", D(year, 1, 4)))


def test_biweek_27_exists_only_in_years_with_53_iso_weeks_and_runs_into_the_next_year():
    biweek = parse_period("2020BiW27")
    assert biweek.days == 14
    assert biweek.contains(parse_period("2021W1"))
    with pytest.raises(PeriodError, match="2021 has 26 bi-weeks"):
        parse_period("2021BiW27")


def test_financial_years_are_labelled_by_their_start_year():
    # PEPFAR's FY2024 runs from October 2023 to September 2024 and is 2023Oct in DHIS2.
    assert period_of("FinancialOct", D(2024, 9, 30)).id == "2023Oct"
    assert period_of("FinancialApril", D(2025, 3, 31)).id == "2024April"
    assert period_of("FinancialNov", D(2024, 11, 1)).id == "2024Nov"


def test_november_quarters_and_halves_are_labelled_by_the_year_they_end_in():
    assert period_of("QuarterlyNov", D(2023, 12, 25)).id == "2024NovQ1"
    assert period_of("SixMonthlyNov", D(2023, 11, 1)).id == "2024NovS1"
    assert period_of("SixMonthlyApril", D(2025, 3, 31)).id == "2024AprilS2"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2024W54", "'2024W54' is not a period: 2024 has 52 ISO weeks"),
        ("2024W0", "2024 has 52 ISO weeks"),
        ("2021SunW53", "2021 has 52 WeeklySunday weeks"),
        ("20230229", "'20230229' is not a period: 2023-02-29 is not a date"),
        ("2023-02-29", "2023-02-29 is not a date"),
        ("202313", "months run from 01 to 12"),
        ("202400", "months run from 01 to 12"),
        ("2024Q5", "quarters run from 1 to 4"),
        ("2024NovQ0", "quarters run from 1 to 4"),
        ("202407B", "bi-months run from 01 to 06"),
        ("2024S3", "six-month periods are 1 and 2"),
        ("2024AprilS3", "six-month periods are 1 and 2"),
        ("Oct", "'Oct' is not a period: expected a DHIS2 period id such as"),
        ("", "expected a DHIS2 period id"),
        ("2024-0315", "expected a DHIS2 period id"),
        ("2024March", "expected a DHIS2 period id"),
        ("24Q1", "expected a DHIS2 period id"),
        ("2024q1", "expected a DHIS2 period id"),
        ("0000", "outside the calendar"),
        ("9999Nov", "outside the calendar"),
    ],
)
def test_impossible_periods_are_rejected_with_a_reason_a_person_understands(text, message):
    with pytest.raises(PeriodError, match=message.replace("(", r"\(")):
        parse_period(text)


def test_period_error_is_a_value_error():
    with pytest.raises(ValueError, match="not a period"):
        parse_period("2016Q5")


def test_a_non_text_is_not_a_period():
    with pytest.raises(PeriodError, match="a period id is a text"):
        parse_period(202403)


def test_leap_days_are_dates_only_in_leap_years():
    assert parse_period("20240229").start == D(2024, 2, 29)
    assert parse_period("20000229").days == 1
    for text in ("20230229", "19000229"):
        with pytest.raises(PeriodError, match="is not a date"):
            parse_period(text)


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_the_canonical_id_parses_back_to_the_same_period(text):
    period = parse_period(text)
    assert parse_period(period.id) == period
    assert str(period) == period.id


@pytest.mark.parametrize("text", list(EXAMPLES))
def test_the_adx_form_parses_back_to_the_same_period(text):
    period = parse_period(text)
    assert parse_adx_period(period.to_adx()) == period


@pytest.mark.parametrize(
    ("adx", "expected_id"),
    [
        ("2024-03-15/P1D", "20240315"),
        ("2024-01-01/P7D", "2024W1"),
        ("2024-01-01/P1W", "2024W1"),
        ("2015-01-28/P7D", "2015WedW5"),
        ("2023-12-31/P7D", "2024SunW1"),
        ("2014-12-29/P14D", "2015BiW1"),
        ("2024-03-01/P1M", "202403"),
        ("2024-01-01/P2M", "202401B"),
        ("2024-04-01/P3M", "2024Q2"),
        ("2024-02-01/P3M", "2024NovQ2"),
        ("2024-07-01/P6M", "2024S2"),
        ("2024-10-01/P6M", "2024AprilS2"),
        ("2024-05-01/P6M", "2024NovS2"),
        ("2024-01-01/P1Y", "2024"),
        ("2024-01-01/P12M", "2024"),
        ("2024-04-01/P1Y", "2024April"),
        ("2023-10-01/P1Y", "2023Oct"),
        (" 2024-07-01/P1Y ", "2024July"),
    ],
)
def test_an_adx_period_maps_to_the_dhis2_type_its_start_and_duration_fit(adx, expected_id):
    assert parse_adx_period(adx) == parse_period(expected_id)


def test_periods_write_their_adx_form_with_the_shortest_duration():
    assert parse_period("2024Q1").to_adx() == "2024-01-01/P3M"
    assert parse_period("2024April").to_adx() == "2024-04-01/P1Y"
    assert parse_period("2024W1").to_adx() == "2024-01-01/P7D"
    assert parse_period("20240315").to_adx() == "2024-03-15/P1D"


@pytest.mark.parametrize(
    ("adx", "message"),
    [
        ("2024-01-02/P7D", "no DHIS2 period type has periods of P7D starting on 2024-01-02"),  # a Tuesday
        ("2024-01-15/P1M", "P1M starting on 2024-01-15"),
        ("2024-02-01/P2M", "P2M starting on 2024-02-01"),
        ("2024-03-01/P3M", "P3M starting on 2024-03-01"),
        ("2024-02-01/P6M", "P6M starting on 2024-02-01"),
        ("2024-03-01/P1Y", "P1Y starting on 2024-03-01"),
        ("2024-01-08/P14D", "P14D starting on 2024-01-08"),  # ISO week 2: bi-weeks start on odd weeks
        ("2024-01-01/P5D", "P5D"),
        ("2024-01-01/P0D", "P0D"),
        ("2024-02-30/P1D", "2024-02-30 is not a date"),
        ("2015-A1", "an ADX period is a start date and an ISO 8601 duration"),
        ("2024-01-01", "an ADX period is a start date"),
        ("2024-01-01/1M", "an ADX period is a start date"),
    ],
)
def test_an_adx_period_that_fits_no_dhis2_type_is_rejected(adx, message):
    with pytest.raises(PeriodError, match=message):
        parse_adx_period(adx)


def test_next_and_previous_cross_year_ends():
    assert parse_period("202412").next().id == "202501"
    assert parse_period("202501").previous().id == "202412"
    assert parse_period("2020W53").next().id == "2021W1"
    assert parse_period("2021W1").previous().id == "2020W53"
    assert parse_period("2024Q4").next().id == "2025Q1"
    assert parse_period("2024NovQ4").next().id == "2025NovQ1"
    assert parse_period("2024AprilS2").next().id == "2025AprilS1"
    assert parse_period("2023Oct").next().id == "2024Oct"
    assert parse_period("20241231").next().id == "20250101"
    assert parse_period("2024").previous().id == "2023"
    assert parse_period("2024BiW26").next().id == "2025BiW1"


def test_the_bi_week_after_biweek_27_is_the_next_years_first():
    assert parse_period("2020BiW27").next().id == "2021BiW1"
    assert parse_period("2021BiW1").previous().id == "2020BiW27"


@given(st.sampled_from(PERIOD_TYPES), st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31)))
def test_next_and_previous_are_inverse_and_adjacent(period_type, day):
    period = period_of(period_type, day)
    assert period.start <= day <= period.end
    assert period.next().previous() == period
    assert period.previous().next() == period
    if period_type != "BiWeekly":  # bi-week 27 overlaps the next year's bi-week 1 (see the module)
        assert period.next().start == period.end + timedelta(days=1)
    assert parse_period(period.id) == period
    assert parse_adx_period(period.to_adx()) == period


def test_period_of_rejects_an_unknown_type():
    with pytest.raises(PeriodError, match="'Fortnightly' is not a period type; expected one of Daily"):
        period_of("Fortnightly", D(2024, 1, 1))


def test_periods_between_lists_every_period_overlapping_the_range_in_order():
    quarters = periods_between("Quarterly", D(2023, 11, 15), D(2024, 4, 1))
    assert [q.id for q in quarters] == ["2023Q4", "2024Q1", "2024Q2"]
    weeks = periods_between("Weekly", D(2020, 12, 20), D(2021, 1, 4))
    assert [w.id for w in weeks] == ["2020W51", "2020W52", "2020W53", "2021W1"]
    assert len(periods_between("Daily", D(2024, 1, 1), D(2024, 12, 31))) == 366
    assert periods_between("Monthly", D(2024, 2, 1), D(2024, 1, 1)) == []


def test_rollup_climbs_months_to_quarters_to_years():
    quarter = rollup(parse_period("202403"), "Quarterly")
    assert quarter.id == "2024Q1"
    assert rollup(quarter, "Yearly").id == "2024"
    assert rollup(parse_period("202411"), "QuarterlyNov").id == "2025NovQ1"
    assert rollup(parse_period("2024Q2"), "FinancialApril").id == "2024April"
    assert rollup(parse_period("2023Q4"), "FinancialOct").id == "2023Oct"
    assert rollup(parse_period("2024Q1"), "FinancialApril").id == "2023April"
    assert rollup(parse_period("2024Q1"), "Quarterly") == parse_period("2024Q1")


def test_rollup_refuses_a_period_that_straddles_two_targets():
    with pytest.raises(
        PeriodError, match=r"2024W5 .* does not fit in one Monthly period: it starts in 202401"
    ):
        rollup(parse_period("2024W5"), "Monthly")
    with pytest.raises(PeriodError, match="ends in 2021"):
        rollup(parse_period("2020W53"), "Yearly")
    with pytest.raises(PeriodError, match="does not fit"):
        rollup(parse_period("2024Q1"), "QuarterlyNov")
    with pytest.raises(PeriodError, match="does not fit"):
        rollup(parse_period("2024Q1"), "Monthly")  # a finer type never contains it


def test_rollup_by_majority_gives_a_week_to_the_period_holding_its_thursday():
    assert rollup(parse_period("2020W53"), "Yearly", by_majority=True).id == "2020"
    assert rollup(parse_period("2025W1"), "Yearly", by_majority=True).id == "2025"
    week = parse_period("2024W5")  # Monday 29 January to Sunday 4 February
    assert rollup(week, "Monthly", by_majority=True).id == "202402"
    assert rollup(parse_period("2024W9"), "Monthly", by_majority=True).id == "202402"  # 26 Feb to 3 Mar


def test_contains_is_about_whole_spans():
    year = parse_period("2024")
    assert year.contains(parse_period("2024Q3"))
    assert year.contains(year)
    assert not year.contains(parse_period("2024April"))
    assert not parse_period("2024Q3").contains(year)


def test_periods_sort_by_start_then_end():
    ids = ["2024", "202402", "2024Q1", "202401", "2023Oct", "20240101"]
    assert [p.id for p in sorted(parse_period(i) for i in ids)] == [
        "2023Oct",
        "20240101",
        "202401",
        "2024Q1",
        "2024",
        "202402",
    ]


def test_periods_are_hashable_values_and_parsing_is_cached():
    assert parse_period("2024Q1") is parse_period("2024Q1")
    assert len({parse_period("2024-03"), parse_period("202403")}) == 1
    assert isinstance(parse_period("2024Q1"), ParsedPeriod)
    assert parse_period.cache_info().hits > 0


def test_days_counts_both_ends():
    assert parse_period("2024").days == 366
    assert parse_period("202402").days == 29
    assert parse_period("2024NovS1").days == 182


# --- the real DHIS2 data value sets in shared/formats --------------------------------------------------

# Deliberately broken periods in the samples (test-data-bad-periods.csv, formats.md §7).
KNOWN_BAD_PERIODS = {"2016Q5", "Oct"}


def _json_periods(data: object):
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "period" and isinstance(value, str):
                yield value
            else:
                yield from _json_periods(value)
    elif isinstance(data, list):
        for item in data:
            yield from _json_periods(item)


def _periods_in(path: Path) -> list[str]:
    if path.suffix == ".json":
        return list(_json_periods(json.loads(path.read_text(encoding="utf-8"))))
    if path.suffix == ".xml":
        return [e.attrib["period"] for e in ET.parse(path).iter() if "period" in e.attrib]
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.reader(handle) if len(row) > 1]
    # The period is the second column (formats.md §1.4); a header row names it.
    return [row[1] for row in rows if row[1].strip().lower() not in {"period", "pe"}]


def test_every_period_in_the_real_data_value_sets_parses_unless_deliberately_broken(shared_formats):
    folder = shared_formats / "dhis2-datavalueset"
    seen: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in {".json", ".xml", ".csv"}:
            seen.update((text, path) for text in _periods_in(path))
    assert len(seen) > 20
    for text, path in seen.items():
        if text.strip() in KNOWN_BAD_PERIODS:
            with pytest.raises(PeriodError):
                parse_period(text)
        else:
            assert parse_period(text).id == text.strip(), path.name
    assert {text.strip() for text in seen} >= KNOWN_BAD_PERIODS
    assert {"2019W43", "2017Oct", "2012Q2", "201912"} <= set(seen)
