"""Plain JSON data value sets are read in bulk (runs of columns parsed in C) and give exactly the rows the
one-by-one reader gives; from the first run that is not plain, the one-by-one reader takes over, so
numbers, unknown keys, malformed JSON and limits are answered as they always were, with the right index."""

from __future__ import annotations

import io
import json

import pytest

from qicop.integrations.dhis2 import datavalueset_json
from qicop.integrations.dhis2.rows import DataValueRow, ValueColumns
from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import configure, current

MANY = 6_000  # values: several of the bulk reader's quarter-megabyte runs


def value(i: int, **extra) -> dict:
    return {
        "dataElement": f"DataEl{i % 25:05d}",
        "period": f"2024{i % 12 + 1:02d}",
        "orgUnit": f"Fac{i // 300:08d}",
        "categoryOptionCombo": "HllvX50cXC0",
        "value": str(i % 997),
        **extra,
    }


def document(values: list, **members) -> bytes:
    return json.dumps({**members, "dataValues": values}, indent=1).encode()


def one_by_one(data: bytes) -> list[DataValueRow]:
    """The rows as the one-by-one reader gives them."""
    header, _rows = datavalueset_json.read(io.BytesIO(data))
    return list(datavalueset_json._rows(io.BytesIO(data), header))


def read(data: bytes):
    header, rows = datavalueset_json.read(io.BytesIO(data))
    return header, rows


def test_a_plain_file_comes_in_runs_of_columns_that_are_the_same_rows():
    data = document([value(i) for i in range(MANY)])
    _header, rows = read(data)
    batches = list(rows.batches())
    assert len(batches) > 2 and all(isinstance(batch, ValueColumns) for batch in batches)
    assert [row for batch in batches for row in batch.rows()] == one_by_one(data)
    assert [row.index for batch in batches for row in batch.rows()] == list(range(MANY))


def test_iterating_a_plain_file_gives_rows_like_any_reader():
    data = document([value(i) for i in range(MANY)])
    assert list(read(data)[1]) == one_by_one(data)


def test_the_sets_defaults_and_comments_and_flags_are_applied_in_bulk_as_one_by_one():
    values = [
        {k: v for k, v in value(i, comment="checked" if i % 7 == 0 else "", followup=i % 5 == 0).items()
         if not (i % 3 == 0 and k in ("period", "orgUnit"))}
        for i in range(MANY)
    ]  # fmt: skip
    data = document(values, period="202312", orgUnit="Fac99999999", attributeOptionCombo="AocDefault1")
    _header, rows = read(data)
    assert all(isinstance(batch, ValueColumns) for batch in rows.batches())
    assert list(read(data)[1]) == one_by_one(data)


@pytest.mark.parametrize(
    "odd",
    [
        {"value": 12},  # a number: kept as its text, "12"
        {"value": 12.50},
        {"disagg": "x"},  # an unknown key: named in the row
        {"followup": "true"},  # DHIS2's text spelling of a flag
        {"storedBy": 7},
    ],
)
def test_a_value_that_is_not_plain_far_into_the_file_is_read_one_by_one_from_its_run(odd):
    values = [value(i) for i in range(MANY)]
    values[MANY - 10] = {**values[MANY - 10], **odd}
    data = document(values)
    _header, rows = read(data)
    batches = list(rows.batches())
    assert isinstance(batches[0], ValueColumns)  # the runs before it came in bulk
    assert isinstance(batches[-1], DataValueRow)  # the rest one by one
    assert list(read(data)[1]) == one_by_one(data)
    assert len(one_by_one(data)) == MANY


def test_brackets_and_braces_inside_texts_are_read_as_texts():
    values = [value(i, comment="a } and a ]} and a }, { inside a text" * (i % 2)) for i in range(MANY)]
    data = document(values)
    assert list(read(data)[1]) == one_by_one(data)


def test_malformed_json_far_into_the_file_says_where_and_at_which_value():
    data = document([value(i) for i in range(MANY)])
    cut = data.rindex(b'"value"', 0, len(data) - 2000)
    broken = data[:cut] + b'"value" "1"' + data[cut + 13 :]
    rows, error = until_error(read(broken)[1])
    expected, error_one_by_one = until_error(one_by_one_lazy(broken))
    assert isinstance(error, FormatError) and "Malformed JSON" in str(error)
    assert rows == expected and len(rows) > MANY - 100
    assert (str(error), error.line, error.column) == (
        str(error_one_by_one),
        error_one_by_one.line,
        error_one_by_one.column,
    )
    assert error.index == len(rows)


def until_error(rows) -> tuple[list[DataValueRow], Exception | None]:
    read = []
    try:
        for row in rows:
            read.append(row)
    except Exception as error:
        return read, error
    return read, None


def one_by_one_lazy(data: bytes):
    header, _rows = datavalueset_json.read(io.BytesIO(data))
    yield from datavalueset_json._rows(io.BytesIO(data), header)


def test_a_limit_passed_far_into_the_file_is_refused_with_the_values_index():
    values = [value(i) for i in range(MANY)]
    values[MANY - 5]["comment"] = "x" * 2_000
    data = document(values)
    before = current()
    configure(before.with_(max_text=1_000))
    try:
        rows, error = until_error(read(data)[1])
        expected, error_one_by_one = until_error(one_by_one_lazy(data))
    finally:
        configure(before)
    assert isinstance(error, LimitExceeded) and "longer than" in str(error)
    assert rows == expected and error.index == len(rows) == error_one_by_one.index
    assert (error.line, error.column) == (error_one_by_one.line, error_one_by_one.column)


def test_members_after_the_values_are_read_as_the_header_and_the_values_one_by_one():
    data = json.dumps({"dataValues": [value(i) for i in range(50)], "period": "202401"}).encode()
    header, rows = read(data)
    assert header.period == "202401"
    assert list(rows) == one_by_one(data)


def test_a_nested_dhis2_shape_before_the_values_is_read_one_by_one():
    data = document([value(i) for i in range(50)], meta={"dataValues": []})
    _header, rows = read(data)
    assert all(isinstance(batch, DataValueRow) for batch in rows.batches())
