"""A pull that a stopped worker left running is failed when a worker starts, so that the connection pulls
again: "Pull now" and the schedule refuse while a pull of the connection is queued or running."""

from __future__ import annotations

from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from dhis2_remote import connect
from qicop.core.signals import worker_starting
from qicop.exchange.models import Pull
from qicop.exchange.services import request_pull
from qicop.indicators.models import DataImport

DUMMY_QUEUE = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def running_pull(connection, *, started, data_import=None) -> Pull:
    return Pull.objects.create(
        connection=connection,
        trigger=Pull.Trigger.SCHEDULE,
        status=Pull.Status.RUNNING,
        queued_at=started,
        started_at=started,
        data_import=data_import,
    )


def test_the_pull_of_an_orphaned_import_fails_with_it_and_the_connection_can_pull_again(
    data, remote, settings
):
    connection = connect(data, remote)
    last_beat = timezone.now() - timedelta(seconds=settings.QICOP_IMPORT_STALE_AFTER + 60)
    orphan = DataImport.objects.create(
        user=data.world.dan.user,
        filename="DHIS2 pull",
        format="json",
        status=DataImport.Status.RUNNING,
        started_at=last_beat,
        heartbeat_at=last_beat,
    )
    pull = running_pull(connection, started=last_beat, data_import=orphan)
    connection.running_since = last_beat
    connection.save(update_fields=["running_since"])

    worker_starting.send(sender=None)

    pull.refresh_from_db()
    connection.refresh_from_db()
    assert (pull.status, pull.error) == (
        Pull.Status.FAILED,
        "The worker stopped while importing; nothing was stored.",
    )
    assert connection.running_since is None
    assert connection.last_error == pull.error
    with override_settings(TASKS=DUMMY_QUEUE):
        again = request_pull(actor=data.world.faith.user, network=data.world.network, connection=connection)
    assert again.status == Pull.Status.QUEUED


def test_a_pull_that_died_downloading_is_failed_once_older_than_the_pulls_stale_age(data, remote):
    connection = connect(data, remote)
    now = timezone.now()
    recent = running_pull(connection, started=now - timedelta(minutes=5))
    old = running_pull(connection, started=now - timedelta(hours=3))

    worker_starting.send(sender=None)

    recent.refresh_from_db()
    old.refresh_from_db()
    assert recent.status == Pull.Status.RUNNING  # it may still be downloading
    assert (old.status, old.error) == (
        Pull.Status.FAILED,
        "The worker stopped during the pull; nothing was stored.",
    )
