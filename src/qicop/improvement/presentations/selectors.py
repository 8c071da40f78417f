"""Reads for a case presentation's evidence: the case itself (404 when missing or in another network), the
choices its country may show, the evidence as a page shows it (the team, the chart at the meeting's date,
the PDSA ramp) and, once the session is over, what happened since (the team's new cycles, the chart up to
date, the actions agreed for the country)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.improvement import permissions, selectors
from qicop.improvement.charts import measure_chart
from qicop.improvement.models import ChangeIdea, Measure, PdsaCycle, PresentationEvidence, Team
from qicop.improvement.teams.selectors import why_no_data
from qicop.meetings.models import ActionItem, CasePresentation, Meeting
from qicop.network.models import Network
from qicop.network.permissions import Viewer, viewer_for

#: The most choices a form offers, and the most cycles or actions a page lists (a team logs a few a month).
CHOICE_LIMIT = 200
LIST_LIMIT = 50


def case_for(network: Network, case_id: int) -> CasePresentation:
    """A case presentation of one of ``network``'s meetings (every participant sees them, as the meetings
    app shows them)."""
    case = (
        CasePresentation.objects.filter(meeting__network=network, pk=case_id)
        .select_related("country", "meeting", "meeting__network")
        .first()
    )
    if case is None:
        raise Http404("No such case presentation")
    return case


def meeting_date(meeting: Meeting) -> date:
    """The day the session took place, on the organiser's clock."""
    return timezone.localtime(meeting.start, ZoneInfo(meeting.time_zone or "UTC")).date()


def drawn_until(meeting: Meeting) -> date:
    """The day a case's chart is drawn up to: the session's, or today's while it is still to come (a
    chart of months not yet over would be empty)."""
    return min(meeting_date(meeting), timezone.localdate())


def is_over(meeting: Meeting, now=None) -> bool:
    """Whether the session has begun: recommendations and what happened since only make sense after it."""
    return meeting.start <= (now or timezone.now())


# --- the form's choices -----------------------------------------------------------------------------------


def teams_in_reach(viewer: Viewer, network: Network) -> QuerySet[Team]:
    """The teams of the collaboratives the viewer may see: what a form accepts before the service says
    whether the team is the case's country's."""
    return Team.objects.filter(
        collaborative__in=selectors.visible_collaboratives(viewer, network).values("pk")
    ).select_related("collaborative", "org_unit", "org_unit__country")


def teams_of_country(viewer: Viewer, network: Network, country_id: int) -> list[Team]:
    """What the form proposes: the teams of the country's collaboratives (by their facility's country)."""
    teams = teams_in_reach(viewer, network).filter(org_unit__country_id=country_id)
    return list(teams.order_by("collaborative__name", "name", "org_unit__name", "id")[:CHOICE_LIMIT])


def measures_in_reach(viewer: Viewer, network: Network) -> QuerySet[Measure]:
    """The measures of the collaboratives the viewer may see, network indicators and the country's data
    elements alike: what a form accepts before the service says whether it is the team's collaborative's."""
    return selectors.measure_rows().filter(
        collaborative__in=selectors.visible_collaboratives(viewer, network).values("pk")
    )


def measures_of(teams: list[Team]) -> list[Measure]:
    """The measures of these teams' collaboratives, collaborative by collaborative."""
    collaboratives = {t.collaborative_id for t in teams}
    measures = (
        selectors.measure_rows().select_related("collaborative").filter(collaborative__in=collaboratives)
    )
    return list(measures.order_by("collaborative__name", "collaborative_id", "order", "id")[:CHOICE_LIMIT])


def ideas_tested_by(teams: list[Team]) -> list[ChangeIdea]:
    """The change ideas these teams tested in PDSA cycles (each idea once)."""
    ids = PdsaCycle.objects.filter(team__in=[t.pk for t in teams]).values("change_idea_id")
    return list(ChangeIdea.objects.filter(pk__in=ids).order_by("title")[:CHOICE_LIMIT])


def is_measure_of(measure: Measure, team: Team) -> bool:
    return measure.collaborative_id == team.collaborative_id


# --- the evidence as a page shows it ---------------------------------------------------------------------


@dataclass
class ChartView:
    """One drawing of a team's measure, or why there is none."""

    svg: str = ""
    story: list = field(default_factory=list)
    why_empty: str = ""


@dataclass
class SinceView:
    """What happened since the session: the team's cycles begun after it, the chart up to today, and the
    actions agreed at the meeting for the country."""

    cycles: list[PdsaCycle]
    cycle_count: int
    chart: ChartView | None
    actions: list[ActionItem]


@dataclass
class EvidenceView:
    evidence: PresentationEvidence
    case: CasePresentation
    team: Team
    can_see_workspace: bool
    chart: ChartView | None
    ramp: list[PdsaCycle]
    since: SinceView | None


