"""The months a team reports on and when each report is due.

A team reports on every month of its collaborative (from the month it starts to the month it ends) once the
month has begun; the report is due by the end of the 10th of the following month, in the team's country's
time zone (where the team works), and is late after that.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from qicop.core.i18n import first_time_zone

DUE_DAY = 10
REMIND_BEFORE = timedelta(days=3)


def first_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s to ``last``'s, both included."""
    months, month = [], first_of(first)
    while month <= first_of(last):
        months.append(month)
        month = next_month(month)
    return months


def report_months(collaborative, today: date) -> list[date]:
    """The months a team of ``collaborative`` reports on, up to ``today``'s month: the action periods so
    far."""
    return months_between(collaborative.start, min(collaborative.end, today))


def in_collaborative(collaborative, month: date) -> bool:
    return first_of(collaborative.start) <= month <= first_of(collaborative.end)


def zone_of(country) -> ZoneInfo:
    return ZoneInfo(first_time_zone(getattr(country, "time_zone", "")))


def due_at(month: date, zone: ZoneInfo) -> datetime:
    """The last minute a report on ``month`` is on time: 23:59 on the 10th of the next month, in ``zone``."""
    due = next_month(month).replace(day=DUE_DAY)
    return datetime.combine(due, time(23, 59), tzinfo=zone)


def local_today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()
