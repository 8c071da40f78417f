"""Background tasks of the improvement app: ids in, a service does the work. Each is safe to run again."""

from __future__ import annotations

from django_tasks import task

from qicop.improvement.reports import comments


@task()
def send_report_comment_mail(comment_id: int) -> int:
    return comments.send_report_comment_mail(comment_id)
