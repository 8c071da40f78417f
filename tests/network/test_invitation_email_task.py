"""The invitation e-mail goes through the task queue: ids in, safe to retry."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from qicop.network import services
from qicop.network.emails import send_invitation
from qicop.network.models import Role

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


# The worker closes its database connection when done, which would end a test's wrapping transaction.
@pytest.mark.django_db(transaction=True)
def test_with_a_database_queue_the_worker_sends_the_invitation(world):
    with override_settings(TASKS=DATABASE_QUEUE):
        services.invite_member(
            actor=world.carla.user,
            network=world.network,
            email="queued@example.org",
            full_name="Queued Person",
            role=Role.MEMBER,
            country=world.kenya,
        )
        assert mail.outbox == []  # nothing is sent in the request
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert [m.to for m in mail.outbox] == [["queued@example.org"]]


def test_sending_again_after_acceptance_or_withdrawal_sends_nothing(world):
    invitation = services.invite_member(
        actor=world.carla.user,
        network=world.network,
        email="retry@example.org",
        full_name="Retry",
        role=Role.MEMBER,
        country=world.kenya,
    )
    services.revoke_invitation(actor=world.carla.user, invitation=invitation)
    mail.outbox.clear()
    assert send_invitation(invitation.pk) is False
    assert mail.outbox == []
