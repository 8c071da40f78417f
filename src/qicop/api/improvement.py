"""Read endpoints of improvement work (collaboratives, teams, PDSA cycles, monthly reports and scores, the
change-idea library), with exactly the pages' permissions: what a page would not show is 404 here, whatever
the identifier asked for — a collaborative its country has not shared is, for other countries, as if
missing, and so are its teams, cycles, reports and scores, and its cycles in the library's counts."""

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from qicop.api.network import ERRORS, NO_NUL, Pages, ShapedPage, Slug
from qicop.improvement import permissions, selectors
from qicop.improvement.changes import selectors as library
from qicop.improvement.models import Collaborative, Measure, PdsaCycle, Team, TeamReport
from qicop.network import selectors as network_selectors

router = Router(tags=["improvement"])


class MeasureOut(Schema):
    id: int | None = Field(None, description="None for a key measure that no row holds yet.")
    name: str
    code: str = Field(
        ...,
        description="Names the measure in its chart's address: the indicator's code, or \"measure-<id>\".",
    )
    kind: str = Field(..., description='"outcome", "process" or "balancing".')
    source: str = Field(
        ..., description='"indicator" (a network indicator) or "data_elements" (the country\'s own).'
    )
    key: bool = Field(..., description="Whether it is the key measure, which the aim is checked against.")
    indicator: str | None = Field(None, description="The network indicator's code (source indicator).")
    numerator: str | None = Field(
        None, description="The numerator data element's DHIS2 uid (source data_elements)."
    )
    denominator: str | None = Field(
        None, description="The denominator data element's uid, if any (source data_elements)."
    )
    factor: int = Field(..., description="What a value is multiplied by: 100 for a percentage.")
    direction: str = Field(..., description='"up" (higher is better) or "down".')


def _measures_out(measures: list[Measure]) -> list[dict]:
    """``measures`` as the API gives them, the first the key measure (as ``selectors.key_first`` orders)."""
    return [_measure_out(m, key=i == 0) for i, m in enumerate(measures)]


def _measure_out(m: Measure, *, key: bool) -> dict:
    return {
        "id": m.pk,
        "name": m.title,
        "code": m.code,
        "kind": m.kind,
        "source": "data_elements" if m.on_elements else "indicator",
        "key": key,
        "indicator": None if m.on_elements else m.indicator.code,
        "numerator": m.numerator.uid if m.on_elements else None,
        "denominator": m.denominator.uid if m.denominator_id else None,
        "factor": m.scale,
        "direction": m.direction,
    }


class CollaborativeOut(Schema):
    id: int
    name: str
    topic: str
    start: date
    end: date
    aim: str
    aim_target: Decimal
    aim_date: date
    key_measure: str = Field(..., description="The network indicator's code.")
    country: str = Field(..., description="ISO code of the country that runs it.")
    other_countries: list[str]
    shared: bool
    measures: list[MeasureOut] = Field(
        ..., description="Its measures, network indicators and the country's data elements alike, key first."
    )


def _collaborative_out(c: Collaborative, measures: list[Measure]) -> dict:
    return {
        "id": c.pk,
        "name": c.name,
        "topic": c.topic,
        "start": c.start,
        "end": c.end,
        "aim": c.aim,
        "aim_target": c.aim_target,
        "aim_date": c.aim_date,
        "key_measure": c.key_measure.code,
        "country": c.country.iso2,
        "other_countries": sorted(o.iso2 for o in c.other_countries.all()),
        "shared": c.shared,
        "measures": _measures_out(measures),
    }


class TeamOut(Schema):
    id: int
    collaborative: int
    name: str
    facility_uid: str = Field(..., description="The DHIS2 uid of the team's org unit.")
    country: str
    lead: str | None
    coach: str | None


class TeamMemberOut(Schema):
    name: str
    role: str
    member_id: int | None
    consumer: bool


class TeamDetailOut(TeamOut):
    aim: str
    members: list[TeamMemberOut]
    measures: list[MeasureOut] = Field(
        ..., description="The measures charted for the team's facility: its collaborative's, key first."
    )


