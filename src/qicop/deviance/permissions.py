"""Who reads which signals of improvement: the data's publication rule (indicators/permissions.py).

A signal is computed from what one audience may read (models.ImprovementSignal.Audience): those who read a
country's unpublished data (its coordinators, its own focal points, data managers and members) read the
signals computed from every value of it; everyone else reads the signals computed from its published
values; observers, who read published national totals only, read national signals only.
"""

from __future__ import annotations

from django.db.models import Q

from qicop.deviance.models import ImprovementSignal
from qicop.improvement import permissions as improvement_rules
from qicop.indicators.permissions import ReadScope
from qicop.knowledge.discussions import permissions as discussion_rules
from qicop.network import permissions as network_rules
from qicop.network.models import Network
from qicop.network.permissions import Viewer, can_view_network

Audience = ImprovementSignal.Audience


def readable_signals(user) -> Q:
    """The condition on ImprovementSignal rows ``user`` may read."""
    scope = ReadScope(user)
    if scope.everything:
        return Q(audience__in=[Audience.ALL, Audience.FULL])
    full = Q(country_id__in=scope.countries, audience__in=[Audience.ALL, Audience.FULL])
    if not scope.published:
        return full if scope.countries else Q(pk__in=[])
    published = Q(audience__in=[Audience.ALL, Audience.PUBLISHED]) & ~Q(country_id__in=scope.countries)
    if scope.national_only:
        published &= Q(level=1)
    return full | published


def can_read_feed(viewer: Viewer, network: Network) -> bool:
    return can_view_network(viewer, network)


def can_ask(viewer: Viewer, network: Network) -> bool:
    """ "Ask them how" opens a new discussion: for those who may start one."""
    return discussion_rules.can_write(viewer, network)


def can_see_team_work(viewer: Viewer, collaborative) -> bool:
    """PDSA cycles and change ideas of a team, as the team's workspace shows them."""
    return improvement_rules.can_view_workspaces(viewer, collaborative)


def can_see_team(viewer: Viewer, collaborative) -> bool:
    """A team and its lead, as the collaborative's page shows them."""
    return improvement_rules.can_view_collaborative(viewer, collaborative)


def shows_email(viewer: Viewer, network: Network, member) -> bool:
    """A person's e-mail address, as the network's member directory shows it (and to no one else)."""
    return network_rules.can_see_email(viewer, network, member)
