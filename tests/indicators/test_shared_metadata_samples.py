"""Every DHIS2 metadata sample of ``../shared/formats/dhis2-metadata`` goes through the reader and the
metadata importer: exactly what is created, or which errors leave the database as it was.

The samples live next to the repository; a fresh clone without them skips this module.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metadata_reports import messages, outcomes
from qicop.indicators.metadata_import import import_metadata
from qicop.indicators.models import (
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    Indicator,
    OrgUnit,
)
from qicop.integrations.dhis2 import metadata as metadata_reader

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "dhis2-metadata"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="the shared sample files (../shared/formats next to the repository) are absent",
)

CSV_KINDS = {"indicators.csv": "indicators", "organisationUnits.csv": "organisationUnits"}

UNKNOWN = "is neither in the file nor already known"

# file -> (status, stats per type, error messages); an import that fails stores nothing, so DHIS2 counts
# everything in it as ignored
CASES = {
    # The combination's category cX5k9anHEHd and its inline option combos are not in the file.
    "catcombo_with_multiple_option_combos.json": ("OK", {"CategoryCombo": {"created": 1}}, []),
    "category_option_combo.json": (
        "ERROR",
        {"CategoryOptionCombo": {"ignored": 1}},
        ["Unknown category combination t3aNCvHsoSn"],
    ),
    "indicator.json": ("OK", {"Indicator": {"created": 1}}, []),
    "indicator_types.json": ("OK", {}, []),  # types only give their factor to indicators of the same file
    "indicators.csv": ("OK", {"Indicator": {"created": 2}}, []),
    "indicators.json": ("OK", {"Indicator": {"created": 1}}, []),
    "metadata.json": (
        "OK",
        {
            "CategoryOption": {"created": 8},
            "Category": {"created": 3},
            "CategoryCombo": {"created": 3},
            "CategoryOptionCombo": {"created": 12},
            "DataElement": {"created": 75},
            "DataSet": {"created": 2},
            "Indicator": {"created": 19},
        },
        [],
    ),
    "metadata_with_indicators.json": (
        "OK",
        {"DataElement": {"created": 3}, "Indicator": {"created": 2}, "OrganisationUnit": {"created": 1}},
        [],
    ),
    "organisationUnits.csv": ("OK", {"OrganisationUnit": {"created": 6}}, []),
    "organisation_unit.json": (
        "ERROR",
        {"OrganisationUnit": {"ignored": 1}},
        [f"Organisation unit Baomahun CHC: its parent npWGUj37qDe {UNKNOWN}"],
    ),
    "organisation_unit_levels.json": ("OK", {}, []),
    "organisation_units.json": (
        "ERROR",
        {"OrganisationUnit": {"ignored": 3}},
        [
            f"Organisation unit Badjia: its parent O6uvpzGd5pu {UNKNOWN}",
            f"Organisation unit Ngelehun CHC: its parent YuQRtpLP10I {UNKNOWN}",
            f"Organisation unit Njandama MCHP: its parent YuQRtpLP10I {UNKNOWN}",
        ],
    ),
    "ou_with_group_and_set.json": ("OK", {"OrganisationUnit": {"created": 2}}, []),
    "ou_with_levels.json": ("OK", {"OrganisationUnit": {"created": 4}}, []),
    "simple_metadata.json": (
        "OK",
        {"DataElement": {"created": 2}, "DataSet": {"created": 1}, "OrganisationUnit": {"created": 1}},
        [],
    ),
}


def read(path: Path):
    with open(path, "rb") as fileobj:
        if path.name in CSV_KINDS:
            return metadata_reader.read_csv(fileobj, CSV_KINDS[path.name])
        return metadata_reader.read_json(fileobj)


def import_sample(world, name: str) -> dict:
    return import_metadata(actor=world.carla.user, metadata=read(SAMPLES / name), country=world.kenya)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_metadata_sample_is_stored_whole_or_not_at_all(world, name):
    status, stats, errors = CASES[name]
    result = import_sample(world, name)
    assert (result["status"], outcomes(result), messages(result)) == (status, stats, errors)
    assert result["responseType"] == "ImportReport"
    if status == "ERROR":  # all or nothing: not even the default combination the import ensures
        assert not OrgUnit.objects.exists() and not CategoryOptionCombo.objects.exists()


def test_every_metadata_sample_has_a_row_in_the_table():
    assert {p.name for p in SAMPLES.iterdir() if p.is_file()} == set(CASES)


def test_a_csv_hierarchy_is_placed_under_its_parents_in_the_given_country(world):
    import_sample(world, "organisationUnits.csv")
    units = OrgUnit.objects.order_by("path").values_list("code", "level", "path", "country__iso2")
    assert list(units) == [
        ("ROOT", 1, "/a1234567890", "KE"),
        ("L1", 2, "/a1234567890/b1234567890", "KE"),
        ("L2a", 3, "/a1234567890/b1234567890/c1234567890", "KE"),
        ("L3", 4, "/a1234567890/b1234567890/c1234567890/e1234567890", "KE"),
        ("L4", 5, "/a1234567890/b1234567890/c1234567890/e1234567890/f1234567890", "KE"),
        ("L2b", 3, "/a1234567890/b1234567890/d1234567890", "KE"),
    ]


def test_org_units_whose_parents_are_already_known_join_the_hierarchy(world):
    with open(FIXTURES / "samples_metadata/android_sdk_test_metadata.json", "rb") as fileobj:
        import_metadata(
            actor=world.carla.user, metadata=metadata_reader.read_json(fileobj), country=world.kenya
        )
    result = import_sample(world, "organisation_units.json")
    assert outcomes(result) == {"OrganisationUnit": {"created": 2, "updated": 1}}
    njandama = OrgUnit.objects.get(uid="g8upMTyEZGZ")
    assert (njandama.name, njandama.level, njandama.path) == (
        "Njandama MCHP",
        3,
        "/O6uvpzGd5pu/YuQRtpLP10I/g8upMTyEZGZ",
    )


def test_the_full_metadata_export_keeps_value_types_disaggregations_and_indicator_factors(world):
    import_sample(world, "metadata.json")
    element = DataElement.objects.get(uid="BjDrgVrkBI3")
    assert (element.value_type, element.category_combo.uid) == ("INTEGER_ZERO_OR_POSITIVE", "BwnnrV1AkNj")
    assert DataElement.objects.get(uid="CHM9i82Xvid").value_type == "BOOLEAN"
    indicator = Indicator.objects.get(uid="AdyubP1OaxP")
    assert (indicator.numerator, indicator.denominator, indicator.factor) == (
        "#{s9FmEvF0r4n}",
        "#{lZi1cjtvVB6}",
        100,
    )
    assert CategoryCombo.objects.get(uid="BwnnrV1AkNj").option_combos.count() > 1
    assert DataSet.objects.count() == 2


def test_indicators_from_csv_keep_their_expressions(world):
    import_sample(world, "indicators.csv")
    assert Indicator.objects.get(uid="Uvn6LCg7dVU").numerator == "#{h0xKKjijTdI}"
    assert (
        Indicator.objects.get(code="CodeA").denominator
        == "#{fbfJHSPpUQD.pq2XI5kz2BY}+#{fbfJHSPpUQD.PT59n8BQbqM}"
    )


def test_importing_the_same_metadata_twice_updates_instead_of_duplicating(world):
    import_sample(world, "simple_metadata.json")
    result = import_sample(world, "simple_metadata.json")
    assert outcomes(result) == {
        "DataElement": {"updated": 2},
        "DataSet": {"updated": 1},
        "OrganisationUnit": {"updated": 1},
    }
    assert OrgUnit.objects.get().code == "OrgUnitCodeA"
