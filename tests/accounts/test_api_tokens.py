"""Personal API tokens: shown once, stored hashed, revocable."""

from qicop.accounts.models import ApiToken, hash_token


def create_token(client, name="DHIS2 export"):
    response = client.post("/accounts/profile/tokens/", {"name": name})
    page = response.content.decode()
    start = page.index('class="secret">') + len('class="secret">')
    return page[start : page.index("<", start)].strip()


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(world):
    client = world.client_for("dan")
    secret = create_token(client)
    assert secret.startswith("qicop_")
    token = ApiToken.objects.get(user=world.dan.user)
    assert token.token_hash == hash_token(secret)
    assert secret not in client.get("/accounts/profile/tokens/").content.decode()


def test_a_token_authenticates_api_requests_with_its_owners_permissions(world):
    secret = create_token(world.client_for("dan"))
    from django.test import Client

    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    assert response.json()["email"] == "dan@example.org"
    assert Client().get("/api/v1/networks/acn", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 404


def test_a_revoked_token_no_longer_works(world):
    client = world.client_for("dan")
    secret = create_token(client)
    token = ApiToken.objects.get(user=world.dan.user)
    assert client.post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 302
    from django.test import Client

    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401


def test_a_wrong_token_is_refused(world):
    from django.test import Client

    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer qicop_not-a-token")
    assert response.status_code == 401


def test_nobody_revokes_someone_elses_token(world):
    create_token(world.client_for("dan"))
    token = ApiToken.objects.get(user=world.dan.user)
    assert world.client_for("carla").post(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.is_active


def test_a_token_needs_a_unique_name(world):
    client = world.client_for("dan")
    create_token(client, "export")
    response = client.post("/accounts/profile/tokens/", {"name": "export"})
    assert response.status_code == 400
    assert "already have an active token with this name" in response.content.decode()
    assert ApiToken.objects.count() == 1


def test_the_token_page_shows_the_header_to_send_with_its_placeholder(world):
    """``<token>`` was sent as an HTML tag: the browser dropped it and the page read "Bearer  "."""
    page = world.client_for("dan").get("/accounts/profile/tokens/").content.decode()
    assert "<code>Authorization: Bearer &lt;token&gt;</code>" in page
