"""Dates, times and durations as Zoom and Teams write them, and turning them into aware datetimes.

Neither tool writes a UTC offset: times are the wall-clock time of whoever exported the report, in their
locale's format. The caller passes the organiser's time zone and we read every time as wall-clock time there.

Day/month order (decided once per file, since one export uses one locale):
1. a four-digit year first (``2020/12/8 8:35``, ISO, Japanese ``2020年12月8日``) is always year-month-day;
   dots (``03.10.2025``) are always day.month.year;
2. for slashed dates, any first number above 12 means day/month (``14/11/22``), any second number above 12
   means month/day (``01/15/2024``); a file with both is refused;
3. otherwise (every date ambiguous, e.g. ``3/10/25``) a 12-hour clock with AM/PM means month/day, since en-US
   is the locale that pairs them, and a 24-hour clock means day/month (en-GB and most other locales).
   ``day_first`` overrides the guess, and a warning says how the dates were read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from ._model import AttendanceFormatError

_YEAR_FIRST = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?")
_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?!\d)")
_TIME = re.compile(
    r"(?P<ampm1>午前|午後)?\s*(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:[.,]\d+)?)?\s*"
    r"(?P<ampm2>[AaPp]\.?\s?[Mm]\.?)?(?![\w:])"
)
_PM = ("p", "午後")


@dataclass(frozen=True)
class DateOrder:
    day_first: bool
    guessed: bool  # True when every date was ambiguous and rule 3 decided


def decide_order(texts: list[str], day_first: bool | None = None) -> DateOrder:
    """Rules 2 and 3 of the module docstring, over every time cell of the file."""
    if day_first is not None:
        return DateOrder(day_first, guessed=False)
    first_big = second_big = twelve_hour = False
    for text in texts:
        match = _NUMERIC.search(text)
        if match and match["sep"] != ".":
            first_big |= int(match["a"]) > 12
            second_big |= int(match["b"]) > 12
        time = _TIME.search(text)
        twelve_hour |= bool(time and (time["ampm1"] or time["ampm2"]))
    if first_big and second_big:
        raise AttendanceFormatError(
            "The dates mix day/month and month/day order (some start with a day above 12, others have one "
            "in second place): export the report again from one computer"
        )
    if first_big or second_big:
        return DateOrder(first_big, guessed=False)
    return DateOrder(not twelve_hour, guessed=True)


def ambiguous_date(text: str) -> bool:
    """True for a slashed date whose first two numbers could each be the day (``3/10/25``)."""
    match = _NUMERIC.search(text)
    return bool(
        match
        and match["sep"] != "."
        and match["a"] != match["b"]
        and int(match["a"]) <= 12
        and int(match["b"]) <= 12
    )


def parse_local(text: str, order: DateOrder) -> datetime | None:
    """The naive wall-clock datetime written in ``text``; None for an empty cell or Zoom's ``--``."""
    text = text.strip()
    if not text or text.strip("-–") == "":
        return None
    year_first = _YEAR_FIRST.search(text)
    if year_first:
        year, month, day = int(year_first["y"]), int(year_first["m"]), int(year_first["d"])
        rest = text[year_first.end() :]
    else:
        numeric = _NUMERIC.search(text)
        if not numeric:
            raise AttendanceFormatError(f"{text!r} is not a date and time in any format we know")
        first, second = int(numeric["a"]), int(numeric["b"])
        day_first = order.day_first or numeric["sep"] == "."
        day, month = (first, second) if day_first else (second, first)
        year = int(numeric["y"]) + (2000 if len(numeric["y"]) == 2 else 0)
        rest = text[numeric.end() :]
    hour, minute, second = _clock(rest, text)
    try:
        return datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        raise AttendanceFormatError(f"{text!r} is not a valid date and time ({exc})") from exc


