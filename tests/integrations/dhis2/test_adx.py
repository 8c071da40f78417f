"""ADX: groups, disaggregations by category code, namespaces old and absent, annotations, safety, round
trip."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qicop.integrations.dhis2 import adx
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.integrations.errors import FormatError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "dhis2"
EXPORTED = datetime(2024, 2, 1, tzinfo=UTC)


def groups_of(path: Path) -> list[adx.AdxGroup]:
    with path.open("rb") as handle:
        return list(adx.read_groups(handle))


# file → (groups, values, {value index: expected fields})
SAMPLES = {
    "adx_data_sample1.xml": (
        2,
        13,
        {
            5: {"category_option_combo": "McDonalds", "attribute_option_combo": "McDonalds"},
            8: {"data_element": "MAL03", "comment": "Some qualifying text here on the datavalue"},
        },
    ),
    "adx_data_sample2.xml": (
        2,
        13,
        {
            2: {
                "category_options": (("ageGroup", "under5"), ("sex", "M")),
                "attribute_options": (("mechanism", "PEPFAR"),),
            },
            6: {"attribute_options": (("mechanism", "OTHER"),)},
        },
    ),
    "exportA.adx.xml": (
        2,
        2,
        {
            0: {
                "data_element": "Malaria numeric",
                "category_options": (("Age_category", "under555555"), ("Sex_category", "FFFFFFFFFFF")),
            },
            1: {"value": "0", "comment": "Some text", "period": "2020-02-01/P1M"},
        },
    ),
    "exportB.adx.xml": (
        4,
        4,
        {3: {"attribute_options": (("mechanism", "PEPFAR"),), "org_unit": "D4566666666"}},
    ),
    "exportC.adx.xml": (4, 4, {2: {"attribute_options": (("mechanismmm", "McDonalds mechanism"),)}}),
    "exportD.adx.xml": (
        1,
        1,
        {0: {"category_options": (("ageeeeeeeee", "Over 5"), ("sexxxxxxxxx", "Male"))}},
    ),
    "importA.adx.xml": (
        5,
        9,
        {
            2: {"category_option_combo": "FOver555555", "category_options": ()},
            7: {"attribute_options": (("Mechanism_category", "McDonaldsss"),), "period": "2021-01-01/P3M"},
            8: {"attribute_option_combo": "cocMcDonald", "attribute_options": (), "value": "30"},
        },
    ),
    "importB.adx.xml": (
        5,
        9,
        {
            3: {"category_option_combo": "Male Over 5"},
            8: {"attribute_option_combo": "McDonalds CategoryOptionCombo"},
        },
    ),
    "importC.adx.xml": (
        5,
        9,
        {
            0: {
                "org_unit": "Provincial Hospital",
                "category_options": (("sexxxxxxxxx", "Female"), ("ageeeeeeeee", "Under 5")),
            }
        },
    ),
    "importDates.adx.xml": (
        1,
        1,
        {0: {"created": "1987-12-21T23:59:38.376+0000", "comment": "33333", "value": "33"}},
    ),
    "importDatesUpdate.adx.xml": (
        1,
        1,
        {
            0: {
                "created": "1988-12-21T23:59:38.376+0000",
                "last_updated": "1988-12-21T23:59:38.376+0000",
                "value": "55",
            }
        },
    ),
    "dhis2-adx/adx_data_sample1.xml": (2, 13, {0: {"data_element": "MAL01", "value": "32", "line": 8}}),
    "dhis2-adx/adx_data_sample_reportingtime.xml": (
        20,
        20,
        {
            1: {"period": "2015-03"},
            3: {"period": "2015-M03"},
            16: {"period": "2015-01-01T09:00:00+01:00/P1D"},
            8: {"attribute_options": (("ReportingYearStartDay", "2015-10-01"), ("mechanism", "PEPFAR"))},
        },
    ),
    "dhis2-adx/data.xml": (
        6,
        38,
        {
            2: {"category_options": (("ageGroup", "xunder5"), ("sex", "M"))},
            8: {"org_unit": "CLINIC"},
            12: {"period": "2015-01-01"},
        },
    ),
    "dhis2-adx/dxf_style.xml": (1, 7, {2: {"value": "", "comment": "No tests carried out this month"}}),
    "madx-hiv/data-sample.xml": (
        1,
        173,
        {
            8: {"category_options": (("AGE_GROUP", "P20Y--P25Y"), ("SEX", "F"))},
            172: {"data_element": "QRPH_ADX_VLS3_N"},
        },
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_real_adx_sample_reads_to_the_expected_groups_and_values(shared_formats, name):
    group_count, value_count, expected = SAMPLES[name]
    groups = groups_of(shared_formats / "adx" / name)
    rows = [row for group in groups for row in group.rows]
    assert len(groups) == group_count
    assert len(rows) == value_count
    assert [row.index for row in rows] == list(range(value_count))
    for index, fields in expected.items():
        assert {key: getattr(rows[index], key) for key in fields} == fields


def test_the_old_unnamespaced_data_value_set_is_not_adx(shared_formats):
    with pytest.raises(FormatError) as caught:
        groups_of(shared_formats / "adx" / "dhis2-adx" / "adx_sample.xml")
    assert caught.value.message == "Expected a <adx> document, found <dataValueSet>"
    assert caught.value.line == 3


def test_groups_carry_data_set_org_unit_period_and_attribute_categories():
    groups = groups_of(FIXTURES / "adx-groups.xml")
    assert [
        (g.data_set, g.org_unit, g.period, g.complete_date, g.attribute_options, g.line) for g in groups
    ] == [
        ("HIV_CASCADE", "KE_FAC_001", "2024-01-01/P1M", "2024-02-01", (("FUNDING", "PEPFAR"),), 4),
        ("HIV_CASCADE", "KE_FAC_002", "2024-01-01/P1M", None, (("FUNDING", "GLOBAL_FUND"),), 12),
        ("HIV_CASCADE", "KE_FAC_002", "2024-01-01/P3M", None, (), 15),
    ]


def test_values_carry_disaggregations_by_category_code_and_annotations_as_comments():
    _, rows = adx.read((FIXTURES / "adx-groups.xml").open("rb"))
    rows = list(rows)
    assert rows[0] == DataValueRow(
        "TX_CURR",
        "2024-01-01/P1M",
        "KE_FAC_001",
        value="120",
        category_options=(("SEX", "F"), ("AGE_GROUP", "P15Y--P20Y")),
        attribute_options=(("FUNDING", "PEPFAR"),),
        index=0,
        line=6,
    )
    assert (rows[2].data_element, rows[2].comment, rows[2].category_options) == (
        "TX_PVLS_D",
        "Backlog of January samples included",
        (),
    )
    assert (rows[4].data_element, rows[4].category_options, rows[4].index) == ("TX_NEW", (), 4)


def test_trailing_spaces_in_codes_are_dropped(shared_formats):
    _, rows = adx.read((shared_formats / "adx" / "madx-hiv" / "data-sample.xml").open("rb"))
    assert {value for row in rows for _, value in row.category_options if value.endswith(" ")} == set()


def test_external_entities_are_refused():
    with pytest.raises(FormatError) as caught:
        groups_of(FIXTURES / "external-entity.xml")
    assert caught.value.message == "XML entities are not allowed"
    assert caught.value.line == 2


def test_malformed_adx_fails_where_it_breaks():
    data = (
        b'<adx xmlns="urn:ihe:qrph:adx:2015">\n<group orgUnit="A" period="2024-01-01/P1M">\n'
        b'<dataValue dataElement="X" value="1"/>\n</adx>'
    )
    with pytest.raises(FormatError) as caught:
        list(adx.read_groups(io.BytesIO(data)))
    assert caught.value.message == "Malformed XML: mismatched tag"
    assert caught.value.line == 4


def test_writing_then_reading_gives_the_same_rows_and_groups():
    rows = [
        DataValueRow(
            "TX_CURR",
            "2024-01-01/P1M",
            "FAC_1",
            value="12",
            category_options=(("SEX", "F"), ("AGE", "P15Y--P20Y")),
            attribute_options=(("FUNDING", "PEPFAR"),),
            index=0,
            line=4,
        ),
        DataValueRow(
            "TX_NEW",
            "2024-01-01/P1M",
            "FAC_1",
            value="3.5",
            comment="estimated <low>",
            attribute_options=(("FUNDING", "PEPFAR"),),
            index=1,
            line=5,
        ),
        DataValueRow("TX_CURR", "2024-01-01/P1M", "FAC_2", "COC_F", "AOC_1", value="7", index=2, line=10),
    ]
    out = io.StringIO()
    assert adx.write(rows, out, data_set="HIV", exported=EXPORTED) == 3
    text = out.getvalue()
    assert text.count("<group ") == 2
    groups = list(adx.read_groups(io.BytesIO(text.encode())))
    assert [group.data_set for group in groups] == ["HIV", "HIV"]
    read_rows = [row for group in groups for row in group.rows]
    assert [
        (
            r.data_element,
            r.value,
            r.comment,
            r.category_options,
            r.attribute_options,
            r.category_option_combo,
            r.attribute_option_combo,
        )
        for r in read_rows
    ] == [
        (
            r.data_element,
            r.value,
            r.comment,
            r.category_options,
            r.attribute_options,
            r.category_option_combo,
            r.attribute_option_combo,
        )
        for r in rows
    ]


def test_a_text_value_is_written_as_an_annotation_with_a_placeholder_value():
    out = io.StringIO()
    adx.write([DataValueRow("NOTE", "2024-01-01/P1M", "FAC_1", value="no stock")], out, exported=EXPORTED)
    assert '<dataValue dataElement="NOTE" value="0">' in out.getvalue()
    assert "<annotation>no stock</annotation>" in out.getvalue()


def test_a_category_code_that_is_not_an_xml_name_cannot_be_written():
    row = DataValueRow(
        "DE", "2024-01-01/P1M", "FAC", value="1", category_options=(("AGE GROUP", "x"),), index=4
    )
    with pytest.raises(FormatError, match="not an XML name") as caught:
        adx.write([row], io.StringIO(), exported=EXPORTED)
    assert caught.value.index == 4


def test_an_annotation_is_read_apart_from_the_comment_attribute():
    data = (
        b'<adx xmlns="urn:ihe:qrph:adx:2015" exported="2024-02-01T00:00:00Z">'
        b'<group orgUnit="A" period="2024-01-01/P1M">'
        b'<dataValue dataElement="NOTE" value="0" comment="checked">'
        b"<annotation>no stock</annotation></dataValue>"
        b'<dataValue dataElement="N" value="3"><annotation>estimated</annotation></dataValue>'
        b'<dataValue dataElement="M" value="4"/>'
        b"</group></adx>"
    )
    _, rows = adx.read(io.BytesIO(data))
    assert [(r.value, r.annotation, r.comment) for r in rows] == [
        ("0", "no stock", "checked"),
        ("3", "estimated", "estimated"),
        ("4", None, None),
    ]


def test_every_group_carries_the_data_set_of_its_elements():
    rows = [
        DataValueRow("TX_CURR", "2024-01-01/P1M", "FAC_1", value="12"),
        DataValueRow("QI_SCORE", "2024-01-01/P1M", "FAC_1", value="3"),
        DataValueRow("OTHER", "2024-01-01/P1M", "FAC_1", value="5"),
    ]
    out = io.StringIO()
    adx.write(
        rows, out, data_sets={"TX_CURR": "HIV", "QI_SCORE": "QI"}, data_set="DEFAULT", exported=EXPORTED
    )
    groups = list(adx.read_groups(io.BytesIO(out.getvalue().encode())))
    assert [(g.data_set, [r.data_element for r in g.rows]) for g in groups] == [
        ("HIV", ["TX_CURR"]),
        ("QI", ["QI_SCORE"]),
        ("DEFAULT", ["OTHER"]),
    ]


def test_values_of_non_numeric_elements_go_into_the_annotation_whatever_they_look_like():
    rows = [
        DataValueRow("CODE_TEXT", "2024-01-01/P1M", "FAC_1", value="12", comment="lost"),
        DataValueRow("COMMITTEE", "2024-01-01/P1M", "FAC_1", value="true"),
        DataValueRow("TX_CURR", "2024-01-01/P1M", "FAC_1", value="1E+3", comment="estimate"),
    ]
    out = io.StringIO()
    adx.write(rows, out, annotated={"CODE_TEXT", "COMMITTEE"}, exported=EXPORTED)
    text = out.getvalue()
    assert '<dataValue dataElement="CODE_TEXT" value="0">\n      <annotation>12</annotation>' in text
    assert '<dataValue dataElement="COMMITTEE" value="0">\n      <annotation>true</annotation>' in text
    assert '<dataValue dataElement="TX_CURR" value="1000">\n      <annotation>estimate</annotation>' in text
    assert "lost" not in text  # a text value's comment has no place left


def test_a_deleted_value_says_so_with_the_placeholder_value_the_schema_requires():
    out = io.StringIO()
    adx.write([DataValueRow("X", "2024-01-01/P1M", "FAC_1", deleted=True)], out, exported=EXPORTED)
    assert '<dataValue dataElement="X" value="0" deleted="true"/>' in out.getvalue()
    [row] = adx.read(io.BytesIO(out.getvalue().encode()))[1]
    assert row.deleted is True


def test_nothing_to_write_is_refused_before_anything_is_written():
    out = io.StringIO()
    with pytest.raises(adx.NoValues, match="at least one"):
        adx.write(iter(()), out, exported=EXPORTED)
    assert out.getvalue() == ""


def test_what_the_writer_writes_is_valid_against_the_adx_schema():
    import adx_validation

    rows = [
        DataValueRow(
            "TX_CURR",
            "2024-01-01/P1M",
            "FAC_1",
            value="12",
            category_options=(("SEX", "F"),),
            attribute_options=(("FUNDING", "PEPFAR"),),
            created="2024-02-01T10:00:00.000+00:00",
        ),
        DataValueRow("NOTE", "2024-01-01/P3M", "FAC_2", value="no stock <ok> & more"),
        DataValueRow("X", "2024-01-01/P1M", "FAC_2", deleted=True),
    ]
    out = io.StringIO()
    adx.write(rows, out, data_set="HIV", exported=EXPORTED)
    adx_validation.assert_valid(out.getvalue())
