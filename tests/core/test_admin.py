"""The administration site is for network coordinators (and superusers), nobody else."""

import pytest

ADMIN_PAGES = [
    "/admin/",
    "/admin/network/member/",
    "/admin/network/member/?country__id__exact=1&q=kim",
    "/admin/network/organisation/",
    "/admin/network/country/",
    "/admin/network/network/",
    "/admin/network/invitation/",
    "/admin/accounts/user/",
    "/admin/accounts/apitoken/",
]


def test_a_coordinator_uses_the_admin_with_filters_and_search(world):
    client = world.client_for("carla")
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 200, path
    page = client.get("/admin/network/member/?q=kim").content.decode()
    assert "Kim Member" in page and "Faith Focal" not in page
    assert client.get(f"/admin/network/member/{world.kim.pk}/change/").status_code == 200


@pytest.mark.parametrize("persona", ["faith", "dan", "kim", "henri", "olga", "oscar"])
def test_everyone_else_signed_in_is_refused(world, persona):
    client = world.client_for(persona)
    for path in ADMIN_PAGES:
        assert client.get(path).status_code == 403, path


def test_a_visitor_is_sent_to_the_sites_sign_in(client, db):
    for path in ADMIN_PAGES:
        response = client.get(path, follow=True)
        assert response.redirect_chain[-1][0].startswith("/accounts/login/"), path


def test_a_coordinator_cannot_make_anyone_a_superuser(world):
    client = world.client_for("carla")
    page = client.get(f"/admin/accounts/user/{world.kim.user.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page


def test_the_admin_sign_in_is_the_sites_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_coordinator_sees_only_the_networks_they_coordinate(world):
    from datetime import UTC, datetime, timedelta

    from qicop.meetings.models import Meeting
    from qicop.network.models import Network

    other = Network.objects.create(slug="elsewhere", name="Another network")
    start = datetime(2030, 1, 8, 12, tzinfo=UTC)
    secret = Meeting.objects.create(
        network=other,
        title="Another network's session",
        start=start,
        end=start + timedelta(hours=1),
        join_url="https://zoom.example.org/j/secret",
    )
    client = world.client_for("carla")
    listing = client.get("/admin/meetings/meeting/").content.decode()
    assert "Reaching the second 95" in listing
    assert "Another network" not in listing
    assert client.get(f"/admin/meetings/meeting/{secret.pk}/change/").status_code == 302  # "does not exist"
    assert "Another network" not in client.get("/admin/network/network/").content.decode()
    assert "Another network" not in client.get("/admin/meetings/meeting/add/").content.decode()
