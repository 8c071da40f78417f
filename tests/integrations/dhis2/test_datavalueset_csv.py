"""DHIS2 CSV data value sets: header by name or position, padding, short rows, raw values, round trip."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from qicop.integrations.dhis2 import datavalueset_csv
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.integrations.errors import FormatError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dhis2"


def read_file(path: Path, **options) -> list[DataValueRow]:
    with path.open("rb") as handle:
        _, rows = datavalueset_csv.read(handle, **options)
        return list(rows)


def read_text(text: str, **options) -> list[DataValueRow]:
    _, rows = datavalueset_csv.read(io.BytesIO(text.encode("utf-8")), **options)
    return list(rows)


# file → (number of values, {index: expected fields of that row})
SAMPLES = {
    "dataValueSetB.csv": (
        12,
        {
            0: {
                "data_element": "f7n9E0hX8qk",
                "category_option_combo": None,
                "last_updated": "2012-01-01",
                "line": 2,
            }
        },
    ),
    "dataValueSetBNoHeader.csv": (12, {0: {"data_element": "f7n9E0hX8qk", "value": "10001", "line": 1}}),
    "dataValueSetBooleanDuplicatesTest.csv": (18, {10: {"value": "test"}, 11: {"value": "not true"}}),
    "dataValueSetBooleanTest.csv": (
        18,
        {4: {"value": "f", "period": "201205"}, 8: {"value": "1", "org_unit": "BdfsJfj87js"}},
    ),
    "dataValueSetWithDataSetHeader.csv": (3, {2: {"value": "10003", "follow_up": False, "deleted": None}}),
    "test-data-bad-boolean-value.csv": (
        12,
        {0: {"value": "TRUE"}, 1: {"value": 'Yes"'}, 4: {"value": 'No"'}},
    ),
    "test-data-bad-periods.csv": (10, {2: {"period": "2016Q5"}, 8: {"period": "Oct", "line": 10}}),
    "test-data-bad-value.csv": (3, {0: {"value": "1.5"}, 1: {"value": "foo"}, 2: {"value": "0200"}}),
    "test-data-exact-dups.csv": (
        12,
        {0: {"data_element": "cI3E5LgDZPs"}, 1: {"data_element": "cI3E5LgDZPs"}},
    ),
    "test-data-missing-value.csv": (2, {0: {"value": "1"}, 1: {"value": None}}),
    "test-data-neg-values.csv": (2, {0: {"value": "-10", "stored_by": "GOOD"}, 1: {"stored_by": "BAD"}}),
    "test-data-no-header.csv": (5, {0: {"data_element": "cI3E5LgDZPs", "period": "2015Oct", "value": "6"}}),
    "test-data-with-spaces.csv": (
        2,
        {
            0: {
                "data_element": "T93kjopkTmR",
                "period": "2016Q3",
                "category_option_combo": "HllvX50cXC0",
                "attribute_option_combo": "WQa4uNduUev",
            },
            1: {
                "data_element": "T93kjopkTmR",
                "org_unit": "gozEda5V7qR",
                "category_option_combo": "ojS6pfaeZCF",
            },
        },
    ),
    "test-data.csv": (
        1000,
        {0: {"data_element": "cI3E5LgDZPs", "line": 2}, 999: {"data_element": "IeB3W5uAY9U", "value": "103"}},
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_real_csv_sample_reads_to_the_expected_rows(shared_formats, name):
    count, expected = SAMPLES[name]
    rows = read_file(shared_formats / "dhis2-datavalueset" / name)
    assert len(rows) == count
    assert [row.index for row in rows] == list(range(count))
    for index, fields in expected.items():
        assert {key: getattr(rows[index], key) for key in fields} == fields


def test_a_file_with_a_header_and_the_same_file_without_it_give_the_same_values(shared_formats):
    with_header = read_file(shared_formats / "dhis2-datavalueset" / "dataValueSetB.csv")
    without = read_file(shared_formats / "dhis2-datavalueset" / "dataValueSetBNoHeader.csv")
    assert [
        (row.data_element, row.period, row.org_unit, row.value, row.stored_by, row.comment)
        for row in with_header
    ] == [
        (row.data_element, row.period, row.org_unit, row.value, row.stored_by, row.comment) for row in without
    ]


def test_columns_are_matched_by_name_in_any_order_and_any_case():
    rows = read_text("Value,OrgUnit,PERIOD,dataElement,comment,unknown\n12,OU,202401,DE,ok,x\n")
    assert (rows[0].data_element, rows[0].period, rows[0].org_unit, rows[0].value, rows[0].comment) == (
        "DE",
        "202401",
        "OU",
        "12",
        "ok",
    )


def test_a_row_without_header_follows_dhis2_column_order_and_may_span_lines():
    rows = read_file(FIXTURES / "no-header.csv")
    assert [(row.data_element, row.line) for row in rows] == [
        ("f7n9E0hX8qk", 1),
        ("Ix2HsbDMLea", 2),
        ("eY5ehpbEsB7", 4),
    ]
    assert rows[0] == DataValueRow(
        "f7n9E0hX8qk",
        "202401",
        "DiszpKrYNg8",
        None,
        None,
        "10",
        "fatima",
        None,
        "2024-02-01",
        "checked",
        False,
        None,
        index=0,
        line=1,
    )
    assert (rows[1].value, rows[1].comment, rows[1].follow_up, rows[1].deleted) == (
        "1,5",
        "two\r\nlines",
        True,
        True,
    )
    assert (rows[2].org_unit, rows[2].value) == ("BdfsJfj87js", None)


def test_forcing_the_first_row_to_be_data_reads_it_as_a_value():
    rows = read_text("dataelement,period,orgunit\n", first_row_is_header=False)
    assert [(row.data_element, row.period, row.org_unit) for row in rows] == [
        ("dataelement", "period", "orgunit")
    ]


def test_a_header_without_required_columns_is_refused():
    with pytest.raises(FormatError) as caught:
        read_text("dataelement,value,comment\nDE,1,x\n")
    assert caught.value.message == "The CSV header has no period, orgunit column"
    assert caught.value.line == 1


def test_a_row_with_more_columns_than_the_header_is_a_format_error_at_its_line():
    with pytest.raises(FormatError) as caught:
        read_text("de,pe,ou,value\nA,202401,OU,1\n\nB,202401,OU,2,surplus\n")
    assert caught.value.message == "This row has 5 columns, more than the 4 the file has"
    assert (caught.value.line, caught.value.index) == (4, 1)


def test_a_byte_order_mark_does_not_hide_the_header():
    rows = read_text("\ufeffdataelement,period,orgunit,value\nDE,202401,OU,5\n")
    assert (rows[0].data_element, rows[0].value) == ("DE", "5")


def test_values_stay_raw_even_when_they_look_like_formulas():
    out = io.StringIO(newline="")
    datavalueset_csv.write([DataValueRow("DE", "202401", "OU", value="=1+2", comment="@SUM(A1)")], out)
    assert out.getvalue().splitlines()[1] == "DE,202401,OU,,,=1+2,,,@SUM(A1),,"
    assert read_text(out.getvalue())[0].value == "=1+2"


def test_writing_uses_dhis2_header_and_reading_back_gives_the_same_rows():
    rows = [
        DataValueRow(
            "DE_A",
            "202401",
            "OU_A",
            "COC",
            "AOC",
            "10",
            "fatima",
            None,
            "2024-02-02",
            'say "hi", ok',
            True,
            False,
            index=0,
            line=2,
        ),
        DataValueRow("DE_B", "2024Q1", "OU_B", value=None, deleted=True, index=1, line=3),
    ]
    out = io.StringIO(newline="")
    assert datavalueset_csv.write(rows, out) == 2
    assert out.getvalue().splitlines()[0] == (
        "dataelement,period,orgunit,catoptcombo,attroptcombo,value,storedby,lastupdated,comment,flwup,deleted"
    )
    assert read_text(out.getvalue()) == rows
