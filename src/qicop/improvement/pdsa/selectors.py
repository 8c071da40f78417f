"""Reads of PDSA cycles within one team the viewer may see (the team comes from selectors.team_for)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.http import Http404
from django.utils.translation import gettext as _

from qicop.core.models import AuditEntry
from qicop.improvement.charts import measure_chart, month_id
from qicop.improvement.models import ChangeIdea, PdsaCycle, Team
from qicop.improvement.teams.selectors import why_no_data

#: The most cycles a team's ramps show (a team runs a few dozen over a collaborative).
RAMPS_LIMIT = 300
#: The most cycles one ramp shows.
RAMP_LIMIT = 100


def cycles_of_team(team: Team) -> list[PdsaCycle]:
    """The team's cycles for ``improvement/pdsa/_ramps.html``: grouped by change idea, in order within each
    ramp, each with its idea and team (one query)."""
    cycles = list(
        PdsaCycle.objects.filter(team=team)
        .select_related("change_idea")
        .order_by("change_idea__title", "start", "id")[:RAMPS_LIMIT]
    )
    for cycle in cycles:
        cycle.team = team
    return cycles


def ramp_of(cycle: PdsaCycle) -> list[PdsaCycle]:
    """The cycles of the same team on the same change idea, in order (one query)."""
    ramp = list(
        PdsaCycle.objects.filter(team_id=cycle.team_id, change_idea_id=cycle.change_idea_id)
        .only("id", "title", "start", "end", "stage", "decision", "previous_id", "team_id", "change_idea_id")
        .order_by("start", "id")[:RAMP_LIMIT]
    )
    for other in ramp:
        other.team = cycle.team
    return ramp


def place_in_ramp(cycle: PdsaCycle, ramp: list[PdsaCycle]) -> dict:
    """The cycle's position on its ramp (from 1), the cycles before and after it, and the cycle that
    follows it by the Act decision to adapt (``next_cycle``), all read from ``ramp``."""
    index = next((i for i, other in enumerate(ramp) if other.pk == cycle.pk), 0)
    return {
        "position": index + 1,
        "previous": ramp[index - 1] if index > 0 else None,
        "next": ramp[index + 1] if index + 1 < len(ramp) else None,
        "next_cycle": next((other for other in ramp if other.previous_id == cycle.pk), None),
    }


def adapted_cycle_for(team: Team, cycle_id: str | None) -> PdsaCycle | None:
    """The cycle a new one follows (``?after=``): one of the team's, adapted, not yet followed."""
    if not cycle_id or not str(cycle_id).isdigit():
        return None
    previous = (
        PdsaCycle.objects.filter(team=team, pk=int(cycle_id), decision=PdsaCycle.Decision.ADAPT)
        .select_related("change_idea")
        .first()
    )
    if previous is None:
        raise Http404("No such adapted cycle")
    previous.team = team
    return previous


def idea_for_plan(team: Team, idea_id: str | None) -> ChangeIdea | None:
    """The change idea a new cycle is to test (``?idea=``): one of the network's, not retired; else none."""
    if not idea_id or not str(idea_id).isdigit():
        return None
    return ChangeIdea.objects.filter(
        network_id=team.collaborative.network_id, pk=int(idea_id), retired=False
    ).first()


def months_of(cycle: PdsaCycle) -> list[date]:
    """The first day of each month the cycle covered, from its start to its end."""
    months, day = [], date(cycle.start.year, cycle.start.month, 1)
    while day <= cycle.end:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def chart_today(cycle: PdsaCycle) -> date:
    """The "today" that ends a chart with the cycle's last month (the chart shows complete months before
    today): the first day of the month after the cycle ended."""
    last = months_of(cycle)[-1]
    return date(last.year + (last.month == 12), last.month % 12 + 1, 1)


@dataclass
class StudyChart:
    """The team's chart of the cycle's measure, ending with the cycle's last month, and the value of each
    month the cycle covered. ``why``: why there is nothing to draw, in plain words (empty when there is)."""

    svg: str = ""
    svg_narrow: str = ""
    story: list = field(default_factory=list)
    months: list[tuple[date, float | None]] = field(default_factory=list)
    why: str = ""


def study_chart(user, cycle: PdsaCycle) -> StudyChart:
    """The chart of the cycle's measure (a network indicator or the country's data elements), or why there
    is none: no measure named, the indicator not mapped or not computable, or no data (yet, or published)."""
    measure = cycle.measure
    if measure is None:
        return StudyChart(
            why=_("This cycle names no measure to watch: choose one in its plan to see its chart.")
        )
    result = measure_chart(user, cycle.team, measure, today=chart_today(cycle))
    if result.series.mapping is None:
        return StudyChart(
            why=_("This country has not mapped its data to “%(measure)s” yet, so there is nothing to chart.")
            % {"measure": measure.title}
        )
    if result.series.problem:
        return StudyChart(
            why=_(
                "This country's definition of “%(measure)s” cannot be computed, so there is nothing to chart."
            )
            % {"measure": measure.title}
        )
    if not result.has_data:
        return StudyChart(why=why_no_data(user, cycle.team, result))
    values = dict(zip(result.series.ids, result.values, strict=True))
    months = []
    for month in months_of(cycle):
        value = values.get(month_id(month))
        months.append((month, None if value is None or math.isnan(value) else float(value)))
    return StudyChart(
        svg=result.drawing().to_svg(id_prefix="study-wide"),
        svg_narrow=result.drawing(width=360, height=280).to_svg(id_prefix="study-narrow"),
        story=result.story,
        months=months,
    )


#: The audit verbs of the stages, in order, as services.py writes them.
STAGE_VERBS = ("pdsa.plan", "pdsa.do", "pdsa.study", "pdsa.act")


def recorded_by(cycle: PdsaCycle) -> dict[str, AuditEntry]:
    """Who last recorded each stage of the cycle, and when: {"plan": entry, "do": …} from the audit log
    (one query). A stage recorded outside the services (an import, the demo) has no entry."""
    entries = (
        AuditEntry.objects.filter(
            target_type=PdsaCycle._meta.label_lower,
            target_id=str(cycle.pk),
            verb__in=(*STAGE_VERBS, "pdsa.update_plan"),
        )
        .select_related("actor__member")
        .order_by("created_at", "id")[:50]
    )
    found: dict[str, AuditEntry] = {}
    for entry in entries:
        stage = "plan" if entry.verb == "pdsa.update_plan" else entry.verb.removeprefix("pdsa.")
        found[stage] = entry
    return found
