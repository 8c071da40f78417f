"""Background tasks of certified coaches: thin, safe to run again (each reminder is recorded once sent)."""

from __future__ import annotations

from django_tasks import task

from qicop.programmes.certificates import reminders


@task()
def send_certification_reminders() -> int:
    return reminders.send_certification_reminders()