def _team_out(team: Team) -> dict:
    return {
        "id": team.pk,
        "collaborative": team.collaborative_id,
        "name": team.display_name,
        "facility_uid": team.org_unit.uid,
        "country": team.org_unit.country.iso2,
        "lead": team.lead.full_name if team.lead else None,
        "coach": team.coach.full_name if team.coach else None,
    }


class CycleOut(Schema):
    id: int
    title: str
    change_idea: int
    change_idea_title: str
    previous: int | None
    stage: str
    objective: str
    prediction: str
    plan: str
    measure: str | None = Field(
        None, description='The code of the measure it watches: an indicator\'s, or "measure-<id>".'
    )
    measure_name: str | None = None
    start: date
    end: date
    observations: str
    problems: str
    result: str
    learned: str
    decision: str = Field(..., description='"adopt", "adapt", "abandon", or "" while undecided.')
    next_steps: str
    decided_on: date | None


class ReportOut(Schema):
    id: int
    month: date = Field(..., description="The first day of the month reported on.")
    status: str
    tested: str
    learned: str
    barriers: str
    help_needed: str
    self_score: Decimal | None
    suggested_score: Decimal | None
    coach_score: Decimal | None
    coach_reason: str
    score: Decimal | None = Field(None, description="The coach's score once confirmed, else the team's.")


class ScoreOut(Schema):
    team: int
    team_name: str
    month: date
    status: str
    self_score: Decimal | None
    suggested_score: Decimal | None
    coach_score: Decimal | None
    score: Decimal | None


class OutcomesOut(Schema):
    tested: int = Field(..., description="PDSA cycles on the idea, in the collaboratives the caller may see.")
    adopted: int
    adapted: int
    abandoned: int


class ChangeIdeaOut(Schema):
    id: int
    title: str
    description: str
    indicator: str | None = Field(None, description="The network indicator's code.")
    cascade_step: str = Field(..., description="The indicator's topic.")
    country: str | None = Field(None, description="Where it was first proposed.")
    retired: bool
    outcomes: OutcomesOut
    tested_in: list[str] = Field(..., description="ISO codes of the countries whose teams tested it.")


class RampOut(Schema):
    team: int
    team_name: str
    country: str
    collaborative: int
    decisions: list[str]
    cycles: list[int] | None = Field(
        None, description="The ramp's cycle ids, for those who may read team workspaces (observers not)."
    )


class ChangeIdeaDetailOut(ChangeIdeaOut):
    ramps: list[RampOut]
    case_studies: list[int] = Field(..., description="Ids of the published case studies that cite it.")


class LibraryFilters(Schema):
    indicator: str = Field("", pattern=NO_NUL, description="A network indicator's code.")
    country: str = Field("", pattern=NO_NUL, description="ISO code: tested or proposed there.")
    outcome: str = Field("", pattern="^(|adopt|adapt|abandon)$")
    retired: bool = False


def _collaborative(request, slug, collaborative_id):
    viewer, network = network_selectors.network_page(request.user, slug)
    return viewer, network, selectors.collaborative_for(viewer, network, collaborative_id)


@router.get("/networks/{slug}/collaboratives", response={200: list[CollaborativeOut], **ERRORS})
@paginate(Pages)
def list_collaboratives(request, slug: Slug):
    """The collaboratives the caller may see: their country's, the shared ones (all for a coordinator)."""
    viewer, network = network_selectors.network_page(request.user, slug)
    collaboratives = (
        selectors.with_people(selectors.visible_collaboratives(viewer, network))
        .prefetch_related(Prefetch("measures", queryset=selectors.measure_rows()))
        .order_by("-start", "name", "id")
    )

    def shape(rows):
        return [_collaborative_out(c, selectors.key_first(c, c.measures.all())) for c in rows]

    return ShapedPage(collaboratives, shape)


