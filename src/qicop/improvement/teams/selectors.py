"""Reads of the teams room: the choices of a team's form, a team's driver diagram as a tree, the figures of a
collaborative's team list, and why a team's measure has nothing to chart. The permission-scoped fetches
are ``qicop.improvement.selectors``'s (``team_for``); these take objects already fetched through them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Subquery
from django.utils.translation import gettext as _

from qicop.improvement.models import Collaborative, DriverNode, Team, TeamReport
from qicop.indicators.arithmetic import Mapping
from qicop.indicators.models import DataValue, OrgUnit
from qicop.indicators.permissions import ReadScope
from qicop.network.models import Member

#: The most facilities and districts a team's form lists (a country's whole hierarchy is far too long for
#: a phone: the list shows the first ones by district; see the report of issue 15 for a district filter).
ORG_UNIT_LIMIT = 800
PEOPLE_LIMIT = 500


def org_unit_choices(collaborative: Collaborative) -> list[tuple[str, list[tuple[int, str]]]]:
    """(district or region, [(org unit id, name)]) of the facilities and districts of the collaborative's
    countries: one query."""
    units = (
        OrgUnit.objects.filter(country_id__in=collaborative.country_ids(), level__gte=2)
        .select_related("parent", "parent__country")
        .order_by("country__name", "parent__name", "name", "pk")[:ORG_UNIT_LIMIT]
    )
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit in units:
        group = unit.parent.display_name if unit.parent_id else unit.country.display_name
        groups.setdefault(group, []).append((unit.pk, unit.name))
    return list(groups.items())


def people_choices(collaborative: Collaborative) -> list[tuple[int, str]]:
    """(member id, name) of the network's members from the collaborative's countries: one query."""
    people = (
        Member.objects.filter(
            country_id__in=collaborative.country_ids(), memberships__network_id=collaborative.network_id
        )
        .distinct()
        .order_by("full_name", "pk")
        .values_list("pk", "full_name")[:PEOPLE_LIMIT]
    )
    return list(people)


@dataclass
class Branch:
    """A line of a driver diagram with the lines beneath it (what the drawing and the outline read)."""

    text: str
    kind: str = ""
    change_idea_id: int | None = None
    children: list[Branch] = field(default_factory=list)


def diagram_of(team: Team) -> list[Branch]:
    """The team's driver diagram as a tree of primary drivers: one query."""
    nodes = list(DriverNode.objects.filter(team=team).order_by("order", "pk"))
    branches = {node.pk: Branch(node.text, node.kind, node.change_idea_id) for node in nodes}
    roots: list[Branch] = []
    for node in nodes:
        if node.parent_id is None:
            roots.append(branches[node.pk])
        elif node.parent_id in branches:
            branches[node.parent_id].children.append(branches[node.pk])
    return roots


@dataclass(frozen=True)
class TeamRow:
    team: Team
    score: object  # the latest report's score (Decimal), or None
    score_month: object  # that report's month
    cycles: int


def team_rows(teams: Iterable[Team]) -> list[TeamRow]:
    """Each team with its latest score and its number of PDSA cycles: two queries, whatever the number."""
    teams = list(teams)
    ids = [team.pk for team in teams]
    counts = dict(Team.objects.filter(pk__in=ids).annotate(n=Count("cycles")).values_list("pk", "n"))
    # A draft's score is the team's work in progress: the list shows the latest submitted one.
    latest = (
        TeamReport.objects.filter(team=OuterRef("team_id"))
        .exclude(status=TeamReport.Status.DRAFT)
        .exclude(self_score__isnull=True, coach_score__isnull=True)
        .order_by("-month")
    )
    reports = {
        r.team_id: r for r in TeamReport.objects.filter(team_id__in=ids, pk=Subquery(latest.values("pk")[:1]))
    }
    return [
        TeamRow(
            team,
            reports[team.pk].score if team.pk in reports else None,
            reports[team.pk].month if team.pk in reports else None,
            counts.get(team.pk, 0),
        )
        for team in teams
    ]


def why_missing(user, team: Team, result, scope: ReadScope | None = None) -> str:
    """Why a team's measure has nothing to chart (``result``: its ChartResult, without data), as a code:
    "unmapped" (the country has not mapped the indicator), "problem" (its definition cannot be computed),
    "unpublished" (the facility has values of the measure's data elements that the viewer may not read
    yet) or "none" (no data yet). At most one query; ``scope`` (the viewer's ReadScope) where the caller
    asks for many."""
    series = result.series
    if series.mapping is None:
        return "unmapped"
    if series.problem:
        return "problem"
    # Someone who reads the country's unpublished values too has seen all there is: nothing is held back.
    scope = scope or ReadScope(user)
    if scope.everything or team.org_unit.country_id in scope.countries:
        return "none"
    held = DataValue.objects.filter(
        org_unit__path__startswith=team.org_unit.path,
        data_element__uid__in=Mapping.of(series.mapping).elements,
        deleted=False,
    )
    return "unpublished" if held.exists() else "none"


def why_no_data(user, team: Team, result) -> str:
    """Why a team's measure has nothing to chart, in words (``result``: its ChartResult, without data)."""
    why = why_missing(user, team, result)
    if why == "unmapped":
        return _("%(country)s has not mapped its data to this measure yet, so there is nothing to chart.") % {
            "country": team.org_unit.country.display_name
        }
    if why == "problem":
        return _(
            "This country's definition of the measure cannot be computed. Ask a coordinator to correct it."
        )
    if why == "unpublished":
        return _(
            "%(country)s has data for this team that is not published yet: it shows here once the country "
            "publishes those months."
        ) % {"country": team.org_unit.country.display_name}
    return _("No data yet: the facility's months appear here as soon as they are imported.")
