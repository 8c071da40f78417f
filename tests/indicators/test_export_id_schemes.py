"""Exports name data elements, org units and combos under the id schemes asked for (set-level and per type,
ATTRIBUTE:<uid> included), fall back on the UID where an object has no such identifier, and say their
schemes in the file's root: posted back unchanged, an export changes nothing."""

import io
import json
from xml.etree import ElementTree

import pytest
from django.core.management import CommandError, call_command

from qicop.indicators.exports import write_values
from qicop.indicators.id_schemes import IdScheme, IdSchemes
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import CategoryOptionCombo, DataElement, DataValue, DataValueAudit, OrgUnit
from qicop.indicators.selectors import export_rows
from qicop.indicators.services import import_file
from qicop.integrations.dhis2.rows import DataValueRow

MOH = "AttrMohId01"
CODE, NAME = IdScheme("CODE"), IdScheme("NAME")


@pytest.fixture
def stored(data):
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="10"),
            DataValueRow("TxCurr0001a", "202401", "NaivashaHC1", "CocFemale01", value="20", index=1),
            DataValueRow("VlTested01a", "202401", "JacmelHosp1", value="30", index=2),
        ],
    )
    return data


def kenya(user, schemes, **filters):
    return list(
        export_rows(
            user, org_units=["KenyaRoot01"], children=True, periods=["202401"], id_schemes=schemes, **filters
        )
    )


def keys(rows):
    return sorted(
        (r.data_element, r.org_unit, r.category_option_combo, r.attribute_option_combo, r.value) for r in rows
    )


def test_each_type_is_named_by_its_own_scheme_and_the_set_level_one_covers_the_rest(stored):
    rows = kenya(stored.world.carla.user, IdSchemes(general=CODE, org_unit=NAME))
    assert keys(rows) == [
        ("TX_CURR", "Naivasha Health Centre", "F", "default", "20"),  # DHIS2's code of the default combo
        ("VL_TESTED", "Nakuru Level 5 Hospital", "default", "default", "10"),
    ]


def test_an_object_without_a_code_is_exported_by_its_uid(stored):
    # DHIS2 writes the UID under ATTRIBUTE too; we do so for every scheme, so that no value is ever
    # written unnamed.
    OrgUnit.objects.filter(uid="NaivashaHC1").update(code=None)
    CategoryOptionCombo.objects.filter(uid="HllvX50cXC0").update(code=None)
    rows = kenya(stored.world.carla.user, IdSchemes(general=CODE))
    assert {r.org_unit for r in rows} == {"KE_NAK_H", "NaivashaHC1"}
    assert {r.attribute_option_combo for r in rows} == {"HllvX50cXC0"}


def test_an_attribute_scheme_exports_attribute_values_and_uids_where_there_is_none(stored):
    OrgUnit.objects.filter(uid="NakuruHosp1").update(attribute_values={MOH: "MOH-0042"})
    DataElement.objects.filter(uid="VlTested01a").update(
        attribute_values={MOH: "HIV-VL-T", "OtherAttr01": "x"}
    )
    rows = kenya(stored.world.carla.user, IdSchemes(general=IdScheme("ATTRIBUTE", MOH)))
    assert keys(rows) == [
        ("HIV-VL-T", "MOH-0042", "HllvX50cXC0", "HllvX50cXC0", "10"),
        ("TxCurr0001a", "NaivashaHC1", "CocFemale01", "HllvX50cXC0", "20"),
    ]


def test_attribute_option_combos_follow_the_category_option_combo_scheme_on_export(stored):
    schemes = IdSchemes(category_option_combo=NAME)
    rows = kenya(stored.world.carla.user, schemes)
    assert {(r.category_option_combo, r.attribute_option_combo) for r in rows} == {
        ("Female", "default"),
        ("default", "default"),
    }


def test_json_and_xml_exports_say_their_schemes_in_the_root_as_dhis2_does(stored):
    schemes = IdSchemes(general=CODE, org_unit=NAME)
    out = io.StringIO()
    write_values("json", kenya(stored.world.carla.user, schemes), out, id_schemes=schemes)
    root = json.loads(out.getvalue())
    assert {k: v for k, v in root.items() if k != "dataValues"} == {
        "dataElementIdScheme": "CODE",
        "orgUnitIdScheme": "NAME",
        "categoryOptionComboIdScheme": "CODE",  # and attribute combos with it, as readers take them
    }
    out = io.StringIO()
    write_values("xml", kenya(stored.world.carla.user, schemes), out, id_schemes=schemes)
    assert ElementTree.fromstring(out.getvalue()).attrib["orgUnitIdScheme"] == "NAME"
    out = io.StringIO()
    write_values("json", kenya(stored.world.carla.user, IdSchemes()), out, id_schemes=IdSchemes())
    assert set(json.loads(out.getvalue())) == {"dataValues"}  # UID: nothing to say