@router.get("/networks/{slug}/collaboratives/{collaborative_id}", response={200: CollaborativeOut, **ERRORS})
def get_collaborative(request, slug: Slug, collaborative_id: int):
    _viewer, _network, collaborative = _collaborative(request, slug, collaborative_id)
    return _collaborative_out(collaborative, selectors.measures_of(collaborative))


@router.get(
    "/networks/{slug}/collaboratives/{collaborative_id}/teams", response={200: list[TeamOut], **ERRORS}
)
@paginate(Pages)
def list_teams(request, slug: Slug, collaborative_id: int):
    """The teams of a collaborative, as its page lists them (observers too, for shared ones)."""
    _viewer, _network, collaborative = _collaborative(request, slug, collaborative_id)
    teams = selectors.teams_of(collaborative).select_related("org_unit__country")
    return ShapedPage(teams, lambda rows: [_team_out(t) for t in rows])


@router.get(
    "/networks/{slug}/collaboratives/{collaborative_id}/scores", response={200: list[ScoreOut], **ERRORS}
)
@paginate(Pages)
def list_scores(request, slug: Slug, collaborative_id: int):
    """The teams' submitted and confirmed scores on the IHI scale, month by month: the collaborative's
    picture (drafts stay with their team)."""
    _viewer, _network, collaborative = _collaborative(request, slug, collaborative_id)
    reports = (
        TeamReport.objects.filter(team__collaborative=collaborative)
        .exclude(status=TeamReport.Status.DRAFT)
        .select_related("team__org_unit")
        .order_by("month", "team__name", "team_id")
    )
    return ShapedPage(
        reports,
        lambda rows: [
            {
                "team": r.team_id,
                "team_name": r.team.display_name,
                "month": r.month,
                "status": r.status,
                "self_score": r.self_score,
                "suggested_score": r.suggested_score,
                "coach_score": r.coach_score,
                "score": r.score,
            }
            for r in rows
        ],
    )


def _team(request, slug, collaborative_id, team_id):
    viewer, network = network_selectors.network_page(request.user, slug)
    return viewer, selectors.team_for(viewer, network, collaborative_id, team_id)


@router.get(
    "/networks/{slug}/collaboratives/{collaborative_id}/teams/{team_id}",
    response={200: TeamDetailOut, **ERRORS},
)
def get_team(request, slug: Slug, collaborative_id: int, team_id: int):
    """A team's workspace: for participants who may see the collaborative (never observers)."""
    _viewer, team = _team(request, slug, collaborative_id, team_id)
    return {
        **_team_out(team),
        "country": team.org_unit.country.iso2,
        "aim": team.aim,
        "members": [
            {"name": s.display_name, "role": s.role, "member_id": s.member_id, "consumer": s.is_consumer}
            for s in team.members.all()
        ],
        "measures": _measures_out(selectors.measures_of(team.collaborative)),
    }


@router.get(
    "/networks/{slug}/collaboratives/{collaborative_id}/teams/{team_id}/cycles",
    response={200: list[CycleOut], **ERRORS},
)
@paginate(Pages)
def list_cycles(request, slug: Slug, collaborative_id: int, team_id: int):
    """A team's PDSA cycles, oldest first."""
    _viewer, team = _team(request, slug, collaborative_id, team_id)
    cycles = (
        PdsaCycle.objects.filter(team=team)
        .select_related("change_idea", "measure__indicator", "measure__numerator", "measure__denominator")
        .order_by("start", "id")
    )
    return ShapedPage(cycles, lambda rows: [_cycle_out(c) for c in rows])


def _cycle_out(c: PdsaCycle) -> dict:
    return {
        **{
            name: getattr(c, name)
            for name in (
                "title",
                "stage",
                "objective",
                "prediction",
                "plan",
                "start",
                "end",
                "observations",
                "problems",
                "result",
                "learned",
                "decision",
                "next_steps",
                "decided_on",
            )
        },
        "id": c.pk,
        "change_idea": c.change_idea_id,
        "change_idea_title": c.change_idea.title,
        "previous": c.previous_id,
        "measure": c.measure.code if c.measure else None,
        "measure_name": c.measure.title if c.measure else None,
    }


