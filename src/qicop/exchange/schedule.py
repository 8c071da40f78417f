"""When a connection's next pull is due: every N hours from an hour of the day, on the country's clock.

Pure: it is handed the moment and the zone. Times are counted on the local wall clock (06:00, 12:00, …), so a
daylight-saving change moves them in UTC, as people expect; a wall time that does not exist that day (skipped
by the change) is taken as the moment after the gap.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo


def next_run(now: datetime, zone: str, *, at_hour: int, every_hours: int) -> datetime:
    """The first scheduled moment strictly after ``now`` (aware), in UTC-aware form."""
    tz = ZoneInfo(zone)
    local_today = now.astimezone(tz).date()
    hours = sorted({(at_hour + step * every_hours) % 24 for step in range(max(1, 24 // every_hours))})
    for day in (local_today - timedelta(days=1), local_today, local_today + timedelta(days=1)):
        for hour in hours:
            moment = datetime.combine(day, time(hour), tzinfo=tz)
            # Round-trip through UTC: a wall time in a daylight-saving gap becomes the real moment after it.
            moment = moment.astimezone(UTC)
            if moment > now:
                return moment
    return now + timedelta(hours=every_hours)  # pragma: no cover - a day always has a scheduled hour
