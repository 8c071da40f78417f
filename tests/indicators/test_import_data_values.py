"""import_data_values: what is stored, what is refused, and the DHIS2-shaped summary."""

import pytest

from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataValue, DataValueAudit, Period
from qicop.integrations.dhis2.rows import DataValueRow


def rows(*specs):
    """Rows from (data element, period, org unit, value) tuples, indexed in order."""
    return [
        DataValueRow(data_element=de, period=pe, org_unit=ou, value=value, index=i)
        for i, (de, pe, ou, value) in enumerate(specs)
    ]


def run(data, persona, values, **options):
    actor = getattr(data.world, persona).user
    return import_data_values(actor=actor, rows=values, options=ImportOptions(**options))


def test_new_values_are_imported_and_counted(data):
    summary = run(
        data,
        "dan",
        rows(("VlTested01a", "202401", "NakuruHosp1", "120"), ("VlSupp0001a", "202401", "NakuruHosp1", "98")),
    )
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    stored = DataValue.objects.get(data_element=data.vl_tested)
    assert (stored.value, stored.numeric, stored.period.dhis2_id) == ("120", 120.0, "202401")
    assert stored.category_option_combo == data.default_coc
    assert Period.objects.get(dhis2_id="202401").period_type == "Monthly"


def test_reimporting_the_same_values_ignores_them(data):
    values = rows(("VlTested01a", "202401", "NakuruHosp1", "120"))
    run(data, "dan", values)
    summary = run(data, "dan", values)
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}


def test_a_changed_value_is_updated_and_audited_with_the_old_value(data):
    run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", "120")))
    summary = run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", "125")))
    assert summary["importCount"]["updated"] == 1
    audit = DataValueAudit.objects.get()
    assert (audit.action, audit.previous_value, audit.new_value) == ("UPDATE", "120", "125")
    assert audit.changed_by == data.world.dan.user


def test_identifiers_can_be_codes_or_names(data):
    summary = run(data, "dan", rows(("VL_TESTED", "202402", "KE_NAK_H", "7")), id_scheme="CODE")
    assert summary["importCount"]["imported"] == 1
    summary = run(
        data,
        "dan",
        rows(("Viral load tested", "202403", "KE_NAK_H", "8")),
        data_element_id_scheme="NAME",
        org_unit_id_scheme="CODE",
    )
    assert summary["importCount"]["imported"] == 1


def test_unknown_objects_and_bad_values_are_conflicts_naming_object_value_and_index(data):
    summary = run(
        data,
        "dan",
        rows(
            ("NoSuchDeUid", "202401", "NakuruHosp1", "1"),
            ("VlTested01a", "202401", "NoSuchOuUid", "1"),
            ("VlTested01a", "2024Q5", "NakuruHosp1", "1"),
            ("VlTested01a", "202401", "NakuruHosp1", "twelve"),
            ("VlTested01a", "202402", "NakuruHosp1", "-3"),
            ("Committee1a", "202401", "NakuruHosp1", "maybe"),
        ),
        atomic=False,
    )
    codes = {c["errorCode"]: c for c in summary["conflicts"]}
    assert set(codes) == {"E7610", "E7612", "E7611", "E7619"}
    assert codes["E7610"]["object"] == "NoSuchDeUid" and codes["E7610"]["indexes"] == [0]
    assert codes["E7611"]["object"] == "2024Q5"
    type_conflicts = [c for c in summary["conflicts"] if c["errorCode"] == "E7619"]
    assert sorted(i for c in type_conflicts for i in c["indexes"]) == [3, 4, 5]
    assert any("not numeric" in c["value"] for c in type_conflicts)
    assert any("zero or a positive integer" in c["value"] for c in type_conflicts)
    assert any("not a boolean" in c["value"] for c in type_conflicts)
    assert summary["rejectedIndexes"] == [0, 1, 2, 3, 4, 5]
    assert summary["status"] == "ERROR"


