from django import template
from django.utils.translation import pgettext

from qicop.core.i18n import language_display_name

register = template.Library()


@register.filter
def language_names(codes) -> str:
    """['en', 'sw'] → 'English, Swahili' in the active language."""
    return ", ".join(language_display_name(code) for code in codes or [])


@register.filter
def colon(label) -> str:
    """A label followed by the language's separator: "Venue:" in English, "Lieu :" in French."""
    separator = pgettext("label separator", ":")
    return f"{label}{separator}"
