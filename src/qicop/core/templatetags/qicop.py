from django import template

from qicop.core.i18n import language_display_name

register = template.Library()


@register.filter
def language_names(codes) -> str:
    """['en', 'sw'] → 'English, Swahili' in the active language."""
    return ", ".join(language_display_name(code) for code in codes or [])