def test_all_or_nothing_stores_nothing_when_any_value_conflicts(data):
    summary = run(
        data,
        "dan",
        rows(("VlTested01a", "202401", "NakuruHosp1", "10"), ("VlTested01a", "202402", "NakuruHosp1", "ten")),
    )
    assert summary["status"] == "ERROR"
    assert "nothing was stored" in summary["description"]
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    assert not DataValue.objects.exists()
    assert not Period.objects.exists()


def test_store_what_is_valid_keeps_the_good_values(data):
    summary = run(
        data,
        "dan",
        rows(("VlTested01a", "202401", "NakuruHosp1", "10"), ("VlTested01a", "202402", "NakuruHosp1", "ten")),
        atomic=False,
    )
    assert summary["status"] == "WARNING"
    assert summary["importCount"]["imported"] == 1
    assert DataValue.objects.count() == 1


def test_a_dry_run_reports_but_stores_nothing(data):
    summary = run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", "10")), dry_run=True)
    assert summary["importCount"]["imported"] == 1
    assert summary["description"].startswith("Dry run")
    assert not DataValue.objects.exists()


def test_data_managers_cannot_import_into_another_country(data):
    summary = run(data, "dan", rows(("VlTested01a", "202401", "JacmelHosp1", "10")))
    assert summary["conflicts"][0]["errorCode"] == "E7617"
    assert not DataValue.objects.exists()


def test_coordinators_import_for_every_country(data):
    summary = run(
        data,
        "carla",
        rows(("VlTested01a", "202401", "JacmelHosp1", "10"), ("VlTested01a", "202401", "NakuruHosp1", "11")),
    )
    assert summary["importCount"]["imported"] == 2


@pytest.mark.parametrize("persona", ["kim", "henri", "olga", "oscar"])
def test_members_and_observers_cannot_import_at_all(data, persona):
    actor = data.world.oscar if persona == "oscar" else getattr(data.world, persona).user
    summary = import_data_values(
        actor=actor, rows=rows(("VlTested01a", "202401", "NakuruHosp1", "1")), options=ImportOptions()
    )
    assert summary["conflicts"][0]["errorCode"] == "E7617"
    assert not DataValue.objects.exists()


def test_future_periods_are_not_open(data):
    summary = run(data, "dan", rows(("VlTested01a", "209912", "NakuruHosp1", "1")))
    assert summary["conflicts"][0]["errorCode"] == "E7641"


def test_disaggregations_by_combo_and_by_adx_category_codes(data):
    summary = run(
        data,
        "dan",
        [
            DataValueRow(
                "TxCurr0001a", "202401", "NakuruHosp1", category_option_combo="CocFemale01", value="40"
            ),
            DataValueRow(
                "TxCurr0001a",
                "2024-01-01/P1M",
                "NakuruHosp1",
                category_options=(("SEX", "M"),),
                value="30",
                index=1,
            ),
        ],
    )
    assert summary["importCount"]["imported"] == 2
    assert DataValue.objects.get(category_option_combo=data.coc_male).value == "30"


def test_a_combo_outside_the_data_elements_disaggregation_is_refused(data):
    summary = run(
        data,
        "dan",
        [
            DataValueRow(
                "VlTested01a", "202401", "NakuruHosp1", category_option_combo="CocFemale01", value="4"
            )
        ],
    )
    assert summary["conflicts"][0]["errorCode"] == "E7634"


def test_exact_duplicates_in_one_file_are_reported_once(data):
    same = ("VlTested01a", "202401", "NakuruHosp1", "10")
    summary = run(data, "dan", rows(same, same, same))
    duplicates = [c for c in summary["conflicts"] if c["errorCode"] == "E7644"]
    assert len(duplicates) == 1
    assert duplicates[0]["indexes"] == [1, 2]
    assert summary["importCount"] == {"imported": 1, "updated": 0, "ignored": 2, "deleted": 0}
    assert summary["status"] == "WARNING"


def test_deleting_is_soft_and_audited(data):
    run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", "10")))
    summary = run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", None)), strategy="DELETE")
    assert summary["importCount"]["deleted"] == 1
    value = DataValue.objects.get()
    assert value.deleted
    assert DataValueAudit.objects.get().action == "DELETE"
    summary = run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", "12")))
    assert summary["importCount"]["updated"] == 1
    value.refresh_from_db()
    assert not value.deleted and value.value == "12"


