"""Every real data value file of ``../shared/formats`` goes through the importer into the database.

One row per file in ``dhis2-datavalueset/`` and ``adx/`` (recursively): the metadata it needs (loaded
through the metadata importer from ``tests/fixtures``), the DHIS2 parameters it is meant to be imported with,
and exactly what the import summary says and what is stored. The table imports with "store what is valid"
(``atomicMode=NONE``) so that the valid values of a file with conflicts show; ``test_all_or_nothing_*`` checks
the default mode on the same rows. Specific tests cover the edge cases of spec ``formats.md`` §7 that need
more than one import.

The samples live next to the repository (``../shared/formats``); a fresh clone without them skips this module.
Deliberately missing objects of the dhis2-core fixtures (``missingOrgu``, ``inValidUid1``, ``nonEx1sting``,
``jH26dja2f28``…) stay missing, so that their conflicts show.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db.models import Count

from metadata_reports import messages, outcomes
from qicop.indicators.metadata_import import ensure_default_combo, import_metadata
from qicop.indicators.models import (
    CategoryCombo,
    CategoryOptionCombo,
    DataElement,
    DataValue,
    DataValueAudit,
    OrgUnit,
)
from qicop.indicators.services import import_file
from qicop.integrations.dhis2 import metadata as metadata_reader

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "formats"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FOLDERS = ("dhis2-datavalueset", "adx")

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="the shared sample files (../shared/formats next to the repository) are absent",
)

DEF = "HllvX50cXC0"  # DHIS2's default category option combo

# Metadata sets, each a DHIS2 metadata JSON file, and the country their org units go into.
METADATA = {
    "core": ("dhis2/dhis2_core_test_metadata.json", "kenya"),
    "android": ("samples_metadata/android_sdk_test_metadata.json", "kenya"),
    "datim": ("samples_metadata/datim_mer_test_metadata.json", "haiti"),
    "adx-core": ("samples_metadata/adx_dhis2_core_test_metadata.json", "kenya"),
    "adx-ihe": ("samples_metadata/adx_ihe_malaria_metadata.json", "kenya"),
}
ANDROID = ("core", "android")  # the android samples also use dhis2-core's DiszpKrYNg8


def load_metadata(world, *names: str) -> None:
    for name in names:
        if name == "datim":
            # ~1,000 objects: created in bulk here; test_the_datim_metadata_fixture_imports_through_the_
            # metadata_importer shows that the metadata importer stores the same.
            bulk_load_datim(world)
            continue
        path, country = METADATA[name]
        with open(FIXTURES / path, "rb") as fileobj:
            result = import_metadata(
                actor=world.carla.user,
                metadata=metadata_reader.read_json(fileobj),
                country=getattr(world, country),
            )
        assert result["status"] == "OK", messages(result)


def bulk_load_datim(world) -> None:
    ensure_default_combo()
    data = json.loads((FIXTURES / METADATA["datim"][0]).read_text())
    combos = {
        c["id"]: CategoryCombo.objects.create(
            uid=c["id"],
            code=c["code"],
            name=c["name"],
            data_dimension_type=c.get("dataDimensionType", "DISAGGREGATION"),
        )
        for c in data["categoryCombos"]
    }
    CategoryOptionCombo.objects.bulk_create(
        CategoryOptionCombo(uid=c["id"], name=c["name"], category_combo=combos[c["categoryCombo"]["id"]])
        for c in data["categoryOptionCombos"]
    )
    DataElement.objects.bulk_create(
        DataElement(
            uid=d["id"],
            code=d["code"],
            name=d["name"],
            value_type=d["valueType"],
            zero_is_significant=d["zeroIsSignificant"],
            category_combo=combos[d["categoryCombo"]["id"]],
        )
        for d in data["dataElements"]
    )
    root, *sites = data["organisationUnits"]
    root_unit = OrgUnit.objects.create(
        uid=root["id"], code=root["code"], name=root["name"], country=world.haiti, path=f"/{root['id']}"
    )
    OrgUnit.objects.bulk_create(
        OrgUnit(
            uid=o["id"],
            code=o["code"],
            name=o["name"],
            country=world.haiti,
            parent=root_unit,
            level=2,
            path=f"/{root['id']}/{o['id']}",
        )
        for o in sites
    )


def run(world, relative: str, params: dict | None = None, persona: str = "carla") -> dict:
    path = SAMPLES / relative
    with open(path, "rb") as fileobj:
        return import_file(
            actor=getattr(world, persona).user, fileobj=fileobj, filename=path.name, params=params or {}
        )


def stored(de: str, pe: str, ou: str, coc: str = DEF, aoc: str = DEF) -> DataValue:
    return DataValue.objects.get(
        data_element__uid=de,
        period__dhis2_id=pe,
        org_unit__uid=ou,
        category_option_combo__uid=coc,
        attribute_option_combo__uid=aoc,
    )


@dataclass
class Case:
    """What importing one file gives. ``conflicts``: (errorCode, object, indexes); object None is not compared
    (duplicates name an internal id), indexes may be a count when the list is long."""

    file: str
    metadata: tuple[str, ...]
    status: str
    counts: tuple[int, int, int, int]  # imported, updated, ignored, deleted
    conflicts: list[tuple[str, str | None, list[int] | int]] = field(default_factory=list)
    values: dict[tuple, str] = field(default_factory=dict)  # (de, pe, ou[, coc, aoc]) -> stored value
    params: dict = field(default_factory=dict)


V = "dhis2-datavalueset/"
DUP = "E7644"
UNKNOWN_KEY = ""  # a warning of ours, which DHIS2 has no error code for

CASES = [
    # -------------------------------------------------- dhis2-core DataValueSetServiceTest fixtures
    Case(
        V + "dataValueSetA.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={
            ("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "10001",
            ("f7n9E0hX8qk", "201202", "DiszpKrYNg8"): "10003",
        },
    ),
    Case(
        V + "dataValueSetACatCombo.xml",
        ("core",),
        "WARNING",
        (1, 0, 2, 0),
        [("E7634", "kjuiHgy67hg", [0]), ("E7634", "Gad33qy67g5", [1])],
        {("eY5ehpbEsB7", "201201", "DiszpKrYNg8"): "10003"},
    ),
    Case(
        V + "dataValueSetACode.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={
            ("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "10001",
            ("eY5ehpbEsB7", "201201", "DiszpKrYNg8"): "10003",
        },
    ),
    Case(V + "dataValueSetADeleted.xml", ("core",), "SUCCESS", (0, 0, 3, 0)),
    Case(
        V + "dataValueSetANull.xml",
        ("core",),
        "WARNING",
        (1, 0, 2, 0),
        [("E7618", "f7n9E0hX8qk", [0]), ("E7618", "Ix2HsbDMLea", [1])],
        {("eY5ehpbEsB7", "201201", "DiszpKrYNg8"): "10003"},
    ),
    Case(
        V + "dataValueSetAUpdate.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("f7n9E0hX8qk", "201201", "BdfsJfj87js"): "10022"},
    ),
    Case(
        V + "dataValueSetB.csv",
        ("core",),
        "SUCCESS",
        (12, 0, 0, 0),
        values={
            ("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "10001",
            ("eY5ehpbEsB7", "201202", "BdfsJfj87js"): "10012",
        },
    ),
    Case(
        V + "dataValueSetB.xml",
        ("core",),
        "SUCCESS",
        (12, 0, 0, 0),
        values={
            ("Ix2HsbDMLea", "201202", "BdfsJfj87js"): "10008",
            ("eY5ehpbEsB7", "201202", "BdfsJfj87js"): "10012",
        },
    ),
    # Identified by a custom attribute (ATTRIBUTE:uh6H2ff562G in dhis2-core), which qicop does not have.
    Case(
        V + "dataValueSetBAttribute.xml",
        ("core",),
        "ERROR",
        (0, 0, 12, 0),
        [
            ("E7610", "DE1", [0, 1, 2, 3]),
            ("E7610", "DE2", [4, 5, 6, 7]),
            ("E7610", "DE3", [8, 9, 10, 11]),
            # Every problem of a value is reported: its org unit is unknown too.
            ("E7612", "OU1", [0, 2, 4, 6, 8, 10]),
            ("E7612", "OU2", [1, 3, 5, 7, 9, 11]),
        ],
    ),
    Case(
        V + "dataValueSetBCode.xml",
        ("core",),
        "SUCCESS",
        (12, 0, 0, 0),
        values={
            ("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "10001",
            ("eY5ehpbEsB7", "201202", "BdfsJfj87js"): "10012",
        },
        params={"idScheme": "CODE"},
    ),
    Case(
        V + "dataValueSetBDeleted.xml",
        ("core",),
        "SUCCESS",
        (8, 0, 4, 0),
        values={
            ("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "10001",
            ("eY5ehpbEsB7", "201202", "BdfsJfj87js"): "10012",
        },
    ),
    Case(
        V + "dataValueSetBNew.xml",
        ("core",),
        "SUCCESS",
        (12, 0, 0, 0),
        values={("eY5ehpbEsB7", "201203", "DiszpKrYNg8"): "10009"},
    ),
    Case(V + "dataValueSetBNewDeleted.xml", ("core",), "SUCCESS", (8, 0, 4, 0)),
    Case(
        V + "dataValueSetBNoHeader.csv",
        ("core",),
        "SUCCESS",
        (12, 0, 0, 0),
        values={
            ("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "10001",
            ("eY5ehpbEsB7", "201202", "BdfsJfj87js"): "10012",
        },
    ),
    Case(
        V + "dataValueSetBUpdate.xml",
        ("core",),
        "SUCCESS",
        (6, 0, 0, 0),
        values={("eY5ehpbEsB7", "201203", "BdfsJfj87js"): "20014"},
    ),
    Case(
        V + "dataValueSetBooleanDuplicatesTest.csv",
        ("core",),
        "WARNING",
        (4, 0, 14, 0),
        [
            ("E7619", "jH26dja2f30", [10, 11]),
            ("E7619", "jH26dja2f31", [16, 17]),
            (DUP, None, [1, 3, 4, 5, 6, 7, 9]),
            (DUP, None, [13, 14, 15]),
        ],
        {
            ("jH26dja2f30", "201201", "DiszpKrYNg8"): "true",
            ("jH26dja2f30", "201202", "DiszpKrYNg8"): "false",
            ("jH26dja2f30", "201201", "BdfsJfj87js"): "true",
            ("jH26dja2f31", "201202", "DiszpKrYNg8"): "true",
        },
    ),
    Case(
        V + "dataValueSetBooleanTest.csv",
        ("core",),
        "WARNING",
        (14, 0, 4, 0),
        [("E7619", "jH26dja2f30", [10, 11]), ("E7619", "jH26dja2f31", [16, 17])],
        {
            ("jH26dja2f30", "201202", "DiszpKrYNg8"): "true",
            ("jH26dja2f30", "201205", "DiszpKrYNg8"): "false",
            ("jH26dja2f30", "201204", "DiszpKrYNg8"): "false",
        },
    ),
    Case(
        V + "dataValueSetC.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("Ix2HsbDMLea", "201205", "DiszpKrYNg8"): "10002"},
    ),
    Case(
        V + "dataValueSetCCode.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("eY5ehpbEsB7", "201205", "DiszpKrYNg8"): "10003"},
        params={"categoryOptionComboIdScheme": "CODE"},
    ),
    Case(
        V + "dataValueSetCreateDate.json",
        ("core",),
        "SUCCESS",
        (1, 0, 0, 0),
        values={("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "20"},
    ),
    Case(
        V + "dataValueSetCreateDateUpdated.json",
        ("core",),
        "SUCCESS",
        (1, 0, 0, 0),
        values={("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "22"},
    ),
    Case(
        V + "dataValueSetD.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("Ix2HsbDMLea", "201201", "DiszpKrYNg8", DEF, "kjuiHgy67hg"): "10002"},
    ),
    Case(
        V + "dataValueSetD2.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("Ix2HsbDMLea", "201201", "DiszpKrYNg8"): "10002"},
    ),
    Case(
        V + "dataValueSetE.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("eY5ehpbEsB7", "201201", "j7Hg26FpoIa"): "10004"},
    ),
    Case(V + "dataValueSetF.xml", ("core",), "ERROR", (0, 0, 4, 0), [("E7615", "inValidUid1", [0, 1, 2, 3])]),
    Case(
        V + "dataValueSetG.xml",
        ("core",),
        "WARNING",
        (1, 0, 3, 0),
        [("E7610", "nonEx1sting", [0, 1]), ("E7612", "nonEx1sting", [2])],
        {("eY5ehpbEsB7", "201201", "DiszpKrYNg8"): "10003"},
    ),
    Case(
        V + "dataValueSetH.xml",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("eY5ehpbEsB7", "201203", "j7Hg26FpoIa", DEF, "kjuiHgy67hg"): "10003"},
    ),
    Case(V + "dataValueSetIllegalCoc.xml", ("core",), "ERROR", (0, 0, 1, 0), [("E7634", "kjuiHgy67hg", [0])]),
    Case(
        V + "dataValueSetIllegalOrgUnit.xml",
        ("core",),
        "ERROR",
        (0, 0, 1, 0),
        [("E7612", "missingOrgu", [0])],
    ),
    Case(
        V + "dataValueSetInvalid.xml",
        ("core",),
        "WARNING",
        (2, 0, 1, 0),
        [("E7610", "jH26dja2f28", [2])],
        {("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "1", ("Ix2HsbDMLea", "201201", "DiszpKrYNg8"): "2"},
    ),
    Case(
        V + "dataValueSetJ.json",
        ("core",),
        "SUCCESS",
        (1, 0, 0, 0),
        values={("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "10"},
    ),
    Case(
        V + "dataValueSetJDeleteNewValue.json",
        ("core",),
        "SUCCESS",
        (1, 0, 0, 0),
        values={("f7n9E0hX8qk", "201201", "DiszpKrYNg8"): "9"},
    ),
    Case(
        V + "dataValueSetJDeleteNoValue.json",
        ("core",),
        "ERROR",
        (0, 0, 1, 0),
        [("E7618", "f7n9E0hX8qk", [0])],
    ),
    Case(
        V + "dataValueSetNonStrict.xml",
        ("core",),
        "WARNING",
        (2, 0, 1, 0),
        [("E7634", "kjuiHgy67hg", [0])],
        {
            ("Ix2HsbDMLea", "2012Q2", "DiszpKrYNg8", DEF, "Gad33qy67g5"): "10002",
            ("eY5ehpbEsB7", "2012", "BdfsJfj87js"): "10003",
        },
    ),
    Case(
        V + "dataValueSetWithDataSetHeader.csv",
        ("core",),
        "SUCCESS",
        (3, 0, 0, 0),
        values={("f7n9E0hX8qk", "201202", "DiszpKrYNg8"): "10003"},
    ),
    # -------------------------------------------------- dhis2-android-sdk fixtures (Sierra Leone demo)
    Case(
        V + "dataValues_bulk.json",
        ANDROID,
        "SUCCESS",
        (231, 0, 0, 0),
        values={
            ("tpz77FcntKx", "2018", "O6uvpzGd5pu"): "500000",
            ("mIefFUftPpa", "201912", "O6uvpzGd5pu"): "true",
        },
    ),
    Case(
        V + "dataValues_single_dataset.json",
        ANDROID,
        "SUCCESS",
        (2, 0, 0, 0),
        values={
            ("BjDrgVrkBI3", "201911", "O6uvpzGd5pu", "oPcWGgS2Liz"): "1000",
            ("BjDrgVrkBI3", "201911", "O6uvpzGd5pu", "rtfSaMjPyq6"): "2000",
        },
    ),
    Case(
        V + "data_value.json",
        ANDROID,
        "SUCCESS",
        (1, 0, 0, 0),
        values={("s46m5MS0hxu", "201712", "DiszpKrYNg8", "Gmbgme7z9BF", "bRowv6yZOF2"): "12"},
    ),
    Case(
        V + "data_values_BfMAe6Itzgt.json",
        ANDROID,
        "SUCCESS",
        (1, 0, 0, 0),
        values={("g9eOBujte1U", "201908", "DiszpKrYNg8", "Gmbgme7z9BF", "Gmbgme7z9BF"): "24"},
    ),
    Case(
        V + "data_values_TaMAefItzgt.json",
        ANDROID,
        "SUCCESS",
        (2, 0, 0, 0),
        values={("g9eOBujte1U", "2019W43", "g8upMTyEZGZ", "DwrQJzeChWp", "Gmbgme7z9BF"): "9"},
    ),
    Case(V + "data_values_empty.json", ANDROID, "SUCCESS", (0, 0, 0, 0)),
    Case(
        V + "data_values_lyLU2wR22tC.json",
        ANDROID,
        "SUCCESS",
        (6, 0, 0, 0),
        values={("g9eOBujte1U", "2018", "DiszpKrYNg8", "Gmbgme7z9BF", "bRowv6yZOF2"): "10"},
    ),
    Case(
        V + "data_values_monthly.json",
        ANDROID,
        "SUCCESS",
        (4, 0, 0, 0),
        values={
            ("g9eOBujte1U", "201906", "g8upMTyEZGZ", "Gmbgme7z9BF", "bRowv6yZOF2"): "4",
            ("g9eOBujte1U", "201907", "DiszpKrYNg8", "bRowv6yZOF2", "bRowv6yZOF2"): "12",
        },
    ),
    Case(V + "data_values_only_common_fields.json", ANDROID, "SUCCESS", (0, 0, 0, 0)),
    Case(
        V + "data_values_single_period.json",
        ANDROID,
        "ERROR",
        (0, 0, 2, 0),
        [("E7610", "del1", [0]), ("E7610", "del2", [1])],
    ),
    Case(
        V + "data_values_weekly.json",
        ANDROID,
        "SUCCESS",
        (1, 0, 0, 0),
        values={("g9eOBujte1U", "2019W43", "g8upMTyEZGZ", "Gmbgme7z9BF", "Gmbgme7z9BF"): "5"},
    ),
    # -------------------------------------------------- DATIM (PEPFAR MER) validation samples
    Case(
        V + "test-data-bad-boolean-value.csv",
        ("datim",),
        "WARNING",
        (1, 0, 11, 0),
        [("E7619", "mFvVvrRvZgo", [1, 2, 4, 5]), (DUP, None, [3, 6, 7, 8, 9, 10, 11])],
        {("mFvVvrRvZgo", "2019Q3", "IHuZkWbFwNK", DEF, "X8hrDf6bLDC"): "true"},
    ),
    Case(
        V + "test-data-bad-periods.csv",
        ("datim",),
        "WARNING",
        (8, 0, 2, 0),
        [("E7611", "2016Q5", [2]), ("E7611", "Oct", [8])],
        {
            ("cI3E5LgDZPs", "2015Oct", "oUdX2BkI0ur", "Z6au9xR1fym", "sbOyCovT6P2"): "6",
            ("i8BiIhhn5DH", "2018Oct", "TqH8UcafVOd", "zfBoZZIHjmY", "WQa4uNduUev"): "0",
        },
    ),
    Case(
        V + "test-data-exact-dups.csv",
        ("datim",),
        "WARNING",
        (11, 0, 1, 0),
        [(DUP, None, [1])],
        {("cI3E5LgDZPs", "2015Oct", "oUdX2BkI0ur", "Z6au9xR1fym", "sbOyCovT6P2"): "6"},
    ),
    Case(
        V + "test-data-missing-value.csv",
        ("datim",),
        "WARNING",
        (1, 0, 1, 0),
        [("E7618", "tG7ocyZ8kVA", [1])],
        {("MMODRH694Pm", "2017Q1", "LnGaK6y98gC", "pPoX6WdTN1o", "WQa4uNduUev"): "1"},
    ),
    Case(
        V + "test-data-neg-values.csv", ("datim",), "ERROR", (0, 0, 2, 0), [("E7619", "T93kjopkTmR", [0, 1])]
    ),
    Case(
        V + "test-data-no-header.csv",
        ("datim",),
        "SUCCESS",
        (5, 0, 0, 0),
        values={("TK8BBwaega8", "2015Oct", "qrTKsIyJ3kU", "WjTr93FH7Hx", "WQa4uNduUev"): "1"},
    ),
    Case(
        V + "test-data-with-spaces.csv",
        ("datim",),
        "SUCCESS",
        (2, 0, 0, 0),
        values={
            ("T93kjopkTmR", "2016Q3", "SLu9JjrZNVb", DEF, "WQa4uNduUev"): "10",
            ("T93kjopkTmR", "2016Q3", "gozEda5V7qR", "ojS6pfaeZCF", "WQa4uNduUev"): "10",
        },
    ),
    Case(
        V + "test-data.csv",
        ("datim",),
        "SUCCESS",
        (1000, 0, 0, 0),
        values={
            ("cI3E5LgDZPs", "2015Oct", "oUdX2BkI0ur", "Z6au9xR1fym", "sbOyCovT6P2"): "6",
            ("GEVWHZldt4c", "2017Oct", "ixwjYOMeIZ4", "BbVowvSlJ23", "WQa4uNduUev"): "413",
        },
    ),
    # Unknown fields (disagg, mechanism) are ignored, as DHIS2 does, but said (a warning): that value goes
    # to the default combos.
    Case(
        V + "test-json-bad-attributes.json",
        ("datim",),
        "WARNING",
        (3, 0, 0, 0),
        [(UNKNOWN_KEY, "disagg", [1]), (UNKNOWN_KEY, "mechanism", [1])],
        values={
            ("AhqNYjuc5ug", "2016Oct", "m5qVRNk0mSx"): "44",
            ("sqvgFXuNWTB", "2017Q1", "spOvV05GdUT", "MBCxSpEpqQ9", "sbOyCovT6P2"): "183",
        },
    ),
    Case(
        V + "test-json.json",
        ("datim",),
        "SUCCESS",
        (1000, 0, 0, 0),
        values={("AhqNYjuc5ug", "2016Oct", "m5qVRNk0mSx", "MD7ummNwSpv", "sbOyCovT6P2"): "44"},
    ),
    # Misspelled attributes are unknown ones: a missing data element, org unit or value, or default combos.
    Case(
        V + "test-xml-bad-attributes.xml",
        ("datim",),
        "WARNING",
        (2, 0, 3, 0),
        [
            ("E7610", "", [0]),
            ("E7612", "", [1]),
            ("E7618", "TK8BBwaega8", [4]),
            (UNKNOWN_KEY, "data_Element", [0]),
            (UNKNOWN_KEY, "org_Unit", [1]),
            (UNKNOWN_KEY, "category_OptionCombo", [2]),
            (UNKNOWN_KEY, "AttributeOptionCombo", [3, 4]),
            (UNKNOWN_KEY, "Value", [4]),
        ],
        {
            ("cfmOmZEfkmj", "2016Oct", "VBPoy9EFe15", DEF, "WQa4uNduUev"): "16",
            ("TK8BBwaega8", "2016Oct", "qrTKsIyJ3kU", "MdmCNJP0m4l", DEF): "18",
        },
    ),
    Case(
        V + "test-xml.xml",
        ("datim",),
        "SUCCESS",
        (4, 0, 0, 0),
        values={("TK8BBwaega8", "2016Oct", "qrTKsIyJ3kU", "MdmCNJP0m4l", "WQa4uNduUev"): "18"},
    ),
    # -------------------------------------------------- ADX
    # DHIS2 reads ADX by code unless told otherwise (spec §2): files written with codes need no parameter,
    # files written with UIDs or names say so. Group-level "McDonalds" is no known mechanism.
    Case(
        "adx/adx_data_sample1.xml",
        ("adx-ihe",),
        "WARNING",
        (4, 0, 9, 0),
        [("E7615", "McDonalds", [0, 1, 2, 3, 4, 5]), ("E7613", "McDonalds", [5]), (DUP, None, [10, 11, 12])],
        {("Mal01aaaaaa", "201501", "Clinic342aa"): "32", ("Mal03aaaaaa", "201501", "Clinic342aa"): "0"},
    ),
    Case(
        "adx/adx_data_sample2.xml",
        ("adx-ihe",),
        "SUCCESS",
        (13, 0, 0, 0),
        values={
            ("Mal04aaaaaa", "201501", "Clinic342aa", "Coc5pFemale", "CocPepfaraa"): "10",
            ("Mal03aaaaaa", "201501", "Clinic342aa", DEF, "CocOtherMec"): "0",
            ("Mal01aaaaaa", "201501", "Clinic342aa", DEF, "CocOtherMec"): "32",
        },
    ),
    Case(
        "adx/dhis2-adx/adx_data_sample1.xml",
        ("adx-ihe",),
        "SUCCESS",
        (13, 0, 0, 0),
        values={("Mal04aaaaaa", "201501", "Clinic342aa", "CocU5Maleaa", "CocOtherMec"): "10"},
    ),
    # SDMX reporting periods (2015-A1, 2015-M03…), datetimes and durations without a DHIS2 period are refused;
    # 2015-01-01/P1Y and 2015-03-01/P1M are the same periods as 2015 and 2015-03 before them.
    Case(
        "adx/dhis2-adx/adx_data_sample_reportingtime.xml",
        ("adx-ihe",),
        "WARNING",
        (7, 0, 13, 0),
        [
            ("E7611", "2015-A1", [2, 8]),
            ("E7615", "ReportingYearStartDay=2015-10-01, mechanism=PEPFAR", [8]),  # a second problem
            ("E7611", "2015-M03", [3]),
            ("E7611", "2015-W01", [4]),
            ("E7611", "2015-S1", [5]),
            ("E7611", "2015-T3", [6]),
            ("E7611", "2015-D320", [7]),
            ("E7611", "2015-01-01T09:00:00+01:00/P1D", [16]),
            ("E7611", "2015-01-23/P1Y2M3DT01H01M01S", [17]),
            ("E7611", "2015-01-01T09:00:00", [18]),
            ("E7611", "2015-01-01T09:00:00+01:00", [19]),
            (DUP, None, [9, 11]),
        ],
        {
            ("Mal01aaaaaa", "2015", "Clinic342aa", DEF, "CocPepfaraa"): "32",
            ("Mal01aaaaaa", "2015Oct", "Clinic342aa", DEF, "CocPepfaraa"): "32",
            ("Mal01aaaaaa", "201502B", "Clinic342aa", DEF, "CocPepfaraa"): "32",
        },
    ),
    # An old ADX draft shaped like a DXF data value set, with data elements by name that nobody defined.
    Case(
        "adx/dhis2-adx/adx_sample.xml",
        (),
        "ERROR",
        (0, 0, 3, 0),
        [
            ("E7610", "Unconfirmed Malaria cases", [0]),
            ("E7610", "Confirmed Malaria cases", [1]),
            ("E7610", "Malaria deaths", [2]),
            ("E7612", "Nyamandhlovu clinic", [0, 1, 2]),
        ],
    ),
    Case(
        "adx/dhis2-adx/data.xml",
        ("adx-ihe",),
        "WARNING",
        (20, 0, 18, 0),
        [
            ("E7613", "ageGroup=xunder5, sex=M", [2]),
            ("E7612", "CLINIC", [6, 7, 8, 9, 10, 11]),
            (DUP, None, [18, 31]),
            (DUP, None, [19, 32]),
            (DUP, None, 7),
        ],
        {("Mal04aaaaaa", "201501", "BobsClinica", "CocU5Female", "CocPepfaraa"): "10"},
    ),
    # Sierra Leone demo UIDs (a DXF-style ADX export) for which no metadata exists here.
    Case(
        "adx/dhis2-adx/dxf_style.xml",
        (),
        "ERROR",
        (0, 0, 7, 0),
        [
            ("E7610", "JMit4DXSP8O", [0]),
            ("E7610", "SRlFUrQF4o2", [1]),
            ("E7610", "UTFEUcTwcsG", [2]),
            ("E7610", "aOZdqsaTa1K", [3, 4, 5, 6]),
            # Every problem of a value: its org unit and the combos it names by UID are unknown too.
            ("E7612", "GbjtFwPRgsf", [0, 1, 2, 3, 4, 5, 6]),
            ("E7613", "wv3d3M2WkBH", [0, 1, 2]),
            ("E7613", "bXVkywSmJcD", [3]),
            ("E7613", "dpwBJuqjRe8", [4]),
            ("E7613", "qJFGjLLmogF", [5]),
            ("E7613", "XDpDJAAs3na", [6]),
            ("E7615", "hYdGYjbV3BZ", [0, 1, 2, 3, 4, 5, 6]),
        ],
    ),
    # dhis2-core AdxDataServiceTest: each file imported with the id schemes DHIS2 wrote or read it with, less
    # the CODE that ADX assumes anyway. A text data element's value is its <annotation> (value="0").
    # qicop matches ADX disaggregations by category option *code* only (issue 4), so files written with
    # categories or options by UID or name give E7613/E7615 for those values.
    Case(
        "adx/exportA.adx.xml",
        ("adx-core",),
        "WARNING",
        (1, 0, 1, 0),
        [("E7613", "Age_category=under555555, Sex_category=FFFFFFFFFFF", [0])],
        {("MalTexttttt", "202002", "P1233333333"): "Some text"},
        {"dataElementIdScheme": "NAME"},
    ),
    Case(
        "adx/exportB.adx.xml",
        ("adx-core",),
        "SUCCESS",
        (4, 0, 0, 0),
        values={
            ("MalNummmmmm", "202001", "P1233333333", "FUnder55555"): "1",
            ("MalNummmmmm", "202001", "D4566666666", "MOver555555", "cocMcDonald"): "2",
            ("MalNummmmmm", "202001", "D4566666666", "FOver555555", "cocPEPFARRR"): "3",
        },
        params={
            "orgUnitIdScheme": "UID",
            "dataElementIdScheme": "UID",
            "categoryOptionComboIdScheme": "NAME",
        },
    ),
    Case(
        "adx/exportC.adx.xml",
        ("adx-core",),
        "WARNING",
        (1, 0, 3, 0),
        [
            ("E7613", "ageeeeeeeee=Under 5, sexxxxxxxxx=Female", [0]),
            ("E7613", "ageeeeeeeee=Over 5, sexxxxxxxxx=Male", [2]),
            ("E7615", "mechanismmm=McDonalds mechanism", [2]),
            ("E7613", "ageeeeeeeee=Over 5, sexxxxxxxxx=Female", [3]),
            ("E7615", "mechanismmm=PEPFAR mechanism", [3]),
        ],
        {("MalTexttttt", "202002", "P1233333333"): "Some text"},
        {"orgUnitIdScheme": "NAME"},
    ),
    Case(
        "adx/exportD.adx.xml",
        ("adx-core",),
        "ERROR",
        (0, 0, 1, 0),
        [
            ("E7613", "ageeeeeeeee=Over 5, sexxxxxxxxx=Male", [0]),
            ("E7615", "mechanismmm=McDonalds mechanism", [0]),
        ],
        params={"orgUnitIdScheme": "NAME"},
    ),
    Case(
        "adx/importA.adx.xml",
        ("adx-core",),
        "WARNING",
        (3, 0, 6, 0),
        [
            ("E7613", "Sex_category=FFFFFFFFFFF, Age_category=under555555", [0, 5, 6]),
            ("E7613", "Sex_category=MMMMMMMMMMM, Age_category=under555555", [1, 8]),
            ("E7615", "Mechanism_category=PEPFARRRRRR", [6]),
            ("E7613", "Sex_category=FFFFFFFFFFF, Age_category=over5555555", [7]),
            ("E7615", "Mechanism_category=McDonaldsss", [7]),
        ],
        {
            ("MalNummmmmm", "202001", "P1233333333", "FOver555555"): "3",
            ("MalNummmmmm", "202001", "P1233333333", "MOver555555"): "4",
        },
        {"dataElementIdScheme": "NAME", "categoryOptionComboIdScheme": "UID"},
    ),
    Case(
        "adx/importB.adx.xml",
        ("adx-core",),
        "SUCCESS",
        (9, 0, 0, 0),
        values={
            ("MalNummmmmm", "202001", "P1233333333", "FUnder55555"): "1",
            ("MalNummmmmm", "202001", "P1233333333", "MOver555555"): "4",
            ("MalNummmmmm", "202002", "D4566666666", "FUnder55555"): "6",
            ("MalNummmmmm", "2021Q1", "D4566666666", "FUnder55555", "cocPEPFARRR"): "10",
            ("MalNummmmmm", "2021Q1", "D4566666666", "FOver555555", "cocMcDonald"): "20",
            ("MalNummmmmm", "2021Q1", "D4566666666", "MUnder55555", "cocMcDonald"): "30",
        },
        params={
            "orgUnitIdScheme": "UID",
            "dataElementIdScheme": "UID",
            "categoryOptionComboIdScheme": "NAME",
        },
    ),
    Case(
        "adx/importC.adx.xml",
        ("adx-core",),
        "WARNING",
        (3, 0, 6, 0),
        [
            ("E7613", "sexxxxxxxxx=Female, ageeeeeeeee=Under 5", [0, 5, 6]),
            ("E7613", "sexxxxxxxxx=Male, ageeeeeeeee=Under 5", [1, 8]),
            ("E7615", "mechanismmm=PEPFAR mechanism", [6]),
            ("E7613", "sexxxxxxxxx=Female, ageeeeeeeee=Over 5", [7]),
            ("E7615", "mechanismmm=McDonalds mechanism", [7]),
        ],
        {
            ("MalNummmmmm", "202001", "P1233333333", "FOver555555"): "3",
            ("MalNummmmmm", "202001", "P1233333333", "MOver555555"): "4",
            ("MalTexttttt", "202001", "P1233333333"): "Text data value",
        },
        {"orgUnitIdScheme": "NAME"},
    ),
    Case(
        "adx/importDates.adx.xml",
        ("adx-core",),
        "ERROR",
        (0, 0, 1, 0),
        [("E7613", "ageeeeeeeee=over5555555, sexxxxxxxxx=MMMMMMMMMMM", [0])],
        params={"idScheme": "UID"},
    ),
    Case(
        "adx/importDatesUpdate.adx.xml",
        ("adx-core",),
        "ERROR",
        (0, 0, 1, 0),
        [("E7613", "ageeeeeeeee=over5555555, sexxxxxxxxx=MMMMMMMMMMM", [0])],
        params={"idScheme": "UID"},
    ),
    # ADX-HIV draft: no namespace, 173 values for indicator codes no country has defined here.
    Case(
        "adx/madx-hiv/data-sample.xml",
        (),
        "ERROR",
        (0, 0, 173, 0),
        [
            ("E7610", "QRPH_ADX_ART1_N", list(range(0, 20))),
            ("E7610", "QRPH_ADX_ART1_N_PREG_BF", [20, 21]),
            ("E7610", "QRPH_ADX_ART3_N", list(range(22, 42))),
            ("E7610", "QRPH_ADX_ART5_D", list(range(42, 62))),
            ("E7610", "QRPH_ADX_ART5_N", list(range(62, 82))),
            ("E7610", "QRPH_ADX_ART5_N_PREG_BF", [82, 83]),
            ("E7610", "QRPH_ADX_HTS2_N", list(range(84, 124))),
            ("E7610", "QRPH_ADX_MTCT1_D", [124, 125, 126]),
            ("E7610", "QRPH_ADX_MTCT1_N", [127, 128, 129]),
            ("E7610", "QRPH_ADX_MTCT2_D", [130]),
            ("E7610", "QRPH_ADX_MTCT2_N", [131, 132]),
            ("E7610", "QRPH_ADX_VLS3_D", list(range(133, 153))),
            ("E7610", "QRPH_ADX_VLS3_N", list(range(153, 173))),
            (
                "E7612",
                "ZW01",
                list(range(0, 100)),
            ),  # every value's org unit is unknown too (first 100 listed)
        ],
    ),
]

# Rows whose correct outcome the importer does not give yet (see each reason); strict, so a fix shows.
# Files whose expected outcome the importer does not reach yet: file → why (each becomes a strict xfail).
BUGS: dict[str, str] = {}

CASES += [
    Case(V + "dataValueSetBAttributeIdScheme.xml", ("core",), "ERROR", (0, 0, 0, 0)),
    Case(V + "dataValueSetJDeleteZeroValue.json", ("core",), "SUCCESS", (0, 0, 1, 0)),
    Case(
        V + "test-data-bad-value.csv",
        ("datim",),
        "ERROR",
        (0, 0, 3, 0),
        [("E7619", "MMODRH694Pm", [0]), ("E7619", "tG7ocyZ8kVA", [1]), ("E7619", "tG7ocyZ8kVA", [2])],
    ),
]


def _param(case: Case):
    marks = [pytest.mark.xfail(strict=True, reason=BUGS[case.file])] if case.file in BUGS else []
    return pytest.param(case, id=case.file, marks=marks)


def summary_conflicts(summary: dict) -> list[tuple]:
    return sorted((c.get("errorCode", ""), c["object"], c["indexes"]) for c in summary["conflicts"])


def expected_conflicts(case: Case, summary: dict) -> list[tuple]:
    """The case's conflicts, with the actual object filled in where the case does not compare it."""
    actual = {(c.get("errorCode", ""), tuple(c["indexes"])): c["object"] for c in summary["conflicts"]}
    result = []
    for code, obj, indexes in case.conflicts:
        if isinstance(indexes, int):  # a count: take the actual list of that length
            found = [
                c
                for c in summary["conflicts"]
                if c.get("errorCode", "") == code and len(c["indexes"]) == indexes
            ]
            indexes = found[0]["indexes"] if found else [-1] * indexes
        if obj is None:
            obj = actual.get((code, tuple(indexes)), "<no such conflict>")
        result.append((code, obj, indexes))
    return sorted(result)


