"""DHIS2 periods: parse every period id of formats.md §1.7 and every ADX period of §2 into one `ParsedPeriod`
(a plain value; the stored period is the ``Period`` model of the indicators app).

A period is a type plus an inclusive date span plus its canonical DHIS2 id. Three families of types exist:

- **days**: ``Daily`` (``20240315``, also ``2024-03-15``);
- **weeks**: ``Weekly`` (Monday, ISO 8601), ``WeeklyWednesday``, ``WeeklyThursday``, ``WeeklyFriday``,
  ``WeeklySaturday``, ``WeeklySunday`` and ``BiWeekly``. Week 1 of a year is the first week starting on
  that weekday with at least 4 days in the year, i.e. the week holding 4 January; a week belongs to the year
  that holds its 4th day (the Thursday of an ISO week). So a year has 52 or 53 weeks, and week 1 may start in
  the previous December (§1.7);
- **months**: ``Monthly``, ``BiMonthly``, ``Quarterly``, ``QuarterlyNov``, ``SixMonthly``,
  ``SixMonthlyApril``, ``SixMonthlyNov``, ``Yearly`` and the financial years ``FinancialFeb``,
  ``FinancialApril``, ``FinancialJuly``, ``FinancialAug``, ``FinancialSep``, ``FinancialOct`` and
  ``FinancialNov``: blocks of 1, 2, 3, 6 or 12 months starting at a fixed month.

Periods are plain values (frozen, hashable, ordered by start then end) and parsing is cached, because an
import parses the same few period ids millions of times.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

__all__ = [
    "PERIOD_TYPES",
    "ParsedPeriod",
    "PeriodError",
    "parse_adx_period",
    "parse_period",
    "period_of",
    "periods_between",
    "rollup",
]

_ONE_DAY = timedelta(days=1)


class PeriodError(ValueError):
    """A text that is not a period, or a period operation that has no answer (e.g. an inexact rollup)."""


@dataclass(frozen=True, slots=True, order=True)
class ParsedPeriod:
    """One DHIS2 period: ``start`` and ``end`` are inclusive; ``id`` is the canonical DHIS2 id.

    Ordering is by start, then end (then type and id, only to keep the order total), so a month sorts
    before the quarter that starts with it and periods sort chronologically.
    """

    start: date
    end: date
    period_type: str
    id: str

    def __str__(self) -> str:
        return self.id

    @property
    def days(self) -> int:
        """The number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, other: ParsedPeriod) -> bool:
        """Whether every day of ``other`` lies within this period."""
        return self.start <= other.start and other.end <= self.end

    def next(self) -> ParsedPeriod:
        """The period of the same type that follows this one (across year ends too)."""
        return period_of(self.period_type, self.end + _ONE_DAY)

    def previous(self) -> ParsedPeriod:
        """The period of the same type that precedes this one (across year ends too)."""
        return period_of(self.period_type, self.start - _ONE_DAY)

    def to_adx(self) -> str:
        """The ADX form ``start/duration`` (formats.md §2), e.g. ``2024-01-01/P1M``."""
        if self.period_type in _MONTH_TYPES:
            months = _MONTH_TYPES[self.period_type][0]
            duration = "P1Y" if months == 12 else f"P{months}M"
        else:
            duration = f"P{self.days}D"
        return f"{self.start.isoformat()}/{duration}"


