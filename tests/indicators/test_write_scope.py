"""Who may create or change what (``permissions.WriteScope``), whichever way the change comes: an org unit
only by someone who manages the data of the country it is in now *and* of the one it would be in; metadata
the network shares only by its coordinators; what a country keeps by that country's data people. A
coordinator answers for the countries of the networks they coordinate, not for every country."""

from __future__ import annotations

import io
import json

import pytest

from data_world import DataWorld
from metadata_reports import messages, outcomes
from personas import make_country, make_member
from qicop.indicators.analytics_table import rebuild_all
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.metadata_import import import_metadata
from qicop.indicators.models import (
    AggregateValue,
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    DataValue,
    Indicator,
    OrgUnit,
)
from qicop.indicators.permissions import WriteScope
from qicop.indicators.selectors import visible_values
from qicop.integrations.dhis2 import metadata as metadata_format
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.network.models import Network, Role


@pytest.fixture
def data(world) -> DataWorld:
    data = DataWorld(world)
    Indicator.objects.create(
        uid="VlSuppRate1", code="VL_RATE", name="Viral suppression", numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}", factor=100,
    )  # fmt: skip
    return data


@pytest.fixture
def bea(world):
    """Bea coordinates a regional network of Botswana and Zambia, and nothing of the personas' network."""
    region = Network.objects.create(slug="sadc", name="Southern Africa QI network")
    botswana = make_country("BW", "BWA", "Botswana", "Africa/Gaborone")
    region.countries.set([botswana, make_country("ZM", "ZMB", "Zambia", "Africa/Lusaka")])
    return make_member("bea@example.org", "Bea Regional", botswana, network=region, roles=[Role.COORDINATOR])


def run(user, **types) -> dict:
    return import_metadata(
        actor=user, metadata=metadata_format.read_json(io.BytesIO(json.dumps(types).encode()))
    )


def values(user, *rows: DataValueRow) -> dict:
    return import_data_values(actor=user, rows=list(rows), options=ImportOptions())


JACMEL_UNDER_NAKURU = {
    "id": "JacmelHosp1",
    "code": "HT_JACMEL",
    "name": "Hôpital de Jacmel",
    "parent": {"id": "NakuruCnty1"},
}


# ------------------------------------------------------------------------------------- the reported attack


def test_a_data_manager_cannot_move_another_countrys_facility_into_their_own_and_so_cannot_reach_its_values(
    world, data
):
    values(world.carla.user, DataValueRow("VlTested01a", "202401", "JacmelHosp1", value="5"))  # unpublished

    report = run(world.dan.user, organisationUnits=[JACMEL_UNDER_NAKURU])

    assert report["status"] == "ERROR"
    assert messages(report) == [
        "Organisation unit Hôpital de Jacmel is in Haiti: only those who manage Haiti's data change it"
    ]
    jacmel = OrgUnit.objects.get(uid="JacmelHosp1")
    assert (jacmel.country_id, jacmel.parent_id, jacmel.path) == (
        world.haiti.pk,
        data.haiti.pk,
        "/HaitiRoot01/JacmelHosp1",
    )
    assert not visible_values(world.dan.user).filter(org_unit=jacmel).exists()
    answer = values(world.dan.user, DataValueRow("VlTested01a", "202401", "JacmelHosp1", value="999"))
    assert answer["importCount"]["updated"] == 0
    assert DataValue.objects.get(org_unit=jacmel).value == "5"


def test_a_data_manager_cannot_rename_a_shared_data_element_or_change_how_it_adds_up(world, data):
    report = run(
        world.dan.user,
        dataElements=[{"id": "VlTested01a", "code": "VL_TESTED", "name": "Renamed by Kenya",
                       "valueType": "INTEGER_ZERO_OR_POSITIVE", "aggregationType": "LAST",
                       "zeroIsSignificant": True}],
    )  # fmt: skip

    assert messages(report) == [
        "Viral load tested is shared by the network's countries: only its coordinators change it (this file "
        "changes name, aggregationType)"
    ]
    element = DataElement.objects.get(uid="VlTested01a")
    assert (element.name, element.aggregation_type) == ("Viral load tested", "SUM")


