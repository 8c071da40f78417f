"""A team's measure as an SPC chart: the network indicator at the team's org unit, from the shared data (the
dashboards' chart pipeline, with its publication rules), with the collaborative's start and the team's PDSA
cycles drawn on it as notes. Every page that shows a team's chart calls ``team_chart``."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from qicop.dashboards.pipeline import ChartOptions, ChartResult, indicator_chart
from qicop.improvement.models import PdsaCycle, Team
from qicop.integrations.dhis2.periods import period_of


def month_id(day: date) -> str:
    """The DHIS2 monthly period id of ``day`` ("202611")."""
    return period_of("Monthly", day).id


def team_notes(team: Team, indicator, cycles=None) -> list[tuple[str, str]]:
    """(period id, text) notes for a team's chart of ``indicator``: the collaborative's start, then each PDSA
    cycle that watches this measure (or names none) at its start, and each adopted change at its decision.
    ``cycles``: the team's cycles when the caller has them (with change_idea), else one query."""
    notes = [(month_id(team.collaborative.start), _("Collaborative starts"))]
    if cycles is None:
        cycles = PdsaCycle.objects.filter(team=team).select_related("change_idea")
    for cycle in sorted(cycles, key=lambda c: (c.start, c.pk)):
        if cycle.measure_id not in (None, indicator.pk):
            continue
        notes.append((month_id(cycle.start), _("PDSA: %(title)s") % {"title": cycle.title}))
        if cycle.decision == PdsaCycle.Decision.ADOPT and cycle.decided_on:
            notes.append(
                (month_id(cycle.decided_on), _("Adopted: %(idea)s") % {"idea": cycle.change_idea.title})
            )
    return notes


def team_chart(
    user,
    team: Team,
    indicator,
    *,
    options: ChartOptions | None = None,
    today: date | None = None,
    cycles=None,
) -> ChartResult:
    """The chart of ``indicator`` at ``team``'s org unit as ``user`` may see it, with the team's notes."""
    return indicator_chart(
        user,
        indicator,
        team.org_unit,
        options or ChartOptions(),
        today=today,
        extra_notes=tuple(team_notes(team, indicator, cycles)),
    )
