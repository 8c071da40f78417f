"""The JSON API: documented, paginated, scoped like the pages, with bounded queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from personas import make_member
from qicop.network.models import Role


def test_the_openapi_document_describes_every_endpoint(client, db):
    spec = client.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/v1/networks", "/api/v1/networks/{slug}/members", "/api/v1/me"} <= paths
    assert spec["info"]["title"] == "qicop API"


def test_the_docs_page_loads_nothing_from_outside_the_server(client, db):
    page = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in page and "https://" not in page


def test_networks_lists_only_the_callers_networks(world):
    data = world.client_for("kim").get("/api/v1/networks").json()
    assert [n["slug"] for n in data["items"]] == ["vln"]
    assert world.client_for("oscar").get("/api/v1/networks").json()["items"] == []


def test_members_are_paginated_with_a_bounded_page_size(world):
    client = world.client_for("carla")
    data = client.get("/api/v1/networks/vln/members?page_size=2").json()
    assert data["count"] == 6 and len(data["items"]) == 2
    assert client.get("/api/v1/networks/vln/members?page_size=1000").status_code == 422


def test_members_filter_like_the_directory(world):
    client = world.client_for("henri")
    names = {m["full_name"] for m in client.get("/api/v1/networks/vln/members?country=KE").json()["items"]}
    assert names == {"Faith Focal", "Dan Data", "Kim Member"}
    roles = client.get("/api/v1/networks/vln/members?role=data_manager").json()["items"]
    assert [m["full_name"] for m in roles] == ["Dan Data"]


def test_email_addresses_in_the_api_follow_the_same_rule_as_the_pages(world):
    by_name = {
        m["full_name"]: m
        for m in world.client_for("faith").get("/api/v1/networks/vln/members").json()["items"]
    }
    assert by_name["Kim Member"]["email"] == "kim@example.org"
    assert by_name["Henri Haïtien"]["email"] is None
    member = world.client_for("olga").get(f"/api/v1/networks/vln/members/{world.kim.pk}").json()
    assert member["email"] is None


def test_a_member_of_another_network_is_not_found(world):
    outsider = make_member(
        "acn@example.org", "Acn Only", world.kenya, network=world.other_network, roles=[Role.MEMBER]
    )
    assert world.client_for("carla").get(f"/api/v1/networks/vln/members/{outsider.pk}").status_code == 404


def test_the_member_list_query_count_does_not_grow_with_the_page(world):
    client = world.client_for("carla")
    client.get("/api/v1/networks/vln/members")
    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/networks/vln/members")
    for i in range(40):
        make_member(
            f"api{i}@example.org",
            f"Api Person {i}",
            world.haiti,
            network=world.network,
            roles=[Role.MEMBER],
            organisation=world.haiti_moh,
        )
    with CaptureQueriesContext(connection) as large:
        data = client.get("/api/v1/networks/vln/members?page_size=40").json()
    assert len(data["items"]) == 40
    assert len(large) == len(small) <= 9


def test_countries_and_organisations_are_listed(world):
    client = world.client_for("dan")
    countries = client.get("/api/v1/networks/acn/countries")
    assert countries.status_code == 404  # Dan is not in the all-country network
    isos = [c["iso2"] for c in client.get("/api/v1/networks/vln/countries").json()["items"]]
    assert sorted(isos) == ["HT", "KE", "NA", "TH"]
    orgs = client.get("/api/v1/networks/vln/organisations?country=HT").json()["items"]
    assert [o["name"] for o in orgs] == ["MSPP"]


def test_me_describes_the_caller(world):
    data = world.client_for("faith").get("/api/v1/me").json()
    assert data["member"]["full_name"] == "Faith Focal"
    assert data["member"]["roles"] == ["focal_point"]
    assert [n["slug"] for n in data["networks"]] == ["vln"]
