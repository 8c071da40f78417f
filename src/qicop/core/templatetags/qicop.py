from django import template
from django.utils.translation import gettext, pgettext

from qicop.charts.axes import axis_labels
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


@register.filter
def period_label(period_id) -> str:
    """A DHIS2 period id as readers say it, in their language: "202610" → "Oct 2026", "2026Q3" → "2026 Q3".
    Ids of other kinds are shown as they are."""
    if period_id in (None, ""):
        return ""
    return axis_labels([str(period_id)], translate=gettext)[0]