# --- the month-based types ------------------------------------------------------------------------------
# type → (months per period, first month of period 1 as an offset from January of the label year, id format).
# QuarterlyNov and SixMonthlyNov are labelled by the year in which they *end* (2024NovQ1 = Nov 2023 to
# Jan 2024), hence the negative offset. Financial years are labelled by the year in which they *start*, as
# DHIS2 does (2024April = 1 April 2024 to 31 March 2025; PEPFAR's FY2024 is 2023Oct): formats.md §1.7.
_MONTH_TYPES: dict[str, tuple[int, int, str]] = {
    "Monthly": (1, 0, "{y:04d}{k:02d}"),
    "BiMonthly": (2, 0, "{y:04d}{k:02d}B"),
    "Quarterly": (3, 0, "{y:04d}Q{k}"),
    "QuarterlyNov": (3, -2, "{y:04d}NovQ{k}"),
    "SixMonthly": (6, 0, "{y:04d}S{k}"),
    "SixMonthlyApril": (6, 3, "{y:04d}AprilS{k}"),
    "SixMonthlyNov": (6, -2, "{y:04d}NovS{k}"),
    "Yearly": (12, 0, "{y:04d}"),
    "FinancialFeb": (12, 1, "{y:04d}Feb"),
    "FinancialApril": (12, 3, "{y:04d}April"),
    "FinancialJuly": (12, 6, "{y:04d}July"),
    "FinancialAug": (12, 7, "{y:04d}Aug"),
    "FinancialSep": (12, 8, "{y:04d}Sep"),
    "FinancialOct": (12, 9, "{y:04d}Oct"),
    "FinancialNov": (12, 10, "{y:04d}Nov"),
}
_FINANCIAL_SUFFIXES = {
    fmt.removeprefix("{y:04d}"): t for t, (_, _, fmt) in _MONTH_TYPES.items() if t.startswith("Financial")
}

# weekly type → (weekday it starts on, Monday = 0; the infix of its id)
_WEEK_TYPES: dict[str, tuple[int, str]] = {
    "Weekly": (0, "W"),
    "WeeklyWednesday": (2, "WedW"),
    "WeeklyThursday": (3, "ThuW"),
    "WeeklyFriday": (4, "FriW"),
    "WeeklySaturday": (5, "SatW"),
    "WeeklySunday": (6, "SunW"),
}
_WEEK_INFIXES = {infix: t for t, (_, infix) in _WEEK_TYPES.items()}

PERIOD_TYPES: tuple[str, ...] = ("Daily", *_WEEK_TYPES, "BiWeekly", *_MONTH_TYPES)
"""Every period type this module knows, by its DHIS2 name, finest first."""


