"""A collaborative's monthly team reports and scores as rows for a spreadsheet (CSV or XLSX, through
``integrations.spreadsheet``'s writers for people), each with the month's reading of every measure of the
collaborative (network indicators and the country's data elements alike), as the report's page reads it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Max

from qicop.improvement import selectors
from qicop.improvement.charts import month_id
from qicop.improvement.models import Collaborative, Measure, TeamReport
from qicop.improvement.reports import selectors as reports
from qicop.indicators.models import Publication

#: The most rows an export holds: a collaborative of 60 teams over 10 years is 7 200.
EXPORT_LIMIT = 20_000

COLUMNS = [
    "team",
    "org_unit",
    "month",
    "status",
    "self_score",
    "coach_score",
    "suggested_score",
    "tested",
    "learned",
    "barriers",
    "help_needed",
]


def measure_columns(measures: list[Measure]) -> list[str]:
    """A column a measure, named by its name (and its code, should two measures share a name)."""
    names = [m.title for m in measures]
    return [
        f"{name} ({m.code})" if names.count(name) > 1 or name in COLUMNS else name
        for name, m in zip(names, measures, strict=True)
    ]


def columns(collaborative: Collaborative) -> tuple[list[str], list[Measure]]:
    """The export's columns (the report's, then a column a measure, the key measure first) and its
    measures (one query)."""
    measures = selectors.measures_of(collaborative)
    return COLUMNS + measure_columns(measures), measures


def _published(collaborative: Collaborative) -> set[tuple[int, str]]:
    """(country id, period id) of the months the collaborative's countries have published (one query)."""
    rows = Publication.objects.filter(
        country_id__in=collaborative.country_ids(), period__start_date__gte=collaborative.start.replace(day=1)
    ).values_list("country_id", "period__dhis2_id")
    return set(rows[:EXPORT_LIMIT])


def _reading(reading) -> Decimal | str:
    """A measure's value in the month, as a number; else why there is none, in words."""
    if reading.number is None:
        return reading.missing
    return Decimal(f"{reading.number:.2f}")


def report_rows(user, collaborative: Collaborative, measures: list[Measure]) -> Iterator[dict]:
    """One row a team and month, teams by name and months in order; the month as "2026-11" (a spreadsheet
    sorts it), the status in the reader's words, then each of ``measures`` in that month at the team's
    facility as ``user`` may read it (the report page's reading: a number, or "no data yet" / "not
    published"). One query for the reports, read in chunks, two for the published and last months, and
    each team's charts (the chart pipeline's queries, a measure)."""
    reports_read = (
        TeamReport.objects.filter(team__collaborative=collaborative)
        .select_related("team__org_unit__country")
        .order_by("team__name", "team__org_unit__name", "team_id", "month")[:EXPORT_LIMIT]
    )
    names = measure_columns(measures)
    published = _published(collaborative)
    last_months = dict(
        TeamReport.objects.filter(team__collaborative=collaborative)
        .values("team_id")
        .annotate(last=Max("month"))
        .values_list("team_id", "last")
    )
    team_id, charts = None, []
    for report in reports_read.iterator(chunk_size=500):
        team = report.team
        if team.pk != team_id:
            team.collaborative = collaborative
            # Up to the team's last month reported on: a chart's 36 months cover a collaborative's.
            until = last_months[team.pk]
            team_id, charts = team.pk, reports.measure_charts(user, team, until, cycles=[], measures=measures)
        country = team.org_unit.country_id
        shown = (country, month_id(report.month)) in published
        readings = [reports.reading(m, chart, report.month, published=shown) for m, chart in charts]
        yield {
            "team": team.display_name,
            "org_unit": team.org_unit.display_name,
            "month": f"{report.month:%Y-%m}",
            "status": str(report.get_status_display()),
            "self_score": report.self_score,
            "coach_score": report.coach_score,
            "suggested_score": report.suggested_score,
            "tested": report.tested,
            "learned": report.learned,
            "barriers": report.barriers,
            "help_needed": report.help_needed,
        } | {name: _reading(r) for name, r in zip(names, readings, strict=True)}
