"""Template tags that let the meetings app's pages name the collaboratives a meeting belongs to (a learning
session, an action-period call, a summary congress) by including
improvement/collaboratives/_of_meeting.html: the meetings app never imports improvement."""

from __future__ import annotations

from django import template

from qicop.improvement import permissions
from qicop.improvement.models import CollaborativeMeeting
from qicop.network.permissions import viewer_for

register = template.Library()

#: The most collaboratives one meeting names (a shared learning session serves a handful at most).
LIMIT = 20


@register.simple_tag(takes_context=True)
def collaboratives_of_meeting(context, meeting) -> list[CollaborativeMeeting]:
    """The meeting's roles in collaboratives the viewer may see, each with its collaborative (one query)."""
    request = context.get("request")
    user = request.user if request is not None else context.get("user")
    viewer = viewer_for(user)
    links = (
        CollaborativeMeeting.objects.filter(meeting=meeting)
        .select_related("collaborative__network", "collaborative__country")
        .prefetch_related("collaborative__other_countries")
        .order_by("collaborative__name", "pk")[:LIMIT]
    )
    return [link for link in links if permissions.can_view_collaborative(viewer, link.collaborative)]
