"""Reads of monthly team reports: a team's months with their reports, the measures of a month read from the
data (never typed), and the reports a team lead owes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.dashboards import plain_words
from qicop.improvement import selectors
from qicop.improvement.charts import measure_chart, month_id
from qicop.improvement.models import Measure, PdsaCycle, Team, TeamReport
from qicop.improvement.reports import calendar
from qicop.indicators.models import Publication
from qicop.network.models import Network

#: The most teams a lead's home lists reports for, and the most owed reports it shows.
OWED_TEAMS_LIMIT = 20
OWED_LIMIT = 8


@dataclass(frozen=True)
class MonthRow:
    """One month a team reports on, with its report when there is one."""

    month: date
    report: TeamReport | None
    due: datetime
    late: bool


def reports_of(team: Team) -> list[TeamReport]:
    """The team's reports, oldest month first (one query; a collaborative lasts 6 to 18 months)."""
    return list(TeamReport.objects.filter(team=team).order_by("month")[:120])


def month_rows(team: Team, reports, zone, now: datetime | None = None) -> list[MonthRow]:
    """Each month of the team's collaborative so far (in ``zone``'s today), newest first, with its report
    (from ``reports``: no query) and its due time."""
    now = now or timezone.now()
    by_month = {report.month: report for report in reports}
    today = calendar.local_today(zone, now)
    rows = []
    for month in reversed(calendar.report_months(team.collaborative, today)):
        report = by_month.get(month)
        due = calendar.due_at(month, zone)
        filed = report is not None and report.status != TeamReport.Status.DRAFT
        rows.append(MonthRow(month, report, due, late=not filed and now > due))
    return rows


def team_zone(team: Team):
    """The team's country's zone (one query unless the org unit's country is loaded)."""
    return calendar.zone_of(team.org_unit.country)


# ------------------------------------------------------------------------------------- measures of a month


@dataclass(frozen=True)
class MeasureReading:
    """A collaborative measure at the team's org unit for one month, as read from the shared data."""

    measure: Measure  # a network indicator's or the country's data elements'
    kind: str
    value: str  # in the reader's numbers, "" when missing
    missing: str  # why there is no value: "no data yet", "not published" (in words), or ""
    chart: object  # the ChartResult up to the month
    number: float | None = None  # the value itself, for a spreadsheet

    @property
    def name(self) -> str:
        """The measure's name: its indicator's, or the one given to a measure on data elements."""
        return self.measure.title


def measure_charts(user, team: Team, month: date, cycles=None, measures=None) -> list[tuple[Measure, object]]:
    """(measure, chart up to ``month``) for each of the collaborative's measures, network indicators and the
    country's data elements alike (the key measure first; ``measures`` where the caller has them): what a
    report's measures and its suggested score are read from."""
    if measures is None:
        measures = selectors.measures_of(team.collaborative)
    if cycles is None:
        cycles = list(PdsaCycle.objects.filter(team=team).select_related("change_idea", "measure"))
    until = calendar.next_month(month)  # the chart's last complete month is the month reported on
    return [(m, measure_chart(user, team, m, today=until, cycles=cycles)) for m in measures]


def value_at(chart, month: date) -> float | None:
    ids = chart.series.ids
    period = month_id(month)
    if period not in ids:
        return None
    value = float(chart.values[ids.index(period)])
    return value if math.isfinite(value) else None


def month_measures(team: Team, month: date, charts) -> list[MeasureReading]:
    """The value of each measure at the team's org unit for ``month``, from ``charts`` (measure_charts);
    a missing one says why: not published (the country has not published the month) or no data yet."""
    published = Publication.objects.filter(
        country_id=team.org_unit.country_id, period__dhis2_id=month_id(month)
    ).exists()
    return [reading(measure, chart, month, published=published) for measure, chart in charts]


def reading(measure: Measure, chart, month: date, *, published: bool) -> MeasureReading:
    """``measure``'s value in ``month`` from its ``chart``, in words, or why it is missing: the month is not
    published (for the chart's reader) or has no data yet."""
    value = value_at(chart, month)
    if value is not None:
        text, missing = plain_words.amount(value, measure.scale == 100), ""
    else:
        text, missing = "", (_("no data yet") if published else _("not published"))
    return MeasureReading(measure, measure.get_kind_display(), text, missing, chart, value)


# ------------------------------------------------------------------------------------------ owed reports


@dataclass(frozen=True)
class Owed:
    team: Team
    month: date
    due: datetime
    late: bool
    report: TeamReport | None  # a draft, when one was started


def owed_reports(member_id: int | None, network: Network, now: datetime | None = None) -> list[Owed]:
    """The reports ``member`` owes as lead of a team of ``network``'s collaboratives: every month that has
    ended without a submitted report, most urgent (earliest due) first (a page shows the first OWED_LIMIT).
    Two queries."""
    if member_id is None:
        return []
    now = now or timezone.now()
    teams = list(
        Team.objects.filter(lead_id=member_id, collaborative__network=network)
        .select_related("collaborative__network", "org_unit__country")
        .order_by("collaborative__start", "pk")[:OWED_TEAMS_LIMIT]
    )
    if not teams:
        return []
    reports = {
        (r.team_id, r.month): r
        for r in TeamReport.objects.filter(team__in=teams).only("pk", "team_id", "month", "status")
    }
    owed = []
    for team in teams:
        zone = calendar.zone_of(team.org_unit.country)
        this_month = calendar.first_of(calendar.local_today(zone, now))
        for month in calendar.report_months(team.collaborative, calendar.local_today(zone, now)):
            report = reports.get((team.pk, month))
            if month >= this_month or (report is not None and report.status != TeamReport.Status.DRAFT):
                continue
            due = calendar.due_at(month, zone)
            owed.append(Owed(team, month, due, now > due, report))
    owed.sort(key=lambda o: (o.due, o.team.pk))
    return owed