def assert_outcome(case: Case, summary: dict) -> None:
    imported, updated, ignored, deleted = case.counts
    assert summary["status"] == case.status, summary["description"]
    assert summary["importCount"] == {
        "imported": imported,
        "updated": updated,
        "ignored": ignored,
        "deleted": deleted,
    }
    assert summary_conflicts(summary) == expected_conflicts(case, summary)
    assert DataValue.objects.filter(deleted=False).count() == imported + updated
    for key, value in case.values.items():
        assert stored(*key).value == value, key


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_each_sample_file_stores_exactly_its_valid_values_and_reports_the_rest(world, case):
    load_metadata(world, *case.metadata)
    summary = run(world, case.file, {"atomicMode": "NONE", **case.params})
    assert_outcome(case, summary)


BLOCKED = [
    c for c in CASES if c.file not in BUGS and any(code not in (DUP, UNKNOWN_KEY) for code, *_ in c.conflicts)
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.file) for c in BLOCKED])
def test_all_or_nothing_stores_nothing_from_a_sample_with_a_blocking_conflict(world, case):
    load_metadata(world, *case.metadata)
    summary = run(world, case.file, case.params)
    assert summary["status"] == "ERROR"
    assert "nothing was stored" in summary["description"]
    assert summary["importCount"]["imported"] == summary["importCount"]["updated"] == 0
    assert {c.get("errorCode", "") for c in summary["conflicts"]} == {code for code, *_ in case.conflicts}
    assert not DataValue.objects.exists()