def test_a_coordinator_changes_shared_metadata(world, data):
    report = run(
        world.carla.user,
        dataElements=[{"id": "VlTested01a", "code": "VL_TESTED", "name": "Viral load tests done",
                       "valueType": "INTEGER_ZERO_OR_POSITIVE", "aggregationType": "SUM"}],
    )  # fmt: skip
    assert report["status"] == "OK", messages(report)
    assert DataElement.objects.get(uid="VlTested01a").name == "Viral load tests done"


# ------------------------------------------------------------------------- every type, every persona

SHARED_CHANGES = {
    "categoryOptions": ("FemaleOptio", CategoryOption, {"id": "FemaleOptio", "code": "F", "name": "Women"}),
    "categories": ("SexCategory", Category, {"id": "SexCategory", "code": "SEX", "name": "Gender"}),
    "categoryCombos": ("SexComboUid", CategoryCombo, {"id": "SexComboUid", "code": "SEX", "name": "Gender"}),
    "categoryOptionCombos": (
        "CocFemale01",
        CategoryOptionCombo,
        {"id": "CocFemale01", "code": "F", "name": "Women", "categoryCombo": {"id": "SexComboUid"}},
    ),
    "dataElements": (
        "VlTested01a",
        DataElement,
        {"id": "VlTested01a", "code": "VL_TESTED", "name": "Tests", "valueType": "INTEGER_ZERO_OR_POSITIVE"},
    ),
    "dataSets": (
        "MonthlyHiv1",
        DataSet,
        {"id": "MonthlyHiv1", "code": "HIV_MONTHLY", "name": "HIV every month", "periodType": "Monthly"},
    ),
    "indicators": (
        "VlSuppRate1",
        Indicator,
        {
            "id": "VlSuppRate1",
            "code": "VL_RATE",
            "name": "Suppression",
            "numerator": "#{VlSupp0001a}",
            "denominator": "#{VlTested01a}",
        },
    ),
    "organisationUnits": (
        "JacmelHosp1",
        OrgUnit,
        {
            "id": "JacmelHosp1",
            "code": "HT_JACMEL",
            "name": "Hôpital Saint-Michel",
            "parent": {"id": "HaitiRoot01"},
        },
    ),
}
# What each persona's attempt to change another country's org unit or a shared object comes to.
CHANGES = {"carla": "changed", "faith": "refused", "dan": "refused", "bea": "refused"}
NOT_IMPORTERS = ["kim", "henri", "olga"]


@pytest.mark.parametrize("kind", list(SHARED_CHANGES))
@pytest.mark.parametrize("persona", [*CHANGES, *NOT_IMPORTERS])
def test_who_changes_each_type_of_shared_metadata_and_another_countrys_org_units(
    world, data, bea, kind, persona
):
    from django.core.exceptions import PermissionDenied

    uid, model, changed = SHARED_CHANGES[kind]
    user = bea.user if persona == "bea" else getattr(world, persona).user
    before = model.objects.get(uid=uid).name
    if persona in NOT_IMPORTERS:
        with pytest.raises(PermissionDenied):
            run(user, **{kind: [changed]})
        assert model.objects.get(uid=uid).name == before
        return
    report = run(user, **{kind: [changed]})
    after = model.objects.get(uid=uid).name
    if CHANGES[persona] == "changed":
        assert report["status"] == "OK", messages(report)
        assert after == changed["name"]
    else:
        assert report["status"] == "ERROR"
        assert after == before
        assert report["stats"]["ignored"] == 1


def test_a_bundle_that_leaves_shared_metadata_as_it_is_goes_through_for_a_country(world, data):
    """A Kenyan data manager's DHIS2 sends the shared data set back unchanged, with Kenya's facilities."""
    report = run(
        world.dan.user,
        dataElements=[{"id": "VlTested01a", "code": "VL_TESTED", "name": "Viral load tested",
                       "valueType": "INTEGER_ZERO_OR_POSITIVE", "zeroIsSignificant": True}],
        dataSets=[{"id": "MonthlyHiv1", "code": "HIV_MONTHLY", "name": "HIV monthly", "periodType": "Monthly",
                   "organisationUnits": [{"id": "NakuruHosp1"}]}],
    )  # fmt: skip
    assert report["status"] == "OK", messages(report)
    assert outcomes(report) == {"DataElement": {"updated": 1}, "DataSet": {"updated": 1}}
    assert list(data.data_set.organisation_units.values_list("uid", flat=True)) == ["NakuruHosp1"]


