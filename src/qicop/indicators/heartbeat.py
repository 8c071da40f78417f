"""The heartbeat of a running import: while it runs, the worker says every few seconds that it is alive.

An import whose worker died (killed, out of memory, the machine restarted) would otherwise stay "running"
for ever: nothing else ends it. ``selectors.orphan_reason`` takes an import whose heartbeat is older than
``QICOP_IMPORT_STALE_AFTER`` seconds as orphaned, and ``services.fail_orphaned_imports`` marks it failed.

An import runs in one transaction (all or nothing): whatever it writes is invisible to others until it ends.
So the heartbeat comes from a thread of its own, outside that transaction, and beats whatever the import is
doing (reading a file, waiting for another import of the same country, writing). On PostgreSQL the thread
writes ``DataImport.heartbeat_at`` on a connection of its own. On SQLite the import holds the only write
lock until it ends, so the thread says it to the cache instead: a SQLite server is one machine, whose
processes share the cache (as they share the import's progress). Readers take the later of the two.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

from qicop.indicators.models import DataImport

logger = logging.getLogger(__name__)


def beat_every() -> float:
    """Seconds between two beats: five beats within the stale age, and at least one every 30 s."""
    return min(30.0, settings.QICOP_IMPORT_STALE_AFTER / 5)


def heartbeat_key(data_import: DataImport) -> str:
    # By UID, not by row id: ids come again after a rollback or a restore, and the cache would still hold
    # the heartbeat of the import that had the id before.
    return f"qicop:import-heartbeat:{data_import.uid}"


def beat(data_import: DataImport) -> None:
    """Say that this import is still running, now."""
    now = timezone.now()
    cache.set(heartbeat_key(data_import), now, timeout=24 * 3600)
    if connection.vendor == "postgresql":
        running = DataImport.objects.filter(pk=data_import.pk, status=DataImport.Status.RUNNING)
        running.update(heartbeat_at=now)


def last_sign_of_life(data_import: DataImport) -> datetime | None:
    """When the worker running this import last said it was alive (its start, at the latest)."""
    moments = [data_import.heartbeat_at, data_import.started_at, cache.get(heartbeat_key(data_import))]
    known = [moment for moment in moments if isinstance(moment, datetime)]
    return max(known) if known else None


class Heartbeat:
    """``with Heartbeat(data_import): …`` beats for the import until the block ends, from a thread."""

    def __init__(self, data_import: DataImport, *, every: float | None = None):
        self.data_import = data_import
        self.every = beat_every() if every is None else every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{data_import.pk}", daemon=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=self.every + 10)

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.every):
                try:
                    beat(self.data_import)
                except DatabaseError:
                    # A missed beat is no reason to stop the import: the next one may get through.
                    logger.warning("import %s: heartbeat not written", self.data_import.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection, if it opened one
