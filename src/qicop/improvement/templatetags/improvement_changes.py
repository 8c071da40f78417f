"""Template tags of the change-ideas room: how the library names what a change idea targets, and what a
case study's page (the knowledge app's, which never imports improvement) shows of the ideas it cites."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from qicop.improvement import permissions
from qicop.knowledge.cases.selectors import author_ids
from qicop.network.permissions import viewer_for

register = template.Library()

#: The most cited change ideas a case study's page lists.
CITED_SHOWN = 50

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


@register.simple_tag(takes_context=True)
def case_citations(context, case) -> dict:
    """The change ideas ``case`` cites (at most ``CITED_SHOWN``), and whether the viewer may choose them."""
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    viewer = viewer_for(user)
    return {
        "ideas": list(case.change_ideas.select_related("network").order_by("title", "pk")[:CITED_SHOWN]),
        "may_cite": permissions.can_cite_change_ideas(viewer, case, author_ids(case)),
    }