SHARED = "%s is shared by the network's countries: only its coordinators change it (this file changes %s)"


def test_the_parts_of_a_shared_object_are_changed_by_coordinators_only(world, data):
    report = run(
        world.dan.user,
        categoryCombos=[{"id": "SexComboUid", "code": "SEX", "name": "Sex",
                         "categories": [{"id": "Unknown0001"}]}],
        dataSets=[{"id": "MonthlyHiv1", "code": "HIV_MONTHLY", "name": "HIV monthly", "periodType": "Monthly",
                   "dataSetElements": [{"dataElement": {"id": "QiScore001a"}}]}],
    )  # fmt: skip
    assert messages(report) == [
        SHARED % ("Sex", "categories"),
        SHARED % ("HIV monthly", "dataSetElements"),
    ]
    assert list(data.sex_combo.categories.values_list("uid", flat=True)) == ["SexCategory"]
    assert not data.data_set.data_elements.exists()


def test_what_a_country_creates_it_keeps_and_changes_and_other_countries_cannot(world, data):
    created = run(
        world.dan.user,
        dataElements=[{"id": "KeCounsel01", "code": "KE_COUNSEL", "name": "Adherence counselling sessions",
                       "valueType": "INTEGER_ZERO_OR_POSITIVE"}],
        indicators=[{"id": "KeCounselR1", "code": "KE_COUNSEL_RATE", "name": "Counselled per suppressed",
                     "numerator": "#{KeCounsel01}", "denominator": "#{VlSupp0001a}"}],
    )  # fmt: skip
    assert created["status"] == "OK", messages(created)
    element = DataElement.objects.get(uid="KeCounsel01")
    assert element.country == world.kenya
    assert Indicator.objects.get(uid="KeCounselR1").country == world.kenya

    renamed = {"id": "KeCounsel01", "code": "KE_COUNSEL", "name": "Counselling sessions",
               "valueType": "INTEGER_ZERO_OR_POSITIVE"}  # fmt: skip
    assert run(world.faith.user, dataElements=[renamed])["status"] == "OK"
    assert DataElement.objects.get(uid="KeCounsel01").name == "Counselling sessions"

    haitian = make_member(
        "hugo@example.org", "Hugo Données", world.haiti, network=world.network, roles=[Role.DATA_MANAGER]
    )
    report = run(haitian.user, dataElements=[{**renamed, "name": "Séances de conseil"}])
    assert messages(report) == [
        "Counselling sessions is kept by Kenya: only those who manage its data change it (this file "
        "changes name)"
    ]
    assert run(world.carla.user, dataElements=[{**renamed, "name": "Sessions"}])["status"] == "OK"


def test_a_metadata_export_imported_back_by_a_country_changes_nothing_and_is_accepted(world, data):
    from django.test import Client

    from qicop.accounts.services import create_api_token

    token = create_api_token(user=world.dan.user, name="round trip")[1]
    dan = Client(HTTP_AUTHORIZATION=f"ApiToken {token}")
    bundle = json.loads(b"".join(dan.get("/api/metadata").streaming_content))
    answer = dan.post("/api/metadata", data=json.dumps(bundle), content_type="application/json").json()
    assert answer["response"]["status"] == "OK", messages(answer["response"])
    assert answer["response"]["stats"]["ignored"] == 0
    assert json.loads(b"".join(dan.get("/api/metadata").streaming_content)) == bundle


# ------------------------------------------------------------------------------------------ org units


def test_a_country_may_not_take_its_org_unit_into_another_country_either(world, data):
    report = run(
        world.dan.user,
        organisationUnits=[{"id": "NaivashaHC1", "code": "KE_NAI_HC", "name": "Naivasha Health Centre",
                            "parent": {"id": "HaitiRoot01"}}],
    )  # fmt: skip
    assert messages(report) == [
        "Organisation unit Naivasha Health Centre is in Haiti: only those who manage Haiti's data change it"
    ]
    assert OrgUnit.objects.get(uid="NaivashaHC1").country == world.kenya


