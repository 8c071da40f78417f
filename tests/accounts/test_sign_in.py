"""Signing in by e-mail, and the demo password that only the demo accepts."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client, override_settings
from django.utils import translation

from personas import PASSWORD
from qicop.accounts.models import User


def test_sign_in_ignores_the_case_of_the_email_address(world):
    response = Client().post("/accounts/login/", {"username": "Faith@EXAMPLE.org", "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_gets_a_clear_message_and_keeps_the_address(world):
    response = Client().post("/accounts/login/", {"username": "faith@example.org", "password": "nope"})
    page = response.content.decode()
    assert "do not match an account" in page
    assert 'value="faith@example.org"' in page


def test_the_demo_password_is_refused_outside_demo_mode(db):
    User.objects.create_user("demo-user@example.org", "demo")
    with override_settings(DEMO_MODE=False):
        assert authenticate(username="demo-user@example.org", password="demo") is None
    with override_settings(DEMO_MODE=True):
        assert authenticate(username="demo-user@example.org", password="demo") is not None


def test_two_accounts_cannot_share_an_address_in_different_case(db):
    from django.core.exceptions import ValidationError

    from qicop.accounts.services import create_user

    create_user(email="Same@Example.org", password="Long-enough-passw0rd")
    with pytest.raises(ValidationError, match="already exists"):
        create_user(email="same@example.ORG", password="Long-enough-passw0rd")
    assert User.objects.filter(email="same@example.org").count() == 1


def test_production_settings_hash_passwords_with_argon2():
    import subprocess
    import sys

    code = (
        "import os; os.environ['SECRET_KEY']='x'*40; os.environ['DJANGO_SETTINGS_MODULE']='qicop.settings';"
        "import django; django.setup(); from django.contrib.auth.hashers import get_hasher;"
        "print(get_hasher().algorithm)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "argon2"


def test_password_reset_mails_a_link_in_the_accounts_language(world, mailoutbox):
    world.henri.user.language = "fr"
    world.henri.user.save()
    Client().post("/accounts/password/reset/", {"email": "henri@example.org"})
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/" in mailoutbox[0].body
    with translation.override("fr"):
        french_subject = translation.gettext("Reset your qicop password")
    assert french_subject != "Reset your qicop password"
    assert mailoutbox[0].subject == french_subject


def test_password_reset_does_not_reveal_whether_an_address_has_an_account(world, mailoutbox):
    response = Client().post("/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True)
    assert "If an account uses this address" in response.content.decode()
    assert mailoutbox == []
