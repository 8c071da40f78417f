"""The QI coach certification demo: thirty coaches of five countries at every stage, where every observation
is by a mentor in force that day and every certificate was decided by the country's certifying body with
its requirements met; Kenya's candidate is one observation away from certification; a second load adds
nothing."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from qicop.network.models import Membership, Role
from qicop.network.permissions import viewer_for
from qicop.programmes.coaches import demo as coaches_demo
from qicop.programmes.coaches.portfolio import is_mentor, portfolio_of, requirements
from qicop.programmes.coaches.stages import EXPIRING_DAYS, Stage, stage_of
from qicop.programmes.coaches.standards import standard_for
from qicop.programmes.models import CoachCertification, CompetencyRating, MentorObservation

pytestmark = pytest.mark.django_db

S = CoachCertification.Status


def certifications():
    return list(
        CoachCertification.objects.filter(network__slug="virtual")
        .select_related("member__user", "country", "network", "renews", "decided_by")
        .order_by("started_on", "pk")
    )


def latest_per_coach():
    latest = {}
    for certification in certifications():
        latest[certification.member_id] = certification
    return latest


def stage(certification) -> Stage:
    return stage_of(
        certification.status,
        certification.valid_until,
        certification.observations.count(),
        timezone.localdate(),
    )


def test_thirty_coaches_of_five_countries(demo):
    latest = latest_per_coach()
    assert len(latest) == 30
    per_country = Counter(c.country.iso2 for c in latest.values())
    assert set(per_country) == {"KE", "HT", "TH", "ZM", "MZ"}
    assert all(count >= 4 for count in per_country.values())
    assert all(c.member.country_id == c.country_id for c in latest.values())


def test_every_stage_is_there_counted_on_each_coachs_latest_certification(demo):
    stages = Counter(stage(c) for c in latest_per_coach().values())
    assert stages == {
        Stage.CANDIDATE: 4,
        Stage.OBSERVED: 6,  # one of them a renewal in progress
        Stage.CERTIFIED: 10,
        Stage.EXPIRING: 4,
        Stage.LAPSED: 5,
        Stage.NOT_CERTIFIED: 1,
    }
    renewals = [c for c in latest_per_coach().values() if c.kind == CoachCertification.Kind.RENEWAL]
    in_progress = [c for c in renewals if c.status == S.CANDIDATE]
    assert len(in_progress) == 1 and stage(in_progress[0].renews) == Stage.EXPIRING
    assert [stage(c) for c in renewals if c.status == S.CERTIFIED] == [Stage.CERTIFIED]


def test_expiring_certificates_end_within_ninety_days_and_lapsed_ones_have_ended(demo):
    today = timezone.localdate()
    for certification in latest_per_coach().values():
        if stage(certification) == Stage.EXPIRING:
            assert today <= certification.valid_until <= today + timedelta(days=EXPIRING_DAYS)
        if stage(certification) == Stage.LAPSED:
            assert certification.valid_until < today


def test_every_observation_is_by_a_mentor_whose_certificate_was_in_force_that_day(demo):
    observations = list(MentorObservation.objects.select_related("certification", "mentor"))
    assert len(observations) >= 40
    mentors = {}
    for certification in CoachCertification.objects.filter(mentor=True, status=S.CERTIFIED):
        mentors.setdefault(certification.member_id, []).append(certification)
    for observation in observations:
        day = observation.observed_on
        assert observation.mentor_id != observation.certification.member_id
        assert any(c.decided_on <= day <= c.valid_until for c in mentors.get(observation.mentor_id, [])), (
            observation.mentor.full_name,
            day,
        )
        assert observation.certification.started_on <= day <= timezone.localdate()
        decided = observation.certification.decided_on
        assert decided is None or day <= decided


def test_every_observation_rates_each_competency_of_the_countrys_standard(demo):
    from qicop.programmes.coaches.standards import competencies_of

    for observation in MentorObservation.objects.select_related(
        "certification__network", "certification__country"
    ):
        standard = standard_for(observation.certification.network, observation.certification.country)
        rated = set(
            CompetencyRating.objects.filter(observation=observation).values_list("competency", flat=True)
        )
        assert rated == {c.pk for c in competencies_of(standard)}


def test_every_certificate_was_decided_by_the_countrys_certifying_body_with_its_requirements_met(demo):
    decided = [c for c in certifications() if c.decided_on is not None]
    assert len(decided) >= 20
    starts = coaches_demo._collaborative_starts(decided[0].network)
    for certification in decided:
        body = certification.decided_by
        assert body.country_id == certification.country_id
        assert Membership.objects.filter(member=body, network__slug="virtual", role=Role.CERTIFIER).exists()
        assert certification.knowledge_on <= certification.decided_on
        standard = coaches_demo.standard_at(
            standard_for(certification.network, certification.country),
            certification.decided_on,
            starts.get(certification.country_id),
        )
        needs = requirements(portfolio_of(certification), standard)
        seen = certification.portfolio["requirements"]
        assert [(r["code"], r["need"], r["met"]) for r in seen] == [(r.code, r.need, r.met) for r in needs]
        if certification.status == S.CERTIFIED:
            assert all(r.met for r in needs), (certification.member.full_name, needs)
        else:
            assert certification.status == S.NOT_CERTIFIED and not all(r.met for r in needs)
            assert certification.decision_notes


def test_kenya_asks_for_teams_since_its_collaborative_began_and_its_certified_coach_since_then_has_them(demo):
    kenya = [c for c in certifications() if c.country.iso2 == "KE" and c.status == S.CERTIFIED]
    standard = standard_for(kenya[0].network, kenya[0].country)
    assert standard.pk is not None and standard.min_teams >= 1
    start = coaches_demo._collaborative_starts(kenya[0].network)[kenya[0].country_id]
    recent = [c for c in kenya if c.decided_on >= start]
    assert recent
    for certification in recent:
        codes = {r["code"]: r for r in certification.portfolio["requirements"]}
        assert codes["teams"]["met"] and codes["teams"]["have"] >= standard.min_teams


def test_kenyas_observed_candidate_is_one_observation_from_certification_and_his_portfolio_fills_itself(demo):
    candidate = next(c for c in certifications() if c.member.user.email == "ke.05@example.org")
    assert candidate.status == S.CANDIDATE
    portfolio = portfolio_of(candidate)
    assert portfolio.team_count >= 1 and portfolio.cycles_done >= 4  # from Kenya's collaborative
    assert portfolio.session_count >= 2
    unmet = [
        r for r in requirements(portfolio, standard_for(candidate.network, candidate.country)) if not r.met
    ]
    assert [(r.code, r.have, r.need) for r in unmet] == [("observations", 1, 2)]


def test_the_demo_logins_are_kenyas_certifying_body_and_a_mentor_in_force(demo, client):
    from qicop.accounts.models import User
    from qicop.programmes.coaches.permissions import can_decide, is_certifier_for

    certifier = User.objects.get(email="certifier.ke@example.org")
    assert client.login(username="certifier.ke@example.org", password="demo")
    assert client.get("/n/virtual/").status_code == 200  # a participant of the network
    candidate = next(c for c in certifications() if c.member.user.email == "ke.05@example.org")
    assert is_certifier_for(viewer_for(certifier), candidate.network, candidate.country_id)
    assert can_decide(viewer_for(certifier), candidate)
    mentor = User.objects.get(email="member.ht@example.org")
    assert is_mentor(viewer_for(mentor), candidate.network, timezone.localdate())


def test_loading_the_demo_twice_creates_no_coach_twice(demo):
    from qicop.demo import load_demo

    models = [CoachCertification, MentorObservation, CompetencyRating, Membership]
    counts = [model.objects.count() for model in models]
    assert coaches_demo.load_demo() is False
    assert load_demo() is False
    assert [model.objects.count() for model in models] == counts
