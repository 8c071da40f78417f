"""The sign-in page, opened by someone already signed in, asks whether to go on as that account or to sign in
as someone else: a session planted in a shared browser must not silently carry the next person's work into
the planter's account (issue 12)."""

import re

from django.test import Client

from personas import PASSWORD


def test_the_page_names_the_signed_in_account_and_offers_to_continue_or_switch(world):
    client = world.client_for("oscar")
    response = client.get("/accounts/login/?next=/n/vln/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "You are signed in as oscar@example.org." in page
    assert 'href="/n/vln/"' in page and "Continue as oscar@example.org" in page
    assert "Sign in as someone else" in page
    assert 'name="password"' in page


def test_continuing_without_a_next_page_goes_home(world):
    page = world.client_for("oscar").get("/accounts/login/").content.decode()
    assert 'href="/"' in page


def test_a_next_page_on_another_site_is_not_offered(world):
    page = world.client_for("oscar").get("/accounts/login/?next=https://evil.example/").content.decode()
    continue_link = re.search(r'<a class="button" href="([^"]*)">Continue as', page)
    assert continue_link.group(1) == "/"
    assert 'name="next" value=""' in page


def test_signing_in_as_someone_else_replaces_the_planted_session(world):
    client = world.client_for("oscar")
    planted = client.session.session_key
    response = client.post("/accounts/login/", {"username": "faith@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.session_key != planted
    assert client.get("/accounts/profile/").context["user"].email == "faith@example.org"


def test_a_visitor_who_is_not_signed_in_sees_only_the_form(db):
    page = Client().get("/accounts/login/").content.decode()
    assert "You are signed in as" not in page
    assert "Sign in as someone else" not in page