def test_every_sample_file_has_a_row_in_the_table():
    on_disk = {
        str(path.relative_to(SAMPLES))
        for folder in FOLDERS
        for path in (SAMPLES / folder).rglob("*")
        if path.is_file()
    }
    in_table = [case.file for case in CASES]
    assert len(in_table) == len(set(in_table)), "a file has two rows"
    assert on_disk - set(in_table) == set(), "sample files without a row: add them to CASES"
    assert set(in_table) - on_disk == set(), "rows for files that are gone"


def test_the_datim_metadata_fixture_imports_through_the_metadata_importer(world):
    with open(FIXTURES / METADATA["datim"][0], "rb") as fileobj:
        result = import_metadata(
            actor=world.carla.user, metadata=metadata_reader.read_json(fileobj), country=world.haiti
        )
    assert result["status"] == "OK"
    assert outcomes(result) == {
        "CategoryCombo": {"created": 2},
        "CategoryOptionCombo": {"created": 407},
        "DataElement": {"created": 297},
        "OrganisationUnit": {"created": 130},
    }
    site = OrgUnit.objects.get(uid="oUdX2BkI0ur")
    assert (site.country, site.level, site.path) == (world.haiti, 2, "/HaitiDatim1/oUdX2BkI0ur")
    assert DataElement.objects.get(uid="mFvVvrRvZgo").value_type == "BOOLEAN"


