"""A team's measure as an SPC chart: the network indicator (or the country's data elements) at the team's org
unit, from the shared data (the dashboards' chart pipeline, with its publication rules), with the
collaborative's start and the team's PDSA cycles drawn on it as notes. Every page that shows a team's chart
of a measure calls ``measure_chart``; ``team_chart`` charts a network indicator that need not be a measure of
the collaborative (a change idea's).

A measure on the country's data elements is charted by the same arithmetic as an indicator: it is turned into
a mapping (``#{numerator}`` over ``#{denominator}``, or over "1") and a subject that answers what a chart
reads of an indicator (``ElementMeasure``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from qicop.dashboards.pipeline import ChartOptions, ChartResult, indicator_chart
from qicop.improvement.models import Measure, PdsaCycle, Team
from qicop.indicators.arithmetic import Mapping
from qicop.indicators.models import IndicatorMapping
from qicop.integrations.dhis2.periods import period_of


def month_id(day: date) -> str:
    """The DHIS2 monthly period id of ``day`` ("202611")."""
    return period_of("Monthly", day).id


def watches(cycle: PdsaCycle, measure: Measure) -> bool:
    """Whether ``cycle`` is drawn on the chart of ``measure``: it watches that measure, or names none. An
    unsaved ``measure`` (a chart of an indicator that is not one of the collaborative's measures) is watched
    by the cycles whose measure is on its indicator (their ``measure`` loaded)."""
    if cycle.measure_id is None:
        return True
    if measure.pk is not None:
        return cycle.measure_id == measure.pk
    return measure.indicator_id is not None and cycle.measure.indicator_id == measure.indicator_id


def team_notes(team: Team, measure: Measure, cycles=None) -> list[tuple[str, str]]:
    """(period id, text) notes for a team's chart of ``measure``: the collaborative's start, then each PDSA
    cycle that watches this measure (or names none) at its start, and each adopted change at its decision.
    ``cycles``: the team's cycles when the caller has them (with change_idea), else one query."""
    notes = [(month_id(team.collaborative.start), _("Collaborative starts"))]
    if cycles is None:
        cycles = PdsaCycle.objects.filter(team=team).select_related("change_idea", "measure")
    for cycle in sorted(cycles, key=lambda c: (c.start, c.pk)):
        if not watches(cycle, measure):
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
    """The chart of a network ``indicator`` at ``team``'s org unit as ``user`` may see it, with the team's
    notes: for an indicator that need not be one of the collaborative's measures (a change idea's). The
    cycles drawn are those watching a measure on that indicator (``cycles`` with their measure loaded)."""
    unsaved = Measure(collaborative=team.collaborative, indicator=indicator)
    return _indicator_measure_chart(user, team, unsaved, options=options, today=today, cycles=cycles)


def _indicator_measure_chart(user, team, measure, *, options, today, cycles) -> ChartResult:
    return indicator_chart(
        user,
        measure.indicator,
        team.org_unit,
        options or ChartOptions(),
        today=today,
        extra_notes=tuple(team_notes(team, measure, cycles)),
    )


@dataclass(frozen=True)
class ElementMeasure:
    """What a chart reads of an indicator, for a measure on the country's data elements. ``pk`` is None: it
    has no saved chart settings or notes (they belong to network indicators)."""

    code: str
    name: str
    factor: int
    improvement: str
    chart_kind: str
    target: None = None
    pk: None = None


def subject_of(measure: Measure):
    """What ``measure``'s chart is of: its network indicator, or an ElementMeasure."""
    if not measure.on_elements:
        return measure.indicator
    # A count or an amount alone: an individuals chart; over a denominator, a proportion (x 100) or a rate.
    kind = "i" if measure.denominator_id is None else ("p" if measure.factor == 100 else "u")
    return ElementMeasure(measure.code, measure.name, measure.factor or 1, measure.improvement, kind)


def element_mapping(measure: Measure, country_id: int) -> Mapping:
    """A measure on data elements as the arithmetic's mapping (unsaved: nothing is stored twice)."""
    denominator = f"#{{{measure.denominator.uid}}}" if measure.denominator_id else "1"
    row = IndicatorMapping(
        country_id=country_id, numerator=f"#{{{measure.numerator.uid}}}", denominator=denominator
    )
    return Mapping.of(row)


def measure_chart(
    user,
    team: Team,
    measure: Measure,
    *,
    options: ChartOptions | None = None,
    today: date | None = None,
    cycles=None,
) -> ChartResult:
    """The chart of ``measure`` at ``team``'s org unit as ``user`` may see it, with the team's notes; a
    measure on data elements reads its elements (select_related numerator and denominator) and the
    country's data, as an indicator would."""
    if not measure.on_elements:
        return _indicator_measure_chart(user, team, measure, options=options, today=today, cycles=cycles)
    return indicator_chart(
        user,
        subject_of(measure),
        team.org_unit,
        options or ChartOptions(),
        today=today,
        extra_notes=tuple(team_notes(team, measure, cycles)),
        mapping=element_mapping(measure, team.org_unit.country_id),
    )
