"""Background tasks of monthly reports: thin, safe to run again (each reminder is recorded once sent)."""

from __future__ import annotations

from django_tasks import task

from qicop.improvement.reports import reminders


@task()
def send_report_reminders() -> int:
    return reminders.send_report_reminders()
