"""An identifier in an imported file names exactly one object, or its value is refused with a conflict that
says why: never a guess. Org units are looked up only among those the importing user may change, so a name
that repeats across countries names one facility for a country's data manager and several for a
coordinator. The same holds under every id scheme (UID, CODE, NAME, ATTRIBUTE:<uid>), set-level or per type.
"""

import pytest
from django.core.exceptions import ValidationError

from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import (
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataValue,
    DataValueAudit,
    OrgUnit,
)
from qicop.indicators.services import options_from_parameters
from qicop.integrations.dhis2.rows import DataValueRow


def unit(uid, name, country, parent, code=None):
    return OrgUnit.objects.create(
        uid=uid,
        code=code,
        name=name,
        country=country,
        parent=parent,
        path=f"{parent.path}/{uid}",
        level=parent.level + 1,
    )


def row(de, ou, value="5", period="202401", index=0, **fields):
    return DataValueRow(data_element=de, period=period, org_unit=ou, value=value, index=index, **fields)


def run(data, persona, *values, **options):
    actor = getattr(data.world, persona).user
    return import_data_values(actor=actor, rows=list(values), options=ImportOptions(**options))


def only_conflict(summary) -> dict:
    assert len(summary["conflicts"]) == 1, summary["conflicts"]
    return summary["conflicts"][0]


# ------------------------------------------------------------------------------------------------ org units


def test_a_name_shared_by_two_facilities_of_the_users_country_is_a_conflict_naming_both(data):
    unit("NakuruHosp2", "Nakuru Level 5 Hospital", data.world.kenya, data.nakuru)
    summary = run(data, "dan", row("VlTested01a", "Nakuru Level 5 Hospital"), org_unit_id_scheme="NAME")
    conflict = only_conflict(summary)
    assert (conflict["errorCode"], conflict["property"], conflict["object"]) == (
        "E7612",
        "orgUnit",
        "Nakuru Level 5 Hospital",
    )
    assert conflict["value"] == (
        "Organisation unit Nakuru Level 5 Hospital is ambiguous under id scheme NAME: it names 2 "
        "organisation units whose data you may change: Nakuru Level 5 Hospital (Kenya, UID NakuruHosp1); "
        "Nakuru Level 5 Hospital (Kenya, UID NakuruHosp2). Use an identifier that names one, such as the UID."
    )
    assert summary["status"] == "ERROR"
    assert not DataValue.objects.exists()


def test_a_name_repeated_in_another_country_names_the_data_managers_own_facility(data):
    twin = unit("HaitiNaiva1", "Naivasha Health Centre", data.world.haiti, data.haiti)
    summary = run(data, "dan", row("VlTested01a", "Naivasha Health Centre", "7"), org_unit_id_scheme="NAME")
    assert summary["status"] == "SUCCESS"
    assert summary["importCount"]["imported"] == 1
    assert DataValue.objects.get().org_unit == data.naivasha
    assert not DataValue.objects.filter(org_unit=twin).exists()


def test_for_a_coordinator_a_name_repeated_across_countries_names_both_and_nothing_is_written(data):
    unit("HaitiNaiva1", "Naivasha Health Centre", data.world.haiti, data.haiti)
    summary = run(
        data,
        "carla",
        row("VlTested01a", "Naivasha Health Centre", "7"),
        row("VlTested01a", "Nakuru Level 5 Hospital", "8", index=1),
        org_unit_id_scheme="NAME",
    )
    conflict = only_conflict(summary)
    assert conflict["errorCode"] == "E7612" and conflict["indexes"] == [0]
    assert "NaivashaHC1" in conflict["value"] and "HaitiNaiva1" in conflict["value"]
    assert "Kenya" in conflict["value"] and "Haiti" in conflict["value"]
    assert not DataValue.objects.exists()  # all or nothing: the unambiguous row is not stored either


