"""Language and time-zone helpers shared by every app."""

from __future__ import annotations

import os
import unicodedata
import zoneinfo
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.core import get_global
from django.conf import settings
from django.utils import translation


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone a user can pick, sorted; deprecated aliases such as 'US/Eastern' left out."""
    return tuple(
        sorted(
            z
            for z in zoneinfo.available_timezones()
            if "/" in z and not z.startswith(("Etc/", "US/", "SystemV/"))
        )
    )


@lru_cache(maxsize=1)
def _zone_aliases() -> dict[str, str]:
    """Older names of zones (CLDR's: "Asia/Calcutta" → "Asia/Kolkata") that name a zone of this machine."""
    names = set(time_zone_names())
    return {old: new for old, new in get_global("zone_aliases").items() if new in names and old != new}


@lru_cache(maxsize=1)
def picker_time_zones() -> tuple[str, ...]:
    """The zones a person picks from: ``time_zone_names`` less the older names of a zone, so that each
    place is offered once under the name CLDR (and so Babel's city names) knows it by."""
    aliases = _zone_aliases()
    return tuple(sorted({aliases.get(name, name) for name in time_zone_names()}))


def canonical_time_zone(name: str) -> str:
    """The zone ``name`` stands for: itself, or the current name of an older one (anything else unchanged,
    for the caller to refuse)."""
    return _zone_aliases().get(name, name)


def is_valid_time_zone(name: str) -> bool:
    return name in time_zone_names() or name == "UTC"


def first_time_zone(*names: str) -> str:
    """The first of ``names`` that is a time zone; the site's when none is."""
    return next((name for name in names if name and is_valid_time_zone(name)), settings.TIME_ZONE)


def country_language(country) -> str:
    """The first of ``country``'s languages the site speaks; "" when it speaks none of them (or no
    country is given)."""
    codes = language_codes()
    return next((code for code in (getattr(country, "languages", None) or ()) if code in codes), "")


def reader_language(member) -> str:
    """The language to write to a member in (e-mails, letters): their account's; if it follows the
    browser, the first of their country's languages the site speaks (a member from Haiti reads French);
    else the site's."""
    if member.user.language in language_codes():
        return member.user.language
    return country_language(member.country) or settings.LANGUAGE_CODE


def reader_zone(member) -> str:
    """The time zone to write to a member in: their account's, or (left empty) their country's, as on
    the site."""
    return first_time_zone(member.user.time_zone, member.country.time_zone)


# Our Portuguese readers are in Mozambique: CLDR's plain "pt" is Brazilian ("Quênia", not "Quénia").
CLDR_LOCALES = {"pt": "pt_MZ"}


def _cldr(language: str) -> Locale:
    return Locale.parse(CLDR_LOCALES.get(language, language))


@lru_cache(maxsize=512)
def _territory_name(code: str, language: str) -> str | None:
    return _cldr(language).territories.get(code.upper())


def time_from_now(seconds: float) -> str:
    """A wait as people say it, in the active language: "in 8 seconds", "dans 15 minutes", "em 1 hora"."""
    from datetime import timedelta

    from babel.dates import format_timedelta

    language = translation.get_language() or settings.LANGUAGE_CODE
    return format_timedelta(timedelta(seconds=seconds), locale=_cldr(language), add_direction=True)


def country_display_name(code: str, fallback: str) -> str:
    """The country's name in the active language (Babel's CLDR data), e.g. 'Moçambique' in Portuguese."""
    return _territory_name(code, translation.get_language() or settings.LANGUAGE_CODE) or fallback


def sort_key(text: str) -> str:
    """A key that sorts names as a reader expects in any of our languages: accents and case aside
    ("Équateur" beside "Erythrée", "Ouganda" before "Papouasie")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def by_display_name(countries):
    """Countries in the order of their names in the active language."""
    return sorted(countries, key=lambda country: sort_key(country.display_name))


@lru_cache(maxsize=64)
def _language_name(code: str, language: str) -> str | None:
    return _cldr(language).languages.get(code)


def language_display_name(code: str) -> str:
    return _language_name(code, translation.get_language() or settings.LANGUAGE_CODE) or code


def compile_catalogs(locale_dir: Path | None = None) -> list[Path]:
    """Compile every stale ``.po`` catalog under ``locale_dir`` into its ``.mo``, in pure Python.

    Done by ``qicop`` at start-up and by the test suite, so that translations work right after a clone
    without GNU gettext on the machine. Returns the catalogs it wrote.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for directory in [locale_dir] if locale_dir else settings.LOCALE_PATHS:
        for po_path in Path(directory).glob("*/LC_MESSAGES/*.po"):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            with po_path.open("rb") as po_file:
                catalog = read_po(po_file, locale=po_path.parent.parent.name)
            # Written aside, then renamed: another process starting at the same time (a test worker, a
            # second server process) reads the old catalog or the new one, never half of one.
            partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
            with partial.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            os.replace(partial, mo_path)
            written.append(mo_path)
    return written
