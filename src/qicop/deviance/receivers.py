"""After every write that changes a country's data (an import, a deletion, a publication: the countries
whose data versions change, ``indicators.signals.data_changed``), the signals of those countries are
refreshed once the write commits, by a task: the import never waits for them.

A loader that writes many times in a row (the demo, a benchmark's build) wraps itself in
``refreshed_once()``: the countries are collected and refreshed once, at the end, rather than after each
of hundreds of publications.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction

from qicop.deviance import services, tasks
from qicop.indicators.signals import data_changed

_state = threading.local()


def _refresh_after_commit(sender, country_ids, changes=None, **kwargs) -> None:
    """``changes`` (country id → version before, after, periods changed) lets the refresh read only those
    periods again; a loader's collected refresh reads its countries whole."""
    ids = sorted(set(country_ids))
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.update(ids)
    elif ids and settings.QICOP_REFRESH_SIGNALS_AFTER_IMPORT:
        told = {
            str(pk): [before, after, list(periods)]
            for pk, (before, after, periods) in (changes or {}).items()
        }
        transaction.on_commit(lambda: tasks.refresh_signals.enqueue(ids, told))


@contextmanager
def refreshed_once():
    """Within: data changes are collected; their countries' signals are refreshed once, on the way out."""
    outer = getattr(_state, "pending", None)
    pending: set[int] = set() if outer is None else outer
    _state.pending = pending
    try:
        yield
    finally:
        _state.pending = outer
    if outer is None and pending:
        services.refresh_signals(country_ids=sorted(pending))


def connect() -> None:
    data_changed.connect(_refresh_after_commit, dispatch_uid="deviance.refresh_after_commit")
