"""A collaborative's picture: its aim against the data, every team's key measure on one scale, each team's
latest value of the other measures (network indicators and the country's data elements alike), the
distribution of teams' scores over time, the change ideas most adopted, and its phases. The page and the
learning-session report (HTML and PDF) both show ``picture(...)``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.charts import small_multiples
from qicop.charts.axes import axis_labels
from qicop.charts.score_distribution import score_distribution
from qicop.core.when import when
from qicop.improvement import selectors
from qicop.improvement.charts import measure_chart
from qicop.improvement.collaboratives.services import add_months
from qicop.improvement.models import (
    SCORES,
    Collaborative,
    CollaborativeMeeting,
    Measure,
    PdsaCycle,
    TeamReport,
)
from qicop.improvement.teams.selectors import why_missing
from qicop.indicators.models import Improvement as Direction
from qicop.indicators.permissions import ReadScope

#: The most teams a picture draws (a national collaborative has a dozen or two).
TEAM_LIMIT = 60
#: The most adopted change ideas listed, and PDSA decisions read to find them.
IDEA_LIMIT = 10
DECISION_LIMIT = 2000
#: The most meetings a collaborative lists as its phases.
MEETING_LIMIT = 60
#: The most measures besides the key one whose latest values the picture shows, team by team (IHI advises
#: a handful of measures; each costs a chart a team).
OTHER_MEASURES = 6


@dataclass(frozen=True)
class Reading:
    """One team's latest value of one of the collaborative's other measures, or why there is none."""

    value: float | None
    month: date | None
    percent: bool
    why_empty: str = ""  # as TeamLine's


@dataclass
class TeamLine:
    """One team in the picture: its chart of the key measure and where it stands against the aim, and its
    latest value of each other measure (``others``, in the order of ``Picture.other_measures``)."""

    team: object
    chart: object = None
    latest: float | None = None
    latest_month: date | None = None
    reached: bool = False
    why_empty: str = ""  # "unmapped", "problem", "unpublished" or "none": why there is no chart
    svg: str = ""
    report: TeamReport | None = None
    others: list[Reading] = field(default_factory=list)


@dataclass
class Phase:
    kind: str  # "learning_session", "action_period", "congress"
    number: int
    start: object
    end: object
    meeting: object = None
    calls: list = field(default_factory=list)


def months_of(collaborative: Collaborative, today: date) -> list[date]:
    """The first day of each month of the collaborative, up to its end or the current month."""
    first, last = collaborative.start.replace(day=1), min(collaborative.end, today).replace(day=1)
    months = []
    while first <= last and len(months) < 120:
        months.append(first)
        first = add_months(first, 1)
    return months


def score_counts(collaborative: Collaborative, months: list[date]) -> list[list[int]]:
    """For each month, how many teams stood at each score of the IHI scale (the coach's once confirmed,
    else the team's own). Drafts do not count: a draft is not yet the team's word. One query."""
    index = {m: i for i, m in enumerate(months)}
    counts = [[0] * len(SCORES) for _month in months]
    reports = TeamReport.objects.filter(
        team__collaborative=collaborative,
        month__in=months,
        status__in=[TeamReport.Status.SUBMITTED, TeamReport.Status.CONFIRMED],
    ).only("month", "self_score", "coach_score")
    for report in reports:
        score = report.score
        if score is not None and score in SCORES and report.month in index:
            counts[index[report.month]][SCORES.index(score)] += 1
    return counts


def most_adopted(collaborative: Collaborative) -> list[dict]:
    """The change ideas the collaborative's teams adopted, the most teams first, with those teams."""
    decisions = (
        PdsaCycle.objects.filter(team__collaborative=collaborative, decision=PdsaCycle.Decision.ADOPT)
        .select_related("change_idea", "team__org_unit")
        .order_by("change_idea_id", "team_id")[:DECISION_LIMIT]
    )
    teams: dict[int, dict] = {}
    ideas = {}
    for cycle in decisions:
        ideas[cycle.change_idea_id] = cycle.change_idea
        teams.setdefault(cycle.change_idea_id, {})[cycle.team_id] = cycle.team
    rows = [
        {"idea": ideas[pk], "teams": sorted(by_team.values(), key=lambda t: t.display_name)}
        for pk, by_team in teams.items()
    ]
    rows.sort(key=lambda row: (-len(row["teams"]), row["idea"].title))
    return rows[:IDEA_LIMIT]


def phases(collaborative: Collaborative) -> list[Phase]:
    """Learning session 1, action period 1 (from the session's end to the next session's start), learning
    session 2, …, the congress; each call in the action period it falls in."""
    links = list(
        CollaborativeMeeting.objects.filter(collaborative=collaborative)
        .select_related("meeting")
        .order_by("meeting__start", "meeting_id")[:MEETING_LIMIT]
    )
    sessions = [link.meeting for link in links if link.role == CollaborativeMeeting.Role.LEARNING_SESSION]
    congress = next((link.meeting for link in links if link.role == CollaborativeMeeting.Role.CONGRESS), None)
    calls = [link.meeting for link in links if link.role == CollaborativeMeeting.Role.CALL]
    out: list[Phase] = []
    for number, session in enumerate(sessions, 1):
        out.append(Phase("learning_session", number, session.start, session.end, session))
        following = sessions[number] if number < len(sessions) else congress
        # In days (the reader's): an action period runs for weeks, and may end with the collaborative.
        end = timezone.localdate(following.start) if following else collaborative.end
        period = Phase("action_period", number, timezone.localdate(session.end), end)
        period.calls = [
            c for c in calls if session.end <= c.start and (following is None or c.start < following.start)
        ]
        out.append(period)
    early = [c for c in calls if not sessions or c.start < sessions[0].start]
    if early:
        out.insert(0, Phase("calls", 0, early[0].start, early[-1].end, calls=early))
    if congress is not None:
        out.append(Phase("congress", 1, congress.start, congress.end, congress))
    return out


def _latest(values) -> tuple[int | None, float | None]:
    known = np.flatnonzero(~np.isnan(values))
    if known.size == 0:
        return None, None
    i = int(known[-1])
    return i, float(values[i])


def _reached(value: float | None, collaborative: Collaborative) -> bool:
    if value is None:
        return False
    target = float(collaborative.aim_target)
    if collaborative.key_measure.improvement == Direction.DOWN:
        return value <= target
    return value >= target


def team_lines(
    user, collaborative: Collaborative, teams: list, measures: list[Measure], *, today: date
) -> list[TeamLine]:
    """Each team's chart of the key measure (``measures[0]``) and its latest value against the aim, and its
    latest value of each other measure, network indicators and the country's data elements alike (all
    through ``measure_chart``). About seven queries a team and measure (the chart pipeline's), plus one for
    all the teams' PDSA cycles."""
    key, others = measures[0], measures[1:]
    scope = ReadScope(user)
    cycles = defaultdict(list)
    for cycle in PdsaCycle.objects.filter(team__in=teams).select_related("change_idea", "measure"):
        cycles[cycle.team_id].append(cycle)
    lines = []
    for team in teams:
        team.collaborative = collaborative
        result = measure_chart(user, team, key, today=today, cycles=cycles[team.pk])
        line = TeamLine(team, result)
        if result.has_data:
            i, line.latest = _latest(result.values)
            line.latest_month = result.periods[i].start if i is not None else None
            line.reached = _reached(line.latest, collaborative)
        else:
            line.why_empty = why_missing(user, team, result, scope)
        for measure in others:
            other = measure_chart(user, team, measure, today=today, cycles=cycles[team.pk])
            line.others.append(_reading(user, team, other, measure, scope))
        lines.append(line)
    _draw_multiples(lines, collaborative)
    return lines


def _reading(user, team, result, measure: Measure, scope) -> Reading:
    percent = measure.scale == 100
    if not result.has_data:
        return Reading(None, None, percent, why_missing(user, team, result, scope))
    i, value = _latest(result.values)
    return Reading(value, result.periods[i].start if i is not None else None, percent)


def _draw_multiples(lines: list[TeamLine], collaborative: Collaborative) -> None:
    """Each team's chart as its own small drawing, all on one y scale (the target included), so heights
    compare and a phone shows them one under the other at a readable size."""
    drawn = [line for line in lines if line.chart is not None and line.chart.has_data]
    if not drawn:
        return
    values = [float(collaborative.aim_target)]
    for line in drawn:
        y = line.chart.spc.result.y
        values += [float(v) for v in y[np.isfinite(y)]]
    y_range = (min(values), max(values))
    indicator = collaborative.key_measure
    for line in drawn:
        ids = line.chart.plausible.ids
        names = [axis_labels([period_id], translate=_)[0] for period_id in ids]
        name = line.team.display_name
        line.svg = small_multiples(
            [("", line.chart.spc.result, names)],
            y_range=y_range,
            title=name,
            description=_("%(indicator)s at %(team)s, on the scale of every team of the collaborative")
            % {"indicator": indicator.name, "team": name},
            columns=1,
            cell_width=250,
            translate=_,
        ).to_svg()


@dataclass
class Picture:
    collaborative: Collaborative
    teams: list
    measures: list[Measure]  # all of the collaborative's, the key measure first
    lines: list[TeamLine]
    reached: int
    with_data: int
    months: list[date]
    counts: list[list[int]]
    distribution_svg: str
    adopted: list[dict]
    phases: list[Phase]

    @property
    def other_measures(self) -> list[Measure]:
        """The measures besides the key one, at most OTHER_MEASURES (the picture's table of them)."""
        return self.measures[1 : OTHER_MEASURES + 1]

    @property
    def score_labels(self) -> list[str]:
        return [f"{s:.1f}" for s in SCORES]

    @property
    def score_rows(self) -> list[dict]:
        """The numbers of the score distribution, one row a month, for the table under the drawing."""
        return [
            {"month": m, "counts": c, "total": sum(c)} for m, c in zip(self.months, self.counts, strict=True)
        ]


def _distribution(collaborative, months, counts) -> str:
    labels = [when(m, "month") for m in months]
    return score_distribution(
        labels,
        counts,
        scores=[f"{s:.1f}" for s in SCORES],
        title=_("Teams' scores, month by month"),
        description=_(
            "How many teams stood at each score of the IHI assessment scale in each month of %(name)s."
        )
        % {"name": collaborative.name},
        translate=_,
    ).to_svg()


def latest_reports(teams: list) -> dict[int, TeamReport]:
    """Each team's latest report that is not a draft (one query)."""
    latest = {}
    reports = (
        TeamReport.objects.filter(team__in=teams).exclude(status=TeamReport.Status.DRAFT).order_by("month")
    )
    for report in reports:
        latest[report.team_id] = report
    return latest


def picture(
    user, collaborative: Collaborative, *, today: date | None = None, with_reports: bool = False
) -> Picture:
    """Everything the collaborative's page and its learning-session report show, as ``user`` may see it."""
    today = today or timezone.localdate()
    teams = list(selectors.teams_of(collaborative)[:TEAM_LIMIT])
    measures = selectors.measures_of(collaborative)
    lines = team_lines(user, collaborative, teams, measures[: OTHER_MEASURES + 1], today=today)
    if with_reports:
        reports = latest_reports(teams)
        for line in lines:
            line.report = reports.get(line.team.pk)
    months = months_of(collaborative, today)
    counts = score_counts(collaborative, months)
    # The months after the last one any team reported on are not yet scored, not scored zero: leave them out.
    while months and not any(counts[-1]):
        months, counts = months[:-1], counts[:-1]
    return Picture(
        collaborative=collaborative,
        teams=teams,
        measures=measures,
        lines=lines,
        reached=sum(1 for line in lines if line.reached),
        with_data=sum(1 for line in lines if line.latest is not None),
        months=months,
        counts=counts,
        distribution_svg=_distribution(collaborative, months, counts),
        adopted=most_adopted(collaborative),
        phases=phases(collaborative),
    )