def test_the_attribute_combo_scheme_is_written_only_when_it_differs_from_the_combo_scheme():
    assert IdSchemes(category_option_combo=CODE, attribute_option_combo=NAME).file_attributes() == {
        "categoryOptionComboIdScheme": "CODE",
        "attributeOptionComboIdScheme": "NAME",
    }
    assert IdSchemes(attribute_option_combo=NAME).file_attributes() == {
        "attributeOptionComboIdScheme": "NAME"
    }
    assert IdSchemes(general=CODE, attribute_option_combo=CODE).file_attributes() == {
        "dataElementIdScheme": "CODE",
        "orgUnitIdScheme": "CODE",
        "categoryOptionComboIdScheme": "CODE",
    }


def test_adx_unfolds_combos_into_category_and_option_codes_whatever_the_combo_scheme(stored):
    schemes = IdSchemes(general=NAME).for_format("adx")
    out = io.StringIO()
    write_values("adx", kenya(stored.world.carla.user, schemes), out, id_schemes=schemes)
    assert 'SEX="F"' in out.getvalue()
    assert 'dataElement="On ART"' in out.getvalue()


ROUND_TRIP_SCHEMES = ["UID", "CODE", "NAME", f"ATTRIBUTE:{MOH}"]


@pytest.mark.parametrize("scheme", ROUND_TRIP_SCHEMES)
@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
@pytest.mark.parametrize("persona", ["carla", "dan"])
def test_an_unchanged_round_trip_changes_nothing(stored, scheme, fmt, persona):
    OrgUnit.objects.filter(uid="NakuruHosp1").update(attribute_values={MOH: "MOH-0042"})
    OrgUnit.objects.filter(uid="NaivashaHC1").update(code=None)
    user = getattr(stored.world, persona).user
    schemes = IdSchemes(general=IdScheme.parse(scheme))
    out = io.StringIO()
    written = write_values(fmt, kenya(user, schemes), out, id_schemes=schemes)
    assert written == 2
    before = list(DataValue.objects.order_by("id").values_list("id", "value", "last_updated", "deleted"))
    summary = import_file(
        actor=user,
        fileobj=io.BytesIO(out.getvalue().encode()),
        filename=f"export.{fmt}",
        params={"importStrategy": "UPDATE", "idScheme": scheme},
    )
    assert summary["status"] == "SUCCESS", summary["conflicts"]
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 2, "deleted": 0}
    after = list(DataValue.objects.order_by("id").values_list("id", "value", "last_updated", "deleted"))
    assert after == before
    assert not DataValueAudit.objects.exists()


def test_the_command_line_exports_and_imports_under_per_type_schemes(stored, tmp_path):
    out = tmp_path / "kenya.json"
    common = ["--id-scheme", "code", "--org-unit-id-scheme", "NAME"]
    call_command(
        "export",
        "--user",
        "dan@example.org",
        "--org-unit",
        "KenyaRoot01",
        "--children",
        "--period",
        "202401",
        *common,
        "--output",
        str(out),
        stderr=io.StringIO(),
    )
    document = json.loads(out.read_text())
    assert document["orgUnitIdScheme"] == "NAME"
    assert {v["orgUnit"] for v in document["dataValues"]} == {
        "Nakuru Level 5 Hospital",
        "Naivasha Health Centre",
    }
    document["dataValues"][0]["value"] = "99"
    out.write_text(json.dumps(document))
    printed = io.StringIO()
    call_command(
        "import", str(out), "--user", "dan@example.org", *common, stdout=printed, stderr=io.StringIO()
    )
    assert "updated 1" in printed.getvalue()
    assert DataValueAudit.objects.get().new_value == "99"


def test_the_command_line_refuses_an_unknown_scheme_naming_the_option(stored, tmp_path):
    with pytest.raises(CommandError, match="orgUnitIdScheme"):
        call_command(
            "export",
            "--user",
            "dan@example.org",
            "--org-unit-id-scheme",
            "ATTRIBUTE:NoSuchAttr1",
            "--output",
            str(tmp_path / "x.json"),
            stderr=io.StringIO(),
        )
    assert not (tmp_path / "x.json").exists()
    path = tmp_path / "v.json"
    path.write_text('{"dataValues": []}')
    with pytest.raises(CommandError, match="dataElementIdScheme"):
        call_command("import", str(path), "--user", "dan@example.org", "--data-element-id-scheme", "FOO")