# ------------------------------------------------------------------------- edge cases over several imports
A, B = "DiszpKrYNg8", "BdfsJfj87js"  # dhis2-core's org units A and B
DE_A, DE_B, DE_C = "f7n9E0hX8qk", "Ix2HsbDMLea", "eY5ehpbEsB7"


def counts(summary: dict) -> tuple[int, int, int, int]:
    c = summary["importCount"]
    return c["imported"], c["updated"], c["ignored"], c["deleted"]


@pytest.fixture
def core(world):
    load_metadata(world, "core")
    return world


def test_values_marked_deleted_soft_delete_what_was_stored_and_audit_the_old_value(core):
    run(core, V + "dataValueSetA.xml")
    summary = run(core, V + "dataValueSetADeleted.xml")
    assert (summary["status"], counts(summary)) == ("SUCCESS", (0, 0, 0, 3))
    assert not DataValue.objects.filter(deleted=False).exists()
    assert stored(DE_A, "201201", A).deleted
    audits = DataValueAudit.objects.filter(action="DELETE").order_by("previous_value")
    assert [a.previous_value for a in audits] == ["10001", "10002", "10003"]


def test_a_set_with_some_values_deleted_deletes_those_and_leaves_the_unchanged_ones(core):
    run(core, V + "dataValueSetB.xml")
    summary = run(core, V + "dataValueSetBDeleted.xml")
    assert counts(summary) == (0, 0, 8, 4)
    assert DataValue.objects.filter(deleted=True, data_element__uid=DE_B).count() == 4
    assert DataValue.objects.filter(deleted=False).count() == 8


