"""A member's "what's new" in a network: new published case studies and resources, replies in the
threads they follow, upcoming meetings. Everything is bounded; observers see what they may read only
(published case studies and resources).

"Since the last visit": the schema keeps no visit time, so the page remembers its previous visit in the
member's session, and looks back 30 days at most (and 30 days on a first visit).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from qicop.knowledge.discussions import permissions as rules
from qicop.knowledge.models import CaseStudy, Post, Resource, Thread
from qicop.meetings import permissions as meeting_permissions
from qicop.meetings import selectors as meeting_selectors
from qicop.network.models import Network
from qicop.network.permissions import Viewer

LOOK_BACK = timedelta(days=30)
LIMIT = 10
REPLY_LIMIT = 20


def since_last_visit(request, network: Network) -> datetime:
    """The previous visit of this page (at most 30 days ago); this visit is remembered for the next."""
    key = f"whats_new_seen:{network.pk}"
    now = timezone.now()
    previous = parse_datetime(request.session.get(key) or "")
    request.session[key] = now.isoformat()
    oldest = now - LOOK_BACK
    if previous is None or previous < oldest or previous > now:
        return oldest
    return previous


def whats_new(viewer: Viewer, network: Network, *, since: datetime, meetings: list | None = None) -> dict:
    """What changed in ``network`` since ``since`` that ``viewer`` may read: a fixed number of queries.
    ``meetings``: the coming meetings, where the caller has read them already for ``viewer``."""
    case_studies = list(
        CaseStudy.objects.filter(network=network, status=CaseStudy.Status.PUBLISHED, published_at__gte=since)
        .select_related("country")
        .order_by("-published_at", "-id")[:LIMIT]
    )
    resources = list(
        Resource.objects.filter(network=network, created_at__gte=since)
        .select_related("country")
        .order_by("-created_at", "-id")[:LIMIT]
    )
    replies: list[Post] = []
    if rules.can_take_part(viewer, network) and viewer.member_id is not None:
        readable = Thread.objects.filter(network=network).filter(rules.readable_threads(viewer, network))
        replies = list(
            Post.objects.filter(
                thread__in=readable.filter(subscriptions__member_id=viewer.member_id).values("pk"),
                created_at__gte=since,
                hidden=False,
            )
            .exclude(author_id=viewer.member_id)
            .select_related("thread", "author")
            .order_by("-created_at", "-id")[:REPLY_LIMIT]
        )
    if meetings is None:
        meetings = (
            meeting_selectors.upcoming(network, limit=5)
            if meeting_permissions.can_see_meetings(viewer, network)
            else []
        )
    return {"case_studies": case_studies, "resources": resources, "replies": replies, "meetings": meetings}