@router.get(
    "/networks/{slug}/collaboratives/{collaborative_id}/teams/{team_id}/reports",
    response={200: list[ReportOut], **ERRORS},
)
@paginate(Pages)
def list_reports(request, slug: Slug, collaborative_id: int, team_id: int):
    """A team's monthly reports, oldest first; drafts only for those who may edit the team's workspace."""
    viewer, team = _team(request, slug, collaborative_id, team_id)
    reports = TeamReport.objects.filter(team=team).order_by("month", "id")
    if not permissions.can_edit_team(viewer, team):
        reports = reports.exclude(status=TeamReport.Status.DRAFT)
    fields = ReportOut.model_fields
    return ShapedPage(
        reports,
        lambda rows: [{**{f: getattr(r, f) for f in fields if f != "id"}, "id": r.pk} for r in rows],
    )


def _idea_out(idea, tested_in: list[str]) -> dict:
    indicator = idea.indicator
    return {
        "id": idea.pk,
        "title": idea.title,
        "description": idea.description,
        "indicator": indicator.code if indicator else None,
        "cascade_step": indicator.topic if indicator else "",
        "country": idea.country.iso2 if idea.country else None,
        "retired": idea.retired,
        "outcomes": {
            "tested": idea.tested,
            "adopted": idea.adopted,
            "adapted": idea.adapted,
            "abandoned": idea.abandoned,
        },
        "tested_in": tested_in,
    }


def _library(viewer, network, filters: LibraryFilters):
    indicator_id = country_id = None
    if filters.indicator:
        indicator = network.indicators.filter(code=filters.indicator).first()
        indicator_id = indicator.pk if indicator else -1  # an unknown code matches nothing
    if filters.country:
        country = network.countries.filter(iso2=filters.country.upper()).first()
        country_id = country.pk if country else -1
    return library.library(
        viewer,
        network,
        indicator_id=indicator_id,
        country_id=country_id,
        outcome=filters.outcome,
        show_retired=filters.retired,
    )


@router.get("/networks/{slug}/change-ideas", response={200: list[ChangeIdeaOut], **ERRORS})
@paginate(Pages)
def list_change_ideas(request, slug: Slug, filters: Query[LibraryFilters]):
    """The network's change-idea library, filtered like its page; outcomes are counted from the
    collaboratives the caller may see."""
    viewer, network = network_selectors.network_page(request.user, slug)

    def shape(ideas):
        testers = library.testers_of(viewer, network, ideas)
        return [
            _idea_out(idea, [country.iso2 for country, _teams in testers[idea.pk].by_country])
            for idea in ideas
        ]

    return ShapedPage(_library(viewer, network, filters), shape)


@router.get("/networks/{slug}/change-ideas/{idea_id}", response={200: ChangeIdeaDetailOut, **ERRORS})
def get_change_idea(request, slug: Slug, idea_id: int):
    """A change idea with its teams' ramps (their cycles' ids for those who may read the workspaces)."""
    viewer, network = network_selectors.network_page(request.user, slug)
    selectors.change_idea_for(viewer, network, idea_id)  # 404 when missing or not the caller's
    idea = library.library(viewer, network, show_retired=True).get(pk=idea_id)
    ramps = library.ramps_of(viewer, network, idea)
    may_see_cycles = library.may_see_cycles(viewer, network)
    return {
        **_idea_out(idea, [country.iso2 for country, _r in ramps]),
        "ramps": [
            {
                "team": ramp.team.pk,
                "team_name": ramp.team.display_name,
                "country": country.iso2,
                "collaborative": ramp.team.collaborative_id,
                "decisions": [c.decision for c in ramp.cycles if c.decision],
                "cycles": [c.pk for c in ramp.cycles] if may_see_cycles else None,
            }
            for country, team_ramps in ramps
            for ramp in team_ramps
        ],
        "case_studies": list(
            idea.case_studies.filter(status="published").order_by("id").values_list("pk", flat=True)[:200]
        ),
    }