def _clock(rest: str, whole: str) -> tuple[int, int, int]:
    match = _TIME.search(rest)
    if not match:
        raise AttendanceFormatError(f"{whole!r} has a date but no time of day")
    hour, minute = int(match["h"]), int(match["mi"])
    marker = (match["ampm1"] or match["ampm2"] or "").lower()
    if marker:
        if not 1 <= hour <= 12:
            raise AttendanceFormatError(f"{whole!r} has an hour {hour} on a 12-hour clock")
        hour = hour % 12 + (12 if marker.startswith(_PM) else 0)
    return hour, minute, int(match["s"] or 0)


def aware(local: datetime, zone: ZoneInfo, *, fold: int = 0) -> tuple[datetime, str | None]:
    """``local`` as an aware datetime in ``zone``, and a note when the wall-clock time is not a plain one.

    In a gap (clocks jump forward, e.g. 02:30 on the March change in Port-au-Prince never happens) the time is
    read with the offset in force before the jump, which is what a clock that had not yet been moved shows;
    the result is normalised (02:30 EST → 03:30 EDT). In an overlap (the hour repeated in autumn) ``fold``
    chooses the occurrence: 0 the first, 1 the second; callers pick it from the durations.
    """
    candidate = local.replace(tzinfo=zone, fold=fold)
    normalised = candidate.astimezone(UTC).astimezone(zone)
    if normalised.replace(tzinfo=None) != local:
        note = (
            f"{local:%Y-%m-%d %H:%M} does not exist in {zone.key} (the clocks moved forward); "
            f"read as {normalised:%H:%M} {normalised:%z}"
        )
        return normalised, note
    return normalised, None


def is_ambiguous(local: datetime, zone: ZoneInfo) -> bool:
    """True in the autumn overlap, when this wall-clock time happens twice. (In a spring gap the two folds
    differ too, but neither reading round-trips to the same wall clock, so a gap is not an overlap.)"""
    first = local.replace(tzinfo=zone, fold=0)
    if first.utcoffset() == local.replace(tzinfo=zone, fold=1).utcoffset():
        return False
    return first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def minutes_between(start: datetime, end: datetime) -> float:
    """Elapsed minutes, counted in UTC: subtracting two datetimes of the same zone in Python compares wall
    clocks, which is an hour off across a daylight-saving change."""
    return (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(minutes=1)


_UNITS = {
    "hours": ("h", "hr", "hrs", "hour", "hours", "godz", "godzina", "godziny", "godzin", "std", "stunde",
              "stunden", "時間", "heure", "heures", "hora", "horas", "uur", "ore", "ora", "t"),
    "minutes": ("m", "min", "mins", "minute", "minutes", "minut", "minuty", "minuten", "分", "minuto",
                "minutos", "mn"),
    "seconds": ("s", "sec", "secs", "second", "seconds", "sek", "sekund", "sekundy", "sekunden", "秒",
                "seconde", "secondes", "segundo", "segundos", "seg"),
}  # fmt: skip
_UNIT_FACTORS = {"hours": 60.0, "minutes": 1.0, "seconds": 1 / 60}
_UNIT_LOOKUP = {alias: _UNIT_FACTORS[kind] for kind, aliases in _UNITS.items() for alias in aliases}
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([^\d\s.,]+)\.?")
_HMS = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))?$")


def parse_duration(text: str) -> float | None:
    """Minutes in ``65`` (Zoom's whole minutes), ``01:05:03`` / ``1:05`` (hours first), ``1h 5m 3s``,
    ``19m 26s`` or ``2 godz. 19 min 19 s``; None for an empty cell."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text.replace(",", "."))
    except ValueError:
        pass
    clock = _HMS.match(text)
    if clock:
        return int(clock[1]) * 60 + int(clock[2]) + int(clock[3] or 0) / 60
    parts = _PART.findall(text)
    if not parts or _PART.sub("", text).strip():
        raise AttendanceFormatError(f"{text!r} is not a duration we can read")
    total = 0.0
    for number, unit in parts:
        factor = _UNIT_LOOKUP.get(unit.casefold().rstrip("."))
        if factor is None:
            raise AttendanceFormatError(f"{text!r}: unknown unit of time {unit!r}")
        total += float(number.replace(",", ".")) * factor
    return total
