"""DHIS2 JSON data value sets: what the streaming reader yields from real files, and what the writer
writes."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest

from qicop.integrations.dhis2 import datavalueset_json
from qicop.integrations.dhis2.rows import DataValueRow, DataValueSetHeader
from qicop.integrations.errors import FormatError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dhis2"


def read_file(path: Path) -> tuple[DataValueSetHeader, list[DataValueRow]]:
    with path.open("rb") as handle:
        header, rows = datavalueset_json.read(handle)
        return header, list(rows)


def read_bytes(data: bytes) -> tuple[DataValueSetHeader, list[DataValueRow]]:
    header, rows = datavalueset_json.read(io.BytesIO(data))
    return header, list(rows)


# file → (number of values, {index: expected fields of that row})
SAMPLES = {
    "dataValueSetCreateDate.json": (
        1,
        {0: {"value": "20", "created": "1988-12-21T23:59:38.000+0000", "comment": None, "follow_up": False}},
    ),
    "dataValueSetCreateDateUpdated.json": (1, {0: {"value": "22", "comment": "new comment"}}),
    "dataValueSetJ.json": (1, {0: {"data_element": "f7n9E0hX8qk", "period": "201201", "value": "10"}}),
    "dataValueSetJDeleteNewValue.json": (1, {0: {"value": "9", "deleted": None}}),
    "dataValueSetJDeleteNoValue.json": (1, {0: {"org_unit": "DiszpKrYNg8", "value": None}}),
    "dataValueSetJDeleteZeroValue.json": (1, {0: {"value": "0"}}),
    "dataValues_bulk.json": (
        231,
        {
            0: {"data_element": "tpz77FcntKx", "period": "2018", "value": "500000", "follow_up": False},
            230: {"data_element": "yVGY0DGVPor", "period": "201912", "category_option_combo": "kQBGXKMwoqR"},
        },
    ),
    "dataValues_single_dataset.json": (
        2,
        {
            1: {
                "category_option_combo": "rtfSaMjPyq6",
                "attribute_option_combo": "HllvX50cXC0",
                "value": "2000",
            }
        },
    ),
    "data_value.json": (
        1,
        {0: {"data_element": "s46m5MS0hxu", "stored_by": "bodata1", "comment": "", "deleted": False}},
    ),
    "data_values_BfMAe6Itzgt.json": (1, {0: {"period": "201908", "value": "24"}}),
    "data_values_TaMAefItzgt.json": (2, {1: {"period": "2019W43", "category_option_combo": "DwrQJzeChWp"}}),
    "data_values_empty.json": (0, {}),
    "data_values_lyLU2wR22tC.json": (6, {1: {"comment": "N/A", "follow_up": True, "stored_by": "android"}}),
    "data_values_monthly.json": (4, {3: {"period": "201908", "attribute_option_combo": "Gmbgme7z9BF"}}),
    "data_values_only_common_fields.json": (0, {}),
    "data_values_single_period.json": (2, {1: {"data_element": "del2", "period": "2017"}}),
    "data_values_weekly.json": (1, {0: {"org_unit": "g8upMTyEZGZ", "value": "5"}}),
    "test-json-bad-attributes.json": (
        3,
        {1: {"data_element": "AhqNYjuc5ug", "category_option_combo": None, "attribute_option_combo": None}},
    ),
    "test-json.json": (
        1000,
        {0: {"data_element": "sqvgFXuNWTB", "period": "2017Q1", "value": "183"}, 999: {"value": "22"}},
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_real_json_sample_reads_to_the_expected_rows(shared_formats, name):
    count, expected = SAMPLES[name]
    _, rows = read_file(shared_formats / "dhis2-datavalueset" / name)
    assert len(rows) == count
    assert [row.index for row in rows] == list(range(count))
    for index, fields in expected.items():
        assert {key: getattr(rows[index], key) for key in fields} == fields


def test_set_level_fields_form_the_header_and_completed_date_is_read_as_complete_date(shared_formats):
    header, rows = read_file(shared_formats / "dhis2-datavalueset" / "dataValues_single_dataset.json")
    assert header == DataValueSetHeader(
        data_set="VEM58nY22sO", complete_date="2019-06-05", period="201911", org_unit="O6uvpzGd5pu"
    )
    assert rows[0].period == "201911"


def test_a_set_with_only_common_fields_has_a_header_and_no_values(shared_formats):
    header, rows = read_file(shared_formats / "dhis2-datavalueset" / "data_values_only_common_fields.json")
    assert (header.data_set, header.period, header.org_unit) == ("Nyh6laLdBEJ", "2021W10", "DiszpKrYNg8")
    assert rows == []


def test_a_single_data_value_object_is_read_as_a_set_of_one(shared_formats):
    header, rows = read_file(shared_formats / "dhis2-datavalueset" / "data_value.json")
    assert header.period == "201712"
    assert rows[0].attribute_option_combo == "bRowv6yZOF2"
    assert rows[0].last_updated == "2011-01-11T00:00:00.000+0000"


def test_header_members_after_data_values_still_apply_as_defaults():
    header, rows = read_file(FIXTURES / "header-after-values.json")
    assert header == DataValueSetHeader(
        data_set="pBOMPrpg1QX",
        complete_date="2024-02-05",
        period="202401",
        org_unit="DiszpKrYNg8",
        attribute_option_combo="HllvX50cXC0",
    )
    assert [(row.period, row.org_unit, row.attribute_option_combo) for row in rows] == [
        ("202401", "DiszpKrYNg8", "HllvX50cXC0"),
        ("202402", "DiszpKrYNg8", "HllvX50cXC0"),
        ("202401", "BdfsJfj87js", "HllvX50cXC0"),
    ]


def test_field_variants_follow_up_timestamp_and_numeric_values_are_normalised():
    _, rows = read_file(FIXTURES / "header-after-values.json")
    assert rows[0].follow_up is True  # "followUp": "true"
    assert rows[1].value == "11"  # a JSON number is kept as its text
    assert rows[1].last_updated == "2024-03-01T08:00:00.000+0000"  # legacy "timestamp"


def test_header_after_values_is_applied_even_from_a_non_seekable_stream():
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes):
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    header, rows = datavalueset_json.read(Pipe((FIXTURES / "header-after-values.json").read_bytes()))
    assert header.org_unit == "DiszpKrYNg8"
    assert [row.org_unit for row in rows] == ["DiszpKrYNg8", "DiszpKrYNg8", "BdfsJfj87js"]


def test_truncated_json_yields_the_complete_values_then_fails_at_the_end_of_the_file():
    with (FIXTURES / "truncated.json").open("rb") as handle:
        header, rows = datavalueset_json.read(handle)
        assert header.data_set == "pBOMPrpg1QX"
        assert [row.value for row in (next(rows), next(rows))] == ["10", "11"]
        with pytest.raises(FormatError) as caught:
            next(rows)
    assert caught.value.message == (
        "Malformed JSON: the file ends before the data value set is complete (truncated?)"
    )
    assert (caught.value.line, caught.value.column, caught.value.index) == (6, 51, 2)


def test_invalid_json_reports_the_line_and_column_where_the_parser_stopped():
    data = b'{"dataValues": [\n  {"dataElement": "a", "value": "1"},\n  {"dataElement": "b" "value": "2"}\n]}'
    with pytest.raises(FormatError) as caught:
        read_bytes(data)
    assert caught.value.message.startswith("Malformed JSON: parse error: after key and value, inside map")
    assert (caught.value.line, caught.value.index) == (3, 1)


def test_a_json_document_that_is_not_an_object_is_refused():
    with pytest.raises(FormatError, match="must be a JSON object") as caught:
        datavalueset_json.read(io.BytesIO(b"[1, 2]"))
    assert caught.value.line == 1


def test_an_empty_file_is_refused():
    with pytest.raises(FormatError, match="empty"):
        datavalueset_json.read(io.BytesIO(b""))


def test_a_byte_order_mark_is_ignored():
    _, rows = read_bytes(
        b'\xef\xbb\xbf{"dataValues": [{"dataElement": "a", "period": "2024", "orgUnit": "o"}]}'
    )
    assert rows[0].data_element == "a"


def test_missing_required_fields_are_yielded_empty_never_skipped():
    _, rows = read_bytes(b'{"dataValues": [{"value": "1"}, {"dataElement": "a", "value": "2"}]}')
    assert [(row.data_element, row.period, row.org_unit, row.index) for row in rows] == [
        ("", "", "", 0),
        ("a", "", "", 1),
    ]


def test_a_follow_up_that_is_not_a_boolean_is_a_format_error_naming_the_value():
    with pytest.raises(FormatError, match="followup must be true or false") as caught:
        read_bytes(b'{"dataValues": [{"dataElement": "a", "followup": "maybe"}]}')
    assert caught.value.index == 0


def test_writing_then_reading_gives_the_same_rows():
    header = DataValueSetHeader(data_set="pBOMPrpg1QX", complete_date="2024-02-05")
    rows = [
        DataValueRow(
            "f7n9E0hX8qk",
            "202401",
            "DiszpKrYNg8",
            "kjuiHgy67hg",
            "HllvX50cXC0",
            "10",
            "fatima",
            "2024-02-01T00:00:00.000+0000",
            "2024-02-02T00:00:00.000+0000",
            'né "quoted"',
            True,
            False,
            index=0,
        ),
        DataValueRow("Ix2HsbDMLea", "2024Q1", "BdfsJfj87js", value=None, deleted=True, index=1),
    ]
    out = io.StringIO()
    assert datavalueset_json.write(header, rows, out) == 2
    document = json.loads(out.getvalue())
    assert document["dataValues"][1] == {
        "dataElement": "Ix2HsbDMLea",
        "period": "2024Q1",
        "orgUnit": "BdfsJfj87js",
        "deleted": True,
    }
    read_header, read_rows = read_bytes(out.getvalue().encode())
    assert read_header == header
    assert read_rows == rows


def test_reading_200000_values_keeps_memory_flat(tmp_path):
    path = tmp_path / "big.json"
    row = DataValueRow("f7n9E0hX8qk", "202401", "DiszpKrYNg8", "HllvX50cXC0", "HllvX50cXC0", "123", "admin")
    with path.open("w") as out:
        datavalueset_json.write(
            DataValueSetHeader(data_set="pBOMPrpg1QX"), (row for _ in range(200_000)), out
        )
    assert path.stat().st_size > 30_000_000
    tracemalloc.start()
    try:
        with path.open("rb") as handle:
            _, rows = datavalueset_json.read(handle)
            count = sum(1 for _ in rows)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 30 * 1024 * 1024