def evidence_of_meeting(meeting_id: int) -> dict[int, PresentationEvidence]:
    """The evidence of every case of a meeting, by case id, in two queries (a meeting page shows several)."""
    rows = (
        PresentationEvidence.objects.filter(case_presentation__meeting_id=meeting_id)
        .select_related(
            "case_presentation",
            "case_presentation__country",
            "team",
            "team__lead",
            "team__org_unit",
            "team__org_unit__country",
            "team__collaborative",
            "team__collaborative__network",
            "measure__indicator",
            "measure__numerator",
            "measure__denominator",
            "change_idea",
        )
        .prefetch_related("team__collaborative__other_countries")
    )
    return {row.case_presentation_id: row for row in rows[:LIST_LIMIT]}


def actions_for_case(case: CasePresentation) -> QuerySet[ActionItem]:
    """The actions agreed at the case's meeting for the case's country: those its recommendations became,
    and any the minutes gave the country (an action records no case of its own)."""
    return (
        ActionItem.objects.filter(meeting_id=case.meeting_id, country_id=case.country_id)
        .select_related("owner")
        .order_by("due", "id")[:LIST_LIMIT]
    )


def chart_view(
    user, team: Team, measure: Measure | None, *, today: date | None, cycles, key: str
) -> ChartView:
    """The chart of ``measure`` (a network indicator's or the country's data elements') at the team's
    facility up to ``today`` (None: up to date), drawn once at a size that stays readable on a phone (a page
    may hold two); ``key`` keeps its SVG ids apart."""
    if measure is None:
        return ChartView(
            why_empty=_(
                "The measure this presentation showed is no longer one of the collaborative's measures."
            )
        )
    result = measure_chart(user, team, measure, today=today, cycles=cycles)
    if result.series.mapping is None:
        return ChartView(
            why_empty=_(
                "This country has not mapped its data to this indicator yet, so there is nothing to chart."
            )
        )
    if result.series.problem:
        return ChartView(
            why_empty=_(
                "This country's definition of the indicator cannot be computed, so there is nothing to "
                "chart. Ask a coordinator to correct it."
            )
        )
    if not result.has_data:
        return ChartView(why_empty=why_no_data(user, team, result))
    return ChartView(svg=result.drawing(width=480, height=300).to_svg(id_prefix=key), story=result.story)


def team_cycles(team: Team) -> list[PdsaCycle]:
    """The team's cycles, oldest first, with what the ramp and the chart's notes read."""
    cycles = PdsaCycle.objects.filter(team=team).select_related("change_idea", "team", "measure")
    return list(cycles.order_by("start", "id")[:500])


def since_view(user, evidence: PresentationEvidence, cycles: list[PdsaCycle]) -> SinceView:
    case = evidence.case_presentation
    day = meeting_date(case.meeting)
    new = [c for c in cycles if c.start > day]
    return SinceView(
        cycles=new[:LIST_LIMIT],
        cycle_count=len(new),
        chart=chart_view(
            user, evidence.team, evidence.measure, today=None, cycles=cycles, key=f"since{case.pk}"
        ),
        actions=list(actions_for_case(case)),
    )


def evidence_view(user, case: CasePresentation, evidence: PresentationEvidence | None, *, since: bool = True):
    """The evidence of ``case`` as ``user`` sees it on a meeting's pages, or None when there is none. The
    chart is drawn with ``user``'s rights on the data (the publication rules); links to the team's workspace
    show only to those who may open it. ``since``: add what happened after the session, once it is over."""
    if evidence is None:
        return None
    evidence.case_presentation = case
    team = evidence.team
    viewer = viewer_for(user)
    cycles = team_cycles(team)
    for cycle in cycles:
        cycle.team = team
    chart = chart_view(
        user, team, evidence.measure, today=drawn_until(case.meeting), cycles=cycles, key=f"case{case.pk}"
    )
    ramp = [c for c in cycles if evidence.change_idea_id and c.change_idea_id == evidence.change_idea_id]
    return EvidenceView(
        evidence=evidence,
        case=case,
        team=team,
        can_see_workspace=permissions.can_view_workspaces(viewer, team.collaborative),
        chart=chart,
        ramp=ramp[:LIST_LIMIT],
        since=since_view(user, evidence, cycles) if since and is_over(case.meeting) else None,
    )


def previous_session(meeting: Meeting) -> Meeting | None:
    """The series' session before ``meeting`` (cancelled ones aside), whose cases it follows up."""
    if meeting.series_id is None:
        return None
    return (
        Meeting.objects.filter(series_id=meeting.series_id, start__lt=meeting.start)
        .exclude(status=Meeting.Status.CANCELLED)
        .filter(~Q(pk=meeting.pk))
        .order_by("-start")
        .first()
    )
