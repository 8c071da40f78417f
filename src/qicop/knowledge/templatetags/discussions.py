"""``{% discussions_for meeting=meeting %}``: the discussions of a meeting, case study or chart.

A template tag rather than a view helper, so that the pages of lower layers (meetings, dashboards) show
discussions without importing the knowledge app.
"""

from __future__ import annotations

from django import template

from qicop.knowledge.discussions.selectors import threads_for
from qicop.network.permissions import viewer_for

register = template.Library()


@register.inclusion_tag("knowledge/_threads_for.html", takes_context=True)
def discussions_for(context, network, meeting=None, case_study=None, chart: str = ""):
    viewer = viewer_for(context["request"].user)
    found = threads_for(viewer, network, meeting=meeting, case_study=case_study, chart=chart or None)
    return {"discussions": found}
