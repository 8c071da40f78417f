"""The "DHIS2 connection" pages of the Data area: who sees them, the form, testing and pulling by hand."""

from __future__ import annotations

import pytest

from dhis2_remote import REMOTE_DATA_SET, REMOTE_KENYA, TOKEN, base_url, connect, recorded
from qicop.exchange.models import Dhis2Connection, Pull

URL = "/n/vln/data/dhis2/KE/"


def form_data(server, **changes):
    data = {
        "base_url": base_url(server),
        "token": TOKEN,
        "data_set": REMOTE_DATA_SET,
        "org_unit": REMOTE_KENYA,
        "id_scheme": "CODE",
        "data_element_map": "",
        "org_unit_map": "",
        "months": "24",
        "every_hours": "24",
        "at_hour": "6",
        "enabled": "on",
    }
    data.update(changes)
    return data


def test_the_data_page_links_to_the_connection_for_those_who_manage_one(data):
    link = 'href="/n/vln/data/dhis2/"'
    assert link in data.world.client_for("faith").get("/n/vln/data/").content.decode()
    assert link in data.world.client_for("carla").get("/n/vln/data/").content.decode()
    assert link not in data.world.client_for("dan").get("/n/vln/data/").content.decode()


def test_the_focal_point_sees_her_country_and_the_coordinator_every_country(data):
    faith = data.world.client_for("faith").get("/n/vln/data/dhis2/").content.decode()
    carla = data.world.client_for("carla").get("/n/vln/data/dhis2/").content.decode()
    assert "Kenya" in faith and "Haiti" not in faith
    assert all(name in carla for name in ("Kenya", "Haiti", "Namibia", "Thailand"))


@pytest.mark.parametrize("persona", ["dan", "kim", "henri", "olga"])
def test_people_who_do_not_manage_the_country_are_refused(data, persona):
    client = data.world.client_for(persona)
    assert client.get(URL).status_code == 403
    assert client.post(f"{URL}edit/", {}).status_code == 403
    assert client.post(f"{URL}pull/").status_code == 403


def test_a_focal_point_cannot_manage_another_countrys_connection(data):
    assert data.world.client_for("faith").get("/n/vln/data/dhis2/HT/").status_code == 403
    assert data.world.client_for("carla").get("/n/vln/data/dhis2/ZZ/").status_code == 404


def test_the_form_offers_the_countrys_focal_points_and_data_managers_as_owner(data, remote):
    page = data.world.client_for("faith").get(f"{URL}edit/").content.decode()
    assert "dan@example.org" in page and "faith@example.org" in page
    assert "carla@example.org" not in page and "kim@example.org" not in page


def test_saving_the_form_connects_the_country_and_keeps_the_token_out_of_every_page(data, remote):
    client = data.world.client_for("faith")
    response = client.post(f"{URL}edit/", form_data(remote, owner=data.world.dan.user.pk))

    assert response.status_code == 302 and response["Location"] == URL
    connection = Dhis2Connection.objects.get()
    assert (connection.owner, connection.base_url) == (data.world.dan.user, base_url(remote))
    detail = client.get(URL).content.decode()
    edit = client.get(f"{URL}edit/").content.decode()
    assert f"stored, ending …{TOKEN[-4:]}" in detail and f"ending …{TOKEN[-4:]}" in edit
    assert TOKEN not in detail and TOKEN not in edit


def test_a_blank_token_keeps_the_stored_one_and_the_form_shows_the_saved_values(data, remote):
    connect(data, remote)
    client = data.world.client_for("faith")
    page = client.get(f"{URL}edit/").content.decode()
    assert f'value="{REMOTE_DATA_SET}"' in page

    response = client.post(
        f"{URL}edit/", form_data(remote, token="", months="12", owner=data.world.dan.user.pk)
    )

    assert response.status_code == 302
    connection = Dhis2Connection.objects.get()
    assert connection.months == 12 and connection.token_hint == TOKEN[-4:]


def test_a_new_connection_needs_a_token(data, remote):
    response = data.world.client_for("faith").post(
        f"{URL}edit/", form_data(remote, token="", owner=data.world.dan.user.pk)
    )
    assert response.status_code == 400
    assert "Give the personal access token" in response.content.decode()


def test_errors_are_shown_with_what_was_typed_but_never_the_token(data, remote):
    response = data.world.client_for("faith").post(
        f"{URL}edit/",
        form_data(
            remote,
            base_url="http://hmis.health.example.org",
            data_set="not-a-uid",
            data_element_map="DE_ONE = VL_TESTED\nthis line has no equals sign",
            owner=data.world.dan.user.pk,
        ),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Use https" in page and "11 letters and digits" in page and "Line 2:" in page
    assert 'value="http://hmis.health.example.org"' in page and 'value="not-a-uid"' in page
    assert "this line has no equals sign" in page
    assert TOKEN not in page
    assert not Dhis2Connection.objects.exists()


def test_a_coordinator_cannot_be_the_owner_of_a_pull(data, remote):
    response = data.world.client_for("carla").post(
        f"{URL}edit/", form_data(remote, owner=data.world.carla.user.pk)
    )
    assert response.status_code == 400
    assert not Dhis2Connection.objects.exists()


def test_testing_the_connection_shows_the_dhis2_version_and_account(data, remote):
    connect(data, remote)
    page = data.world.client_for("faith").post(f"{URL}test/").content.decode()
    assert "Connected to DHIS2 2.40.4.1 as qicop.reader (QI Reader)." in page


def test_a_failed_test_says_why(data, httpserver):
    connect(data, httpserver)
    httpserver.expect_request("/api/system/info").respond_with_data(
        recorded("error_401.json"), status=401, content_type="application/json"
    )
    page = data.world.client_for("faith").post(f"{URL}test/").content.decode()
    assert "The connection test failed:" in page and "refused the token (401)" in page


def test_pull_now_runs_a_pull_whose_result_and_summary_appear_in_the_history(data, remote):
    connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(
        recorded("data_value_set_code.json"), content_type="application/json"
    )
    faith, carla = data.world.client_for("faith"), data.world.client_for("carla")

    response = faith.post(f"{URL}pull/")

    assert response.status_code == 302
    pull = Pull.objects.get()
    assert (pull.trigger, pull.requested_by, pull.status) == ("manual", data.world.faith.user, "success")
    history = faith.get(URL).content.decode()
    assert "5 new, 0 updated, 0 deleted, 0 ignored" in history
    summary_link = f"/n/vln/data/imports/{pull.data_import_id}/"
    assert summary_link not in history  # Dan's import: his and the coordinators' to read
    assert summary_link in carla.get(URL).content.decode()
    assert data.world.client_for("dan").get(summary_link).status_code == 200


def test_a_failed_pull_shows_its_error_on_the_page(data, remote):
    connect(data, remote)
    remote.expect_request("/api/dataValueSets").respond_with_data(b"", status=500)
    client = data.world.client_for("faith")
    client.post(f"{URL}pull/")
    page = client.get(URL).content.decode()
    assert "The last pull failed:" in page and "internal error (500)" in page


def test_the_history_reads_a_bounded_number_of_queries(data, remote, django_assert_max_num_queries):
    from django.utils import timezone

    connection = connect(data, remote)
    now = timezone.now()
    Pull.objects.bulk_create(
        Pull(connection=connection, trigger="schedule", status="failed", queued_at=now, error="x")
        for _ in range(40)
    )
    client = data.world.client_for("carla")
    with django_assert_max_num_queries(14):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == 26  # the header and a page of 25
