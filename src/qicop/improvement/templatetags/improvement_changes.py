"""Template filters of the change-ideas room: how the library names what a change idea targets."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()

#: The indicators' topics "Cascade step 1" … "Cascade step 3" (the 95-95-95 cascade the dashboard draws).
CASCADE_STEP = re.compile(r"^\s*cascade step\s+([1-3])\s*$", re.IGNORECASE)
STEP_NAMES = {
    "1": gettext_noop("Diagnosed"),
    "2": gettext_noop("On treatment"),
    "3": gettext_noop("Virally suppressed"),
}


@register.filter
def target_topic(indicator) -> str:
    """What an indicator's topic tells a reader: "Cascade step 3: Virally suppressed" for a step of the
    cascade, else the topic as the network wrote it ("Retention"); empty without a topic."""
    topic = (getattr(indicator, "topic", "") or "").strip()
    step = CASCADE_STEP.match(topic)
    if step is None:
        return topic
    number = step.group(1)
    return _("Cascade step %(number)s: %(name)s") % {"number": number, "name": _(STEP_NAMES[number])}