def test_reimporting_deleted_values_restores_them_and_audits_the_restore(core):
    run(core, V + "dataValueSetB.xml")
    run(core, V + "dataValueSetBDeleted.xml")
    summary = run(core, V + "dataValueSetB.xml")
    assert counts(summary) == (0, 4, 8, 0)
    assert DataValue.objects.filter(deleted=False).count() == 12
    assert DataValueAudit.objects.filter(action="RESTORE").count() == 4
    assert stored(DE_B, "201202", B).value == "10008"


def test_an_update_set_updates_changed_values_and_adds_new_ones_as_dhis2_counts_them(core):
    run(core, V + "dataValueSetB.xml")
    summary = run(core, V + "dataValueSetBUpdate.xml")
    assert counts(summary) == (2, 4, 0, 0)  # dhis2-core testImportUpdateValuesXml: 2 imported, 4 updated
    value = stored(DE_C, "201201", A)
    assert (value.value, value.comment) == ("20009", "comment09")
    assert DataValueAudit.objects.get(data_value=value).previous_value == "10009"
    assert DataValue.objects.count() == 14


def test_new_values_and_deletions_in_one_set(core):
    run(core, V + "dataValueSetB.xml")
    summary = run(core, V + "dataValueSetBNewDeleted.xml")
    assert counts(summary) == (2, 0, 6, 4)  # dhis2-core testImportAndDeleteValuesXml: 4 deleted, 2 added
    assert DataValue.objects.filter(deleted=False).count() == 10
    assert stored(DE_C, "201203", A).value == "10011"


