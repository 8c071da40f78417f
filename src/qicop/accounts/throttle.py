"""Failed sign-ins slow down, then lock: per account and per client address, on every way in.

Every way of proving who one is passes here: the sign-in form and the admin's (through
``EmailBackend``), HTTP basic on the DHIS2 and FHIR APIs (also through ``authenticate``), and personal API
tokens (``user_for_token``). What is counted:

- **per account** (the e-mail address typed, whether or not an account has it, so that a lock tells
  nothing about who has an account): 3 failures are heard at once, then each further one makes the next
  attempt wait 1, 2, 4… seconds (at most a minute); the 10th locks the account for 15 minutes and mails
  its owner, in their language. Each further lock in the same run is twice as long (at most a day).
- **per client address** (a /64 for IPv6, where one host has many addresses): the same with 10 failures
  free and a lock at 50, since a whole ministry may sign in from behind one address.

An attempt made while a wait or a lock runs is refused without looking at the password (so it tells an
attacker nothing) and is not counted (so the time announced stays true). A successful sign-in forgets the
account's failures, never the address's: an attacker cannot clear an address's count by signing in to an
account of his own between guesses at others. A password reset forgets the account's failures too.
Failures are forgotten after a day without any.

The client address is ``REMOTE_ADDR``, or, when ``QICOP_CLIENT_IP_HEADER`` names the header a trusted
reverse proxy sets (``X-Forwarded-For``, ``X-Real-IP``…), the last address in that header: the one the
proxy itself added. No header is believed unless configured, or anyone could send a new address each time.

Counts are rows in the database, changed under a row lock
(docs/decisions/0012-sign-in-throttling-of-our-own.md): exact when many workers or servers take guesses
at once, and kept across restarts.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qicop.accounts import tasks
from qicop.accounts.models import SignInFailures, User, normalize_email
from qicop.accounts.services import user_for_api_token
from qicop.core.audit import audit


@dataclass(frozen=True)
class Policy:
    free: int  # failures heard at once
    lock_at: int  # the failure that locks (and each one after it, once the lock is over)
    max_delay: int  # seconds, the longest wait before a lock
    lock: timedelta  # the first lock; each further lock in the same run is twice as long


ACCOUNT = Policy(free=3, lock_at=10, max_delay=60, lock=timedelta(minutes=15))
ADDRESS = Policy(free=10, lock_at=50, max_delay=60, lock=timedelta(minutes=15))
MAX_LOCK = timedelta(days=1)
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Wait:
    """No attempt is heard before ``until``; ``locked`` when that is a lock rather than a delay."""

    until: datetime
    locked: bool

    def seconds(self) -> int:
        """Whole seconds left, at least 1 (what ``Retry-After`` says)."""
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))


class Throttled(Exception):
    """An attempt refused unheard, with how long to wait. The API answers it 429 with ``Retry-After``."""

    def __init__(self, wait: Wait):
        super().__init__(f"sign-in refused for {wait.seconds()} s")
        self.wait = wait


def client_address(request) -> str | None:
    """The client's address as counted: from the configured proxy header, else the connection's."""
    if request is None:
        return None
    raw = ""
    header = getattr(settings, "QICOP_CLIENT_IP_HEADER", "")
    if header:
        raw = request.headers.get(header, "").split(",")[-1].strip()
    if not _parse(raw):
        raw = request.META.get("REMOTE_ADDR", "")
    address = _parse(raw)
    if address is None:
        return raw or None
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _parse(raw: str):
    try:
        return ipaddress.ip_address(raw)
    except ValueError:
        return None


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _counted(request, email: str | None) -> list[tuple[str, Policy, str | None]]:
    """(key, policy, e-mail) for each thing this attempt counts against."""
    counted = []
    if email:
        counted.append((_key("account", email), ACCOUNT, email))
    address = client_address(request)
    if address:
        counted.append((_key("address", address), ADDRESS, None))
    return counted


def wait_for(request, *, email: str | None) -> Wait | None:
    """The wait still running for this account or this client address (the longer one), or None."""
    email = normalize_email(email) if email else None
    keys = [key for key, _policy, _email in _counted(request, email)]
    now = timezone.now()
    rows = SignInFailures.objects.filter(key__in=keys, blocked_until__gt=now).order_by("-blocked_until")
    row = rows.first()
    return Wait(until=row.blocked_until, locked=row.locked) if row else None


@transaction.atomic
def record_failure(request, *, email: str | None) -> Wait | None:
    """Count a failed attempt against the account (when an e-mail was given) and the client address.
    Returns the wait it now imposes, if any. A new lock of an existing account mails its owner (once per
    lock: refused attempts are not counted, so only one failure starts each lock)."""
    email = normalize_email(email) if email else None
    now = timezone.now()
    SignInFailures.objects.filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=now), last_failure_at__lt=now - FORGET_AFTER
    ).delete()
    waits = []
    for key, policy, counted_email in _counted(request, email):
        row, _created = SignInFailures.objects.select_for_update().get_or_create(
            key=key, defaults={"last_failure_at": now}
        )
        if row.failures and row.last_failure_at < now - FORGET_AFTER:
            row.failures, row.locks = 0, 0
        row.failures += 1
        row.last_failure_at = now
        if row.locked and row.blocked_until and row.blocked_until > now:
            # Heard before the lock began (a concurrent attempt): counted, but the lock and its mail stand.
            row.save()
            waits.append(Wait(until=row.blocked_until, locked=True))
            continue
        row.locked = row.failures >= policy.lock_at
        if row.locked:
            row.locks += 1
            duration = min(policy.lock * 2 ** (row.locks - 1), MAX_LOCK)
            row.blocked_until = now + duration
            row.save()
            audit(actor=None, verb="sign_in.lock", target=row, until=row.blocked_until.isoformat(),
                  kind="account" if counted_email else "address", failures=row.failures)  # fmt: skip
            if counted_email:
                _tell_the_owner(counted_email, row, client_address(request))
        elif row.failures > policy.free:
            delay = min(2 ** (row.failures - policy.free - 1), policy.max_delay)
            row.blocked_until = now + timedelta(seconds=delay)
        else:
            row.blocked_until = None
        row.save()
        if row.blocked_until:
            waits.append(Wait(until=row.blocked_until, locked=row.locked))
    return max(waits, key=lambda w: w.until, default=None)


def _tell_the_owner(email: str, row: SignInFailures, address: str | None) -> None:
    user_id = User.objects.filter(email=email, is_active=True).values_list("pk", flat=True).first()
    if user_id is None:
        return
    until, failures = row.blocked_until.isoformat(), row.failures
    transaction.on_commit(lambda: tasks.send_lock_notice.enqueue(user_id, until, failures, address or ""))


def record_success(request, *, email: str) -> None:
    """The account's owner proved who they are: forget the account's failures (never the address's)."""
    forget_account(email)


def forget_account(email: str) -> None:
    SignInFailures.objects.filter(key=_key("account", normalize_email(email))).delete()


def user_for_token(request, secret: str):
    """The user a personal API token belongs to, or None; a wrong token counts against the client
    address. Raises :class:`Throttled` while the address must wait."""
    wait = wait_for(request, email=None)
    if wait is not None:
        raise Throttled(wait)
    user = user_for_api_token(secret)
    if user is None:
        record_failure(request, email=None)
    return user
