"""A candidate coach's portfolio, read from what the network already records — the teams they coach in the
country's collaboratives (with their PDSA cycles and scores), the assessment rounds they are named on, the
network's sessions they attended — with the knowledge check and the mentors' observations; and how it
measures against the country's standard (``requirements``), which the decision and the page both use.

A renewal counts only what happened since the certificate it renews was decided.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q

from qicop.improvement.models import PdsaCycle, Team, TeamReport
from qicop.meetings.models import Attendance
from qicop.network.models import Network
from qicop.network.permissions import Viewer
from qicop.programmes.models import (
    AssessmentRound,
    CertificationStandard,
    CoachCertification,
    CompetencyRating,
    MentorObservation,
)

#: The most rows each part of a portfolio lists (its count is always whole).
SHOWN = 20


@dataclass
class CoachedTeam:
    team: Team
    cycles_done: int  # cycles that reached Act with a decision, or Done
    latest_score: object  # the latest confirmed report's score (Decimal), or None


@dataclass
class Portfolio:
    certification: CoachCertification
    since: date | None  # a renewal: only what happened since this day counts
    teams: list[CoachedTeam] = field(default_factory=list)
    team_count: int = 0
    cycles_done: int = 0
    rounds: list[AssessmentRound] = field(default_factory=list)
    round_count: int = 0
    sessions: list[Attendance] = field(default_factory=list)
    session_count: int = 0
    observations: list[MentorObservation] = field(default_factory=list)

    @property
    def knowledge_score(self) -> int | None:
        return self.certification.knowledge_score

    @property
    def latest_observation(self) -> MentorObservation | None:
        return self.observations[-1] if self.observations else None


@dataclass(frozen=True)
class Requirement:
    code: str  # teams | cycles | assessments | sessions | knowledge | observations | ratings
    have: int | None
    need: int

    @property
    def met(self) -> bool:
        return self.have is not None and self.have >= self.need


def in_force(network_id: int, member_id: int, today: date, *, mentor: bool = False) -> bool:
    """Whether the member holds a certification in force in the network (and, with ``mentor``, one that
    names them a mentor). One query."""
    found = CoachCertification.objects.filter(
        network_id=network_id,
        member_id=member_id,
        status=CoachCertification.Status.CERTIFIED,
        valid_until__gte=today,
    )
    return found.filter(mentor=True).exists() if mentor else found.exists()


def is_mentor(viewer: Viewer, network: Network | int, today: date) -> bool:
    """Whether the viewer is a mentor in force in ``network`` (one query; none without a profile)."""
    if viewer.member_id is None:
        return False
    network_id = network if isinstance(network, int) else network.pk
    return in_force(network_id, viewer.member_id, today, mentor=True)


def teams_coached(certification: CoachCertification):
    """The teams of the country's collaboratives (its own or shared with it) that the candidate coaches."""
    country_id = certification.country_id
    return (
        Team.objects.filter(
            collaborative__network_id=certification.network_id, coach_id=certification.member_id
        )
        .filter(Q(collaborative__country_id=country_id) | Q(collaborative__other_countries=country_id))
        .distinct()
    )


def portfolio_of(certification: CoachCertification) -> Portfolio:
    """The candidate's portfolio (a fixed number of queries, whatever its size)."""
    since = certification.renews.decided_on if certification.renews_id and certification.renews else None
    portfolio = Portfolio(certification=certification, since=since)
    member_id = certification.member_id

    teams = teams_coached(certification)
    if since:
        teams = teams.filter(collaborative__end__gte=since)
    done = Q(cycles__stage=PdsaCycle.Stage.DONE) | (
        Q(cycles__stage=PdsaCycle.Stage.ACT) & ~Q(cycles__decision="")
    )
    if since:
        done &= Q(cycles__end__gte=since)
    teams = (
        teams.annotate(done=Count("cycles", filter=done, distinct=True))
        .select_related("collaborative", "org_unit")
        .order_by("-collaborative__start", "pk")
    )
    rows = list(teams)
    portfolio.team_count = len(rows)
    portfolio.cycles_done = sum(t.done for t in rows)
    shown = rows[:SHOWN]
    scores: dict[int, object] = {}
    for report in (
        TeamReport.objects.filter(team__in=[t.pk for t in shown], status=TeamReport.Status.CONFIRMED)
        .order_by("team_id", "-month")
        .only("team_id", "month", "self_score", "coach_score")
    ):
        scores.setdefault(report.team_id, report.score)
    portfolio.teams = [CoachedTeam(team=t, cycles_done=t.done, latest_score=scores.get(t.pk)) for t in shown]

    rounds = AssessmentRound.objects.filter(network_id=certification.network_id, assessors=member_id)
    if since:
        rounds = rounds.filter(year__gte=since.year)
    portfolio.round_count = rounds.count()
    portfolio.rounds = list(rounds.select_related("country", "instrument").order_by("-year", "pk")[:SHOWN])

    sessions = Attendance.objects.filter(
        member_id=member_id, meeting__network_id=certification.network_id, minutes__gt=0
    )
    if since:
        sessions = sessions.filter(meeting__start__date__gte=since)
    portfolio.session_count = sessions.values("meeting_id").distinct().count()
    portfolio.sessions = list(sessions.select_related("meeting").order_by("-meeting__start", "pk")[:SHOWN])

    portfolio.observations = list(
        MentorObservation.objects.filter(certification=certification)
        .select_related("mentor", "team__org_unit")
        .prefetch_related(
            Prefetch(
                "ratings", CompetencyRating.objects.select_related("competency").order_by("competency__order")
            )
        )
        .order_by("observed_on", "pk")
    )
    return portfolio


def requirements(portfolio: Portfolio, standard: CertificationStandard) -> list[Requirement]:
    """Each requirement of ``standard`` with what the portfolio has: the decision to certify needs every one
    met. A renewal asks for the renewal numbers of teams and sessions."""
    renewal = portfolio.certification.kind == CoachCertification.Kind.RENEWAL
    latest = portfolio.latest_observation
    lowest = min((r.rating for r in latest.ratings.all()), default=None) if latest else None
    needs = [
        Requirement("teams", portfolio.team_count, standard.renewal_teams if renewal else standard.min_teams),
        Requirement("cycles", portfolio.cycles_done, 0 if renewal else standard.min_cycles),
        Requirement("assessments", portfolio.round_count, 0 if renewal else standard.min_assessments),
        Requirement(
            "sessions",
            portfolio.session_count,
            standard.renewal_sessions if renewal else standard.min_sessions,
        ),
        Requirement("knowledge", portfolio.knowledge_score, standard.knowledge_pass),
        Requirement("observations", len(portfolio.observations), standard.min_observations),
        Requirement("ratings", lowest, standard.min_rating),
    ]
    return [need for need in needs if need.need > 0 or need.code in ("knowledge", "observations")]


def snapshot(portfolio: Portfolio, standard: CertificationStandard) -> dict:
    """What the decision saw, kept on the certification (JSON)."""
    return {
        "requirements": [
            {"code": r.code, "have": r.have, "need": r.need, "met": r.met}
            for r in requirements(portfolio, standard)
        ],
        "teams": [t.team.pk for t in portfolio.teams],
        "rounds": [r.pk for r in portfolio.rounds],
        "observations": [o.pk for o in portfolio.observations],
    }
