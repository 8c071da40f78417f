"""Reads of improvement work, always scoped to what the viewer may see. A fetch of one object answers 404
whether it is missing or forbidden (as everywhere in qicop), so that ids reveal nothing."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from qicop.improvement import permissions
from qicop.improvement.models import (
    ChangeIdea,
    Collaborative,
    Measure,
    PdsaCycle,
    Team,
    TeamMember,
    TeamReport,
)
from qicop.network.models import Network
from qicop.network.permissions import Viewer, can_view_network, is_participant

#: The most collaboratives a list shows (a network has a handful a year).
LIST_LIMIT = 200
#: The most measures a collaborative charts (IHI advises a handful: outcome, process, balancing).
MEASURE_LIMIT = 20


def visible_collaboratives(viewer: Viewer, network: Network) -> QuerySet[Collaborative]:
    """The collaboratives of ``network`` the viewer may see: all for a coordinator; else those of the viewer's
    own country (participants) and those shared with the network."""
    collaboratives = Collaborative.objects.filter(network=network)
    if not can_view_network(viewer, network):
        return collaboratives.none()
    if viewer.is_coordinator(network):
        return collaboratives
    shown = Q(shared=True)
    if viewer.country_id is not None and is_participant(viewer, network):
        shown |= Q(country_id=viewer.country_id) | Q(other_countries=viewer.country_id)
    return collaboratives.filter(shown).distinct()


def with_people(collaboratives: QuerySet[Collaborative]) -> QuerySet[Collaborative]:
    """What the permission checks and the lists read, in a fixed number of queries."""
    return collaboratives.select_related("network", "country", "key_measure").prefetch_related(
        "other_countries", "faculty"
    )


def measure_rows() -> QuerySet[Measure]:
    """Measures with what their names, definitions and charts read: the indicator or the data elements."""
    return Measure.objects.select_related("indicator", "numerator", "denominator")


def measures_of(collaborative: Collaborative) -> list[Measure]:
    """The collaborative's measures, network indicators and the country's data elements alike, the key
    measure first (unsaved when no row holds it: a collaborative made outside the services). One query."""
    return key_first(collaborative, list(measure_rows().filter(collaborative=collaborative)[:MEASURE_LIMIT]))


def key_first(collaborative: Collaborative, measures: list[Measure]) -> list[Measure]:
    """``measures`` (the collaborative's, in their order) with the key measure first."""
    measures = list(measures)
    key = next((m for m in measures if m.indicator_id == collaborative.key_measure_id), None)
    if key is None:
        key = Measure(collaborative=collaborative, indicator=collaborative.key_measure)
    else:
        measures.remove(key)
    return [key, *measures]


def element_measure_for(collaborative: Collaborative, measure_id: int) -> Measure:
    """A measure of ``collaborative`` on the country's data elements (404 otherwise: a network indicator's
    is chosen on the collaborative's own form)."""
    measure = (
        measure_rows().filter(collaborative=collaborative, pk=measure_id, indicator__isnull=True).first()
    )
    if measure is None:
        raise Http404("No such measure on data elements")
    measure.collaborative = collaborative
    return measure


def collaborative_for(viewer: Viewer, network: Network, collaborative_id: int) -> Collaborative:
    collaborative = with_people(Collaborative.objects.filter(network=network, pk=collaborative_id)).first()
    if collaborative is None or not permissions.can_view_collaborative(viewer, collaborative):
        raise Http404("No such collaborative")
    return collaborative


def teams_of(collaborative: Collaborative) -> QuerySet[Team]:
    return (
        collaborative.teams.select_related("org_unit", "lead", "coach")
        .prefetch_related(Prefetch("members", queryset=TeamMember.objects.select_related("member")))
        .order_by("name", "org_unit__name", "id")
    )


def team_for(viewer: Viewer, network: Network, collaborative_id: int, team_id: int) -> Team:
    """A team whose workspace the viewer may see (404 otherwise, observers included)."""
    collaborative = collaborative_for(viewer, network, collaborative_id)
    if not permissions.can_view_workspaces(viewer, collaborative):
        raise Http404("No such team")
    team = teams_of(collaborative).filter(pk=team_id).first()
    if team is None:
        raise Http404("No such team")
    team.collaborative = collaborative  # the permission checks read it: do not load it again
    return team


def cycle_for(viewer: Viewer, team: Team, cycle_id: int) -> PdsaCycle:
    cycle = (
        PdsaCycle.objects.filter(team=team, pk=cycle_id)
        .select_related("change_idea", "measure__indicator", "previous", "created_by")
        .first()
    )
    if cycle is None:
        raise Http404("No such PDSA cycle")
    cycle.team = team
    return cycle


def report_for(team: Team, year: int, month: int) -> TeamReport | None:
    return TeamReport.objects.filter(team=team, month__year=year, month__month=month).first()


def change_ideas(network: Network) -> QuerySet[ChangeIdea]:
    return ChangeIdea.objects.filter(network=network).select_related("indicator", "country")


def change_idea_for(viewer: Viewer, network: Network, idea_id: int) -> ChangeIdea:
    if not permissions.can_see_change_ideas(viewer, network):
        raise Http404("No such change idea")
    idea = change_ideas(network).filter(pk=idea_id).first()
    if idea is None:
        raise Http404("No such change idea")
    return idea


def visible_cycles(viewer: Viewer, network: Network) -> QuerySet[PdsaCycle]:
    """PDSA cycles of the collaboratives whose workspaces the viewer may see (observers: none)."""
    collaboratives = visible_collaboratives(viewer, network)
    if not viewer.is_coordinator(network) and not is_participant(viewer, network):
        return PdsaCycle.objects.none()
    return PdsaCycle.objects.filter(team__collaborative__in=collaboratives.values("pk"))
