"""Reads of the change-idea library, scoped to what the viewer may see.

Every change idea of the network is in its library, for every member (observers included). What teams did
with an idea is counted only from the collaboratives the viewer may see (their own country's, the shared
ones; all for a coordinator): a country that has not shared its collaborative has not shared its teams'
outcomes either, as with unpublished data. The cycles themselves (their links, titles) are for those who
may see the team workspaces (``selectors.visible_cycles``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from qicop.improvement import selectors
from qicop.improvement.models import ChangeIdea, PdsaCycle, Team
from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant

#: The most adoption charts an idea's page draws (each is a few queries and a few kilobytes).
MAX_CHARTS = 6
#: The most PDSA cycles an idea's page lists (a ramp is rarely longer than ten).
MAX_CYCLES = 300

OUTCOMES = (PdsaCycle.Decision.ADOPT, PdsaCycle.Decision.ADAPT, PdsaCycle.Decision.ABANDON)


def counted_cycles(viewer: Viewer, network: Network) -> QuerySet[PdsaCycle]:
    """The cycles whose outcomes the viewer may count: those of the collaboratives they may see."""
    return PdsaCycle.objects.filter(
        team__collaborative__in=selectors.visible_collaboratives(viewer, network).values("pk")
    )


def may_see_cycles(viewer: Viewer, network: Network) -> bool:
    """Whether the viewer may open team workspaces at all (observers may not)."""
    return viewer.is_coordinator(network) or is_participant(viewer, network)


def library(
    viewer: Viewer,
    network: Network,
    *,
    indicator_id: int | None = None,
    country_id: int | None = None,
    outcome: str = "",
    show_retired: bool = False,
) -> QuerySet[ChangeIdea]:
    """The network's change ideas, each with ``adopted``, ``adapted``, ``abandoned`` and ``tested`` (cycles
    counted from the collaboratives the viewer may see), filtered. ``country_id``: ideas tested by that
    country's teams or first proposed there; ``outcome``: ideas with at least one cycle so decided."""
    cycles = counted_cycles(viewer, network)
    seen = Q(cycles__in=cycles.values("pk"))
    ideas = selectors.change_ideas(network).annotate(
        tested=Count("cycles", filter=seen, distinct=True),
        **{
            name: Count("cycles", filter=seen & Q(cycles__decision=decision), distinct=True)
            for name, decision in (
                ("adopted", PdsaCycle.Decision.ADOPT),
                ("adapted", PdsaCycle.Decision.ADAPT),
                ("abandoned", PdsaCycle.Decision.ABANDON),
            )
        },
    )
    if not show_retired:
        ideas = ideas.filter(retired=False)
    if indicator_id:
        ideas = ideas.filter(indicator_id=indicator_id)
    if country_id:
        tested_there = cycles.filter(change_idea=OuterRef("pk"), team__org_unit__country_id=country_id)
        ideas = ideas.filter(Q(country_id=country_id) | Exists(tested_there))
    if outcome:
        ideas = ideas.filter(Exists(cycles.filter(change_idea=OuterRef("pk"), decision=outcome)))
    return ideas.order_by("title", "id")


@dataclass
class Testers:
    """The countries and teams that tested one idea: [(country, [team, …]), …], countries by name."""

    by_country: list[tuple[object, list[Team]]] = field(default_factory=list)


def testers_of(viewer: Viewer, network: Network, ideas: list[ChangeIdea]) -> dict[int, Testers]:
    """For a page of ideas: who tested each (two queries, whatever the page's length)."""
    pairs = set(
        counted_cycles(viewer, network)
        .filter(change_idea__in=[i.pk for i in ideas])
        .order_by()
        .values_list("change_idea_id", "team_id")
        .distinct()
    )
    teams = Team.objects.select_related("org_unit__country").in_bulk({team for _idea, team in pairs})
    out: dict[int, Testers] = {idea.pk: Testers() for idea in ideas}
    grouped: dict[int, dict[int, list[Team]]] = {}
    for idea_id, team_id in pairs:
        team = teams[team_id]
        grouped.setdefault(idea_id, {}).setdefault(team.org_unit.country_id, []).append(team)
    for idea_id, countries in grouped.items():
        rows = []
        for team_list in countries.values():
            team_list.sort(key=lambda t: (t.display_name, t.pk))
            rows.append((team_list[0].org_unit.country, team_list))
        rows.sort(key=lambda row: row[0].display_name)
        out[idea_id].by_country = rows
    return out


@dataclass
class Ramp:
    """One team's PDSA ramp on an idea: its cycles in order."""

    team: Team
    cycles: list[PdsaCycle]

    @property
    def decisions(self) -> list[str]:
        return [c.get_decision_display() for c in self.cycles if c.decision]


def ramps_of(viewer: Viewer, network: Network, idea: ChangeIdea) -> list[tuple[object, list[Ramp]]]:
    """The teams that tested ``idea``, grouped by country, each with its ramp (one query, bounded)."""
    cycles = list(
        counted_cycles(viewer, network)
        .filter(change_idea=idea)
        .select_related(
            "team__org_unit__country",
            "team__collaborative__key_measure",
            "measure__indicator",
            "measure__numerator",
            "measure__denominator",
        )
        .order_by("start", "id")[:MAX_CYCLES]
    )
    ramps: dict[int, Ramp] = {}
    for cycle in cycles:
        cycle.change_idea = idea
        ramps.setdefault(cycle.team_id, Ramp(cycle.team, [])).cycles.append(cycle)
    countries: dict[int, list[Ramp]] = {}
    for ramp in ramps.values():
        countries.setdefault(ramp.team.org_unit.country_id, []).append(ramp)
    rows = [
        (
            ramp_list[0].team.org_unit.country,
            sorted(ramp_list, key=lambda r: (r.team.display_name, r.team.pk)),
        )
        for ramp_list in countries.values()
    ]
    return sorted(rows, key=lambda row: row[0].display_name)


def adoptions(ramps: list[tuple[object, list[Ramp]]]) -> list[PdsaCycle]:
    """The adopting cycles, newest decision first, one per team, at most MAX_CHARTS."""
    adopted = [
        cycle
        for _country, team_ramps in ramps
        for ramp in team_ramps
        for cycle in ramp.cycles
        if cycle.decision == PdsaCycle.Decision.ADOPT
    ]
    adopted.sort(key=lambda c: (c.decided_on or c.end, c.pk), reverse=True)
    chosen, teams = [], set()
    for cycle in adopted:
        if cycle.team_id not in teams:
            teams.add(cycle.team_id)
            chosen.append(cycle)
    return chosen[:MAX_CHARTS]


def title_taken(network: Network, title: str, *, exclude: ChangeIdea | None = None) -> ChangeIdea | None:
    """The idea of ``network`` already called ``title`` (letter case aside), if any."""
    ideas = ChangeIdea.objects.filter(network=network, title__iexact=title.strip())
    if exclude is not None:
        ideas = ideas.exclude(pk=exclude.pk)
    return ideas.first()
