"""What DHIS2 clients call first — /api/system/info, /api/system/ping, /api/me — answers as DHIS2 2.40."""

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.utils import timezone

from data_world import DataWorld
from qicop.accounts.services import create_api_token
from qicop.api.dhis2.system import DHIS2_COMPATIBLE_VERSION, select_fields

DXF = "{http://dhis2.org/schema/dxf/2.0}"


@pytest.fixture
def data(world):
    return DataWorld(world)


def client_for(person):
    user = getattr(person, "user", person)
    secret = create_api_token(user=user, name=f"script {user.api_tokens.count()}")[1]
    return Client(HTTP_AUTHORIZATION=f"ApiToken {secret}")


def test_system_info_states_the_dhis2_version_it_is_compatible_with(world):
    response = client_for(world.kim).get("/api/system/info", HTTP_USER_AGENT="dhis2.py/2.3.0")
    assert response.status_code == 200
    info = response.json()
    assert info["version"] == DHIS2_COMPATIBLE_VERSION
    # dhis2.py reads the API version as the number after "2."
    assert int(info["version"].replace("-SNAPSHOT", "").split(".")[1]) == 40
    assert info["revision"].startswith("qicop")
    assert info["serverTimeZoneId"] == "UTC"
    assert info["contextPath"] == "http://testserver"
    assert info["userAgent"] == "dhis2.py/2.3.0"
    assert info["calendar"] == "iso8601"
    assert info["dateFormat"] == "yyyy-mm-dd"


def test_system_info_gives_the_server_date_as_dhis2_writes_it(world):
    info = client_for(world.kim).get("/api/system/info").json()
    server_date = timezone.datetime.strptime(info["serverDate"], "%Y-%m-%dT%H:%M:%S.%f")
    now = timezone.now().replace(tzinfo=None)
    assert abs((now - server_date).total_seconds()) < 60


def test_system_info_answers_with_a_suffix_and_a_versioned_prefix(world):
    client = client_for(world.kim)
    for url in ("/api/system/info.json", "/api/40/system/info", "/api/29/system/info.json"):
        assert client.get(url).json()["version"] == DHIS2_COMPATIBLE_VERSION, url


def test_system_info_in_xml_when_asked(world):
    response = client_for(world.kim).get("/api/system/info.xml")
    assert response["Content-Type"].startswith("application/xml")
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{DXF}systemInfo"
    assert root.find(f"{DXF}version").text == DHIS2_COMPATIBLE_VERSION


def test_system_info_takes_a_fields_selection(world):
    info = client_for(world.kim).get("/api/system/info", {"fields": "version,revision"}).json()
    assert set(info) == {"version", "revision"}


def test_system_info_needs_a_signed_in_client(db):
    response = Client().get("/api/system/info")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="DHIS2"'


def test_ping_answers_pong_to_anyone(db):
    for url in ("/api/system/ping", "/api/40/system/ping"):
        response = Client().get(url)
        assert response.status_code == 200
        assert response.content == b"pong"


def test_me_describes_the_user_as_dhis2_clients_expect(data):
    me = client_for(data.world.dan).get("/api/me").json()
    assert me["username"] == "dan@example.org"
    assert me["email"] == "dan@example.org"
    assert me["displayName"] == "Dan Data"
    assert (me["firstName"], me["surname"]) == ("Dan", "Data")
    assert len(me["id"]) == 11 and me["id"][0].isalpha() and me["id"].isalnum()
    assert me["userCredentials"]["username"] == "dan@example.org"
    assert me["userRoles"] == [{"id": "qcRoleDataM", "name": "Data manager"}]
    assert me["userCredentials"]["userRoles"] == me["userRoles"]
    assert me["dataSets"] == ["MonthlyHiv1"]


def test_me_has_the_same_id_on_every_call(data):
    client = client_for(data.world.dan)
    assert client.get("/api/me").json()["id"] == client.get("/api/me.json").json()["id"]
    assert client.get("/api/me").json()["id"] != client_for(data.world.kim).get("/api/me").json()["id"]


def test_a_data_manager_writes_to_their_own_country_and_reads_every_country(data):
    me = client_for(data.world.dan).get("/api/me").json()
    assert [unit["id"] for unit in me["organisationUnits"]] == ["KenyaRoot01"]
    assert [unit["id"] for unit in me["dataViewOrganisationUnits"]] == ["HaitiRoot01", "KenyaRoot01"]
    assert {"F_DATAVALUE_ADD", "F_DATAVALUE_DELETE", "F_METADATA_IMPORT"} <= set(me["authorities"])
    assert "ALL" not in me["authorities"]


def test_a_coordinator_writes_to_every_country(data):
    me = client_for(data.world.carla).get("/api/me").json()
    assert [unit["id"] for unit in me["organisationUnits"]] == ["HaitiRoot01", "KenyaRoot01"]
    assert me["userRoles"] == [{"id": "qcRoleCoord", "name": "Network coordinator"}]


def test_a_member_reads_but_writes_nowhere_and_has_no_data_authority(data):
    me = client_for(data.world.kim).get("/api/me").json()
    assert me["organisationUnits"] == []
    assert [unit["id"] for unit in me["dataViewOrganisationUnits"]] == ["HaitiRoot01", "KenyaRoot01"]
    assert "F_DATAVALUE_ADD" not in me["authorities"]


def test_an_outsider_has_no_org_units_no_roles_and_no_data_sets(data):
    me = client_for(data.world.oscar).get("/api/me").json()
    assert me["organisationUnits"] == me["dataViewOrganisationUnits"] == []
    assert me["userRoles"] == [] and me["authorities"] == [] and me["dataSets"] == []


def test_me_takes_fields_as_dhis2_clients_send_them(data):
    client = client_for(data.world.dan)
    assert client.get("/api/me", {"fields": "id"}).json().keys() == {"id"}
    me = client.get("/api/me", {"fields": "id,organisationUnits[id,name]"}).json()
    assert me["organisationUnits"] == [{"id": "KenyaRoot01", "name": "Kenya"}]
    assert "email" not in client.get("/api/me", {"fields": "*,!email"}).json()


def test_a_fields_expression_that_does_not_parse_is_a_400_web_message(data):
    response = client_for(data.world.dan).get("/api/me", {"fields": "id,organisationUnits[id"})
    assert response.status_code == 400
    assert "does not parse" in response.json()["message"]


def test_me_needs_a_signed_in_client_and_takes_only_get(data):
    assert Client().get("/api/me").status_code == 401
    assert client_for(data.world.dan).post("/api/me").status_code == 405


def test_the_field_selection_keeps_the_order_and_applies_inside_lists():
    data = {"a": 1, "b": [{"x": 1, "y": 2}], "c": 3}
    assert select_fields(data, "c,a") == {"a": 1, "c": 3}
    assert select_fields(data, "b[y]") == {"b": [{"y": 2}]}
    with pytest.raises(ValueError, match="does not parse"):
        select_fields(data, "a]")
