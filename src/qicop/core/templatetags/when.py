"""``{% load when %}``: every date and time on a page, through the one formatter (``qicop.core.when``).

{{ meeting.starts_at|when }}             Dec 27, 2026
{{ meeting.starts_at|when:"day_time" }}  Sun, Dec 27, 2026, 1:37 PM
{% when_range a b "date" %}              Oct 12 – 14, 2012
"""

from django import template

from qicop.core.when import when as format_when
from qicop.core.when import when_range as format_range
from qicop.core.when import zone_label

register = template.Library()


@register.filter(name="when")
def when_filter(value, style: str = "date") -> str:
    return format_when(value, style)


@register.simple_tag(name="when_range")
def when_range_tag(start, end, style: str = "date") -> str:
    return format_range(start, end, style)


@register.filter(name="zone")
def zone_filter(zone) -> str:
    """``{{ country.time_zone|zone }}``: "Nairobi (UTC+3)" in the reader's language."""
    return zone_label(zone)
