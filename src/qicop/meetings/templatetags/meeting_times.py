"""``{% load meeting_times %}``: when a meeting runs, on the clock it is read on (``qicop.meetings.times``).

{{ meeting|meeting_dates }}   an in-person meeting's days at its venue; a session on the reader's clock
"""

from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone

from qicop.meetings import times
from qicop.meetings.times import meeting_dates as dates_of
from qicop.meetings.times import span_text

register = template.Library()


@register.filter
def meeting_dates(meeting) -> str:
    return dates_of(meeting)


@register.simple_tag
def span_in(start, end, zone_name: str = "") -> str:
    """``start``–``end`` on the clock of ``zone_name`` (the active zone when empty), as the meeting page
    writes it: "Tue, Oct 12 – Thu, Oct 14, 2010, each day 8:30 AM – 5:00 PM", "Wed, Dec 16, 2026, 9:00 –
    10:30 AM"."""
    return span_text(start, end, ZoneInfo(zone_name) if zone_name else timezone.get_current_timezone())


@register.filter
def clock_zone(meeting) -> str:
    """The zone a meeting's timetable is read in: the venue's for a meeting held somewhere, the
    reader's for a virtual session."""
    return times.clock_zone(meeting)


@register.filter
def own_topic(meeting) -> str:
    """The topic in words where it says more than the title and the topic tags (prefetch the topics)."""
    return times.own_topic(meeting)
