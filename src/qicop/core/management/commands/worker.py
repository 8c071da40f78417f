"""qicop worker — run the background jobs (django-tasks-db's worker), after ending those a stopped worker
left behind.

A worker killed in the middle of a job (SIGKILL, out of memory, a restart of the machine) leaves it
"running" for ever: its task is claimed and never finishes. So a worker that starts first lets the apps mark
such jobs failed (``core.signals.worker_starting``), then works as django-tasks-db's ``db_worker`` does, with
the same options.
"""

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from qicop.core.signals import worker_starting


class Command(DatabaseWorker):
    help = "Run the background worker: first end the jobs a stopped worker left running, then run tasks."

    def handle(self, *args, **options):
        worker_starting.send(sender=self.__class__)
        return super().handle(*args, **options)
