from django_tasks import task

from qicop.network.emails import send_invitation


@task()
def send_invitation_email(invitation_id: int) -> None:
    send_invitation(invitation_id)
