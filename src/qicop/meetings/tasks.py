"""Background tasks of the meetings app: ids in, one batch of mail out (see qicop.meetings.mail.sending).

Each is safe to run again: what went out is recorded in SentMail and skipped the next time.
"""

from __future__ import annotations

from django_tasks import task

from qicop.meetings.mail import sending as mail


@task()
def send_invitations(meeting_id: int) -> int:
    return mail.send_invitations(meeting_id)


@task()
def send_updates(meeting_id: int, cancelled: bool = False) -> int:
    return mail.send_updates(meeting_id, cancelled=cancelled)


@task()
def send_reminders(meeting_id: int, offset: str) -> int:
    return mail.send_reminders(meeting_id, offset)


@task()
def send_deadline_reminders(case_id: int, offset: str) -> int:
    return mail.send_deadline_reminders(case_id, offset)


@task()
def send_follow_up(meeting_id: int) -> int:
    return mail.send_follow_up(meeting_id)


@task()
def send_case_step(case_id: int, step: str, stamp: str) -> int:
    return mail.send_case_step(case_id, step, stamp)
