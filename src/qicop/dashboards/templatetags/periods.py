"""Periods as the charts' axes name them, for the pages around the charts: ``{% load periods %}``."""

from django import template
from django.utils.translation import gettext

from qicop.indicators.periods import period_name

register = template.Library()


@register.filter
def period_label(period_id) -> str:
    """A DHIS2 period id as readers say it, in their language: "202610" → "Oct 2026", "2026Q3" → "2026 Q3".
    Ids of other kinds are shown as they are."""
    return period_name(period_id)


@register.filter
def period_state(period_id, published) -> str:
    """A value's period as readers say it, and that it is not published when it is not: "Nov 2026, not
    published" (a country's own month, which the rest of the network does not see yet)."""
    label = period_label(period_id)
    if published or not label:
        return label
    return gettext("%(period)s, not published") % {"period": label}
