"""Failed sign-ins slow down, then lock, per account and per client address, on the sign-in form.

The numbers of the policy (qicop.accounts.throttle): per account 3 failures are heard at once, then each
makes the next attempt wait 1, 2, 4… seconds, and the 10th locks for 15 minutes (twice as long each further
time); per address the same from 10 failures, with a lock at the 50th.
"""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation

from personas import PASSWORD
from qicop.accounts import throttle

ATTACKER = "203.0.113.7"


@pytest.fixture
def stopped_clock(clock):
    """The pinned moment, standing still: a test moves it on by hand (``stopped_clock.shift``)."""
    with time_machine.travel(clock.now, tick=False) as traveller:
        yield traveller


def sign_in(email, password, *, address=ATTACKER, **headers):
    return Client(REMOTE_ADDR=address, **headers).post(
        "/accounts/login/", {"username": email, "password": password}
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def test_three_wrong_passwords_are_heard_at_once_and_the_fourth_makes_the_next_attempt_wait(
    world, stopped_clock
):
    for _ in range(3):
        assert "do not match an account" in sign_in("faith@example.org", "wrong").content.decode()
    fourth = sign_in("faith@example.org", "wrong").content.decode()
    assert "do not match an account" in fourth
    assert "You can try again in 1 second." in fourth
    refused = sign_in("faith@example.org", PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "1"
    assert "your attempt was not checked. Try again in 1 second." in refused.content.decode()
    stopped_clock.shift(timedelta(seconds=1))
    assert signed_in(sign_in("faith@example.org", PASSWORD))


def test_the_wait_doubles_with_each_further_failure(world, stopped_clock):
    waits = []
    for _ in range(9):
        sign_in("faith@example.org", "wrong")
        wait = throttle.wait_for(None, email="faith@example.org")
        waits.append(0 if wait is None else wait.seconds())
        stopped_clock.shift(timedelta(seconds=waits[-1]))
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32]


def test_fifty_wrong_passwords_at_seven_a_second_lock_the_account_and_the_right_one_is_refused(
    world, stopped_clock, mailoutbox
):
    """The attack of issue 12: 50 guesses at about 7 a second, then the right password."""
    heard = 0
    for _ in range(50):
        response = sign_in("faith@example.org", "wrong")
        heard += response.status_code == 200
        stopped_clock.shift(timedelta(seconds=1 / 7))
    assert heard < 10  # the delays refuse most of them unheard
    refused = sign_in("faith@example.org", PASSWORD)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert not signed_in(refused)


def test_the_tenth_failure_locks_the_account_for_fifteen_minutes_and_the_form_says_so(world, stopped_clock):
    fail_until_locked("faith@example.org", stopped_clock)
    refused = sign_in("faith@example.org", PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert "signing in is paused. Try again in 15 minutes" in refused.content.decode()
    stopped_clock.shift(timedelta(minutes=15))
    assert signed_in(sign_in("faith@example.org", PASSWORD))


def test_the_form_says_when_to_try_again_in_the_visitors_language(world, stopped_clock):
    fail_until_locked("faith@example.org", stopped_clock)
    refused = sign_in("faith@example.org", PASSWORD, HTTP_ACCEPT_LANGUAGE="fr")
    assert "dans 15 minutes" in refused.content.decode()
    refused = sign_in("faith@example.org", PASSWORD, HTTP_ACCEPT_LANGUAGE="pt")
    assert "dentro de 15 minutos" in refused.content.decode()


def test_each_further_lock_lasts_twice_as_long(world, stopped_clock):
    fail_until_locked("faith@example.org", stopped_clock)
    stopped_clock.shift(timedelta(minutes=15))
    sign_in("faith@example.org", "wrong")  # heard, and locks again at once
    assert throttle.wait_for(None, email="faith@example.org").seconds() == 30 * 60
    stopped_clock.shift(timedelta(minutes=30))
    sign_in("faith@example.org", "wrong")
    assert throttle.wait_for(None, email="faith@example.org").seconds() == 60 * 60


def test_the_owner_is_mailed_once_per_lock_in_their_own_language(world, stopped_clock, mailoutbox):
    world.henri.user.language = "fr"
    world.henri.user.save()
    fail_until_locked("henri@example.org", stopped_clock)
    for _ in range(5):  # refused unheard: no further mail
        sign_in("henri@example.org", "wrong")
    assert [m.to for m in mailoutbox] == [["henri@example.org"]]
    with translation.override("fr"):
        subject = translation.gettext("Signing in to your qicop account is paused after failed attempts")
    assert mailoutbox[0].subject == subject
    assert ATTACKER in mailoutbox[0].body
    assert "/accounts/password/reset/" in mailoutbox[0].body
    stopped_clock.shift(timedelta(minutes=15))
    sign_in("henri@example.org", "wrong")  # the next lock: one more mail
    assert len(mailoutbox) == 2


def test_the_lock_notice_gives_the_end_of_the_lock_in_the_owners_time_zone(world, stopped_clock, mailoutbox):
    fail_until_locked("faith@example.org", stopped_clock)
    end = (timezone.now() + timedelta(minutes=15)).astimezone(ZoneInfo("Africa/Nairobi"))
    # Faith reads English: "Nov 18, 2026, 5:45 PM", written by the site's one formatter.
    hour = end.strftime("%I:%M %p").lstrip("0")
    body = mailoutbox[0].body.replace("\u202f", " ")
    assert f"{end:%b} {end.day}, {end.year}, {hour} (Nairobi, UTC+3)" in body


def test_an_address_without_an_account_locks_alike_and_nobody_is_mailed(world, stopped_clock, mailoutbox):
    """Otherwise whether an address locks would tell whether it has an account."""
    fail_until_locked("nobody@example.org", stopped_clock)
    refused = sign_in("nobody@example.org", "anything")
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert mailoutbox == []


def test_another_account_signs_in_from_elsewhere_while_one_is_locked(world, stopped_clock):
    fail_until_locked("faith@example.org", stopped_clock)
    assert signed_in(sign_in("kim@example.org", PASSWORD, address="198.51.100.20"))


def test_a_password_reset_ends_the_accounts_lock(world, stopped_clock, mailoutbox):
    fail_until_locked("faith@example.org", stopped_clock)
    mailoutbox.clear()
    Client().post("/accounts/password/reset/", {"email": "faith@example.org"})
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/password/reset/" in line)
    client = Client()
    form_page = client.get(urlsplit(link).path, follow=True)
    new_password = "A-new-passw0rd-for-faith"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert done.status_code == 302
    assert signed_in(sign_in("faith@example.org", new_password))


def test_failures_are_forgotten_after_a_quiet_day(world, stopped_clock):
    for _ in range(3):
        sign_in("faith@example.org", "wrong")
    stopped_clock.shift(timedelta(days=1, seconds=1))
    for _ in range(3):
        sign_in("faith@example.org", "wrong")
    assert throttle.wait_for(None, email="faith@example.org") is None


def test_a_successful_sign_in_forgets_the_accounts_failures(world, stopped_clock):
    for _ in range(3):
        sign_in("faith@example.org", "wrong")
    assert signed_in(sign_in("faith@example.org", PASSWORD))
    for _ in range(3):
        sign_in("faith@example.org", "wrong")
    assert throttle.wait_for(None, email="faith@example.org") is None


def test_one_address_guessing_at_many_accounts_is_locked_at_its_fiftieth_failure(world, stopped_clock):
    """Three guesses at each of many addresses stay under every account's limit, not the address's."""
    guess_at_many_accounts(50, stopped_clock)
    refused = sign_in("oscar@example.org", PASSWORD)
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(15 * 60)
    assert signed_in(sign_in("faith@example.org", PASSWORD, address="198.51.100.20"))


def test_signing_in_to_ones_own_account_does_not_clear_the_addresses_failures(world, stopped_clock):
    """An attacker signs in to his own account between guesses at others': the address still locks."""
    guess_at_many_accounts(30, stopped_clock)
    stopped_clock.shift(timedelta(minutes=1))
    assert signed_in(sign_in("oscar@example.org", PASSWORD))
    guess_at_many_accounts(20, stopped_clock, first=30)
    assert sign_in("oscar@example.org", PASSWORD).status_code == 429


def test_a_spoofed_forwarded_for_header_is_ignored_unless_a_proxy_header_is_configured(
    world, stopped_clock, settings
):
    settings.QICOP_CLIENT_IP_HEADER = ""
    for i in range(50):
        sign_in(f"guess-{i // 3}@example.org", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
        stopped_clock.shift(timedelta(minutes=1))
    assert sign_in("oscar@example.org", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200").status_code == 429


def test_behind_a_configured_proxy_the_last_forwarded_address_is_the_client(settings, rf):
    settings.QICOP_CLIENT_IP_HEADER = "X-Forwarded-For"
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.9")
    assert throttle.client_address(request) == "198.51.100.9"  # what the client wrote comes first
    assert throttle.client_address(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    settings.QICOP_CLIENT_IP_HEADER = ""
    assert throttle.client_address(request) == "10.0.0.2"


def test_the_addresses_of_one_ipv6_64_count_as_one_client(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    assert throttle.client_address(one) == throttle.client_address(other) == "2001:db8:1:2::/64"
    assert throttle.client_address(rf.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


def fail_until_locked(email, clock):
    """Wrong passwords, each when the last wait is over, until the account is locked."""
    for _ in range(throttle.ACCOUNT.lock_at):
        wait = throttle.wait_for(None, email=email)
        if wait is not None:
            clock.shift(timedelta(seconds=wait.seconds()))
        assert sign_in(email, "wrong").status_code == 200
    wait = throttle.wait_for(None, email=email)
    assert wait is not None and wait.locked


def guess_at_many_accounts(count, clock, *, first=0):
    """``count`` wrong passwords from the attacker's address, three per account, each heard."""
    for i in range(first, first + count):
        clock.shift(timedelta(minutes=1))  # as long as any delay before the lock
        response = sign_in(f"guess-{i // 3}@example.org", "wrong")
        assert response.status_code == 200, i


def test_each_lock_is_written_in_the_audit_log_without_the_address_or_the_email(world, stopped_clock):
    from qicop.core.models import AuditEntry

    fail_until_locked("faith@example.org", stopped_clock)
    entries = AuditEntry.objects.filter(verb="sign_in.lock")
    assert [(e.data["kind"], e.data["failures"]) for e in entries] == [("account", 10)]
    assert "faith@example.org" not in str(entries[0].data) and ATTACKER not in str(entries[0].data)
