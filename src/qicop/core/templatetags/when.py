"""``{% load when %}``: every date and time on a page, through the one formatter (``qicop.core.when``).

{{ meeting.starts_at|when }}             Dec 27, 2026
{{ meeting.starts_at|when:"day_time" }}  Sun, Dec 27, 2026, 1:37 PM
{% when_range a b "date" %}              Oct 12 – 14, 2012
{{ country.time_zone|zone }}             Nairobi (UTC+3)
({{ meeting.time_zone|zone_inline }})    (Nairobi, UTC+3)
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
def zone_filter(zone, at=None) -> str:
    """``{{ country.time_zone|zone }}``: "Nairobi (UTC+3)" in the reader's language; ``{{ zone|zone:start }}``
    gives the offset on that moment (a meeting's, across a change of summer time)."""
    return zone_label(zone, at=at or None)


@register.filter(name="zone_inline")
def zone_inline_filter(zone, at=None) -> str:
    """``({{ zone|zone_inline:start }}, your time)``: "Nairobi, UTC+3", for a label already in brackets."""
    return zone_label(zone, at=at or None, inline=True)
