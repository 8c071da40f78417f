"""Labels end with the separator of the reader's language: French puts a (non-breaking) space before ":"."""

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template('{% load i18n qicop %}{% translate "Venue" as label %}{{ label|colon }} Kigali')


def test_english_and_portuguese_write_the_colon_against_the_word():
    with translation.override("en"):
        assert TEMPLATE.render(Context()) == "Venue: Kigali"
    with translation.override("pt"):
        assert TEMPLATE.render(Context()).endswith(": Kigali")
        assert " :" not in TEMPLATE.render(Context())


def test_french_puts_a_non_breaking_space_before_the_colon():
    with translation.override("fr"):
        rendered = TEMPLATE.render(Context())
    assert rendered.endswith("\u00a0: Kigali")
    assert not rendered.startswith("Venue")