def test_with_store_what_is_valid_only_the_ambiguous_values_are_left_out(data):
    unit("HaitiNaiva1", "Naivasha Health Centre", data.world.haiti, data.haiti)
    summary = run(
        data,
        "carla",
        row("VlTested01a", "Naivasha Health Centre", "7"),
        row("VlTested01a", "Nakuru Level 5 Hospital", "8", index=1),
        org_unit_id_scheme="NAME",
        atomic=False,
    )
    assert summary["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    assert summary["rejectedIndexes"] == [0]
    assert DataValue.objects.get().org_unit == data.nakuru_hospital


@pytest.mark.parametrize(
    ("scheme", "key"),
    [("UID", "JacmelHosp1"), ("CODE", "HT_JACMEL"), ("NAME", "Hôpital de Jacmel")],
)
def test_an_org_unit_of_another_country_is_outside_the_users_countries_under_every_scheme(data, scheme, key):
    summary = run(data, "dan", row("VlTested01a", key), org_unit_id_scheme=scheme)
    conflict = only_conflict(summary)
    assert (conflict["errorCode"], conflict["object"]) == ("E7617", key)
    assert "outside the countries whose data you may change" in conflict["value"]
    assert not DataValue.objects.exists()


def test_an_unknown_org_unit_is_not_found(data):
    conflict = only_conflict(run(data, "dan", row("VlTested01a", "Atlantis"), org_unit_id_scheme="NAME"))
    assert (conflict["errorCode"], conflict["value"]) == (
        "E7612",
        "Organisation unit not found or not accessible: Atlantis",
    )


def test_a_conflict_names_the_first_five_candidates_and_counts_the_others(data):
    for number in range(7):
        unit(f"Dispensary{number}", "Dispensary", data.world.kenya, data.nakuru)
    conflict = only_conflict(run(data, "dan", row("VlTested01a", "Dispensary"), org_unit_id_scheme="NAME"))
    assert "names 7 organisation units" in conflict["value"]
    assert sum(f"Dispensary{n}" in conflict["value"] for n in range(7)) == 5
    assert conflict["value"].endswith("and 2 more. Use an identifier that names one, such as the UID.")


def test_a_repeated_ambiguous_key_is_one_conflict_with_every_index(data):
    unit("NakuruHosp2", "Nakuru Level 5 Hospital", data.world.kenya, data.nakuru)
    values = [row("VlTested01a", "Nakuru Level 5 Hospital", str(n), f"2024{n:02d}", n - 1) for n in (1, 2, 3)]
    conflict = only_conflict(run(data, "dan", *values, org_unit_id_scheme="NAME"))
    assert conflict["indexes"] == [0, 1, 2]


def test_a_key_that_is_one_units_code_and_another_codeless_units_uid_is_ambiguous(data):
    # Exports name a unit without a code by its UID (id_schemes.py); read back, that UID must not be
    # mistaken for a code that happens to be spelled the same.
    OrgUnit.objects.filter(pk=data.naivasha.pk).update(code=None)
    OrgUnit.objects.filter(pk=data.nakuru_hospital.pk).update(code="NaivashaHC1")
    conflict = only_conflict(run(data, "dan", row("VlTested01a", "NaivashaHC1"), org_unit_id_scheme="CODE"))
    assert conflict["errorCode"] == "E7612"
    assert "Nakuru Level 5 Hospital (Kenya, UID NakuruHosp1)" in conflict["value"]
    assert "Naivasha Health Centre (Kenya, UID NaivashaHC1)" in conflict["value"]


def test_under_code_a_unit_without_a_code_is_known_by_its_uid(data):
    OrgUnit.objects.filter(pk=data.naivasha.pk).update(code=None)
    summary = run(data, "dan", row("VL_TESTED", "NaivashaHC1"), id_scheme="CODE")
    assert summary["importCount"]["imported"] == 1
    # …but a unit that has a code is named by it: its UID is not a code.
    summary = run(data, "dan", row("VL_TESTED", "NakuruHosp1"), id_scheme="CODE")
    assert only_conflict(summary)["errorCode"] == "E7612"


# ------------------------------------------------------------------------------ data elements and combos


def test_a_data_element_name_shared_by_two_elements_is_a_conflict_naming_both(data):
    DataElement.objects.create(uid="VlTested02a", name="Viral load tested", category_combo=data.default_combo)
    summary = run(data, "carla", row("Viral load tested", "NakuruHosp1"), data_element_id_scheme="NAME")
    conflict = only_conflict(summary)
    assert (conflict["errorCode"], conflict["property"]) == ("E7610", "dataElement")
    assert "VlTested01a" in conflict["value"] and "VlTested02a" in conflict["value"]
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    ("field", "code", "prop"),
    [
        ("category_option_combo", "E7613", "categoryOptionCombo"),
        ("attribute_option_combo", "E7615", "attributeOptionCombo"),
    ],
)
def test_a_combo_name_shared_by_two_combos_is_a_conflict_naming_both(data, field, code, prop):
    other = CategoryCombo.objects.create(uid="GenderCombo", name="Gender")
    CategoryOptionCombo.objects.create(uid="CocFemale02", name="Female", category_combo=other)
    summary = run(
        data,
        "dan",
        row("TxCurr0001a", "NakuruHosp1", **{field: "Female"}),
        category_option_combo_id_scheme="NAME",
    )
    conflict = only_conflict(summary)
    assert (conflict["errorCode"], conflict["property"]) == (code, prop)
    assert "CocFemale01" in conflict["value"] and "CocFemale02" in conflict["value"]
    assert not DataValue.objects.exists()