def test_updated_values_and_comments_replace_the_stored_ones(core):
    run(core, V + "dataValueSetA.xml")
    summary = run(core, V + "dataValueSetAUpdate.xml")
    assert counts(summary) == (0, 3, 0, 0)
    value = stored(DE_A, "201201", B)
    assert (value.value, value.comment, value.stored_by) == ("10022", "updated comment", "john")


def test_a_value_with_created_and_last_updated_dates_is_updated_by_a_later_file(core):
    run(core, V + "dataValueSetCreateDate.json")
    summary = run(core, V + "dataValueSetCreateDateUpdated.json")
    assert counts(summary) == (0, 1, 0, 0)
    value = stored(DE_A, "201201", A)
    assert (value.value, value.comment, value.stored_by) == ("22", "new comment", "system")


@pytest.mark.parametrize(
    "file",
    ["dataValueSetJ.json", "dataValueSetJDeleteNoValue.json", "dataValueSetJDeleteNewValue.json"],
)
def test_the_delete_strategy_deletes_the_value_whatever_value_the_file_gives(core, file):
    # dhis2-core testImportDeleteValueJson, _OmittingValue and _NewValue: 0 imported, 0 updated, 1 deleted.
    run(core, V + "dataValueSetJ.json")
    summary = run(core, V + file, {"importStrategy": "DELETE"})
    assert (summary["status"], counts(summary)) == ("SUCCESS", (0, 0, 0, 1))
    assert stored(DE_A, "201201", A).deleted


