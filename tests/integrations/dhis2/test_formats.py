"""Telling formats apart as DHIS2's endpoint does, and reading any of them through one entry point."""

from __future__ import annotations

import io

import pytest

from qicop.integrations.dhis2.formats import detect_format, open_reader, parse_flag
from qicop.integrations.errors import FormatError


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/json", "json"),
        ("application/json; charset=utf-8", "json"),
        ("application/csv", "csv"),
        ("text/csv", "csv"),
        ("application/adx+xml", "adx"),
        ("application/xml", "xml"),
    ],
)
def test_the_content_type_decides_first(content_type, expected):
    assert (
        detect_format("data.bin", content_type, b"<dataValueSet/>" if expected == "xml" else b"") == expected
    )


def test_xml_declared_as_plain_xml_is_still_recognised_as_adx_by_its_namespace():
    assert (
        detect_format(None, "application/xml", b'<?xml version="1.0"?>\n<adx xmlns="urn:ihe:qrph:adx:2015">')
        == "adx"
    )


@pytest.mark.parametrize(
    ("filename", "expected"), [("values.json", "json"), ("values.CSV", "csv"), ("values.adx", "adx")]
)
def test_the_extension_decides_when_the_content_type_says_nothing(filename, expected):
    assert detect_format(filename, "application/octet-stream", b"") == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'\xef\xbb\xbf  {"dataValues": []}', "json"),
        (
            b'<?xml version="1.0"?>\n<!-- export -->\n<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">',
            "xml",
        ),
        (b'<adx xmlns="urn:ihe:qrph:adx:2015" exported="2024-01-01">', "adx"),
        (b'<adx xmlns:xsi="x" xmlns="http://ihe.net/quality/schema/adx">', "adx"),
        (b"<adx>\n\t<group orgUnit=", "adx"),
        (b'"dataelement","period","orgunit"\n', "csv"),
    ],
)
def test_without_type_or_extension_the_first_bytes_decide(head, expected):
    assert detect_format(None, None, head) == expected


SAMPLE_FORMATS = [
    ("dhis2-datavalueset/dataValueSetA.xml", "xml", 3),
    ("dhis2-datavalueset/dataValueSetB.csv", "csv", 12),
    ("dhis2-datavalueset/test-data-no-header.csv", "csv", 5),
    ("dhis2-datavalueset/data_values_monthly.json", "json", 4),
    ("adx/importA.adx.xml", "adx", 9),
    ("adx/madx-hiv/data-sample.xml", "adx", 173),
    ("adx/dhis2-adx/adx_data_sample_reportingtime.xml", "adx", 20),
    ("adx/dhis2-adx/adx_sample.xml", "xml", 3),
]


@pytest.mark.parametrize(("path", "fmt", "count"), SAMPLE_FORMATS)
def test_real_files_are_detected_by_their_content_and_read_through_one_entry_point(
    shared_formats, path, fmt, count
):
    data = (shared_formats / path).read_bytes()
    assert detect_format(None, None, data[:4096]) == fmt
    _, rows = open_reader(fmt, io.BytesIO(data))
    assert sum(1 for _ in rows) == count


def test_an_unknown_format_name_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown data value format"):
        open_reader("yaml", io.BytesIO(b""))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("1", True),
        ("t", True),
        (False, False),
        ("false", False),
        ("F", False),
        ("0", False),
        (None, None),
        ("", None),
    ],
)
def test_flags_accept_dhis2_boolean_spellings(raw, expected):
    assert parse_flag(raw, "followup") is expected


def test_a_flag_in_no_dhis2_spelling_is_a_format_error():
    with pytest.raises(FormatError) as caught:
        parse_flag("yes please", "deleted", index=3, line=9)
    assert (caught.value.message, caught.value.index, caught.value.line) == (
        "deleted must be true or false, not 'yes please'",
        3,
        9,
    )
