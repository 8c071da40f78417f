"""``{% load meeting_times %}``: when a meeting runs, on the clock it is read on (``qicop.meetings.times``).

{{ meeting|meeting_dates }}   an in-person meeting's days at its venue; a session on the reader's clock
"""

from django import template

from qicop.meetings.times import meeting_dates as dates_of

register = template.Library()


@register.filter
def meeting_dates(meeting) -> str:
    return dates_of(meeting)
