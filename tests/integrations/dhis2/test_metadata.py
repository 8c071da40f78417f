"""DHIS2 metadata reader and writer: every real sample in shared/formats/dhis2-metadata, then edge cases."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from qicop.integrations.dhis2 import metadata as md
from qicop.integrations.errors import FormatError


@pytest.fixture
def samples(shared_formats: Path) -> Path:
    return shared_formats / "dhis2-metadata"


def read(samples: Path, name: str) -> md.Metadata:
    with (samples / name).open("rb") as f:
        return md.read_json(f)


def read_text(text: str, **kwargs) -> md.Metadata:
    return md.read_json(io.StringIO(text), **kwargs)


# ------------------------------------------------------------------------------------------- real samples


def test_metadata_json_bundle_reads_every_modelled_collection_and_counts_the_others(samples):
    meta = read(samples, "metadata.json")
    assert meta.counts() == {
        "dataElements": 75, "categoryOptions": 8, "categories": 3, "categoryCombos": 3,
        "categoryOptionCombos": 12, "indicatorTypes": 2, "indicators": 19, "dataSets": 2,
    }  # fmt: skip
    assert meta.other == {
        "validationRuleGroups": 1, "validationRules": 12, "indicatorGroups": 1, "dataElementGroups": 7,
        "legendSets": 2,
    }  # fmt: skip
    assert meta.errors == []
    element = next(e for e in meta.data_elements if e.uid == "tpz77FcntKx")
    assert element == md.DataElementMeta(
        uid="tpz77FcntKx", name="TA External funding", code="TA_GEN_EXT_FUND",
        short_name="TA External funding",
        value_type="INTEGER_ZERO_OR_POSITIVE", aggregation_type="SUM", domain_type="AGGREGATE",
        category_combo="bjDvmb4bfuf", zero_is_significant=True,
        attribute_values=(),  # the file says: none
    )  # fmt: skip
    assert sorted({e.value_type for e in meta.data_elements}) == ["BOOLEAN", "INTEGER_ZERO_OR_POSITIVE"]


def test_metadata_json_indicators_keep_expressions_and_their_type(samples):
    meta = read(samples, "metadata.json")
    rdt = next(i for i in meta.indicators if i.uid == "K1DkT2kokjD")
    assert rdt.code == "TA_MAL_PER_CASES_WITH_RDT"
    assert (rdt.numerator, rdt.denominator) == ("#{pmRn0GsUfr6}", "#{DPNsg3wjxGm}+#{pmRn0GsUfr6}")
    assert rdt.indicator_type == "hmSnCXmLYwt"
    assert rdt.decimals is None
    assert [i.decimals for i in meta.indicators if i.decimals is not None] == [2, 2]
    assert {t.uid: t.factor for t in meta.indicator_types} == {"kHy61PbChXr": 1, "hmSnCXmLYwt": 100}


def test_metadata_json_disaggregations_link_combos_categories_and_options(samples):
    meta = read(samples, "metadata.json")
    combo = next(c for c in meta.category_combos if c.uid == "IvYR8mc6prX")
    assert combo.name == "TA Age and sex (malaria)"
    assert combo.categories == ("mFoasCYViMW", "FRwO58KwwJt")
    coc = next(c for c in meta.category_option_combos if c.uid == "t5FrQ0GTvGf")
    assert (coc.name, coc.category_combo, coc.category_options) == (
        "TA 0-4 years, Female", "IvYR8mc6prX", ("UPvKbcqTEY3", "FFA9e1yIXCT"),
    )  # fmt: skip
    age = next(c for c in meta.categories if c.uid == "mFoasCYViMW")
    assert age.category_options == ("UPvKbcqTEY3", "pa0cY66MrG6", "wTpH7wugXzZ")
    assert next(o for o in meta.category_options if o.uid == "UPvKbcqTEY3").code == "TA_P0Y--P5Y"


def test_metadata_json_data_sets_list_their_elements_and_open_future_periods(samples):
    meta = read(samples, "metadata.json")
    sets = {s.uid: s for s in meta.data_sets}
    assert (sets["qNtxTrp56wV"].period_type, len(sets["qNtxTrp56wV"].data_elements)) == ("Yearly", 7)
    assert sets["qNtxTrp56wV"].data_elements[0] == "FRbgzTZ74Hh"
    assert (sets["VEM58nY22sO"].code, sets["VEM58nY22sO"].period_type) == ("MAL_EL", "Monthly")
    assert (len(sets["VEM58nY22sO"].data_elements), sets["VEM58nY22sO"].open_future_periods) == (66, 12)


def test_catcombo_file_gives_one_category_combo(samples):
    meta = read(samples, "catcombo_with_multiple_option_combos.json")
    assert meta.counts() == {"categoryCombos": 1}
    assert meta.category_combos[0] == md.CategoryComboMeta(
        uid="dPmavA0qloX", name="Gender", code="Gender", data_dimension_type="DISAGGREGATION",
        categories=("cX5k9anHEHd",),
    )  # fmt: skip


def test_a_single_category_option_combo_object_is_recognised(samples):
    meta = read(samples, "category_option_combo.json")
    assert meta.counts() == {"categoryOptionCombos": 1}
    assert meta.errors == []
    assert meta.category_option_combos[0] == md.CategoryOptionComboMeta(
        uid="S34ULMcHMca", name="0-11m", code="COC_358963", category_combo="t3aNCvHsoSn",
        category_options=("FbLZS3ueWbQ",),
        attribute_values=(),  # the file says: none
    )  # fmt: skip


def test_a_single_indicator_object_is_recognised(samples):
    meta = read(samples, "indicator.json")
    assert meta.counts() == {"indicators": 1}
    indicator = meta.indicators[0]
    assert (indicator.uid, indicator.code, indicator.name) == (
        "ReUHfIn0pTQ",
        "IN_52462",
        "ANC 1-3 Dropout Rate",
    )
    assert indicator.numerator_description == "ANC1-ANC3"
    assert indicator.denominator == "#{fbfJHSPpUQD.pq2XI5kz2BY}+#{fbfJHSPpUQD.PT59n8BQbqM}"
    assert (indicator.indicator_type, indicator.decimals, indicator.annualized) == ("bWuNrMHEoZ0", 3, False)


def test_indicators_list_file_reads_its_one_indicator(samples):
    meta = read(samples, "indicators.json")
    assert meta.counts() == {"indicators": 1}
    assert meta.indicators[0].uid == "ReUHfIn0pTQ"
    assert meta.indicators[0].denominator_description == "Total 1st ANC visits"


def test_indicator_types_file_reads_the_per_cent_factor(samples):
    meta = read(samples, "indicator_types.json")
    assert meta.indicator_types == [md.IndicatorTypeMeta("bWuNrMHEoZ0", "Per cent", 100, False)]


def test_metadata_with_indicators_reads_elements_indicators_and_the_country(samples):
    meta = read(samples, "metadata_with_indicators.json")
    assert meta.counts() == {
        "organisationUnits": 1, "dataElements": 3, "indicatorTypes": 1, "indicators": 2,
        "organisationUnitLevels": 1,
    }  # fmt: skip
    assert meta.other == {"users": 1, "trackedEntityTypes": 1, "userRoles": 1}
    assert [e.value_type for e in meta.data_elements] == ["NUMBER"] * 3
    assert meta.indicators[1].numerator == "#{epE3XMALioY.OqLTH91vKYK}"
    assert meta.organisation_units[0] == md.OrgUnitMeta(
        uid="rgG3Pygddq1", name="Country", short_name="Country", level=1, path="/rgG3Pygddq1",
        opening_date=date(2016, 3, 10),
        attribute_values=(),  # the file says: none
    )  # fmt: skip


def test_a_single_org_unit_object_keeps_hierarchy_and_dates(samples):
    meta = read(samples, "organisation_unit.json")
    assert meta.counts() == {"organisationUnits": 1}
    assert meta.organisation_units[0] == md.OrgUnitMeta(
        uid="FLjwMPWLrL2", name="Baomahun CHC", code="OU_1126", short_name="Baomahun CHC", level=4,
        parent="npWGUj37qDe", path="/ImspTQPwCqd/O6uvpzGd5pu/npWGUj37qDe/FLjwMPWLrL2",
        opening_date=date(1970, 1, 1), closed_date=date(1971, 1, 1),
        attribute_values=(),  # the file says: none
    )  # fmt: skip


def test_org_unit_levels_are_read_with_their_numbers(samples):
    meta = read(samples, "organisation_unit_levels.json")
    assert sorted((lv.level, lv.name) for lv in meta.organisation_unit_levels) == [
        (1, "National"), (2, "District"), (3, "Chiefdom"), (4, "Facility"),
    ]  # fmt: skip


def test_org_units_file_reads_three_units_with_closed_date(samples):
    meta = read(samples, "organisation_units.json")
    assert [ou.code for ou in meta.organisation_units] == ["OU_539", "OU_559", "OU_167609"]
    ngelehun = meta.organisation_units[1]
    assert (ngelehun.uid, ngelehun.level, ngelehun.parent) == ("DiszpKrYNg8", 4, "YuQRtpLP10I")
    assert (ngelehun.opening_date, ngelehun.closed_date) == (date(1968, 1, 1), date(2025, 5, 22))


def test_org_unit_without_path_gets_it_from_its_parent_in_the_file(samples):
    meta = read(samples, "ou_with_group_and_set.json")
    assert meta.counts() == {"organisationUnits": 2}
    assert meta.other == {"organisationUnitGroups": 1, "organisationUnitGroupSets": 1}
    child = meta.organisation_units[1]
    assert (child.uid, child.parent, child.level, child.path) == (
        "LlabdFE9f05", "PIBHO8qBw9o", 3, "/PIBHO8qBw9o/LlabdFE9f05",
    )  # fmt: skip


def test_org_units_without_uid_are_kept_for_dhis2_style_uid_assignment(samples):
    meta = read(samples, "ou_with_levels.json")
    assert meta.errors == []
    assert [(ou.name, ou.uid, ou.level) for ou in meta.organisation_units] == [
        ("OrgUnitB", None, 2), ("OrgUnitC", None, 2), ("OrgUnitD", None, 2), ("OrgUnitA", "inVD5SdytkT", 1),
    ]  # fmt: skip
    assert meta.organisation_units[0].path is None  # no UID yet, so no path
    assert meta.organisation_units[3].path == "/inVD5SdytkT"


def test_simple_metadata_reads_data_set_with_its_two_elements_and_its_org_unit(samples):
    meta = read(samples, "simple_metadata.json")
    assert meta.counts() == {
        "organisationUnits": 1, "dataElements": 2, "dataSets": 1, "organisationUnitLevels": 1,
    }  # fmt: skip
    assert meta.data_sets[0] == md.DataSetMeta(
        uid="DSaKQTwN4qg", name="DataSetA", code="DataSetCodeA", short_name="DataSetShortA",
        period_type="Monthly", data_elements=("SG4HuKlNEFH", "CCwk5Yx440o"),
        organisation_units=("PdWlltZnVZe",), attribute_values=(),  # the file says: none
    )  # fmt: skip
    assert meta.organisation_units[0].opening_date == date(2016, 2, 17)


def test_indicators_csv_with_header_maps_columns_by_name(samples):
    with (samples / "indicators.csv").open(encoding="utf-8") as f:
        meta = md.read_csv(f, "indicators")
    assert meta.errors == []
    assert [i.uid for i in meta.indicators] == ["yiAKjiZVoOU", "Uvn6LCg7dVU"]
    b = meta.indicators[1]
    assert (b.name, b.code, b.short_name, b.description) == (
        "Indicator B", "CodeB", "Indicator B shortname", "Indicator B description",
    )  # fmt: skip
    assert (b.numerator, b.denominator, b.indicator_type, b.decimals) == (
        "#{h0xKKjijTdI}", "#{fbfJHSPpUQD}", "sqGRzCziswD", 2,
    )  # fmt: skip


def test_org_units_csv_builds_levels_and_paths_from_parents(samples):
    with (samples / "organisationUnits.csv").open("rb") as f:
        meta = md.read_csv(f, "organisationUnits")
    assert [(ou.code, ou.level) for ou in meta.organisation_units] == [
        ("ROOT", 1), ("L1", 2), ("L2a", 3), ("L2b", 3), ("L3", 4), ("L4", 5),
    ]  # fmt: skip
    assert meta.organisation_units[5].path == "/a1234567890/b1234567890/c1234567890/e1234567890/f1234567890"
    assert meta.organisation_units[0].short_name == "R"


# ---------------------------------------------------------------------------------------------- edge cases


def test_bad_uid_is_an_error_entry_naming_the_object_not_a_crash():
    meta = read_text(json.dumps({"dataElements": [
        {"id": "1abcdefghij", "name": "Starts with a digit"},
        {"id": "shortUid", "name": "Too short"},
        {"id": "fbfJHSPpUQD", "name": "Fine", "valueType": "INTEGER"},
    ]}))  # fmt: skip
    assert [e.uid for e in meta.data_elements] == ["fbfJHSPpUQD"]
    assert [(e.index, e.message) for e in meta.errors] == [
        (0, "dataElement #0 (1abcdefghij): uid '1abcdefghij' is not a DHIS2 UID "
            "(11 characters, a letter then letters or digits)"),
        (1, "dataElement #1 (shortUid): uid 'shortUid' is not a DHIS2 UID "
            "(11 characters, a letter then letters or digits)"),
    ]  # fmt: skip


def test_unknown_value_type_and_bad_reference_are_reported():
    meta = read_text(json.dumps({"dataElements": [
        {"id": "fbfJHSPpUQD", "name": "A", "valueType": "NUMERIC"},
        {"id": "Jtf34kNZhzP", "name": "B", "categoryCombo": {"id": "nope"}},
    ]}))  # fmt: skip
    assert meta.data_elements == []
    assert [e.message for e in meta.errors] == [
        "dataElement #0 (fbfJHSPpUQD): valueType 'NUMERIC' is not a DHIS2 value type",
        "dataElement #1 (Jtf34kNZhzP): categoryCombo reference 'nope' is not a DHIS2 UID "
        "(11 characters, a letter then letters or digits)",
    ]


def test_every_listed_value_type_is_accepted():
    listed = "NUMBER INTEGER INTEGER_POSITIVE INTEGER_NEGATIVE INTEGER_ZERO_OR_POSITIVE PERCENTAGE"
    listed += " UNIT_INTERVAL BOOLEAN TRUE_ONLY TEXT LONG_TEXT DATE"
    for value_type in listed.split():
        meta = read_text(json.dumps({"id": "fbfJHSPpUQD", "name": "x", "valueType": value_type}))
        assert meta.data_elements[0].value_type == value_type


def test_duplicate_uid_and_missing_name_are_left_out_with_reasons():
    meta = read_text(json.dumps({"organisationUnits": [
        {"id": "ImspTQPwCqd", "name": "Sierra Leone"},
        {"id": "ImspTQPwCqd", "name": "Again"},
        {"id": "O6uvpzGd5pu"},
    ]}))  # fmt: skip
    assert [ou.name for ou in meta.organisation_units] == ["Sierra Leone"]
    assert [e.message for e in meta.errors] == [
        "organisationUnit #1 (ImspTQPwCqd): duplicate uid ImspTQPwCqd",
        "organisationUnit #2 (O6uvpzGd5pu): name is missing",
    ]


def test_attribute_values_are_read_as_dhis2_writes_them_and_written_back():
    meta = read_text(json.dumps({
        "organisationUnits": [{"id": "ImspTQPwCqd", "name": "Sierra Leone", "attributeValues": [
            {"attribute": {"id": "UKNKz1H10EE"}, "value": "SL-001"},
            {"attribute": {"id": "n2xYlNbsfko"}, "value": 7},
            {"attribute": {"id": "l1VmqIHKk6t"}, "value": ""},
        ]}],
        "dataElements": [{"id": "fbfJHSPpUQD", "name": "ANC 1st visit", "attributeValues": []}],
        "categoryOptionCombos": [{"id": "S34ULMcHMca", "name": "0-11m"}],
    }))  # fmt: skip
    assert meta.organisation_units[0].attribute_values == (("UKNKz1H10EE", "SL-001"), ("n2xYlNbsfko", "7"))
    assert meta.data_elements[0].attribute_values == ()  # the file says: none
    assert meta.category_option_combos[0].attribute_values is None  # the file says nothing
    written = md.to_dict(meta)
    assert written["organisationUnits"][0]["attributeValues"] == [
        {"attribute": {"id": "UKNKz1H10EE"}, "value": "SL-001"},
        {"attribute": {"id": "n2xYlNbsfko"}, "value": "7"},
    ]
    assert written["dataElements"][0]["attributeValues"] == []
    assert "attributeValues" not in written["categoryOptionCombos"][0]


def test_unusable_attribute_values_leave_the_object_out_with_a_reason():
    meta = read_text(json.dumps({"dataElements": [
        {"id": "fbfJHSPpUQD", "name": "A", "attributeValues": {"UKNKz1H10EE": "x"}},
        {"id": "Jtf34kNZhzP", "name": "B", "attributeValues": [{"attribute": {"id": "nope"}, "value": "x"}]},
        {"id": "hfdmMSPBgLG", "name": "C", "attributeValues": [{"value": "x"}]},
        {"id": "Uvn6LCg7dVU", "name": "D", "attributeValues": [
            {"attribute": {"id": "UKNKz1H10EE"}, "value": "x"},
            {"attribute": {"id": "UKNKz1H10EE"}, "value": "y"},
        ]},
    ]}))  # fmt: skip
    assert meta.data_elements == []
    assert [e.message for e in meta.errors] == [
        "dataElement #0 (fbfJHSPpUQD): attributeValues must be a list",
        "dataElement #1 (Jtf34kNZhzP): attribute reference 'nope' is not a DHIS2 UID "
        "(11 characters, a letter then letters or digits)",
        "dataElement #2 (hfdmMSPBgLG): an attribute value names no attribute",
        "dataElement #3 (Uvn6LCg7dVU): attribute UKNKz1H10EE has two values",
    ]


def test_malformed_json_raises_format_error_with_line_and_column():
    with pytest.raises(FormatError) as err:
        read_text('{"indicators": [\n  {"id": "ReUHfIn0pTQ",, "name": "x"}\n]}')
    assert (err.value.line, err.value.column) == (2, 24)  # the second comma
    assert err.value.message.startswith("not valid JSON")


def test_json_that_is_not_an_object_or_list_is_refused():
    with pytest.raises(FormatError, match="must be an object or a list"):
        read_text("42")


def test_plain_list_of_objects_uses_kind_or_recognition():
    text = json.dumps([{"id": "bWuNrMHEoZ0", "name": "Per cent", "factor": 100}, {"name": "mystery"}])
    meta = read_text(text)
    assert meta.indicator_types == [md.IndicatorTypeMeta("bWuNrMHEoZ0", "Per cent", 100)]
    assert [(e.index, e.message) for e in meta.errors] == [
        (1, "object #1: cannot tell which metadata type it is")
    ]
    forced = read_text(json.dumps([{"id": "npWGUj37qDe", "name": "Valunia"}]), kind="organisationUnits")
    assert forced.organisation_units[0].path == "/npWGUj37qDe"


def test_constants_keep_decimal_values():
    meta = read_text('{"constants": [{"id": "bWuNrMHEoZ0", "name": "Pi", "value": 3.14159}]}')
    assert meta.constants == [md.ConstantMeta("bWuNrMHEoZ0", "Pi", Decimal("3.14159"))]


def test_csv_without_header_is_read_by_position():
    text = "Root,a1234567890,ROOT,,R,,2020-01-01\nChild,b1234567890,CH,a1234567890,C\n"
    meta = md.read_csv(io.StringIO(text), "organisationUnits")
    assert [(ou.code, ou.parent, ou.level) for ou in meta.organisation_units] == [
        ("ROOT", None, 1), ("CH", "a1234567890", 2),
    ]  # fmt: skip
    assert meta.organisation_units[0].opening_date == date(2020, 1, 1)


def test_csv_errors_carry_the_line_of_the_bad_row():
    text = "name,uid,code\nGood,a1234567890,G\nBad,12345,B\n"
    meta = md.read_csv(io.StringIO(text), "organisationUnits")
    assert [ou.code for ou in meta.organisation_units] == ["G"]
    assert [(e.line, e.index) for e in meta.errors] == [(3, 1)]


def test_broken_csv_quoting_raises_format_error_with_line():
    with pytest.raises(FormatError) as err:
        md.read_csv(io.StringIO('name,uid\n"Root,a1234567890\n'), "organisationUnits")
    assert err.value.message.startswith("not valid CSV")
    assert err.value.line == 2


def test_write_json_then_read_json_gives_the_same_metadata(samples):
    original = read(samples, "metadata.json")
    original.organisation_units.extend(read(samples, "organisation_units.json").organisation_units)
    original.constants.append(md.ConstantMeta("bWuNrMHEoZ0", "Pi", Decimal("3.5"), code="PI"))
    out = io.StringIO()
    md.write_json(original, out)
    again = md.read_json(io.StringIO(out.getvalue()))
    assert again.counts() == original.counts()
    attrs = "organisation_units data_elements categories category_combos category_option_combos"
    attrs += " indicator_types indicators data_sets constants"
    for attr in attrs.split():
        assert getattr(again, attr) == getattr(original, attr), attr
    assert again.errors == []


def test_every_real_metadata_sample_is_read_by_a_test_in_this_module(samples):
    source = Path(__file__).read_text(encoding="utf-8")
    on_disk = {p.name for p in samples.iterdir() if p.is_file()}
    assert {name for name in on_disk if f'"{name}"' not in source} == set()
