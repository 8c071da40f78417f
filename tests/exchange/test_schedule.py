"""When pulls are due, and that `qicop pull_dhis2` queues each due pull once, however often it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dhis2_remote import connect
from qicop.exchange import services
from qicop.exchange.models import Dhis2Connection, Pull
from qicop.exchange.schedule import next_run


def test_a_daily_pull_is_next_due_at_its_hour_on_the_countrys_clock():
    now = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)  # 07:00 in Nairobi: today's 06:00 has passed
    assert next_run(now, "Africa/Nairobi", at_hour=6, every_hours=24) == datetime(
        2026, 3, 11, 3, 0, tzinfo=UTC
    )


def test_a_pull_every_six_hours_runs_at_its_four_hours_of_the_day():
    now = datetime(2026, 3, 10, 9, 59, tzinfo=UTC)  # 12:59 in Nairobi
    assert next_run(now, "Africa/Nairobi", at_hour=6, every_hours=6) == datetime(
        2026, 3, 10, 15, 0, tzinfo=UTC
    )


def test_the_scheduled_hour_follows_daylight_saving_time():
    # Port-au-Prince: 06:00 is 11:00 UTC in winter, 10:00 UTC after the change of 8 March 2026.
    before = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    after = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)
    zone = "America/Port-au-Prince"
    assert next_run(before, zone, at_hour=6, every_hours=24) == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
    assert next_run(after, zone, at_hour=6, every_hours=24) == datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def test_an_hour_skipped_by_the_clock_change_becomes_the_moment_after_it():
    # Port-au-Prince skips from 02:00 to 03:00 on 8 March 2026.
    now = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)  # 01:00 there
    assert next_run(now, "America/Port-au-Prince", at_hour=2, every_hours=24) == datetime(
        2026, 3, 8, 7, 0, tzinfo=UTC
    )


@pytest.fixture
def no_worker(monkeypatch):
    """Queued pulls stay queued (no worker): what the command itself does is what is checked."""
    queued = []
    monkeypatch.setattr(services, "_enqueue", queued.append)
    return queued


def test_saving_a_connection_schedules_its_first_pull(data, remote):
    connection = connect(data, remote)
    assert connection.next_run_at == next_run(timezone.now(), "Africa/Nairobi", at_hour=6, every_hours=24)
    paused = connect(data, remote, enabled=False)
    assert paused.next_run_at is None


def test_a_connection_not_yet_due_is_not_queued(data, remote, no_worker):
    connect(data, remote)
    assert services.enqueue_due_pulls() == []
    assert not Pull.objects.exists()


def test_a_due_connection_is_queued_once_and_scheduled_again(data, remote, no_worker):
    connection = connect(data, remote)
    due_at = connection.next_run_at
    later = due_at + timedelta(minutes=3)

    (pull,) = services.enqueue_due_pulls(later)
    assert services.enqueue_due_pulls(later) == []

    assert no_worker == [pull]
    assert (pull.trigger, pull.status) == (Pull.Trigger.SCHEDULE, Pull.Status.QUEUED)
    connection.refresh_from_db()
    assert connection.next_run_at == due_at + timedelta(days=1)


def test_two_commands_running_at_once_queue_the_pull_once(data, remote, no_worker, monkeypatch):
    """Both commands read the same due connection; the other one claims it (and its pull even finishes)
    between this one's read and its claim."""
    connection = connect(data, remote)
    later = connection.next_run_at + timedelta(minutes=1)
    real_next = services._next
    inside: list[bool] = []

    def next_while_another_command_runs(conn, now):
        if not inside:
            inside.append(True)
            services.enqueue_due_pulls(later)  # the other command, at the same moment
            Pull.objects.update(status=Pull.Status.SUCCESS)  # so that only the claim can stop a second pull
        return real_next(conn, now)

    monkeypatch.setattr(services, "_next", next_while_another_command_runs)
    services.enqueue_due_pulls(later)

    assert Pull.objects.count() == 1 and len(no_worker) == 1


def test_a_paused_connection_is_never_queued(data, remote, no_worker):
    connection = connect(data, remote)
    Dhis2Connection.objects.filter(pk=connection.pk).update(enabled=False)
    assert services.enqueue_due_pulls(connection.next_run_at + timedelta(hours=1)) == []


def test_no_second_pull_is_queued_while_one_is_still_running(data, remote, no_worker):
    connection = connect(data, remote)
    first_due = connection.next_run_at
    services.enqueue_due_pulls(first_due)
    Pull.objects.update(status=Pull.Status.RUNNING)

    assert services.enqueue_due_pulls(first_due + timedelta(days=1)) == []
    assert Pull.objects.count() == 1


def test_the_command_queues_what_is_due_and_says_so(data, remote, no_worker):
    connection = connect(data, remote)
    Dhis2Connection.objects.filter(pk=connection.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    dry = StringIO()
    call_command("pull_dhis2", "--dry-run", stdout=dry)
    assert "due KE" in dry.getvalue() and not Pull.objects.exists()

    out = StringIO()
    call_command("pull_dhis2", stdout=out)
    again = StringIO()
    call_command("pull_dhis2", stdout=again)

    assert "1 pull(s) queued" in out.getvalue() and "0 pull(s) queued" in again.getvalue()
    assert Pull.objects.count() == 1
