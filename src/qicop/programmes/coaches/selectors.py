"""Reads of QI coach certification work, scoped to a network (and a country): a certification by id, a
country's candidates with how far each has come against the standard, its decisions and the certificates due
for renewal, and the choices the forms offer. Each asks a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qicop.improvement.models import PdsaCycle, Team
from qicop.meetings.models import Attendance
from qicop.network.models import Country, Member, Membership, Network
from qicop.programmes.coaches import words
from qicop.programmes.coaches.portfolio import Portfolio, requirements, teams_coached
from qicop.programmes.coaches.stages import EXPIRING_DAYS, Stage, stage_of
from qicop.programmes.models import (
    AssessmentRound,
    CertificationStandard,
    CoachCertification,
    CompetencyRating,
    MentorObservation,
)

#: The most rows each part of a country's page lists.
SHOWN = 200
#: The most decisions the page lists (the latest first).
DECISIONS = 50
#: The most members and teams a form offers.
CHOICES = 300
#: The most rows read to count a page's portfolios (attendances, cycles): far above any real country's.
COUNTED = 20000

Status = CoachCertification.Status


def certification_in(network: Network, certification_id: int) -> CoachCertification:
    """A certification of ``network`` (404 otherwise), with what every page about it shows."""
    found = (
        CoachCertification.objects.filter(network=network, pk=certification_id)
        .select_related("member__user", "country", "renews", "decided_by")
        .first()
    )
    if found is None:
        raise Http404("No such certification in this network")
    found.network = network
    return found


@dataclass
class CandidateRow:
    certification: CoachCertification
    stage: Stage
    observations: int
    missing: list[str]  # the requirements not met, in words


@dataclass
class DueRow:
    certification: CoachCertification
    stage: Stage


@dataclass
class CountryWork:
    candidates: list[CandidateRow] = field(default_factory=list)
    candidate_count: int = 0
    due: list[DueRow] = field(default_factory=list)
    decisions: list[CoachCertification] = field(default_factory=list)


def country_work(
    network: Network, country: Country, standard: CertificationStandard, today: date
) -> CountryWork:
    """A country's open candidacies with their stage and what each still lacks, the certificates expiring
    or lapsed that no renewal has taken up, and the latest decisions (ten queries)."""
    mine = CoachCertification.objects.filter(network=network, country=country)
    work = CountryWork()
    open_ = mine.filter(status=Status.CANDIDATE)
    work.candidate_count = open_.count()
    candidates = list(open_.select_related("member", "renews").order_by("member__full_name", "pk")[:SHOWN])
    for certification, portfolio in zip(candidates, portfolios_counted(candidates), strict=True):
        observations = len(portfolio.observations)
        work.candidates.append(
            CandidateRow(
                certification=certification,
                stage=stage_of(certification.status, None, observations, today),
                observations=observations,
                missing=words.missing(requirements(portfolio, standard)),
            )
        )
    due = (
        mine.filter(status=Status.CERTIFIED, valid_until__lte=today + timedelta(days=EXPIRING_DAYS))
        .exclude(renewals__status__in=[Status.CANDIDATE, Status.CERTIFIED])
        .select_related("member")
        .order_by("valid_until", "pk")[:SHOWN]
    )
    work.due = [DueRow(c, stage_of(c.status, c.valid_until, 0, today)) for c in due]
    work.decisions = list(
        mine.exclude(status=Status.CANDIDATE)
        .select_related("member", "decided_by")
        .order_by(F("decided_on").desc(nulls_last=True), "-updated_at", "-pk")[:DECISIONS]
    )
    for certification in work.decisions:
        certification.stage = stage_of(certification.status, certification.valid_until, 0, today)
    return work


def portfolios_counted(certifications: list[CoachCertification]) -> list[Portfolio]:
    """For each certification, a Portfolio holding the counts its requirements read (teams, cycles,
    assessments, sessions, observations with their ratings) and no rows to list: what
    ``portfolio.portfolio_of`` counts, for many candidates at once (six queries whatever their number).
    Certifications of one network; ``renews`` loaded."""
    if not certifications:
        return []
    network_id = certifications[0].network_id
    members = {c.member_id for c in certifications}
    countries = {c.country_id for c in certifications}

    # Teams coached: (team, coach, the countries running its collaborative, the collaborative's end).
    teams: dict[int, tuple[int, set[int], date]] = {}
    for team_id, coach_id, country_id, other_id, end in (
        Team.objects.filter(collaborative__network_id=network_id, coach_id__in=members)
        .filter(Q(collaborative__country_id__in=countries) | Q(collaborative__other_countries__in=countries))
        .values_list(
            "pk",
            "coach_id",
            "collaborative__country_id",
            "collaborative__other_countries",
            "collaborative__end",
        )[:COUNTED]
    ):
        _coach, runs, _end = teams.setdefault(team_id, (coach_id, set(), end))
        runs.update(c for c in (country_id, other_id) if c is not None)
    done = Q(stage=PdsaCycle.Stage.DONE) | (Q(stage=PdsaCycle.Stage.ACT) & ~Q(decision=""))
    cycles: dict[int, list[date]] = defaultdict(list)
    for team_id, end in PdsaCycle.objects.filter(done, team_id__in=list(teams)).values_list("team_id", "end")[
        :COUNTED
    ]:
        cycles[team_id].append(end)
    rounds: dict[int, list[int]] = defaultdict(list)
    for member_id, year in AssessmentRound.assessors.through.objects.filter(
        member_id__in=members, assessmentround__network_id=network_id
    ).values_list("member_id", "assessmentround__year")[:COUNTED]:
        rounds[member_id].append(year)
    sessions: dict[int, dict[int, date]] = defaultdict(dict)
    for member_id, meeting_id, start in Attendance.objects.filter(
        member_id__in=members, meeting__network_id=network_id, minutes__gt=0
    ).values_list("member_id", "meeting_id", "meeting__start")[:COUNTED]:
        sessions[member_id][meeting_id] = timezone.localtime(start).date()
    observations: dict[int, list[MentorObservation]] = defaultdict(list)
    for observation in (
        MentorObservation.objects.filter(certification__in=[c.pk for c in certifications])
        .prefetch_related(Prefetch("ratings", CompetencyRating.objects.only("observation_id", "rating")))
        .order_by("observed_on", "pk")
    ):
        observations[observation.certification_id].append(observation)

    out = []
    for certification in certifications:
        since = certification.renews.decided_on if certification.renews_id and certification.renews else None
        portfolio = Portfolio(certification=certification, since=since)
        coached = [
            team_id
            for team_id, (coach, runs, end) in teams.items()
            if coach == certification.member_id
            and certification.country_id in runs
            and (since is None or end >= since)
        ]
        portfolio.team_count = len(coached)
        portfolio.cycles_done = sum(
            1 for team_id in coached for end in cycles[team_id] if since is None or (end and end >= since)
        )
        portfolio.round_count = sum(
            1 for y in rounds[certification.member_id] if since is None or y >= since.year
        )
        portfolio.session_count = sum(
            1 for day in sessions[certification.member_id].values() if since is None or day >= since
        )
        portfolio.observations = observations[certification.pk]
        out.append(portfolio)
    return out


def member_choices(network: Network, country: Country) -> QuerySet[Member]:
    """The members a country may enrol: its own members in the network (the first CHOICES by name)."""
    ids = list(
        Member.objects.filter(memberships__network=network, country=country)
        .order_by("full_name", "id")
        .values_list("pk", flat=True)
        .distinct()[:CHOICES]
    )
    return Member.objects.filter(pk__in=ids).order_by("full_name", "id")


def team_choices(certification: CoachCertification) -> QuerySet[Team]:
    """The teams an observation may name: those the candidate coaches in the country's collaboratives."""
    ids = list(teams_coached(certification).values_list("pk", flat=True)[:CHOICES])
    return (
        Team.objects.filter(pk__in=ids)
        .select_related("org_unit", "collaborative")
        .order_by("collaborative__name", "name", "pk")
    )