def test_under_code_the_default_combo_without_a_code_is_known_by_its_uid(data):
    # A database whose default combo predates its code "default" (DHIS2 gives it one).
    type(data.default_coc).objects.filter(pk=data.default_coc.pk).update(code=None)
    summary = run(
        data,
        "dan",
        row("VL_TESTED", "KE_NAK_H", category_option_combo=data.default_coc.uid),
        id_scheme="CODE",
    )
    assert summary["importCount"]["imported"] == 1


def test_adx_options_shared_by_two_combos_are_settled_by_the_data_elements_disaggregation(data):
    other = CategoryCombo.objects.create(uid="GenderCombo", name="Gender")
    twin = CategoryOptionCombo.objects.create(uid="CocFemale02", name="Female (gender)", category_combo=other)
    twin.options.set(data.coc_female.options.all())
    summary = run(data, "dan", row("TxCurr0001a", "NakuruHosp1", category_options=(("SEX", "F"),)))
    assert summary["importCount"]["imported"] == 1
    assert DataValue.objects.get().category_option_combo == data.coc_female
    # An attribute has no data element to settle it: the options name both combos.
    summary = run(
        data, "dan", row("VlTested01a", "NakuruHosp1", period="202402", attribute_options=(("SEX", "F"),))
    )
    conflict = only_conflict(summary)
    assert (conflict["errorCode"], conflict["object"]) == ("E7615", "SEX=F")
    assert "CocFemale01" in conflict["value"] and "CocFemale02" in conflict["value"]


# ------------------------------------------------------------------------------------- which scheme applies


def test_a_per_type_scheme_beats_the_set_level_one(data):
    options = options_from_parameters({"idScheme": "NAME", "orgUnitIdScheme": "CODE"})
    summary = import_data_values(
        actor=data.world.dan.user, rows=[row("Viral load tested", "KE_NAK_H")], options=options
    )
    assert summary["importCount"]["imported"] == 1
    assert DataValue.objects.get().org_unit == data.nakuru_hospital


def test_the_files_own_schemes_beat_the_urls_even_its_more_specific_ones(data):
    # DHIS2 reads a type's scheme from the file (its own, else the file's idScheme) before the URL's.
    schemes = options_from_parameters(
        {"dataElementIdScheme": "UID", "orgUnitIdScheme": "UID"},
        file_schemes={"idScheme": "CODE", "orgUnitIdScheme": "NAME"},
    ).schemes
    assert (str(schemes.data_elements), str(schemes.org_units)) == ("CODE", "NAME")
    url_only = options_from_parameters({"idScheme": "NAME", "dataElementIdScheme": "UID"}).schemes
    assert (str(url_only.data_elements), str(url_only.org_units)) == ("UID", "NAME")


def test_attribute_option_combos_follow_the_category_option_combo_scheme_unless_given_their_own(data):
    schemes = options_from_parameters({"idScheme": "UID", "categoryOptionComboIdScheme": "CODE"}).schemes
    assert str(schemes.attribute_option_combos) == "CODE"
    schemes = options_from_parameters(
        {"categoryOptionComboIdScheme": "CODE", "attributeOptionComboIdScheme": "NAME"}
    ).schemes
    assert str(schemes.attribute_option_combos) == "NAME"


