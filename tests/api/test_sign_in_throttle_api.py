"""The APIs throttle failed sign-ins as the form does (qicop.accounts.throttle): HTTP basic per account and
per address, wrong tokens per address; a refused attempt is answered 429 with Retry-After, in each API's
own error format (a DHIS2 WebMessage, a FHIR OperationOutcome, qicop's ``{"detail": …}``)."""

import base64
from datetime import timedelta

import pytest
import time_machine
from defusedxml import ElementTree
from django.test import Client

from personas import PASSWORD
from qicop.accounts import throttle
from qicop.accounts.services import create_api_token

ATTACKER = "203.0.113.7"


@pytest.fixture
def stopped_clock(clock):
    with time_machine.travel(clock.now, tick=False) as traveller:
        yield traveller


def basic(email, password, *, address=ATTACKER):
    credential = base64.b64encode(f"{email}:{password}".encode()).decode()
    return Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Basic {credential}")


def token_client(scheme, secret, *, address=ATTACKER):
    return Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"{scheme} {secret}")


def lock_by_basic(email, clock):
    for _ in range(throttle.ACCOUNT.lock_at):
        wait = throttle.wait_for(None, email=email)
        if wait is not None:
            clock.shift(timedelta(seconds=wait.seconds()))
        assert basic(email, "wrong").get("/api/me").status_code == 401


def test_fifty_wrong_basic_passwords_at_seven_a_second_are_mostly_refused_unheard(world, stopped_clock):
    """The attack of issue 12 on the DHIS2 API: the right password after 50 wrong ones is refused."""
    answers = []
    for _ in range(50):
        answers.append(basic("dan@example.org", "wrong").get("/api/me").status_code)
        stopped_clock.shift(timedelta(seconds=1 / 7))
    assert answers.count(401) < 10
    assert set(answers) == {401, 429}
    assert basic("dan@example.org", PASSWORD).get("/api/me").status_code == 429


def test_a_locked_account_gets_a_dhis2_web_message_429_with_retry_after(world, stopped_clock):
    lock_by_basic("dan@example.org", stopped_clock)
    response = basic("dan@example.org", PASSWORD).get("/api/me")
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    message = response.json()
    assert (message["httpStatusCode"], message["httpStatus"], message["status"]) == (
        429,
        "Too Many Requests",
        "ERROR",
    )
    assert "900 seconds" in message["message"]
    stopped_clock.shift(timedelta(minutes=15))
    assert basic("dan@example.org", PASSWORD).get("/api/me").status_code == 200


def test_a_client_that_asked_for_xml_gets_the_429_web_message_in_xml(world, stopped_clock):
    lock_by_basic("dan@example.org", stopped_clock)
    response = basic("dan@example.org", PASSWORD).get("/api/40/me.xml")
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    root = ElementTree.fromstring(response.content)
    assert root.tag.endswith("webMessage")
    assert root.get("httpStatusCode") == "429"


def test_wrong_api_tokens_are_throttled_per_address_even_for_the_right_token_next(world, stopped_clock):
    _token, secret = create_api_token(user=world.dan.user, name="nightly push")
    for _ in range(throttle.ADDRESS.free + 1):
        assert token_client("ApiToken", "qicop_guessed").get("/api/me").status_code == 401
    refused = token_client("ApiToken", secret).get("/api/me")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert token_client("ApiToken", secret, address="198.51.100.20").get("/api/me").status_code == 200
    stopped_clock.shift(timedelta(seconds=1))
    assert token_client("ApiToken", secret).get("/api/me").status_code == 200


def test_wrong_bearer_tokens_on_qicops_own_api_answer_429_with_retry_after(world, stopped_clock):
    for _ in range(throttle.ADDRESS.free + 1):
        assert token_client("Bearer", "qicop_guessed").get("/api/v1/me").status_code == 401
    refused = token_client("Bearer", "qicop_guessed").get("/api/v1/me")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert "Retry-After" in refused.json()["detail"]


def test_fhir_answers_a_throttled_sign_in_with_an_operation_outcome(world, stopped_clock):
    lock_by_basic("olga@example.org", stopped_clock)
    response = basic("olga@example.org", PASSWORD).get("/api/fhir/Measure/vln.vl-coverage")
    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["code"] == "throttled"


def test_a_basic_lock_also_holds_on_the_sign_in_form(world, stopped_clock):
    lock_by_basic("dan@example.org", stopped_clock)
    page = Client(REMOTE_ADDR="198.51.100.20").post(
        "/accounts/login/", {"username": "dan@example.org", "password": PASSWORD}
    )
    assert page.status_code == 429