def _month_block(period_type: str, year: int, k: int) -> ParsedPeriod:
    """ParsedPeriod ``k`` (1-based) of ``year`` for a month-based type; a ``k`` out of range carries over."""
    months, offset, fmt = _MONTH_TYPES[period_type]
    per_year = 12 // months
    year, k = year + (k - 1) // per_year, (k - 1) % per_year + 1
    first = year * 12 + offset + (k - 1) * months  # months since January of year 0
    after = first + months
    start = date(first // 12, first % 12 + 1, 1)
    end = date(after // 12, after % 12 + 1, 1) - _ONE_DAY
    return ParsedPeriod(start, end, period_type, fmt.format(y=year, k=k))


@lru_cache(maxsize=4096)
def _week_one_start(year: int, weekday: int) -> date:
    """The first day of week 1: the ``weekday`` on or before 4 January (the week holding 4 January)."""
    january_4 = date(year, 1, 4)
    return january_4 - timedelta(days=(january_4.weekday() - weekday) % 7)


def weeks_in_year(year: int, weekday: int = 0) -> int:
    """52 or 53: the number of weeks starting on ``weekday`` (Monday = 0, ISO) that belong to ``year``."""
    return (_week_one_start(year + 1, weekday) - _week_one_start(year, weekday)).days // 7


def _week(period_type: str, year: int, n: int) -> ParsedPeriod:
    weekday, infix = _WEEK_TYPES[period_type]
    start = _week_one_start(year, weekday) + timedelta(weeks=n - 1)
    return ParsedPeriod(start, start + timedelta(days=6), period_type, f"{year:04d}{infix}{n}")


def _bi_week(year: int, n: int) -> ParsedPeriod:
    # Bi-week n is made of ISO weeks 2n-1 and 2n. A 53-week year has a 27th bi-week; like DHIS2 we let it run
    # 14 days, into week 1 of the next year, which therefore also starts that year's bi-week 1.
    start = _week_one_start(year, 0) + timedelta(weeks=2 * n - 2)
    return ParsedPeriod(start, start + timedelta(days=13), "BiWeekly", f"{year:04d}BiW{n}")


def _day(day: date) -> ParsedPeriod:
    return ParsedPeriod(day, day, "Daily", f"{day.year:04d}{day.month:02d}{day.day:02d}")


# --- period_of: the period of a type that holds a day ---------------------------------------------------


def _week_of(period_type: str, day: date) -> ParsedPeriod:
    weekday, _ = _WEEK_TYPES[period_type]
    start = day - timedelta(days=(day.weekday() - weekday) % 7)
    year = (start + timedelta(days=3)).year  # the year holding the week's 4th day owns the week
    return _week(period_type, year, (start - _week_one_start(year, weekday)).days // 7 + 1)


def _bi_week_of(day: date) -> ParsedPeriod:
    year, week, _ = day.isocalendar()
    return _bi_week(year, (week + 1) // 2)


def _month_block_of(period_type: str, day: date) -> ParsedPeriod:
    months, offset, _ = _MONTH_TYPES[period_type]
    block = (day.year * 12 + day.month - 1 - offset) // months  # blocks since the first one of year 0
    per_year = 12 // months
    return _month_block(period_type, block // per_year, block % per_year + 1)


def period_of(period_type: str, day: date) -> ParsedPeriod:
    """The period of ``period_type`` (a DHIS2 type name, see `PERIOD_TYPES`) that contains ``day``.

    For ``BiWeekly``, a day in week 1 of a year that follows a 53-week year lies in two bi-weeks (see
    `_bi_week`); the answer is the new year's bi-week 1.
    """
    try:
        if period_type in _MONTH_TYPES:
            return _month_block_of(period_type, day)
        if period_type in _WEEK_TYPES:
            return _week_of(period_type, day)
        if period_type == "BiWeekly":
            return _bi_week_of(day)
        if period_type == "Daily":
            return _day(day)
    except (ValueError, OverflowError) as exc:  # only at the very ends of the calendar (years 1 and 9999)
        raise PeriodError(f"no {period_type} period contains {day.isoformat()}: {exc}") from exc
    raise PeriodError(f"{period_type!r} is not a period type; expected one of {', '.join(PERIOD_TYPES)}")


def periods_between(period_type: str, start: date, end: date) -> list[ParsedPeriod]:
    """Every period of ``period_type`` that overlaps the days ``start`` to ``end`` (inclusive), in order.

    The first and last periods may reach beyond ``start`` and ``end``; an empty range gives an empty list.
    """
    periods: list[ParsedPeriod] = []
    if start > end:
        return periods
    period = period_of(period_type, start)
    while period.start <= end:
        periods.append(period)
        period = period.next()
    return periods


def rollup(period: ParsedPeriod, period_type: str, *, by_majority: bool = False) -> ParsedPeriod:
    """The period of the coarser ``period_type`` that contains ``period``: 202403 → 2024Q1 → 2024.

    Rule: the period must fit **exactly** inside one period of the target type, otherwise `PeriodError` —
    a week from 29 January to 4 February is not part of January nor of February, and silently assigning it
    would move counts between months. Callers that must place weeks anyway (weekly surveillance shown by
    month or year) pass ``by_majority=True``: the period then goes to the target period holding most of its
    days, the earlier one on a tie. For weeks that is the period holding the week's 4th day (the Thursday of
    an ISO week) — the rule ISO 8601 itself uses to give a week to a year, so 2020W53 rolls up to 2020.
    """
    target = period_of(period_type, period.start)
    if target.contains(period):
        return target
    if not by_majority:
        raise PeriodError(
            f"{period.id} ({period.start.isoformat()} to {period.end.isoformat()}) does not fit in one "
            f"{period_type} period: it starts in {target.id} and ends in "
            f"{period_of(period_type, period.end).id}"
        )
    best, best_days = target, 0
    candidate = target
    while candidate.start <= period.end:
        overlap = (min(candidate.end, period.end) - max(candidate.start, period.start)).days + 1
        if overlap > best_days:
            best, best_days = candidate, overlap
        candidate = candidate.next()
    return best


# --- parsing DHIS2 ids -----------------------------------------------------------------------------------

_Parser = Callable[[str, re.Match[str]], ParsedPeriod]
_PATTERNS: list[tuple[re.Pattern[str], _Parser]] = []


def _pattern(regex: str) -> Callable[[_Parser], Callable[..., ParsedPeriod]]:
    def register(handler: _Parser) -> Callable[..., ParsedPeriod]:
        _PATTERNS.append((re.compile(regex), handler))
        return handler

    return register


def _bad(text: str, reason: str) -> PeriodError:
    return PeriodError(f"{text!r} is not a period: {reason}")


@_pattern(r"([0-9]{4})(-?)([0-9]{2})\2([0-9]{2})")  # 20240315 or 2024-03-15, not 2024-0315
def _parse_daily(text: str, m: re.Match[str]) -> ParsedPeriod:
    year, month, day = int(m[1]), int(m[3]), int(m[4])
    try:
        return _day(date(year, month, day))
    except ValueError:
        raise _bad(text, f"{year:04d}-{month:02d}-{day:02d} is not a date") from None


@_pattern(r"([0-9]{4})-?([0-9]{2})")
def _parse_monthly(text: str, m: re.Match[str]) -> ParsedPeriod:
    return _checked_block(text, "Monthly", int(m[1]), int(m[2]), "months run from 01 to 12")


@_pattern(r"([0-9]{4})")
def _parse_yearly(text: str, m: re.Match[str]) -> ParsedPeriod:
    return _checked_block(text, "Yearly", int(m[1]), 1, "")


@_pattern(r"([0-9]{4})([0-9]{2})B")
def _parse_bi_monthly(text: str, m: re.Match[str]) -> ParsedPeriod:
    return _checked_block(text, "BiMonthly", int(m[1]), int(m[2]), "bi-months run from 01 to 06")


@_pattern(r"([0-9]{4})(Nov)?Q([0-9]+)")
def _parse_quarterly(text: str, m: re.Match[str]) -> ParsedPeriod:
    period_type = "QuarterlyNov" if m[2] else "Quarterly"
    return _checked_block(text, period_type, int(m[1]), int(m[3]), "quarters run from 1 to 4")


@_pattern(r"([0-9]{4})(April|Nov)?S([0-9]+)")
def _parse_six_monthly(text: str, m: re.Match[str]) -> ParsedPeriod:
    period_type = f"SixMonthly{m[2] or ''}"
    return _checked_block(text, period_type, int(m[1]), int(m[3]), "six-month periods are 1 and 2")


@_pattern(r"([0-9]{4})(Feb|April|July|Aug|Sep|Oct|Nov)")
def _parse_financial(text: str, m: re.Match[str]) -> ParsedPeriod:
    return _checked_block(text, _FINANCIAL_SUFFIXES[m[2]], int(m[1]), 1, "")


@_pattern(r"([0-9]{4})(W|WedW|ThuW|FriW|SatW|SunW|BiW)([0-9]{1,2})")
def _parse_weekly(text: str, m: re.Match[str]) -> ParsedPeriod:
    year, infix, n = int(m[1]), m[2], int(m[3])
    if infix == "BiW":
        count = (weeks_in_year(year) + 1) // 2
        if not 1 <= n <= count:
            raise _bad(text, f"{year} has {count} bi-weeks")
        return _bi_week(year, n)
    period_type = _WEEK_INFIXES[infix]
    weekday, _ = _WEEK_TYPES[period_type]
    count = weeks_in_year(year, weekday)
    if not 1 <= n <= count:
        kind = "ISO weeks" if period_type == "Weekly" else f"{period_type} weeks"
        raise _bad(text, f"{year} has {count} {kind}")
    return _week(period_type, year, n)


def _checked_block(text: str, period_type: str, year: int, k: int, range_reason: str) -> ParsedPeriod:
    if not 1 <= k <= 12 // _MONTH_TYPES[period_type][0]:
        raise _bad(text, range_reason)
    return _month_block(period_type, year, k)


@lru_cache(maxsize=65536)
def parse_period(text: str) -> ParsedPeriod:
    """Parse a DHIS2 period id (formats.md §1.7).

    E.g. ``20240315``, ``2024W1``, ``2015WedW5``, ``2015BiW1``, ``202403``, ``2024-03``, ``202401B``,
    ``2024Q1``, ``2024NovQ1``, ``2024S2``, ``2024AprilS1``, ``2024NovS1``, ``2024``, ``2024April``.
    Surrounding whitespace is ignored; anything else raises `PeriodError` saying why.
    """
    if not isinstance(text, str):
        raise PeriodError(f"{text!r} is not a period: a period id is a text such as 202403")
    stripped = text.strip()
    for regex, handler in _PATTERNS:
        match = regex.fullmatch(stripped)
        if match:
            try:
                return handler(stripped, match)
            except PeriodError:
                raise
            except (ValueError, OverflowError):  # year 0, or a span reaching past 31 December 9999
                raise _bad(stripped, "it lies outside the calendar (years 1 to 9999)") from None
    raise _bad(
        stripped,
        "expected a DHIS2 period id such as 20240315, 2024W1, 202403, 2024Q1, 2024S1, 2024 or 2024April",
    )


# --- ADX periods -----------------------------------------------------------------------------------------

_ADX_PERIOD = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})/P([0-9]+)([DWMY])")
# Which DHIS2 types can have a given length; the start date then decides among them (formats.md §2).
_TYPES_BY_LENGTH: dict[tuple[int, str], tuple[str, ...]] = {
    (1, "D"): ("Daily",),
    (7, "D"): tuple(_WEEK_TYPES),
    (14, "D"): ("BiWeekly",),
    **{
        (months, "M"): tuple(t for t, (m, _, _) in _MONTH_TYPES.items() if m == months)
        for months in (1, 2, 3, 6, 12)
    },
}


@lru_cache(maxsize=4096)
def parse_adx_period(text: str) -> ParsedPeriod:
    """Parse an ADX period, an ISO 8601 start date and duration such as ``2024-01-01/P1M`` (formats.md §2).

    Durations ``PnD``, ``PnW``, ``PnM`` and ``PnY`` are accepted; the start date picks the DHIS2 type:
    ``P7D`` starting on a Monday is Weekly, on a Wednesday WeeklyWednesday…; ``P3M`` from Jan/Apr/Jul/Oct is
    Quarterly, from Feb/May/Aug/Nov QuarterlyNov; ``P6M`` from Jan/Jul SixMonthly, Apr/Oct SixMonthlyApril,
    May/Nov SixMonthlyNov; ``P1Y`` from January is Yearly, from February, April, July, August, September,
    October or November the financial year. A span that is no DHIS2 period raises `PeriodError`.
    """
    stripped = text.strip()
    match = _ADX_PERIOD.fullmatch(stripped)
    if not match:
        raise _bad(stripped, "an ADX period is a start date and an ISO 8601 duration, e.g. 2024-01-01/P1M")
    try:
        start = date.fromisoformat(match[1])
    except ValueError:
        raise _bad(stripped, f"{match[1]} is not a date") from None
    n, unit = int(match[2]), match[3]
    length = {"D": (n, "D"), "W": (7 * n, "D"), "M": (n, "M"), "Y": (12 * n, "M")}[unit]
    for period_type in _TYPES_BY_LENGTH.get(length, ()):
        candidate = period_of(period_type, start)
        if candidate.start == start:
            return candidate
    raise _bad(
        stripped, f"no DHIS2 period type has periods of P{match[2]}{unit} starting on {start.isoformat()}"
    )