def test_id_schemes_are_read_in_any_case(data):
    OrgUnit.objects.filter(pk=data.naivasha.pk).update(attribute_values={"AttrMohId01": "MOH-1"})
    options = options_from_parameters({"idScheme": "code", "orgUnitIdScheme": "attribute:AttrMohId01"})
    assert (options.id_scheme, options.org_unit_id_scheme) == ("CODE", "ATTRIBUTE:AttrMohId01")


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"idScheme": "FOO"}, "idScheme"),
        ({"orgUnitIdScheme": "ATTRIBUTE:"}, "orgUnitIdScheme"),
        ({"dataElementIdScheme": "ATTRIBUTE:not-a-uid"}, "dataElementIdScheme"),
        ({"categoryOptionComboIdScheme": "ATTRIBUTE:NoSuchAttr1"}, "categoryOptionComboIdScheme"),
    ],
)
def test_an_unknown_scheme_or_attribute_is_refused_naming_the_parameter(data, params, named):
    with pytest.raises(ValidationError) as refused:
        options_from_parameters(params)
    assert named in " ".join(refused.value.messages)


# ----------------------------------------------------------------------------------------------- ATTRIBUTE

MOH = "AttrMohId01"  # a metadata attribute: the ministry's own identifier


def test_an_attribute_scheme_names_objects_by_their_attribute_values(data):
    OrgUnit.objects.filter(pk=data.nakuru_hospital.pk).update(attribute_values={MOH: "MOH-0042"})
    DataElement.objects.filter(pk=data.vl_tested.pk).update(attribute_values={MOH: "HIV-VL-T"})
    options = options_from_parameters({"idScheme": f"ATTRIBUTE:{MOH}"})
    summary = import_data_values(
        actor=data.world.dan.user, rows=[row("HIV-VL-T", "MOH-0042", "9")], options=options
    )
    assert summary["importCount"]["imported"] == 1
    stored = DataValue.objects.get()
    assert (stored.data_element, stored.org_unit, stored.value) == (data.vl_tested, data.nakuru_hospital, "9")


def test_two_objects_with_the_same_attribute_value_are_a_conflict_naming_both(data):
    OrgUnit.objects.filter(pk__in=[data.nakuru_hospital.pk, data.naivasha.pk]).update(
        attribute_values={MOH: "MOH-0042"}
    )
    summary = run(data, "dan", row("VlTested01a", "MOH-0042"), org_unit_id_scheme=f"ATTRIBUTE:{MOH}")
    conflict = only_conflict(summary)
    assert conflict["errorCode"] == "E7612"
    assert f"ATTRIBUTE:{MOH}" in conflict["value"]
    assert "NakuruHosp1" in conflict["value"] and "NaivashaHC1" in conflict["value"]


def test_under_an_attribute_scheme_an_object_without_a_value_is_known_by_its_uid_only(data):
    OrgUnit.objects.filter(pk=data.nakuru_hospital.pk).update(attribute_values={MOH: "MOH-0042"})
    summary = run(
        data,
        "dan",
        row("VlTested01a", "NaivashaHC1"),  # no value of the attribute: its UID
        row("VlTested01a", "NakuruHosp1", index=1),  # has one: its UID is not its identifier
        org_unit_id_scheme=f"ATTRIBUTE:{MOH}",
        atomic=False,
    )
    assert summary["importCount"]["imported"] == 1
    assert only_conflict(summary)["indexes"] == [1]
    assert DataValue.objects.get().org_unit == data.naivasha


def test_an_attribute_value_in_another_country_is_outside_the_users_countries(data):
    OrgUnit.objects.filter(pk=data.jacmel.pk).update(attribute_values={MOH: "MSPP-7"})
    conflict = only_conflict(
        run(data, "dan", row("VlTested01a", "MSPP-7"), org_unit_id_scheme=f"ATTRIBUTE:{MOH}")
    )
    assert conflict["errorCode"] == "E7617"
    assert not DataValueAudit.objects.exists() and not DataValue.objects.exists()
