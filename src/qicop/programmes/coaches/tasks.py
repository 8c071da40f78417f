"""Background work of coach certification: ids in, a service does the work (safe to retry: the mail tells
the decision as it stands)."""

from django_tasks import task

from qicop.programmes.coaches.mail import send_decision


@task()
def send_decision_email(certification_id: int) -> None:
    send_decision(certification_id)
