"""DHIS2 XML (DXF 2) data value sets: real files, legacy attributes, refused entities, streaming, round
trip."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from qicop.integrations.dhis2 import datavalueset_xml
from qicop.integrations.dhis2.rows import DataValueRow, DataValueSetHeader
from qicop.integrations.errors import FormatError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dhis2"


def read_file(path: Path) -> tuple[DataValueSetHeader, list[DataValueRow]]:
    with path.open("rb") as handle:
        header, rows = datavalueset_xml.read(handle)
        return header, list(rows)


# file → (number of values, header fields, {index: expected fields of that row})
SAMPLES = {
    "dataValueSetA.xml": (
        3,
        {"data_set": "pBOMPrpg1QX"},
        {1: {"org_unit": "BdfsJfj87js", "value": "10002", "last_updated": "2012-01-02", "line": 3}},
    ),
    "dataValueSetACatCombo.xml": (
        3,
        {"period": "201201", "org_unit": "DiszpKrYNg8", "complete_date": "2012-01-09"},
        {0: {"category_option_combo": "kjuiHgy67hg", "period": "201201", "line": 32}},
    ),
    "dataValueSetACode.xml": (
        3,
        {"data_set": "DS_A", "org_unit": "OU_A", "id_scheme": {"idScheme": "code"}},
        {2: {"data_element": "DE_C", "org_unit": "OU_A", "period": "201201"}},
    ),
    "dataValueSetADeleted.xml": (3, {}, {0: {"deleted": True, "follow_up": False}}),
    "dataValueSetANull.xml": (
        3,
        {"data_set": "pBOMPrpg1QX"},
        {0: {"value": "", "comment": ""}, 1: {"value": None}},
    ),
    "dataValueSetAUpdate.xml": (3, {}, {2: {"value": "10033", "comment": "updated comment"}}),
    "dataValueSetB.xml": (12, {}, {8: {"created": "2010-01-01", "value": "10009"}, 11: {"line": 13}}),
    "dataValueSetBAttribute.xml": (12, {}, {11: {"data_element": "DE3", "org_unit": "OU2"}}),
    "dataValueSetBAttributeIdScheme.xml": (
        12,
        {
            "id_scheme": {
                "dataElementIdScheme": "ATTRIBUTE:uh6H2ff562G",
                "orgUnitIdScheme": "ATTRIBUTE:uh6H2ff562G",
            }
        },
        {0: {"data_element": "DE1", "org_unit": "OU1"}},
    ),
    "dataValueSetBCode.xml": (12, {}, {5: {"data_element": "DE_B", "org_unit": "OU_B"}}),
    "dataValueSetBDeleted.xml": (12, {}, {3: {"deleted": None}, 4: {"deleted": True}}),
    "dataValueSetBNew.xml": (12, {}, {11: {"period": "201204"}}),
    "dataValueSetBNewDeleted.xml": (12, {}, {7: {"deleted": True}, 11: {"period": "201203"}}),
    "dataValueSetBUpdate.xml": (6, {}, {1: {"created": "2020-02-02", "comment": "comment10"}}),
    "dataValueSetC.xml": (3, {}, {2: {"period": "201205", "line": 6}}),
    "dataValueSetCCode.xml": (3, {}, {0: {"category_option_combo": "OC_DEF_CODE"}}),
    "dataValueSetD.xml": (
        3,
        {"attribute_option_combo": "kjuiHgy67hg"},
        {2: {"attribute_option_combo": "kjuiHgy67hg"}},
    ),
    "dataValueSetD2.xml": (3, {"attribute_option_combo": None}, {0: {"attribute_option_combo": None}}),
    "dataValueSetE.xml": (3, {"attribute_option_combo": None}, {1: {"org_unit": "j7Hg26FpoIa"}}),
    "dataValueSetF.xml": (
        4,
        {"attribute_option_combo": "inValidUid1"},
        {3: {"attribute_option_combo": "inValidUid1"}},
    ),
    "dataValueSetG.xml": (4, {}, {0: {"data_element": "nonEx1sting"}, 2: {"org_unit": "nonEx1sting"}}),
    "dataValueSetH.xml": (3, {}, {2: {"period": "201203", "org_unit": "j7Hg26FpoIa"}}),
    "dataValueSetIllegalCoc.xml": (1, {}, {0: {"category_option_combo": "kjuiHgy67hg"}}),
    "dataValueSetIllegalOrgUnit.xml": (1, {}, {0: {"org_unit": "missingOrgu"}}),
    "dataValueSetInvalid.xml": (3, {}, {2: {"data_element": "jH26dja2f28", "value": "7"}}),
    "dataValueSetNonStrict.xml": (
        3,
        {},
        {
            0: {"period": "201201"},
            1: {"period": "2012Q2", "attribute_option_combo": "Gad33qy67g5"},
            2: {"period": "2012"},
        },
    ),
    "test-xml.xml": (4, {}, {0: {"data_element": "cI3E5LgDZPs", "attribute_option_combo": "sbOyCovT6P2"}}),
    "test-xml-bad-attributes.xml": (
        5,
        {},
        {
            0: {"data_element": "", "org_unit": "oUdX2BkI0ur"},
            1: {"org_unit": ""},
            2: {"category_option_combo": None},
            3: {"attribute_option_combo": None, "value": "18"},
            4: {"value": None},
        },
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_real_xml_sample_reads_to_the_expected_header_and_rows(shared_formats, name):
    count, header_fields, expected = SAMPLES[name]
    header, rows = read_file(shared_formats / "dhis2-datavalueset" / name)
    assert len(rows) == count
    assert [row.index for row in rows] == list(range(count))
    assert {key: getattr(header, key) for key in header_fields} == header_fields
    for index, fields in expected.items():
        assert {key: getattr(rows[index], key) for key in fields} == fields


def test_legacy_timestamp_is_last_updated_and_header_defaults_fill_values(shared_formats):
    _, rows = read_file(shared_formats / "dhis2-datavalueset" / "dataValueSetACatCombo.xml")
    assert [(row.data_element, row.period, row.org_unit, row.last_updated) for row in rows] == [
        ("f7n9E0hX8qk", "201201", "DiszpKrYNg8", "2012-01-01"),
        ("Ix2HsbDMLea", "201201", "DiszpKrYNg8", "2012-01-02"),
        ("eY5ehpbEsB7", "201201", "DiszpKrYNg8", "2012-01-03"),
    ]


def test_an_unnamespaced_data_value_set_is_read_too(shared_formats):
    header, rows = read_file(shared_formats / "adx" / "dhis2-adx" / "adx_sample.xml")
    assert (header.org_unit, header.period) == ("Nyamandhlovu clinic", "2010")
    assert [(row.data_element, row.value) for row in rows] == [
        ("Unconfirmed Malaria cases", "30"),
        ("Confirmed Malaria cases", "5"),
        ("Malaria deaths", "21"),
    ]


def test_an_adx_document_is_not_a_dxf_data_value_set(shared_formats):
    with pytest.raises(FormatError) as caught:
        read_file(shared_formats / "adx" / "exportA.adx.xml")
    assert caught.value.message == "Expected a <dataValueSet> document, found <{urn:ihe:qrph:adx:2015}adx>"
    assert caught.value.line == 1


def test_entity_expansion_is_refused_before_anything_is_expanded():
    with pytest.raises(FormatError) as caught:
        read_file(FIXTURES / "billion-laughs.xml")
    assert caught.value.message == "XML entities are not allowed"
    assert caught.value.line == 2


def test_an_external_entity_is_refused():
    with pytest.raises(FormatError) as caught:
        datavalueset_xml.read(
            io.BytesIO((FIXTURES / "external-entity.xml").read_bytes().replace(b"adx", b"x"))
        )
    assert caught.value.message == "XML entities are not allowed"
    assert caught.value.line == 2


def test_malformed_xml_fails_where_it_breaks_after_the_good_values():
    data = b'<dataValueSet>\n<dataValue dataElement="a" value="1"/>\n<dataValue dataElement="b" value="2"\n'
    _, rows = datavalueset_xml.read(io.BytesIO(data))
    assert next(rows).data_element == "a"
    with pytest.raises(FormatError) as caught:
        next(rows)
    assert caught.value.message == "Malformed XML: unclosed token"
    assert caught.value.line == 3


def test_a_follow_up_that_is_not_a_boolean_is_a_format_error_with_its_line():
    data = b'<dataValueSet>\n<dataValue dataElement="a" followup="maybe"/>\n</dataValueSet>'
    _, rows = datavalueset_xml.read(io.BytesIO(data))
    with pytest.raises(FormatError, match="followup must be true or false") as caught:
        list(rows)
    assert (caught.value.line, caught.value.index) == (2, 0)


def test_writing_then_reading_gives_the_same_rows():
    header = DataValueSetHeader(data_set="pBOMPrpg1QX", period="202401", id_scheme={"idScheme": "CODE"})
    rows = [
        DataValueRow(
            "DE_A",
            "202401",
            "OU_A",
            "COC_1",
            "AOC_1",
            "10",
            "fatima",
            "2024-02-01",
            "2024-02-02",
            'a <b> & "c"\nnext line',
            False,
            True,
            index=0,
            line=3,
        ),
        DataValueRow("DE_B", "2024Q1", "OU_B", value="", index=1, line=4),
    ]
    out = io.StringIO()
    assert datavalueset_xml.write(header, rows, out) == 2
    read_header, read_rows = datavalueset_xml.read(io.BytesIO(out.getvalue().encode()))
    assert read_header == header
    assert list(read_rows) == rows


def test_reading_200000_values_keeps_memory_flat(tmp_path):
    path = tmp_path / "big.xml"
    row = DataValueRow("f7n9E0hX8qk", "202401", "DiszpKrYNg8", "HllvX50cXC0", "HllvX50cXC0", "123", "admin")
    with path.open("w") as out:
        datavalueset_xml.write(None, (row for _ in range(200_000)), out)
    assert path.stat().st_size > 25_000_000
    tracemalloc.start()
    try:
        with path.open("rb") as handle:
            _, rows = datavalueset_xml.read(handle)
            last = None
            for row in rows:
                last = row
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last.index == 199_999
    assert last.line == 200_002
    assert peak < 30 * 1024 * 1024
