"""Background task of the weekly digests: a service does the work (sending.py); safe to run again, since
each digest is recorded as it goes and never sent twice in a week."""

from __future__ import annotations

from django_tasks import task

from qicop.portal.digest import sending


@task()
def send_weekly_digests() -> int:
    return sending.send_weekly_digests()
