"""The stored periods: one way to get the ``Period`` row of a DHIS2 period id, for every write.

A ``Period`` row exists once some write needs it (an import storing a value, a publication). Reads never
create one: they look rows up (``stored_period``) or compare dates, and a period nobody stored a value for
simply has no data. Writes call :func:`period_for`, inside their own transaction, so a rolled-back import
leaves no period behind.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext

from qicop.charts.axes import axis_labels
from qicop.indicators.models import Period
from qicop.integrations.dhis2.periods import ParsedPeriod, parse_adx_period, parse_period


def parsed_period(text: str) -> ParsedPeriod:
    """A DHIS2 period id (``202401``, ``2024Q1``, ``2024W5``…) or an ADX period (``2024-01-01/P1M``)
    parsed; raises PeriodError when it names no period."""
    return parse_adx_period(text) if "/" in text else parse_period(text)


def period_for(period: str | ParsedPeriod) -> Period:
    """The stored ``Period`` of a period id (or of a parsed period), created on first use.

    For writes only. Raises PeriodError for a text that names no period."""
    parsed = parsed_period(period) if isinstance(period, str) else period
    row, _created = Period.objects.get_or_create(
        dhis2_id=parsed.id,
        defaults={"period_type": parsed.period_type, "start_date": parsed.start, "end_date": parsed.end},
    )
    return row


def stored_period(period: str | ParsedPeriod) -> Period | None:
    """The stored ``Period`` of a period id, or None when no write has needed it yet (then it holds no
    value). For reads: it never creates a row. Raises PeriodError for a text that names no period."""
    parsed = parsed_period(period) if isinstance(period, str) else period
    return Period.objects.filter(dhis2_id=parsed.id).first()


def period_name(period_id: str | None) -> str:
    """A DHIS2 period id as people say it, in the active language: "202611" → "Nov 2026", "2026Q3" →
    "2026 Q3" (the charts' axis labels, so a page and its chart agree). Other ids are shown as they are."""
    if period_id in (None, ""):
        return ""
    return axis_labels([str(period_id)], translate=gettext)[0]


def covered(spans: list[tuple[date, date]], period) -> bool:
    """Whether ``spans`` (first and last days, as publications cover them) cover every day of ``period``:
    a quarter is published when its three months are, one by one or as a quarter."""
    day = period.start
    for start, end in sorted(spans):
        if start > day:
            break
        day = max(day, end + timedelta(days=1))
        if day > period.end:
            return True
    return day > period.end
