"""QI coach certification's writes, as a country's keepers, mentors and certifying body would make them:
enrol a candidate, record the knowledge check, observe, decide — each refusal with its own reason, and the
whole way from enrolment to a certificate."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from coaches_world import coaches_of
from personas import make_member
from qicop.core.models import AuditEntry
from qicop.improvement.models import PdsaCycle
from qicop.network.models import Role
from qicop.programmes.coaches import services
from qicop.programmes.coaches.stages import valid_until_for
from qicop.programmes.models import CoachCertification, MentorObservation

Status = CoachCertification.Status


def _messages(caught) -> str:
    return " ".join(caught.value.messages)


def _ratings(coaches, rating=3):
    return {c.pk: (rating, "") for c in coaches.competencies}


def _observe(world, coaches, certification, **changes):
    values = {
        "actor": world.henri.user,
        "mentor": world.henri,
        "certification": certification,
        "observed_on": coaches.today,
        "setting": MentorObservation.Setting.VISIT,
        "ratings": _ratings(coaches),
    }
    return services.record_observation(**{**values, **changes})


def _decide(world, certification, **changes):
    values = {
        "actor": world.kim.user,
        "certifier": world.kim,
        "certification": certification,
        "certify": True,
        "decided_on": certification.started_on,
    }
    return services.decide_certification(**{**values, **changes})


def _complete_dans_cycle(coaches):
    PdsaCycle.objects.filter(pk=coaches.improvement.cycle.pk).update(stage=PdsaCycle.Stage.DONE)


# --- enrolling --------------------------------------------------------------------------------------------


def test_enrolling_a_member_of_another_country_is_refused_naming_them(world):
    coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(
            actor=world.faith.user,
            network=world.network,
            country=world.kenya,
            member=world.henri,
            started_on=coaches_of(world).today,
        )
    assert "Henri Haïtien is a member of another country" in _messages(caught)


def test_enrolling_someone_with_an_open_candidacy_is_refused(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(
            actor=world.faith.user,
            network=world.network,
            country=world.kenya,
            member=world.dan,
            started_on=coaches.today,
        )
    assert "Dan Data already has an open candidacy" in _messages(caught)


def test_enrolling_a_coach_whose_certificate_is_in_force_says_renew_instead(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(
            actor=world.faith.user,
            network=world.network,
            country=world.kenya,
            member=world.faith,
            started_on=coaches.today,
        )
    assert "renew it instead" in _messages(caught)


def test_a_coach_whose_certificate_lapsed_may_be_enrolled_again(world):
    coaches = coaches_of(world)
    again = services.enrol_candidate(
        actor=world.carla.user,
        network=world.network,
        country=world.haiti,
        member=coaches.rose_member,
        started_on=coaches.today,
    )
    assert again.status == Status.CANDIDATE and again.kind == CoachCertification.Kind.INITIAL


def test_a_candidacy_cannot_start_in_the_future(world):
    coaches = coaches_of(world)
    member = make_member(
        "njeri@example.org", "Njeri Kamau", world.kenya, network=world.network, roles=[Role.MEMBER]
    )
    with pytest.raises(ValidationError) as caught:
        services.enrol_candidate(
            actor=world.faith.user,
            network=world.network,
            country=world.kenya,
            member=member,
            started_on=coaches.today + timedelta(days=1),
        )
    assert caught.value.message_dict["started_on"] == ["The start of a candidacy cannot be in the future."]


# --- knowledge check --------------------------------------------------------------------------------------


def test_a_knowledge_check_in_the_future_or_above_100_is_refused(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        services.record_knowledge_check(
            actor=world.faith.user, certification=coaches.dan, score=80, taken_on=coaches.today + timedelta(1)
        )
    assert "cannot be in the future" in _messages(caught)
    with pytest.raises(ValidationError) as caught:
        services.record_knowledge_check(
            actor=world.faith.user, certification=coaches.dan, score=101, taken_on=coaches.today
        )
    assert "from 0 to 100" in _messages(caught)


def test_nothing_is_recorded_on_a_closed_candidacy(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        services.record_knowledge_check(
            actor=world.faith.user, certification=coaches.faith, score=90, taken_on=coaches.today
        )
    assert _messages(caught) == "This candidacy is closed (certified): nothing more is recorded on it."


# --- observations -----------------------------------------------------------------------------------------


def test_someone_who_is_not_a_mentor_in_force_may_not_observe(world):
    coaches = coaches_of(world)
    for not_a_mentor in (world.faith, world.kim, None):  # certified but no mentor; no certificate; nobody
        with pytest.raises(ValidationError) as caught:
            _observe(world, coaches, coaches.dan, mentor=not_a_mentor)
        assert _messages(caught).startswith("Only a certified mentor may observe a candidate")
    assert coaches.dan.observations.count() == 1


def test_a_mentor_whose_certificate_lapsed_may_not_observe(world):
    coaches = coaches_of(world)
    CoachCertification.objects.filter(pk=coaches.henri.pk).update(valid_until=coaches.today - timedelta(1))
    with pytest.raises(ValidationError) as caught:
        _observe(world, coaches, coaches.dan)
    assert "Only a certified mentor may observe" in _messages(caught)


def test_a_mentor_may_not_observe_their_own_candidacy(world):
    coaches = coaches_of(world)
    renewal = services.open_renewal(actor=world.carla.user, certification=coaches.henri)
    with pytest.raises(ValidationError) as caught:
        _observe(world, coaches, renewal)
    assert "A candidate cannot observe themselves" in _messages(caught)


def test_an_observation_of_a_closed_candidacy_is_refused(world):
    coaches = coaches_of(world)
    services.withdraw_candidacy(actor=world.faith.user, certification=coaches.dan)
    with pytest.raises(ValidationError) as caught:
        _observe(world, coaches, coaches.dan)
    assert "This candidacy is closed (withdrawn)" in _messages(caught)


def test_an_observation_before_the_candidacy_or_in_the_future_is_refused(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        _observe(world, coaches, coaches.dan, observed_on=coaches.dan.started_on - timedelta(1))
    assert "cannot be before the candidacy started" in caught.value.message_dict["observed_on"][0]
    with pytest.raises(ValidationError) as caught:
        _observe(world, coaches, coaches.dan, observed_on=coaches.today + timedelta(1))
    assert caught.value.message_dict["observed_on"] == ["The day of the observation cannot be in the future."]


def test_every_competency_of_the_standard_must_be_rated(world):
    coaches = coaches_of(world)
    ratings = _ratings(coaches)
    skipped = coaches.competencies[2]
    ratings[skipped.pk] = (None, "")
    with pytest.raises(ValidationError) as caught:
        _observe(world, coaches, coaches.dan, ratings=ratings)
    assert caught.value.message_dict == {f"rating_{skipped.pk}": [f"Rate “{skipped.name}” from 1 to 4."]}
    assert coaches.dan.observations.count() == 1  # nothing half-written


def test_an_observation_may_name_only_a_team_the_candidate_coaches(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        _observe(world, coaches, coaches.dan, team=coaches.improvement.jacmel)
    assert "Choose a team the candidate coaches" in caught.value.message_dict["team"][0]
    observation = _observe(world, coaches, coaches.dan, team=coaches.improvement.team)
    assert observation.ratings.count() == len(coaches.competencies)


# --- decisions --------------------------------------------------------------------------------------------


def test_certifying_a_portfolio_short_of_the_standard_is_refused_naming_each_gap(world):
    coaches = coaches_of(world)  # Dan's team has not completed its cycle yet
    CoachCertification.objects.filter(pk=coaches.dan.pk).update(knowledge_score=60)
    coaches.dan.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        _decide(world, coaches.dan)
    text = _messages(caught)
    assert "The portfolio does not meet the country's standard yet" in text
    assert "Their teams completed 0 PDSA cycles; the standard asks for 1." in text
    assert "Knowledge check: 60 %; the pass mark is 70 %." in text
    assert "Coaches" not in text  # the team requirement is met
    coaches.dan.refresh_from_db()
    assert coaches.dan.status == Status.CANDIDATE


def test_only_the_countrys_certifying_body_decides(world):
    coaches = coaches_of(world)
    _complete_dans_cycle(coaches)
    for someone in (world.faith, world.henri, None):
        with pytest.raises(ValidationError) as caught:
            _decide(world, coaches.dan, certifier=someone)
        assert _messages(caught) == "Only the country's certifying body decides a certification."


def test_not_certifying_needs_the_reasons(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        _decide(world, coaches.dan, certify=False)
    assert "Write why the candidate is not certified" in caught.value.message_dict["decision_notes"][0]
    decided = _decide(world, coaches.dan, certify=False, notes="One more observation, please.")
    assert decided.status == Status.NOT_CERTIFIED and decided.valid_until is None
    assert decided.decided_by == world.kim


def test_from_enrolment_to_certificate(world, django_capture_on_commit_callbacks):
    coaches = coaches_of(world)
    services.withdraw_candidacy(actor=world.dan.user, certification=coaches.dan)
    _complete_dans_cycle(coaches)
    dan = services.enrol_candidate(
        actor=world.faith.user,
        network=world.network,
        country=world.kenya,
        member=world.dan,
        started_on=coaches.today - timedelta(days=10),
        notes="Coaches Nakuru",
    )
    services.record_knowledge_check(
        actor=world.faith.user, certification=dan, score=77, taken_on=coaches.today
    )
    _observe(world, coaches, dan, ratings=_ratings(coaches, 4), team=coaches.improvement.team)
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, dan, decided_on=coaches.today, mentor=True)
    dan.refresh_from_db()
    assert dan.status == Status.CERTIFIED and dan.mentor
    assert dan.decided_on == coaches.today and dan.decided_by == world.kim
    assert dan.valid_until == valid_until_for(coaches.today, coaches.kenya_standard.validity_years)
    assert dan.portfolio["teams"] == [coaches.improvement.team.pk]
    assert all(r["met"] for r in dan.portfolio["requirements"])
    verbs = set(
        AuditEntry.objects.filter(
            target_type="programmes.coachcertification", target_id=str(dan.pk)
        ).values_list("verb", flat=True)
    )
    assert verbs == {"coaches.enrol", "coaches.knowledge", "coaches.observe", "coaches.decide"}
    [message] = mail.outbox
    assert message.to == ["dan@example.org"]
    assert message.subject == "You are certified as a QI coach"
    assert "Kenya" in message.body and f"/programmes/coaches/certifications/{dan.pk}/" in message.body


def test_the_decision_mail_is_in_the_candidates_language(world, django_capture_on_commit_callbacks):
    coaches = coaches_of(world)
    world.dan.user.language = "fr"
    world.dan.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        _decide(world, coaches.dan, certify=False, notes="Encore une observation.")
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Encore une observation." in message.body


# --- withdraw and renew -----------------------------------------------------------------------------------


def test_a_closed_candidacy_cannot_be_withdrawn(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        services.withdraw_candidacy(actor=world.faith.user, certification=coaches.faith)
    assert "This candidacy is closed (certified)" in _messages(caught)


def test_a_renewal_counts_from_the_certificate_it_renews_and_only_one_is_open_at_a_time(world):
    coaches = coaches_of(world)
    renewal = services.open_renewal(actor=world.faith.user, certification=coaches.faith)
    assert (renewal.kind, renewal.renews, renewal.status) == (
        CoachCertification.Kind.RENEWAL,
        coaches.faith,
        Status.CANDIDATE,
    )
    assert renewal.started_on == coaches.today
    with pytest.raises(ValidationError) as caught:
        services.open_renewal(actor=world.faith.user, certification=coaches.faith)
    assert "Faith Focal already has an open candidacy" in _messages(caught)


def test_only_a_certified_coachs_certificate_is_renewed(world):
    coaches = coaches_of(world)
    with pytest.raises(ValidationError) as caught:
        services.open_renewal(actor=world.faith.user, certification=coaches.dan)
    assert _messages(caught) == "Only a certified coach's certificate is renewed."
