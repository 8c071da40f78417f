"""Background tasks of the accounts app: ids in, one e-mail out (see qicop.accounts.emails)."""

from __future__ import annotations

from django_tasks import task

from qicop.accounts import emails


@task()
def send_lock_notice(user_id: int, until: str, failures: int, address: str) -> bool:
    return emails.send_lock_notice(user_id, until, failures, address)


@task()
def send_password_reset(email: str) -> int:
    # The request only queues this, with the address as typed: whether an account has it is found out
    # here, so the answer takes as long for an unknown address as for a known one.
    return emails.send_password_reset(email)
