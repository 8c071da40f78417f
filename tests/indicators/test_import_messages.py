"""An import's message is English in DHIS2's answer and said again in the reader's language from its
message id and parameters: plurals, grouped numbers, dates and nested reasons included."""

from __future__ import annotations

import datetime as dt

from django.utils import translation

from qicop.core.when import when
from qicop.indicators import import_messages as english


def test_a_message_is_english_text_that_keeps_its_id_and_parameters():
    said = english.gettext("Data element not found or not accessible: %(id)s", id="X1")
    assert said == "Data element not found or not accessible: X1"
    assert english.to_json(said) == {
        "m": "Data element not found or not accessible: %(id)s",
        "p": {"id": "X1"},
    }


def test_plurals_follow_the_number_in_english_and_in_the_readers_language():
    one = english.ngettext("%(count)d value", "%(count)d values", 1)
    many = english.ngettext("%(count)d value", "%(count)d values", 3)
    assert (one, many) == ("1 value", "3 values")
    assert english.in_language(english.to_json(one)) == "1 value"


def test_a_nested_reason_is_said_in_the_readers_language_too():
    reason = english.gettext("Data value is not numeric")
    said = english.gettext(
        "Value must match data element %(id)s's type constraints: %(reason)s", id="X1", reason=reason
    )
    assert said.endswith(": Data value is not numeric")
    with translation.override("fr"):
        text = english.in_language(english.to_json(said))
        assert translation.gettext("Data value is not numeric") in text
    assert "Data value is not numeric" not in text


def test_numbers_written_as_text_are_grouped_and_dates_go_through_the_one_formatter():
    day = dt.date(2026, 11, 18)
    said = english.gettext("%(total)s by %(date)s", total=4507, date=day)
    assert said == f"4,507 by {when(day, 'date', language='en')}"
    with translation.override("fr"):
        text = english.in_language(english.to_json(said))
        assert when(day, "date") in text and "4507" not in text


def test_a_stored_plain_text_is_read_as_it_was_written():
    assert english.in_language("Malformed CSV: line 3") == "Malformed CSV: line 3"
    assert english.in_language(None) == ""


def test_where_places_values_by_line_by_spreadsheet_row_or_by_position():
    assert english.where([1, 2], [3, 4], "csv") == "lines 3, 4"
    assert english.where([0], [2], "template-xlsx") == "row 2"
    assert english.where([0, 4], [None, None], "json") == "values 1, 5"
