"""/api/dataValues reads, stores and removes one value as DHIS2 does, through the same importer as data
value sets (same checks, same audit, same aggregates)."""

import json

import pytest
from django.test import Client

from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.indicators.models import AggregateValue, DataValue, DataValueAudit

KEYS = {"de": "VlTested01a", "pe": "202401", "ou": "NakuruHosp1"}


@pytest.fixture
def data(world):
    return DataWorld(world)


def client_for(member):
    secret = create_api_token(user=member.user, name=f"script {member.user.api_tokens.count()}")[1]
    return Client(HTTP_AUTHORIZATION=f"ApiToken {secret}")


def query(**params):
    return "?" + "&".join(f"{key}={value}" for key, value in {**KEYS, **params}.items())


def test_a_value_is_stored_with_query_parameters_and_answers_201(data):
    response = client_for(data.world.dan).post(f"/api/dataValues{query(value=12, comment='checked')}")
    assert response.status_code == 201
    assert response.content == b""
    value = DataValue.objects.get()
    assert (value.value, value.comment, value.stored_by) == ("12", "checked", "dan@example.org")


def test_a_value_is_stored_from_a_json_body_as_dhis2_clients_send_it(data):
    body = {"dataElement": "TxCurr0001a", "period": "202401", "orgUnit": "NakuruHosp1", "value": 30}
    body["categoryOptionCombo"] = "CocFemale01"
    response = client_for(data.world.dan).post(
        "/api/dataValues", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 201
    assert DataValue.objects.get().category_option_combo.uid == "CocFemale01"


def test_a_value_is_read_back_as_a_list_and_a_missing_one_is_404(data):
    client = client_for(data.world.dan)
    client.post(f"/api/dataValues{query(value=12)}")
    response = client.get(f"/api/dataValues{query()}")
    assert response.status_code == 200
    assert response.json() == ["12"]
    assert client.get(f"/api/dataValues.json{query()}").json() == ["12"]
    missing = client.get(f"/api/dataValues{query(pe='202402')}")
    assert missing.status_code == 404
    assert missing.json()["message"] == "Data value does not exist"


def test_an_update_is_audited_and_the_aggregates_follow(data):
    client = client_for(data.world.dan)
    client.post(f"/api/dataValues{query(value=12)}")
    client.post(f"/api/dataValues{query(value=15)}")
    assert DataValue.objects.get().value == "15"
    audit = DataValueAudit.objects.get()
    assert (audit.action, audit.previous_value, audit.new_value) == ("UPDATE", "12", "15")
    assert AggregateValue.objects.get(org_unit__uid="KenyaRoot01").total == 15


def test_a_value_is_deleted_with_204_and_deleting_it_again_is_409(data):
    client = client_for(data.world.dan)
    client.post(f"/api/dataValues{query(value=12)}")
    assert client.delete(f"/api/dataValues{query()}").status_code == 204
    assert DataValue.objects.get().deleted
    assert DataValueAudit.objects.get().action == "DELETE"
    again = client.delete(f"/api/dataValues{query()}")
    assert again.status_code == 409
    assert again.json()["message"] == "Data value cannot be deleted because it does not exist"
    assert client.get(f"/api/dataValues{query()}").status_code == 404


def test_a_value_that_breaks_the_rules_is_a_409_naming_the_problem(data):
    response = client_for(data.world.dan).post(f"/api/dataValues{query(value='many')}")
    assert response.status_code == 409
    assert response.json()["errorCode"] == "E7619"
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    ("params", "code"),
    [({"de": "NoSuchDE001"}, "E1100"), ({"pe": "2024M13"}, "E1101"), ({"ou": "NoSuchOU001"}, "E1102"),
     ({"co": "NoSuchCoc01"}, "E1103"), ({"cc": "SexComboUid", "cp": "NoSuchOpt01"}, "E1104")],
)  # fmt: skip
def test_identifiers_that_name_nothing_are_409s_with_dhis2s_codes(data, params, code):
    client = client_for(data.world.dan)
    for response in (
        client.post(f"/api/dataValues{query(value=1, **params)}"),
        client.get(f"/api/dataValues{query(**params)}"),
    ):
        assert response.status_code == 409
        assert response.json()["errorCode"] == code


def test_the_attribute_combo_is_given_by_category_combo_and_options(data):
    response = client_for(data.world.carla).post(
        f"/api/dataValues{query(value=3, cc='SexComboUid', cp='FemaleOptio')}"
    )
    assert response.status_code == 201
    assert DataValue.objects.get().attribute_option_combo.uid == "CocFemale01"


def test_a_missing_key_is_a_400_naming_it(data):
    response = client_for(data.world.dan).get("/api/dataValues?de=VlTested01a&pe=202401")
    assert response.status_code == 400
    assert response.json()["message"] == "Required request parameter 'ou' is not present"


def test_nobody_writes_another_countrys_value(data):
    response = client_for(data.world.dan).post(f"/api/dataValues{query(ou='JacmelHosp1', value=1)}")
    assert response.status_code == 409
    assert response.json()["errorCode"] == "E7617"
    assert not DataValue.objects.exists()


def test_a_member_may_read_but_not_write(data):
    client_for(data.world.dan).post(f"/api/dataValues{query(value=12)}")
    kim = client_for(data.world.kim)
    assert kim.get(f"/api/dataValues{query()}").json() == ["12"]
    assert kim.post(f"/api/dataValues{query(value=13)}").status_code == 403
    assert kim.delete(f"/api/dataValues{query()}").status_code == 403
    assert DataValue.objects.get().value == "12"


def test_an_unpublished_value_of_another_country_reads_as_missing(data):
    client_for(data.world.dan).post(f"/api/dataValues{query(value=12)}")
    assert client_for(data.world.henri).get(f"/api/dataValues{query()}").status_code == 404


def test_a_bad_json_body_is_a_400(data):
    response = client_for(data.world.dan).post(
        "/api/dataValues", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("The body is not JSON")
