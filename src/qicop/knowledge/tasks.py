"""Background tasks of the knowledge app: ids in, a service does the work (see notifications.py).

Each is safe to run again: a notification already e-mailed is skipped."""

from __future__ import annotations

from django_tasks import task

from qicop.knowledge import notifications


@task()
def send_notification_email(notification_id: int) -> bool:
    return notifications.send_notification_email(notification_id)


@task()
def send_digests() -> int:
    return notifications.send_digests()