def test_a_zero_for_a_data_element_whose_zeros_are_not_significant_deletes_the_stored_value(core):
    # dhis2-core testImportDeleteValueJson_ZeroValue, with the default strategy: 0, 0, 1.
    run(core, V + "dataValueSetJ.json")
    summary = run(core, V + "dataValueSetJDeleteZeroValue.json")
    assert counts(summary) == (0, 0, 0, 1)
    assert stored(DE_A, "201201", A).deleted


def test_the_id_scheme_in_the_files_root_beats_the_one_in_the_request(core):
    summary = run(core, V + "dataValueSetACode.xml", {"idScheme": "UID"})
    assert counts(summary) == (3, 0, 0, 0)
    assert stored(DE_B, "201201", A).value == "10002"


ATTRIBUTE = "uh6H2ff562G"  # the metadata attribute of dhis2-core's attribute id-scheme tests


def with_attribute_values(world) -> None:
    """The attribute values dhis2-core's DataExportServiceIntegrationTest gives its objects, posted as DHIS2
    metadata JSON."""

    def obj(uid, name, value):
        return {
            "id": uid,
            "name": name,
            "attributeValues": [{"attribute": {"id": ATTRIBUTE}, "value": value}],
        }

    document = {
        "dataElements": [
            obj(DE_A, "DataElementA", "DE1") | {"valueType": "INTEGER", "code": "DE_A"},
            obj(DE_B, "DataElementB", "DE2") | {"valueType": "INTEGER", "code": "DE_B"},
            obj("eY5ehpbEsB7", "DataElementC", "DE3") | {"valueType": "INTEGER", "code": "DE_C"},
        ],
        "organisationUnits": [
            obj(A, "OrganisationUnitA", "OU1") | {"code": "OU_A"},
            obj(B, "OrganisationUnitB", "OU2") | {"code": "OU_B"},
        ],
    }
    result = import_metadata(
        actor=world.carla.user,
        metadata=metadata_reader.read_json(io.BytesIO(json.dumps(document).encode())),
        country=world.kenya,
    )
    assert result["status"] == "OK", result["errors"]


def test_values_named_by_a_metadata_attribute_in_the_files_root_are_imported(core):
    # dhis2-core testImportDataValuesXmlWithAttributeIdSchemeInPayload: 12 imported.
    with_attribute_values(core)
    summary = run(core, V + "dataValueSetBAttributeIdScheme.xml")
    assert (summary["status"], counts(summary)) == ("SUCCESS", (12, 0, 0, 0))
    assert stored(DE_A, "201201", A).value == "10001"
    assert stored(DE_B, "201202", B).value == "10008"


def test_values_named_by_a_metadata_attribute_given_as_parameters_are_imported(core):
    # dhis2-core testImportDataValuesXmlWithAttributePreheatCacheTrue, same file with the schemes in the URL.
    with_attribute_values(core)
    scheme = f"ATTRIBUTE:{ATTRIBUTE}"
    summary = run(
        core,
        V + "dataValueSetBAttribute.xml",
        {"idScheme": scheme, "dataElementIdScheme": scheme, "orgUnitIdScheme": scheme},
    )
    assert (summary["status"], counts(summary)) == ("SUCCESS", (12, 0, 0, 0))


