"""The demo's signals, dated as a network that had run qicop all along would have first seen them.

The demo loads three years of data at once, so its one refresh finds every signal "now", and the home and
the feed would call all of them new, months-old improvements included. Each signal is dated instead when
the data that revealed it would have come in: the month of the point at which its rule fired, reported a
fortnight after that month ended.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qicop.deviance.models import ImprovementSignal

#: How many points from ``since`` each rule needs before it fires: a shift is a run of eight (the run length
#: of the window's 36 points, docs: spc.md); a point beyond the limits fires at once; a new phase is drawn
#: by a person once the change has held for a few months.
POINTS_TO_FIRE = {"shift": 8, "outside limits": 1, "new phase": 3}
REPORTING_LAG = dt.timedelta(days=15)


def date_first_sightings(now: dt.datetime | None = None) -> int:
    """Set each signal's ``first_seen`` to when its revealing month was reported (never later than ``now``).
    Returns how many signals were dated."""
    now = now or timezone.now()
    signals = list(ImprovementSignal.objects.only("pk", "rule", "points", "since_start", "first_seen"))
    for signal in signals:
        fired_at = min(signal.points, POINTS_TO_FIRE.get(signal.rule, signal.points))
        signal.first_seen = min(now, revealed(signal.since_start, fired_at))
    ImprovementSignal.objects.bulk_update(signals, ["first_seen"], batch_size=500)
    return len(signals)


def revealed(since_start: dt.date, points: int) -> dt.datetime:
    """When the ``points``-th month from ``since_start`` was reported: a fortnight after it ended."""
    months = since_start.month - 1 + points  # the month after the last point, counted from January
    month_after = dt.date(since_start.year + months // 12, months % 12 + 1, 1)
    return dt.datetime.combine(month_after, dt.time(9), tzinfo=dt.UTC) + REPORTING_LAG
