"""/api/dataValueSets takes DHIS2's id-scheme parameters on both sides: idScheme and the per-type schemes,
UID, CODE, NAME or ATTRIBUTE:<uid>. A scheme it cannot honour is a 400 naming the parameter, and nothing is
stored."""

import json

import pytest
from django.test import Client

from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import DataImport, DataValue, OrgUnit
from qicop.integrations.dhis2.rows import DataValueRow

MOH = "AttrMohId01"


def token_for(user):
    return create_api_token(user=user, name=f"script {user.api_tokens.count()}")[1]


def get(user, query):
    return Client().get(f"/api/dataValueSets{query}", HTTP_AUTHORIZATION=f"ApiToken {token_for(user)}")


def post(user, query, document):
    return Client().post(
        f"/api/dataValueSets{query}",
        json.dumps(document),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {token_for(user)}",
    )


@pytest.fixture
def stored(world):
    data = DataWorld(world)
    import_data_values(
        actor=data.world.carla.user,
        options=ImportOptions(),
        rows=[
            DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="10"),
            DataValueRow("TxCurr0001a", "202401", "NakuruHosp1", "CocFemale01", value="20", index=1),
        ],
    )
    OrgUnit.objects.filter(uid="NakuruHosp1").update(attribute_values={MOH: "MOH-0042"})
    return data


QUERY = "?dataElement=VlTested01a&dataElement=TxCurr0001a&period=202401&orgUnit=KenyaRoot01&children=true"


def test_the_export_names_each_type_by_its_own_scheme(stored):
    response = get(
        stored.world.dan.user,
        QUERY + f"&idScheme=NAME&dataElementIdScheme=CODE&orgUnitIdScheme=ATTRIBUTE:{MOH}"
        "&categoryOptionComboIdScheme=code",
    )
    assert response.status_code == 200
    document = json.loads(b"".join(response.streaming_content))
    assert document["dataElementIdScheme"] == "CODE"
    assert document["orgUnitIdScheme"] == f"ATTRIBUTE:{MOH}"
    assert document["categoryOptionComboIdScheme"] == "CODE"
    assert "attributeOptionComboIdScheme" not in document  # the same: readers take the combo scheme
    assert sorted(
        (v["dataElement"], v["orgUnit"], v["categoryOptionCombo"]) for v in document["dataValues"]
    ) == [
        ("TX_CURR", "MOH-0042", "F"),
        ("VL_TESTED", "MOH-0042", "default"),  # DHIS2's code of the default combo
    ]
    # Posted back unchanged (the file says its schemes), it changes nothing.
    again = post(stored.world.dan.user, "?importStrategy=UPDATE", document)
    assert again.status_code == 200
    assert again.json()["response"]["importCount"] == {
        "imported": 0,
        "updated": 0,
        "ignored": 2,
        "deleted": 0,
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("&idScheme=FOO", "idScheme"),
        ("&orgUnitIdScheme=ATTRIBUTE:", "orgUnitIdScheme"),
        ("&dataElementIdScheme=ATTRIBUTE:NoSuchAttr1", "dataElementIdScheme"),
        ("&attributeOptionComboIdScheme=uuid", "attributeOptionComboIdScheme"),
    ],
)
def test_an_export_under_an_unknown_scheme_is_a_400_naming_the_parameter(stored, query, parameter):
    response = get(stored.world.dan.user, QUERY + query)
    assert response.status_code == 400
    assert parameter in response.json()["message"]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("?idScheme=FOO", "idScheme"),
        ("?orgUnitIdScheme=ATTRIBUTE:", "orgUnitIdScheme"),
        ("?idScheme=ATTRIBUTE:NoSuchAttr1", "idScheme"),
    ],
)
def test_an_import_under_an_unknown_scheme_is_a_400_naming_the_parameter_and_stores_nothing(
    stored, query, parameter
):
    before = list(DataValue.objects.values_list("id", "value", "last_updated"))
    document = {
        "dataValues": [
            {"dataElement": "VlTested01a", "period": "202402", "orgUnit": "NakuruHosp1", "value": "1"}
        ]
    }
    response = post(stored.world.dan.user, query, document)
    assert response.status_code == 400
    assert parameter in response.json()["message"]
    assert list(DataValue.objects.values_list("id", "value", "last_updated")) == before
    response = post(stored.world.dan.user, query + "&async=true", document)
    assert response.status_code == 400
    assert not DataImport.objects.exists()


def test_a_scheme_in_the_files_root_that_cannot_be_honoured_is_an_error_summary_and_stores_nothing(stored):
    document = {
        "orgUnitIdScheme": "ATTRIBUTE:NoSuchAttr1",
        "dataValues": [
            {"dataElement": "VlTested01a", "period": "202402", "orgUnit": "MOH-0042", "value": "1"}
        ],
    }
    response = post(stored.world.dan.user, "", document)
    assert response.status_code == 409
    summary = response.json()["response"]
    assert summary["status"] == "ERROR"
    assert "orgUnitIdScheme=ATTRIBUTE:NoSuchAttr1" in summary["description"]
    assert DataValue.objects.count() == 2


def test_an_import_by_attribute_value_goes_where_the_attribute_says(stored):
    document = {
        "dataValues": [
            {"dataElement": "VlTested01a", "period": "202402", "orgUnit": "MOH-0042", "value": "3"}
        ]
    }
    response = post(stored.world.dan.user, f"?orgUnitIdScheme=ATTRIBUTE:{MOH}", document)
    assert response.status_code == 200
    assert DataValue.objects.get(period__dhis2_id="202402").org_unit.uid == "NakuruHosp1"