def test_the_set_level_period_org_unit_and_attribute_option_combo_apply_to_every_value(core):
    summary = run(core, V + "dataValueSetD.xml")
    assert counts(summary) == (3, 0, 0, 0)
    assert set(
        DataValue.objects.values_list("period__dhis2_id", "org_unit__uid", "attribute_option_combo__uid")
    ) == {("201201", A, "kjuiHgy67hg")}


def test_one_set_may_mix_monthly_quarterly_and_yearly_periods(core):
    run(core, V + "dataValueSetNonStrict.xml", {"atomicMode": "NONE"})
    periods = DataValue.objects.order_by("period__start_date").values_list(
        "period__dhis2_id", "period__period_type", "period__start_date", "period__end_date"
    )
    assert [(p, t, s.isoformat(), e.isoformat()) for p, t, s, e in periods] == [
        ("2012", "Yearly", "2012-01-01", "2012-12-31"),
        ("2012Q2", "Quarterly", "2012-04-01", "2012-06-30"),
    ]


def test_every_dhis2_boolean_spelling_is_stored_as_true_or_false(core):
    run(core, V + "dataValueSetBooleanTest.csv", {"atomicMode": "NONE"})
    spelled = dict(
        DataValue.objects.filter(data_element__uid="jH26dja2f30", org_unit__uid=A).values_list(
            "period__dhis2_id", "value"
        )
    )
    assert spelled == {
        "201201": "true",  # true
        "201202": "true",  # True
        "201203": "false",  # false
        "201204": "false",  # False
        "201205": "false",  # f
        "201206": "false",  # F
        "201207": "true",  # t
        "201208": "true",  # T
        "201210": "false",  # 0
    }
    assert stored("jH26dja2f30", "201209", B).value == "true"  # 1
    assert not DataValue.objects.filter(data_element__uid="jH26dja2f31", value="false").exists()


def test_a_duplicate_is_reported_under_the_data_element_the_file_names(core):
    summary = run(core, V + "dataValueSetBooleanDuplicatesTest.csv", {"atomicMode": "NONE"})
    duplicates = sorted(c["object"] for c in summary["conflicts"] if c["errorCode"] == "E7644")
    assert duplicates == ["jH26dja2f30", "jH26dja2f31"]


def test_a_data_manager_imports_the_samples_of_her_own_country(core):
    summary = run(core, V + "dataValueSetB.xml", persona="dan")
    assert counts(summary) == (12, 0, 0, 0)


def test_a_data_manager_cannot_import_another_countrys_mer_results(world):
    load_metadata(world, "datim")
    summary = run(world, V + "test-data.csv", persona="dan")
    assert summary["status"] == "ERROR"
    assert {c["errorCode"] for c in summary["conflicts"]} == {"E7617"}
    assert summary["description"].startswith("1000 values have conflicts")
    assert summary["rejectedIndexes"] == list(range(100))  # the first hundred are listed
    assert not DataValue.objects.exists()


def test_the_mer_file_stores_financial_year_periods_and_decimals(world):
    load_metadata(world, "datim")
    run(world, V + "test-data.csv")
    fy = stored("cI3E5LgDZPs", "2015Oct", "oUdX2BkI0ur", "Z6au9xR1fym", "sbOyCovT6P2").period
    assert (fy.period_type, fy.start_date.isoformat(), fy.end_date.isoformat()) == (
        "FinancialOct",
        "2015-10-01",
        "2016-09-30",
    )
    decimals = DataValue.objects.filter(value__contains=".").order_by("numeric")
    assert [(v.value, v.numeric) for v in decimals] == [("0.562", 0.562), ("1.562", 1.562), ("6.212", 6.212)]


def test_reimporting_the_mer_file_ignores_every_unchanged_value(world):
    load_metadata(world, "datim")
    run(world, V + "test-json.json")
    summary = run(world, V + "test-json.json")
    assert (summary["status"], counts(summary)) == ("SUCCESS", (0, 0, 1000, 0))


def test_a_dry_run_of_the_mer_file_counts_the_values_and_stores_none(world):
    load_metadata(world, "datim")
    summary = run(world, V + "test-json.json", {"dryRun": "true"})
    assert counts(summary) == (1000, 0, 0, 0)
    assert summary["description"].startswith("Dry run")
    assert not DataValue.objects.exists()


def test_padded_identifiers_and_periods_are_trimmed(world):
    load_metadata(world, "datim")
    summary = run(world, V + "test-data-with-spaces.csv")
    assert counts(summary) == (2, 0, 0, 0)
    assert stored("T93kjopkTmR", "2016Q3", "gozEda5V7qR", "ojS6pfaeZCF", "WQa4uNduUev").value == "10"


def test_a_negative_value_for_a_zero_or_positive_element_names_the_constraint(world):
    load_metadata(world, "datim")
    summary = run(world, V + "test-data-neg-values.csv")
    (conflict,) = summary["conflicts"]
    assert "zero or a positive integer" in conflict["value"]


def test_invalid_periods_say_why(world):
    load_metadata(world, "datim")
    summary = run(world, V + "test-data-bad-periods.csv", {"atomicMode": "NONE"})
    reasons = {c["object"]: c["value"] for c in summary["conflicts"]}
    assert "quarters run from 1 to 4" in reasons["2016Q5"]
    assert "is not a period" in reasons["Oct"]


def test_adx_attribute_categories_apply_per_group(world):
    load_metadata(world, "adx-ihe")
    run(world, "adx/adx_data_sample2.xml")
    by_mechanism = dict(
        DataValue.objects.filter(data_element__code="MAL04")
        .values_list("attribute_option_combo__uid")
        .annotate(n=Count("id"))
        .values_list("attribute_option_combo__uid", "n")
    )
    assert by_mechanism == {"CocPepfaraa": 4, "CocOtherMec": 4}
    assert DataValue.objects.filter(
        data_element__code="MAL03", attribute_option_combo__uid="CocOtherMec"
    ).exists()


def test_an_adx_annotation_on_a_numeric_value_is_kept_as_the_values_comment(world):
    load_metadata(world, "adx-ihe")
    run(world, "adx/adx_data_sample2.xml")
    assert stored("Mal03aaaaaa", "201501", "Clinic342aa", DEF, "CocOtherMec").comment == (
        "Some qualifying text here on the datavalue"
    )


def test_an_adx_duration_period_is_the_dhis2_period_it_spans(world):
    load_metadata(world, "adx-core")
    run(
        world,
        "adx/exportB.adx.xml",
        {"orgUnitIdScheme": "UID", "dataElementIdScheme": "UID"},
    )
    assert set(DataValue.objects.values_list("period__dhis2_id", flat=True)) == {"202001", "202002"}