def test_an_org_unit_moved_within_a_country_takes_its_subtree_and_its_sums_along(world, data):
    OrgUnit.objects.create(
        uid="BaringoCty1", code="KE_BARINGO", name="Baringo County", country=world.kenya,
        parent=data.kenya, path="/KenyaRoot01/BaringoCty1", level=2,
    )  # fmt: skip
    ward = OrgUnit.objects.create(
        uid="NaivashaWd1", code="KE_NAI_WARD", name="Naivasha ward", country=world.kenya, parent=data.nakuru,
        path="/KenyaRoot01/NakuruCnty1/NaivashaWd1", level=3,
    )  # fmt: skip
    data.naivasha.parent, data.naivasha.path, data.naivasha.level = ward, f"{ward.path}/NaivashaHC1", 4
    data.naivasha.save()
    values(
        world.dan.user,
        DataValueRow("VlTested01a", "202401", "NaivashaHC1", value="30"),
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80", index=1),
    )

    report = run(
        world.dan.user,
        organisationUnits=[{"id": "NaivashaWd1", "code": "KE_NAI_WARD", "name": "Naivasha ward",
                            "parent": {"id": "BaringoCty1"}}],
    )  # fmt: skip

    assert report["status"] == "OK", messages(report)
    facility = OrgUnit.objects.get(uid="NaivashaHC1")
    assert (facility.path, facility.level) == ("/KenyaRoot01/BaringoCty1/NaivashaWd1/NaivashaHC1", 4)
    kept = {(a.org_unit.uid, a.total) for a in AggregateValue.objects.select_related("org_unit")}
    assert ("BaringoCty1", 30) in kept and ("NakuruCnty1", 80) in kept and ("KenyaRoot01", 110) in kept
    rebuild_all()
    assert {(a.org_unit.uid, a.total) for a in AggregateValue.objects.select_related("org_unit")} == kept


# ------------------------------------------------------------------------- a coordinator of another network


def test_a_coordinator_answers_for_the_countries_of_their_own_networks_only(world, data, bea):
    values(world.carla.user, DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="80"))  # unpublished

    assert not visible_values(bea.user).exists()
    answer = values(bea.user, DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="1"))
    assert answer["importCount"]["updated"] == 0
    assert DataValue.objects.get(org_unit=data.nakuru_hospital).value == "80"
    scope = WriteScope.of(bea.user)
    assert not scope.writes_country(world.kenya.pk)
    assert scope.writes_country(bea.country_id)
    assert visible_values(world.carla.user).count() == 1  # Kenya is in the network Carla coordinates


# ------------------------------------------------------------------------------------ the administration


def test_the_administration_follows_the_same_rule(world, data, bea):
    from django.test import Client

    carla, regional = world.client_for("carla"), Client()
    regional.force_login(bea.user)
    jacmel = f"/admin/indicators/orgunit/{data.jacmel.pk}/change/"
    element = f"/admin/indicators/dataelement/{data.vl_tested.pk}/change/"

    assert "Hôpital de Jacmel" in carla.get("/admin/indicators/orgunit/").content.decode()
    assert "Hôpital de Jacmel" not in regional.get("/admin/indicators/orgunit/").content.decode()
    assert regional.get(jacmel).status_code == 302  # "does not exist", as Django's admin says it

    # Where an org unit sits changes only through an import, which checks both countries.
    form = carla.get(jacmel).content.decode()
    assert 'name="parent"' not in form and 'name="country"' not in form
    carla.post(jacmel, {"name": "Hôpital Saint-Michel", "uid": "JacmelHosp1", "code": "HT_JACMEL",
                        "short_name": "", "attribute_values": "{}"})  # fmt: skip
    assert OrgUnit.objects.get(pk=data.jacmel.pk).name == "Hôpital Saint-Michel"

    # Shared metadata is listed to every coordinator, changed only by one of every country.
    assert "Viral load tested" in regional.get("/admin/indicators/dataelement/").content.decode()
    answer = regional.post(element, {"name": "Renamed", "uid": "VlTested01a", "code": "VL_TESTED"})
    assert answer.status_code == 403
    assert DataElement.objects.get(pk=data.vl_tested.pk).name == "Viral load tested"
    assert 'name="name"' in carla.get(element).content.decode()
