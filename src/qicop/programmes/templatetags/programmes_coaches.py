"""Ways into QI coach certification from other pages: a country page's link to the country's certification
work (for its keepers and certifying body: no query, the request's Viewer answers), and "your
certification" on a member's network home (one query)."""

from __future__ import annotations

from django import template
from django.utils import timezone

from qicop.network.permissions import viewer_for
from qicop.programmes.coaches import permissions as rules
from qicop.programmes.coaches import selectors
from qicop.programmes.coaches.stages import stage_of

register = template.Library()


@register.simple_tag(takes_context=True)
def coach_work_link(context, network, country) -> bool:
    """Whether the page links to the country's certification work. Mentors of other countries reach it
    from the portfolios they observe; asking whether the viewer is one would cost every reader a query."""
    viewer = viewer_for(context["request"].user)
    return rules.can_keep_certification(viewer, network, country.pk) or rules.is_certifier_for(
        viewer, network, country.pk
    )


@register.simple_tag(takes_context=True)
def your_coach_certification(context, network) -> dict | None:
    """The viewer's latest certification or candidacy in the network, with its stage (None: they have
    none)."""
    viewer = viewer_for(context["request"].user)
    mine = selectors.own_certification(network, viewer.member_id)
    if mine is None:
        return None
    # Observations only tell a candidate from an observed one: a candidacy's page says which.
    return {"certification": mine, "stage": stage_of(mine.status, mine.valid_until, 0, timezone.localdate())}