def has_open_candidacy(network: Network, member_ids: list[int]) -> set[int]:
    return set(
        CoachCertification.objects.filter(
            network=network, member_id__in=member_ids, status=Status.CANDIDATE
        ).values_list("member_id", flat=True)
    )


def own_certification(network: Network, member_id: int | None) -> CoachCertification | None:
    """The viewer's latest certification or candidacy in the network (for "your certification")."""
    if member_id is None:
        return None
    return (
        CoachCertification.objects.filter(network=network, member_id=member_id)
        .order_by(F("decided_on").desc(nulls_first=True), "-started_on", "-pk")
        .first()
    )


def coaches_in_force(network: Network, country_ids: set[int], today: date, *, limit: int = 5) -> dict:
    """country id → the certified QI coaches of that country whose certificate is in force on ``today``
    (``stages.is_valid_on``), members of the network, by name, at most ``limit`` each: the public fields of
    the register (one query). The positive-deviance page names them as people to ask (portal hands this
    function to deviance at start-up: the two apps share a floor)."""
    if not country_ids:
        return {}
    rows = (
        CoachCertification.objects.filter(
            network=network,
            country_id__in=country_ids,
            status=Status.CERTIFIED,
            valid_until__gte=today,
            member_id__in=Membership.objects.filter(network=network).values("member_id"),
        )
        .select_related("member__organisation", "member__user", "member__country")
        .order_by("member__full_name", "member_id", "-valid_until")[: limit * len(country_ids) * 4]
    )
    found: dict[int, list[Member]] = defaultdict(list)
    for certification in rows:
        coaches = found[certification.country_id]
        if len(coaches) < limit and all(c.pk != certification.member_id for c in coaches):
            coaches.append(certification.member)
    return dict(found)