def test_create_only_and_update_only_strategies(data):
    run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", "10")))
    summary = run(
        data,
        "dan",
        rows(("VlTested01a", "202401", "NakuruHosp1", "11"), ("VlTested01a", "202402", "NakuruHosp1", "12")),
        strategy="CREATE",
    )
    assert summary["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    summary = run(
        data,
        "dan",
        rows(("VlTested01a", "202401", "NakuruHosp1", "13"), ("VlTested01a", "202403", "NakuruHosp1", "14")),
        strategy="UPDATE",
    )
    assert summary["importCount"] == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 0}


def test_booleans_accept_dhis2_spellings_and_are_stored_plainly(data):
    values = [
        DataValueRow("Committee1a", f"2024{m:02d}", "NakuruHosp1", value=v, index=m)
        for m, v in enumerate(["True", "f", "1", "FALSE", "t"], start=1)
    ]
    run(data, "dan", values)
    assert sorted(DataValue.objects.values_list("value", flat=True)) == [
        "false",
        "false",
        "true",
        "true",
        "true",
    ]


def test_a_missing_value_without_comment_is_a_conflict(data):
    summary = run(data, "dan", rows(("VlTested01a", "202401", "NakuruHosp1", "")))
    assert summary["conflicts"][0]["errorCode"] == "E7618"


def test_unknown_options_are_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="Unknown import strategy MERGE"):
        ImportOptions(strategy="MERGE")
    with pytest.raises(ValueError, match="Unknown id scheme ID"):
        ImportOptions(id_scheme="ID")


def test_indicator_definitions_must_parse(data):
    from django.core.exceptions import ValidationError

    from qicop.indicators.models import IndicatorMapping, NetworkIndicator

    indicator = NetworkIndicator.objects.create(network=data.world.network, code="x", name="X")
    mapping = IndicatorMapping(
        network_indicator=indicator,
        country=data.world.kenya,
        numerator="#{VlSupp0001a",
        denominator="#{VlTested01a}",
    )
    with pytest.raises(ValidationError, match="never closed"):
        mapping.full_clean()


# What the importer refuses and what it stores to be flagged: docs/decisions/0011.


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", "1e400"])
def test_a_number_that_is_not_finite_is_refused_as_dhis2_refuses_it(data, value):
    summary = run(data, "carla", rows(("QiScore001a", "202401", "NakuruHosp1", value)))
    assert [c["errorCode"] for c in summary["conflicts"]] == ["E7619"]
    assert not DataValue.objects.exists()


def test_a_negative_count_is_refused_by_a_zero_or_positive_element_and_stored_by_an_integer_one(data):
    refused = run(data, "carla", rows(("VlTested01a", "202401", "NakuruHosp1", "-5")))
    assert [c["errorCode"] for c in refused["conflicts"]] == ["E7619"]
    from qicop.indicators.models import DataElement

    DataElement.objects.filter(uid="VlTested01a").update(value_type="INTEGER")
    stored = run(data, "carla", rows(("VlTested01a", "202401", "NakuruHosp1", "-5")))
    assert stored["status"] == "SUCCESS" and DataValue.objects.get().numeric == -5


def test_a_numerator_above_its_denominator_and_a_zero_denominator_are_stored_as_dhis2_stores_them(data):
    """DHIS2 applies validation rules in data entry and validation analysis, not in an import: the two values
    are stored, and charts flag the month."""
    summary = run(
        data,
        "carla",
        rows(
            ("VlSupp0001a", "202401", "NakuruHosp1", "112"),
            ("VlTested01a", "202401", "NakuruHosp1", "100"),
            ("VlSupp0001a", "202402", "NakuruHosp1", "3"),
            ("VlTested01a", "202402", "NakuruHosp1", "0"),
        ),
    )
    assert summary["status"] == "SUCCESS" and summary["importCount"]["imported"] == 4
