"""`qicop create_api_token` makes a token from a shell, e.g. for a DHIS2 data exchange set up by script."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from qicop.accounts.services import user_for_api_token


def test_the_command_prints_a_token_that_signs_in_as_the_account(world):
    out = StringIO()
    call_command("create_api_token", "--user", "DAN@example.org", "--name", "DHIS2 exchange", stdout=out)
    secret = out.getvalue().strip()
    assert secret.startswith("qicop_")
    assert user_for_api_token(secret) == world.dan.user


def test_an_unknown_account_is_named(world):
    with pytest.raises(CommandError, match=r"no active account with the e-mail address nobody@example\.org"):
        call_command("create_api_token", "--user", "nobody@example.org", "--name", "x")


def test_a_second_active_token_of_the_same_name_is_refused(world):
    call_command("create_api_token", "--user", "dan@example.org", "--name", "pull", stdout=StringIO())
    with pytest.raises(CommandError, match="already have an active token with this name"):
        call_command("create_api_token", "--user", "dan@example.org", "--name", "pull", stdout=StringIO())
