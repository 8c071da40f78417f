"""The one way a date or a time is written for a person, in the reader's language and zone.

Every page, e-mail, letter and PDF writes dates and times through :func:`when` (in templates, the
``when`` filter of ``{% load when %}``). It uses CLDR's patterns (Babel) for the active language, so
English reads "Dec 27, 2026, 1:37 PM", French "27 déc. 2026, 13:37" and Portuguese (Mozambique)
"27/12/2026, 13:37" — never a US numeric date, never a doubled full stop. Aware datetimes are first
converted to the active time zone (the reader's, set by the middleware) unless a zone is given.

Machine contexts (``<time datetime>``, file names, iCalendar, exports, the API) keep ISO forms; they
do not go through here.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import lru_cache

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    get_datetime_format,
    get_timezone_location,
)
from django.conf import settings
from django.utils import timezone, translation

from qicop.core.i18n import CLDR_LOCALES

# Each style names what a person reads; the value is a CLDR skeleton (or a named date length).
#   date       Dec 27, 2026            27 déc. 2026              27/12/2026 (pt_MZ: "27 de dez. de 2026")
#   day        Sun, Dec 27, 2026       dim. 27 déc. 2026         dom., 27 de dez. de 2026
#   long_day   Sunday, December 27, 2026 …
#   short_day  Sun, Dec 27             dim. 27 déc.              dom., 27/12
#   month      Dec 2026                déc. 2026                 dez. de 2026
#   year       2026
#   weekday    Sunday                  dimanche                  domingo
#   time       1:37 PM                 13:37                     13:37
#   datetime   <date>, <time> in the language's own joining pattern
#   day_time   <day>, <time>
SKELETONS = {
    "day": "yMMMEd",
    "short_day": "MMMEd",
    "month": "yMMM",
    "long_month": "yMMMM",
    "year": "y",
}
# Where a language's CLDR skeleton gives digits ("12/2026" in Mozambican Portuguese), the words people write.
PATTERNS = {
    "pt": {
        "date": "d 'de' MMM 'de' y",
        "day": "EEE, d 'de' MMM 'de' y",
        "short_day": "EEE, d 'de' MMM",
        "month": "MMM 'de' y",
        "long_month": "MMMM 'de' y",
    },
}
WEEKDAYS = {"weekday": "EEEE", "weekday_short": "EEE"}
DATE_LENGTHS = {"date": "medium", "long_date": "long", "long_day": "full", "numeric": "short"}
COMBINED = {"datetime": "date", "day_time": "day", "short_day_time": "short_day"}
STYLES = frozenset(SKELETONS) | frozenset(WEEKDAYS) | frozenset(DATE_LENGTHS) | frozenset(COMBINED) | {"time"}


@lru_cache(maxsize=8)
def locale_for(language: str) -> Locale:
    return Locale.parse(CLDR_LOCALES.get(language, language).replace("-", "_"))


def _language(language: str | None) -> str:
    code = language or translation.get_language() or settings.LANGUAGE_CODE
    return code.split("-")[0]


def _date_part(value: dt.date, style: str, locale: Locale) -> str:
    pattern = PATTERNS.get(locale.language, {}).get(style) or WEEKDAYS.get(style)
    if pattern:
        return format_date(value, pattern, locale=locale)
    if style in DATE_LENGTHS:
        return format_date(value, DATE_LENGTHS[style], locale=locale)
    return format_skeleton(SKELETONS[style], value, locale=locale)


def when(value, style: str = "date", *, language: str | None = None, zone=None) -> str:
    """``value`` (a date, a datetime or a time) written in ``style`` for the reader.

    ``language`` defaults to the active one; ``zone`` (a tzinfo) to the active time zone. ``None``
    and "" give "".
    """
    if value in (None, ""):
        return ""
    if style not in STYLES:
        raise ValueError(f"unknown date style {style!r}; one of {sorted(STYLES)}")
    locale = locale_for(_language(language))
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = value.astimezone(zone) if zone is not None else timezone.localtime(value)
    if style == "time":
        moment = value.time() if isinstance(value, dt.datetime) else value
        return format_time(moment, "short", locale=locale)
    if style in COMBINED:
        if not isinstance(value, dt.datetime):
            return _date_part(value, COMBINED[style], locale)
        date_text = _date_part(value.date(), COMBINED[style], locale)
        time_text = format_time(value.time(), "short", locale=locale)
        joined = get_datetime_format("medium", locale=locale)
        return joined.replace("{1}", date_text).replace("{0}", time_text)
    day = value.date() if isinstance(value, dt.datetime) else value
    return _date_part(day, style, locale)


def when_range(start, end, style: str = "date", *, language: str | None = None, zone=None) -> str:
    """Two dates or moments as one span ("Oct 12 – 14, 2012", "13:00 – 15:00") in the reader's language."""
    if start is None or end is None:
        return when(start or end, style, language=language, zone=zone)
    locale = locale_for(_language(language))
    if isinstance(start, dt.datetime) and timezone.is_aware(start):
        start = start.astimezone(zone) if zone is not None else timezone.localtime(start)
        end = end.astimezone(zone) if zone is not None else timezone.localtime(end)
    words = PATTERNS.get(locale.language, {})
    if style in words and style != "time":
        # CLDR's interval for this language falls back to digits ("terça, 12/10 – quinta, 14/10/2010"):
        # write both ends in words instead.
        first, last = (value.date() if isinstance(value, dt.datetime) else value for value in (start, end))
        if first == last:
            return _date_part(first, style, locale)
        return f"{_date_part(first, style, locale)} – {_date_part(last, style, locale)}"
    time_skeleton = "Hm" if _24h(locale) else "hm"
    skeleton = {"date": "yMMMd", "day": "yMMMEd", "month": "yMMM", "time": time_skeleton}.get(style, "yMMMd")
    if style == "time":
        start, end = (
            (start.time() if isinstance(start, dt.datetime) else start),
            (end.time() if isinstance(end, dt.datetime) else end),
        )
    elif isinstance(start, dt.datetime):
        start, end = start.date(), end.date()
    return format_interval(start, end, skeleton, locale=locale)


def _24h(locale: Locale) -> bool:
    return "H" in locale.time_formats["short"].pattern


def zone_label(
    zone, *, at: dt.datetime | None = None, language: str | None = None, inline: bool = False
) -> str:
    """A time zone as a person names it: its city in the reader's language and its offset from UTC at
    ``at`` (now if not given), e.g. "Nairobi (UTC+3)", "Port-au-Prince (UTC−5)", "Kolkata (UTC+5:30)";
    ``inline``, for a label that stands in brackets already ("9:00 AM (Nairobi, UTC+3, your time)"),
    "Nairobi, UTC+3"."""
    if not zone:
        return ""
    tz = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    locale = locale_for(_language(language))
    key = getattr(tz, "key", str(tz))
    if key == "UTC":
        return "UTC"
    city = get_timezone_location(tz, locale=locale, return_city=True)
    if "/" in city:  # a zone CLDR names no city of ("America/Argentina/Salta"): "Salta, Argentina"
        *_area, region, place = key.split("/")
        city = f"{place}, {region}".replace("_", " ")
    offset = (at or timezone.now()).astimezone(tz).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    utc = f"UTC{sign}{hours}{f':{rest:02d}' if rest else ''}"
    return f"{city}, {utc}" if inline else f"{city} ({utc})"
