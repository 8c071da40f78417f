"""``GET/POST /api/metadata``: bundles out (per-type selectors, fields, filters, self-contained) and in
(DHIS2's ImportReport in a WebMessage; strategies, atomic modes, dry runs; nothing stored when refused)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data_world import DataWorld
from metadata_reports import messages, outcomes
from qicop.indicators.models import DataElement, DataSet, Indicator, OrgUnit

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "dhis2-metadata"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(),
    reason="the shared sample files (../shared/formats next to the repository) are absent",
)


@pytest.fixture
def data(world) -> DataWorld:
    data = DataWorld(world)
    data.data_set.data_elements.set([data.tx_curr, data.vl_tested])
    data.data_set.organisation_units.set([data.nakuru_hospital])
    Indicator.objects.create(
        uid="VlSuppRate1", code="VL_RATE", name="Viral suppression", numerator="#{VlSupp0001a}",
        denominator="#{VlTested01a}", factor=100, country=world.kenya,
    )  # fmt: skip
    return data


def export(client, query="") -> dict:
    response = client.get(f"/api/metadata{query}")
    assert response.status_code == 200, response.content
    return json.loads(b"".join(response.streaming_content))


def writer(world, persona):
    """A client as scripts write to DHIS2: HTTP basic authentication (a browser session only reads)."""
    import base64

    from django.test import Client

    from personas import PASSWORD

    email = "oscar@example.org" if persona == "oscar" else getattr(world, persona).user.email
    credentials = base64.b64encode(f"{email}:{PASSWORD}".encode()).decode()
    return Client(HTTP_AUTHORIZATION=f"Basic {credentials}")


def post(client, body, query="", status=None):
    payload = body if isinstance(body, str | bytes) else json.dumps(body)
    response = client.post(f"/api/metadata{query}", data=payload, content_type="application/json")
    if status is not None:
        assert response.status_code == status, response.content
    return response.json()


def uids(bundle, key):
    return sorted(obj["id"] for obj in bundle.get(key, []))


# -------------------------------------------------------------------------------------------------- export


def test_the_whole_export_holds_every_type_with_owner_properties(world, data):
    bundle = export(world.client_for("kim"))
    assert set(bundle) == {
        "categoryOptions", "categories", "categoryCombos", "categoryOptionCombos", "dataElements", "dataSets",
        "indicatorTypes", "indicators", "organisationUnitLevels", "organisationUnits",
    }  # fmt: skip
    data_set = bundle["dataSets"][0]
    assert data_set["dataSetElements"] == [
        {"dataSet": {"id": "MonthlyHiv1"}, "dataElement": {"id": "TxCurr0001a"}},
        {"dataSet": {"id": "MonthlyHiv1"}, "dataElement": {"id": "VlTested01a"}},
    ]
    assert data_set["organisationUnits"] == [{"id": "NakuruHosp1"}]
    assert "displayName" not in data_set and "href" not in data_set  # :owner, what an import reads back
    assert bundle["indicatorTypes"] == [
        {
            "id": bundle["indicators"][0]["indicatorType"]["id"],
            "name": "Per cent",
            "factor": 100,
            "number": False,
        }
    ]
    # Parents come before children, so that any importer can place them.
    levels = [unit["level"] for unit in bundle["organisationUnits"]]
    assert levels == sorted(levels)


def test_type_selectors_fields_and_filters_narrow_the_export(world, data):
    bundle = export(
        world.client_for("kim"),
        "?organisationUnits=true&organisationUnits:filter=level:eq:1&organisationUnits:fields=id,name",
    )
    assert bundle == {
        "organisationUnits": [{"id": "HaitiRoot01", "name": "Haïti"}, {"id": "KenyaRoot01", "name": "Kenya"}]
    }


def test_a_global_fields_and_filter_apply_to_every_type_exported(world, data):
    bundle = export(world.client_for("kim"), "?dataElements=true&fields=id,code&filter=code:$like:VL")
    assert bundle["dataElements"] == [
        {"id": "VlSupp0001a", "code": "VL_SUPPRESSED"},
        {"id": "VlTested01a", "code": "VL_TESTED"},
    ]


def test_the_bundle_is_self_contained_with_the_disaggregations_of_what_it_holds(world, data):
    bundle = export(world.client_for("kim"), "?dataSets=true")
    assert uids(bundle, "dataSets") == ["MonthlyHiv1"]
    assert uids(bundle, "dataElements") == ["TxCurr0001a", "VlTested01a"]  # the data set's members
    assert uids(bundle, "categoryCombos") == ["SexComboUid", "bjDvmb4bfuf"]
    assert uids(bundle, "categories") == ["SexCategory"]
    assert uids(bundle, "categoryOptions") == ["FemaleOptio", "MaleOption1"]
    assert uids(bundle, "categoryOptionCombos") == ["CocFemale01", "CocMale0001", "HllvX50cXC0"]
    assert "organisationUnits" not in bundle and "indicators" not in bundle


def test_export_parameters_qicop_cannot_follow_are_a_400(world, data):
    client = world.client_for("kim")
    for query, message in (
        ("?dataElements=yes", "dataElements is true or false"),
        ("?fields=id,name[", "position 9"),
        ("?dataElements=true&dataElements:filter=colour:eq:red", "dataElement has no property 'colour'"),
        ("?dataElements=true&dataElements:order=colour", "cannot be ordered by 'colour'"),
    ):
        response = client.get(f"/api/metadata{query}")
        assert response.status_code == 400 and message in response.json()["message"], query


def test_the_export_shows_only_what_the_reader_may_see(world, data):
    assert export(world.client_for("oscar")) == {
        key: [] for key in ("categoryOptions", "categories", "categoryCombos", "categoryOptionCombos",
                            "dataElements", "dataSets", "indicators", "organisationUnits")
    } | {"indicatorTypes": [], "organisationUnitLevels": []}  # fmt: skip
    assert world.client_for("anonymous").get("/api/metadata").status_code == 401


# -------------------------------------------------------------------------------------------- round trip


def test_an_export_imported_back_changes_nothing_and_counts_every_object_updated(world, data):
    client = world.client_for("carla")
    before = export(client)
    answer = post(writer(world, "carla"), before, status=200)
    assert answer["httpStatusCode"] == 200 and answer["status"] == "OK"
    report = answer["response"]
    assert report["responseType"] == "ImportReport" and report["status"] == "OK"
    imported = sum(
        len(before[key]) for key in before if key not in ("indicatorTypes", "organisationUnitLevels")
    )
    assert report["stats"] == {
        "created": 0,
        "updated": imported,
        "deleted": 0,
        "ignored": 0,
        "total": imported,
    }
    assert export(client) == before  # lastUpdated included: nothing was rewritten


def test_a_bundle_exported_here_builds_the_same_metadata_in_an_empty_qicop(world, data):
    client = world.client_for("carla")
    bundle = export(client)
    Indicator.objects.all().delete()
    DataSet.objects.all().delete()
    from qicop.indicators.models import (
        Category,
        CategoryCombo,
        CategoryOption,
        CategoryOptionCombo,
    )  # fmt: skip

    DataElement.objects.all().delete()
    CategoryOptionCombo.objects.all().delete()
    CategoryCombo.objects.all().delete()
    Category.objects.all().delete()
    CategoryOption.objects.all().delete()
    report = post(
        writer(world, "carla"), {k: v for k, v in bundle.items() if k != "organisationUnits"}, status=200
    )["response"]
    assert report["status"] == "OK"
    again = export(client)
    strip = lambda objs: [{k: v for k, v in o.items() if k not in ("created", "lastUpdated")} for o in objs]  # noqa: E731
    for key in (
        "categoryOptions",
        "categories",
        "categoryCombos",
        "categoryOptionCombos",
        "dataElements",
        "dataSets",
        "indicators",
    ):
        assert strip(again[key]) == strip(bundle[key]), key
    assert Indicator.objects.get(uid="VlSuppRate1").factor == 100  # kept through its indicator type


# ------------------------------------------------------------------------------------------------- import


@needs_samples
def test_a_real_dhis2_bundle_is_answered_with_an_import_report(world):
    client = writer(world, "carla")
    answer = post(client, (SAMPLES / "metadata.json").read_bytes(), "?importReportMode=FULL", status=200)
    assert {k: answer[k] for k in ("httpStatus", "httpStatusCode", "status")} == {
        "httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
    }  # fmt: skip
    report = answer["response"]
    assert report["stats"] == {"created": 122, "updated": 0, "deleted": 0, "ignored": 0, "total": 122}
    types = {t["klass"]: t for t in report["typeReports"]}
    elements = types["org.hisp.dhis.dataelement.DataElement"]
    assert elements["stats"]["created"] == 75 and len(elements["objectReports"]) == 75
    first = elements["objectReports"][0]
    assert first == {
        "klass": "org.hisp.dhis.dataelement.DataElement",
        "index": 0,
        "uid": first["uid"],
        "errorReports": [],
    }
    assert DataElement.objects.filter(uid=first["uid"]).exists()


@needs_samples
def test_a_real_bundle_with_an_error_stores_nothing_and_says_which_object_and_why(world):
    client = writer(world, "carla")
    answer = post(client, (SAMPLES / "organisation_unit.json").read_bytes(), status=409)
    assert (answer["httpStatus"], answer["httpStatusCode"], answer["status"]) == ("Conflict", 409, "WARNING")
    report = answer["response"]
    assert report["status"] == "ERROR"
    assert report["stats"] == {"created": 0, "updated": 0, "deleted": 0, "ignored": 1, "total": 1}
    (object_report,) = report["typeReports"][0]["objectReports"]
    (error,) = object_report["errorReports"]
    assert error["errorCode"] == "E5002" and error["errorProperty"] == "parent"
    assert error["mainKlass"] == "org.hisp.dhis.organisationunit.OrganisationUnit"
    assert error["value"] == "npWGUj37qDe" and error["errorProperties"] == ["npWGUj37qDe"]
    assert not OrgUnit.objects.exists()


def bundle_with_one_bad_element(world):
    return {
        "dataElements": [
            {"id": "GoodElemnt1", "name": "Good", "valueType": "NUMBER"},
            {
                "id": "BadElement1",
                "name": "Bad",
                "valueType": "NUMBER",
                "categoryCombo": {"id": "NoSuchCombo"},
            },
            {"id": "Broken", "name": "Broken uid"},
        ]
    }


def test_atomic_mode_all_stores_nothing_when_any_object_fails(world):
    answer = post(writer(world, "carla"), bundle_with_one_bad_element(world), status=409)
    report = answer["response"]
    assert outcomes(report) == {"DataElement": {"ignored": 3}}
    assert [o["index"] for o in report["typeReports"][0]["objectReports"]] == [1, 2]
    codes = [e["errorCode"] for o in report["typeReports"][0]["objectReports"] for e in o["errorReports"]]
    assert codes == ["E5002", "E4014"]
    assert not DataElement.objects.exists()


def test_atomic_mode_none_stores_the_objects_without_errors(world):
    answer = post(writer(world, "carla"), bundle_with_one_bad_element(world), "?atomicMode=NONE", status=409)
    assert answer["response"]["status"] == "WARNING"
    assert outcomes(answer["response"]) == {"DataElement": {"created": 1, "ignored": 2}}
    assert list(DataElement.objects.values_list("uid", flat=True)) == ["GoodElemnt1"]


def test_validate_and_dry_run_report_without_storing(world):
    body = {"dataElements": [{"id": "GoodElemnt1", "name": "Good", "valueType": "NUMBER"}]}
    for query in ("?importMode=VALIDATE", "?dryRun=true"):
        report = post(writer(world, "carla"), body, query, status=200)["response"]
        assert outcomes(report) == {"DataElement": {"created": 1}}
    assert not DataElement.objects.exists()


def test_import_strategies_create_and_update_refuse_what_does_not_fit(world, data):
    client = writer(world, "carla")
    existing = {"dataElements": [{"id": "TxCurr0001a", "name": "Renamed", "valueType": "NUMBER"}]}
    report = post(client, existing, "?importStrategy=CREATE", status=409)["response"]
    assert report["typeReports"][0]["objectReports"][0]["errorReports"][0]["errorCode"] == "E5000"
    new = {"dataElements": [{"id": "NewElement1", "name": "New", "valueType": "NUMBER"}]}
    report = post(client, new, "?importStrategy=UPDATE", status=409)["response"]
    assert report["typeReports"][0]["objectReports"][0]["errorReports"][0]["errorCode"] == "E5001"
    assert post(client, existing, "?importStrategy=UPDATE", status=200)["response"]["status"] == "OK"
    assert DataElement.objects.get(uid="TxCurr0001a").name == "Renamed"


def test_a_code_another_object_holds_is_an_error_not_a_crash(world, data):
    body = {"dataElements": [{"id": "NewElement1", "code": "TX_CURR", "name": "Copy", "valueType": "NUMBER"}]}
    report = post(writer(world, "carla"), body, status=409)["response"]
    (error,) = report["typeReports"][0]["objectReports"][0]["errorReports"]
    assert (
        error["errorCode"] == "E5003"
        and error["errorProperty"] == "code"
        and "TxCurr0001a" in error["message"]
    )


def test_a_name_longer_than_kept_is_an_error(world):
    body = {"categoryOptions": [{"id": "LongOption1", "name": "x" * 231}]}
    report = post(writer(world, "carla"), body, status=409)["response"]
    assert report["typeReports"][0]["objectReports"][0]["errorReports"][0]["errorCode"] == "E4001"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?importStrategy=DELETE", "importStrategy=DELETE is not supported"),
        ("?importStrategy=MERGE", "importStrategy is one of CREATE_AND_UPDATE"),
        ("?atomicMode=SOME", "atomicMode is one of ALL, NONE, not SOME"),
        ("?importMode=MAYBE", "importMode is one of COMMIT, VALIDATE"),
        ("?importReportMode=LOUD", "importReportMode is one of ERRORS, FULL, DEBUG"),
    ],
)
def test_import_options_qicop_cannot_follow_are_a_400_and_store_nothing(world, query, message):
    body = {"dataElements": [{"id": "GoodElemnt1", "name": "Good", "valueType": "NUMBER"}]}
    answer = post(writer(world, "carla"), body, query, status=400)
    assert answer["status"] == "ERROR" and message in answer["message"]
    assert not DataElement.objects.exists()


def test_a_body_that_is_not_json_is_a_400_naming_where_it_broke(world):
    answer = post(writer(world, "carla"), '{"dataElements": [', status=400)
    assert answer["message"].startswith("not valid JSON") and "line 1" in answer["message"]


def test_a_csv_class_qicop_does_not_import_is_a_400(world):
    response = writer(world, "carla").post(
        "/api/metadata?classKey=VALIDATION_RULE", data="a,b\n", content_type="application/csv"
    )
    assert response.status_code == 400 and "classKey VALIDATION_RULE" in response.json()["message"]


def test_dhis2s_metadata_csv_of_org_units_imports_by_class_key(world, data):
    csv = "Nakuru Clinic,NakuruClin1,KE_NAK_C,NakuruCnty1\n"
    response = writer(world, "carla").post(
        "/api/metadata?classKey=ORGANISATION_UNIT", data=csv, content_type="application/csv"
    )
    assert response.status_code == 200, response.content
    assert OrgUnit.objects.get(uid="NakuruClin1").parent == data.nakuru


def test_members_who_do_not_manage_data_cannot_import(world):
    for persona, status in (("kim", 403), ("olga", 403), ("oscar", 403), ("anonymous", 401)):
        client = world.client_for("anonymous") if persona == "anonymous" else writer(world, persona)
        answer = post(client, {"dataElements": []}, status=None)
        assert answer["httpStatusCode"] == status, persona


def test_a_data_manager_assigns_only_their_own_countrys_org_units_to_a_shared_data_set(world, data):
    from django.test import Client

    from qicop.accounts.services import create_api_token

    data.data_set.organisation_units.add(data.jacmel)
    token = create_api_token(user=world.dan.user, name="script")[1]
    dan = Client(HTTP_AUTHORIZATION=f"ApiToken {token}")
    keep_kenya = {"dataSets": [{"id": "MonthlyHiv1", "name": "HIV monthly", "periodType": "Monthly",
                                "organisationUnits": [{"id": "NaivashaHC1"}]}]}  # fmt: skip
    assert post(dan, keep_kenya, status=200)["response"]["status"] == "OK"
    assert set(data.data_set.organisation_units.values_list("uid", flat=True)) == {
        "NaivashaHC1",
        "JacmelHosp1",
    }
    haiti = {"dataSets": [{"id": "MonthlyHiv1", "name": "HIV monthly", "periodType": "Monthly",
                           "organisationUnits": [{"id": "JacmelHosp1"}]}]}  # fmt: skip
    report = post(dan, haiti, status=409)["response"]
    assert messages(report) == [
        "Data set HIV monthly: organisation units of another country cannot be assigned from here: "
        "JacmelHosp1"
    ]
