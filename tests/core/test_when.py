"""Every date and time is written by one formatter, in the reader's language and zone (issue 14)."""

import datetime as dt
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from qicop.core.when import STYLES, when, when_range, zone_label

pytestmark = pytest.mark.pure

MOMENT = dt.datetime(2026, 12, 27, 13, 37, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def utc():
    timezone.activate(zoneinfo.ZoneInfo("UTC"))
    yield
    timezone.deactivate()


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("en", "date", "Dec 27, 2026"),
        ("fr", "date", "27 déc. 2026"),
        ("pt", "date", "27 de dez. de 2026"),
        ("en", "day", "Sun, Dec 27, 2026"),
        ("fr", "day", "dim. 27 déc. 2026"),
        ("fr", "month", "déc. 2026"),
        ("pt", "month", "dez. de 2026"),
        ("fr", "time", "13:37"),
        ("fr", "datetime", "27 déc. 2026, 13:37"),
        ("pt", "long_date", "27 de dezembro de 2026"),
        ("fr", "weekday", "dimanche"),
    ],
)
def test_a_date_reads_as_people_of_each_language_write_it(language, style, expected):
    assert when(MOMENT, style, language=language) == expected


def test_an_english_time_never_ends_in_a_doubled_full_stop():
    written = f"The session starts at {when(MOMENT, 'time', language='en')}."
    assert ".." not in written
    assert written.replace("\u202f", " ") == "The session starts at 1:37 PM."


def test_no_style_writes_a_us_numeric_date_in_french_or_portuguese():
    for language in ("fr", "pt"):
        for style in STYLES - {"numeric"}:
            assert "12/27" not in when(MOMENT, style, language=language)


def test_a_moment_is_written_in_the_readers_zone():
    timezone.activate(zoneinfo.ZoneInfo("Pacific/Port_Moresby"))
    assert when(MOMENT, "day_time", language="fr") == "dim. 27 déc. 2026, 23:37"
    assert when(MOMENT, "time", language="fr", zone=zoneinfo.ZoneInfo("America/Port-au-Prince")) == "08:37"


def test_a_span_of_days_is_written_once_with_its_shared_month_and_year():
    thin = "\u2009"
    first, last = dt.date(2012, 10, 12), dt.date(2012, 10, 14)
    assert when_range(first, last, language="en") == f"Oct 12{thin}–{thin}14, 2012"
    assert when_range(first, last, language="fr") == "12–14 oct. 2012"


def test_nothing_is_written_for_no_date_and_an_unknown_style_is_an_error():
    assert when(None) == ""
    with pytest.raises(ValueError, match="unknown date style"):
        when(MOMENT, "fancy")


def test_templates_use_the_same_formatter():
    with translation.override("fr"):
        page = Template('{% load when %}{{ d|when:"day" }} · {% when_range a b %}').render(
            Context({"d": MOMENT, "a": dt.date(2026, 1, 5), "b": dt.date(2026, 1, 7)})
        )
    assert page == "dim. 27 déc. 2026 · 5–7 janv. 2026"


def test_a_zone_is_named_by_its_city_in_the_readers_language_with_its_offset():
    assert zone_label("Africa/Nairobi", at=MOMENT, language="en") == "Nairobi (UTC+3)"
    assert zone_label("America/Port-au-Prince", at=MOMENT, language="fr") == "Port-au-Prince (UTC−5)"
    assert zone_label("Asia/Kolkata", at=MOMENT, language="pt") == "Kolkata (UTC+5:30)"
    assert zone_label("UTC") == "UTC"


def test_a_zone_in_brackets_already_reads_city_comma_offset_on_the_day_it_is_for():
    summer = dt.datetime(2030, 7, 1, 12, tzinfo=dt.UTC)
    assert zone_label("America/Port-au-Prince", at=summer, language="en", inline=True) == (
        "Port-au-Prince, UTC−4"
    )
    with translation.override("fr"):
        page = Template(
            "{% load when %}({{ z|zone_inline:at }}) · {{ z|zone:at }} · {{ z|zone_inline }}"
        ).render(Context({"z": "America/Port-au-Prince", "at": summer}))
    assert page.startswith("(Port-au-Prince, UTC−4) · Port-au-Prince (UTC−4) · Port-au-Prince, UTC−")
