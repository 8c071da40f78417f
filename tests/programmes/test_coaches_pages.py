"""QI coach certification's pages, used as each persona would: a country's candidates with what each still
lacks, the standards, enrolling, a portfolio that fills itself, the knowledge check, a mentor's observation
and the certifying body's decision — bad input refused with its reason and the typing kept."""

from __future__ import annotations

import pytest
from django.core import mail

from coaches_world import coaches_of
from personas import make_member
from qicop.improvement.models import PdsaCycle, Team
from qicop.network.models import Role
from qicop.programmes.coaches.stages import valid_until_for
from qicop.programmes.models import CertificationStandard, CoachCertification, MentorObservation

BASE = "/n/vln/programmes/coaches/"
Status = CoachCertification.Status


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _team(coaches, n, coach):
    """Another team of Kenya's collaborative, at a facility of its own, coached by ``coach``."""
    from qicop.indicators.models import OrgUnit

    parent = coaches.improvement.nakuru_unit
    unit = OrgUnit.objects.create(
        uid=f"CoachUnit{n:02d}",
        name=f"Facility {n}",
        parent=parent.parent,
        level=parent.level,
        path=f"{parent.path.rsplit('/', 1)[0]}/CoachUnit{n:02d}",
        country=parent.country,
    )
    return Team.objects.create(
        collaborative=coaches.improvement.kenya, org_unit=unit, name=f"Team {n}", coach=coach
    )


def _portfolio(certification) -> str:
    return f"{BASE}certifications/{certification.pk}/"


# --- a country's candidates -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["faith", "carla", "kim", "henri"])
def test_the_keepers_the_certifying_body_and_mentors_see_the_countrys_candidates(world, persona):
    coaches_of(world)
    page = _page(world.client_for(persona), BASE + "KE/")
    assert "QI coach certification in Kenya" in page
    assert "Dan Data" in page and "Observed" in page  # Dan's stage: one observation by Henri
    assert "82 %" in page
    assert "1 PDSA cycle completed by those teams" in page  # what Dan still lacks under Kenya's standard
    assert "Kenya's own standards apply: a certificate is valid 3 years." in page


def test_the_candidates_page_lists_the_renewals_due_and_the_decisions(world):
    coaches = coaches_of(world)
    page = _page(world.client_for("faith"), BASE + "KE/")
    due = page.split("Renewals due")[1].split("Decisions")[0]
    assert "Faith Focal" in due and "Expiring" in due and "Open the recertification" in due
    decisions = page.split("<h2>Decisions</h2>")[1]
    assert "Faith Focal" in decisions and "Certified" in decisions and "Kim Member" in decisions
    assert "Enrol a candidate" in page and "The country's standards" in page
    assert f"certifications/{coaches.faith.pk}/renew/" in page


def test_the_certifying_body_sees_the_candidates_without_the_keepers_links(world):
    coaches_of(world)
    page = _page(world.client_for("kim"), BASE + "KE/")
    assert "Enrol a candidate" not in page and "Open the recertification" not in page


@pytest.mark.parametrize(("persona", "status"), [("dan", 403), ("olga", 403), ("oscar", 404)])
def test_candidates_observers_and_outsiders_do_not_see_the_countrys_candidates(world, persona, status):
    coaches_of(world)
    assert world.client_for(persona).get(BASE + "KE/").status_code == status


def test_a_country_without_candidates_says_what_to_do_next(world):
    coaches_of(world)
    page = _page(world.client_for("carla"), BASE + "NA/")
    assert "No candidate yet: enrol a member who coaches teams" in page
    assert "The network's default standards apply" in page


def test_a_renewal_taken_up_leaves_the_renewals_due(world):
    coaches = coaches_of(world)
    response = world.client_for("faith").post(_portfolio(coaches.faith) + "renew/")
    renewal = CoachCertification.objects.get(renews=coaches.faith)
    assert response.status_code == 302 and response["Location"] == _portfolio(renewal)
    page = _page(world.client_for("faith"), BASE + "KE/")
    due = page.split("Renewals due")[1].split("Decisions")[0]
    assert "Faith Focal" not in due and "nothing to renew now" in due
    assert "Recertification" in page.split("<h2>Candidates</h2>")[1].split("Renewals due")[0]


def test_the_candidates_page_asks_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    coaches = coaches_of(world)
    client = world.client_for("faith")
    _page(client, BASE + "KE/")
    for n in range(6):
        member = make_member(
            f"cand{n}@example.org", f"Candidate {n}", world.kenya, network=world.network, roles=[Role.MEMBER]
        )
        CoachCertification.objects.create(
            network=world.network,
            country=world.kenya,
            member=member,
            started_on=coaches.today,
            created_by=world.faith.user,
        )
        _team(coaches, n, member)
    with django_assert_max_num_queries(19):
        page = _page(client, BASE + "KE/")
    assert page.count("Candidate ") >= 6


# --- standards --------------------------------------------------------------------------------------------


def test_a_country_without_its_own_standards_sees_the_networks_defaults_and_saves_its_own(world):
    coaches = coaches_of(world)
    client = world.client_for("carla")
    page = _page(client, BASE + "HT/standards/")
    assert "these are the network's defaults" in page
    assert 'name="min_teams" value="2"' in page
    assert "Measurement and statistical process control" in page or coaches.competencies[1].name in page
    chosen = coaches.competencies[:3]
    response = client.post(
        BASE + "HT/standards/",
        {
            "validity_years": 2,
            "min_teams": 1,
            "min_cycles": 2,
            "min_assessments": 0,
            "min_sessions": 1,
            "knowledge_pass": 75,
            "min_observations": 2,
            "min_rating": 3,
            "renewal_teams": 1,
            "renewal_sessions": 1,
            "competencies": [c.pk for c in chosen],
            "notes": "Adopted by the national QI committee",
        },
    )
    assert response.status_code == 302
    saved = CertificationStandard.objects.get(network=world.network, country=world.haiti)
    assert (saved.validity_years, saved.knowledge_pass) == (2, 75)
    assert list(saved.competencies.order_by("order")) == chosen


def test_a_standard_out_of_range_is_refused_and_the_typing_kept(world):
    coaches_of(world)
    response = world.client_for("faith").post(
        BASE + "KE/standards/",
        {
            "validity_years": 30,
            "min_teams": 1,
            "min_cycles": 1,
            "min_assessments": 0,
            "min_sessions": 0,
            "knowledge_pass": 70,
            "min_observations": 1,
            "min_rating": 3,
            "renewal_teams": 1,
            "renewal_sessions": 2,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'name="validity_years" value="30"' in page and "less than or equal to 10" in page
    assert CertificationStandard.objects.get(country=world.kenya).validity_years == 3


# --- enrolling --------------------------------------------------------------------------------------------


def test_the_focal_point_enrols_a_member_of_the_country(world):
    coaches = coaches_of(world)
    njeri = make_member(
        "njeri@example.org", "Njeri Kamau", world.kenya, network=world.network, roles=[Role.MEMBER]
    )
    client = world.client_for("faith")
    page = _page(client, BASE + "KE/new/")
    assert "Njeri Kamau" in page and "Henri" not in page  # only Kenya's members are offered
    response = client.post(
        BASE + "KE/new/", {"member": njeri.pk, "started_on": coaches.today.isoformat(), "notes": "Nyeri"}
    )
    enrolled = CoachCertification.objects.get(member=njeri)
    assert response.status_code == 302 and response["Location"] == _portfolio(enrolled)
    assert (enrolled.status, enrolled.country) == (Status.CANDIDATE, world.kenya)


def test_enrolling_someone_already_certified_says_renew_instead_and_keeps_the_form(world):
    coaches = coaches_of(world)
    response = world.client_for("faith").post(
        BASE + "KE/new/",
        {"member": world.faith.pk, "started_on": coaches.today.isoformat(), "notes": "typed notes"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "renew it instead" in page and "typed notes" in page


# --- the portfolio ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["dan", "faith", "kim", "henri", "carla"])
def test_the_portfolio_fills_itself_from_the_teams_coached_and_the_observations(world, persona):
    coaches = coaches_of(world)
    page = _page(world.client_for(persona), _portfolio(coaches.dan))
    assert "Portfolio of Dan Data" in page
    assert coaches.improvement.team.display_name in page
    assert "Kenya viral-load suppression collaborative" in page
    assert "Competent" in page  # Henri's ratings, in words
    assert "let the nurses choose the next test" in page
    assert "Not met" in page and "Their teams completed 0 PDSA cycles; the standard asks for 1." in page
    assert "Knowledge check: 82 %; the pass mark is 70 %." in page


def test_the_portfolio_links_the_team_for_those_who_may_see_its_workspace(world):
    coaches = coaches_of(world)
    team_url = f"/n/vln/improvement/{coaches.improvement.kenya.pk}/teams/{coaches.improvement.team.pk}/"
    assert team_url in _page(world.client_for("faith"), _portfolio(coaches.dan))
    # Henri is from Haiti and Kenya's collaborative is not shared: the team's name, not its workspace.
    assert team_url not in _page(world.client_for("henri"), _portfolio(coaches.dan))


def test_each_viewer_gets_the_actions_they_may_take(world):
    coaches = coaches_of(world)
    dan = _portfolio(coaches.dan)
    faith = _page(world.client_for("faith"), dan)
    assert "Record the knowledge check" in faith and "Withdraw the candidacy" in faith
    assert "Record an observation" not in faith and "Decide" not in faith
    henri = _page(world.client_for("henri"), dan)
    assert "Record an observation" in henri and "Withdraw" not in henri
    kim = _page(world.client_for("kim"), dan)
    assert f"{dan}decide/" in kim and "Record the knowledge check" not in kim
    own = _page(world.client_for("dan"), dan)
    assert "Withdraw the candidacy" in own and "Record" not in own and f"{dan}decide/" not in own
    assert "Open the recertification" in _page(world.client_for("faith"), _portfolio(coaches.faith))


def test_a_portfolio_of_another_network_is_not_found(world):
    coaches = coaches_of(world)
    CoachCertification.objects.filter(pk=coaches.dan.pk).update(network=world.other_network)
    assert world.client_for("faith").get(_portfolio(coaches.dan)).status_code == 404


def test_the_portfolio_asks_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    coaches = coaches_of(world)
    client = world.client_for("faith")
    _page(client, _portfolio(coaches.dan))
    for n in range(4):
        team = _team(coaches, n, world.dan)
        PdsaCycle.objects.create(
            team=team,
            change_idea=coaches.improvement.idea,
            measure=coaches.improvement.measure,
            title=f"Cycle {n}",
            start=coaches.today,
            end=coaches.today,
            stage=PdsaCycle.Stage.DONE,
            created_by=world.dan.user,
        )
        MentorObservation.objects.create(
            certification=coaches.dan,
            mentor=world.henri,
            observed_on=coaches.today,
            team=coaches.improvement.team,  # named by its facility: read with the observation
            created_by=world.henri.user,
        )
    with django_assert_max_num_queries(18):
        page = _page(client, _portfolio(coaches.dan))
    assert "Team 3" in page and page.count("Nakuru") >= 5


# --- knowledge check, observation, decision ---------------------------------------------------------------


def test_a_knowledge_check_above_100_is_refused_and_the_typing_kept(world):
    coaches = coaches_of(world)
    response = world.client_for("faith").post(
        _portfolio(coaches.dan) + "knowledge/", {"score": "120", "taken_on": coaches.today.isoformat()}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "from 0 to 100" in page and 'value="120"' in page


def test_the_focal_point_records_the_knowledge_check(world):
    coaches = coaches_of(world)
    response = world.client_for("faith").post(
        _portfolio(coaches.dan) + "knowledge/", {"score": "91", "taken_on": coaches.today.isoformat()}
    )
    assert response.status_code == 302
    coaches.dan.refresh_from_db()
    assert (coaches.dan.knowledge_score, coaches.dan.knowledge_on) == (91, coaches.today)


def _observation(coaches, **changes) -> dict:
    data = {
        "observed_on": coaches.today.isoformat(),
        "setting": "call",
        "team": coaches.improvement.team.pk,
        "summary": "A good call with the team lead",
    }
    for competency in coaches.competencies:
        data[f"rating_{competency.pk}"] = "4"
        data[f"comment_{competency.pk}"] = ""
    return {**data, **changes}


def test_the_observation_form_asks_a_rating_of_each_competency_of_the_standard(world):
    coaches = coaches_of(world)
    page = _page(world.client_for("henri"), _portfolio(coaches.dan) + "observe/")
    for competency in coaches.competencies:
        assert f'name="rating_{competency.pk}"' in page
    assert "Could mentor others" in page
    assert coaches.improvement.team.display_name in page


def test_an_observation_with_a_competency_unrated_is_refused_and_the_typing_kept(world):
    coaches = coaches_of(world)
    unrated = coaches.competencies[0]
    data = _observation(coaches, summary="Typed summary")
    del data[f"rating_{unrated.pk}"]
    response = world.client_for("henri").post(_portfolio(coaches.dan) + "observe/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Rate “{unrated.name}” from 1 to 4." in page and "Typed summary" in page
    assert coaches.dan.observations.count() == 1


def test_a_mentor_records_an_observation(world):
    coaches = coaches_of(world)
    response = world.client_for("henri").post(_portfolio(coaches.dan) + "observe/", _observation(coaches))
    assert response.status_code == 302
    latest = coaches.dan.observations.order_by("-pk").first()
    assert latest.mentor == world.henri and latest.ratings.filter(rating=4).count() == len(
        coaches.competencies
    )


def test_a_mentor_is_told_why_they_may_not_observe_a_closed_candidacy(world):
    coaches = coaches_of(world)
    CoachCertification.objects.filter(pk=coaches.dan.pk).update(status=Status.WITHDRAWN)
    page = _page(world.client_for("henri"), _portfolio(coaches.dan) + "observe/")
    assert "This candidacy is closed (withdrawn)" in page and 'name="observed_on"' not in page


def test_certifying_short_of_the_standard_is_refused_naming_the_gap_and_the_form_kept(world):
    coaches = coaches_of(world)
    response = world.client_for("kim").post(
        _portfolio(coaches.dan) + "decide/",
        {"decision": "certify", "decided_on": coaches.today.isoformat(), "decision_notes": "Kept notes"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The portfolio does not meet the country" in page
    assert "Their teams completed 0 PDSA cycles; the standard asks for 1." in page
    assert "Kept notes" in page
    coaches.dan.refresh_from_db()
    assert coaches.dan.status == Status.CANDIDATE


def test_the_certifying_body_certifies_and_the_coach_is_told(world, django_capture_on_commit_callbacks):
    coaches = coaches_of(world)
    PdsaCycle.objects.filter(pk=coaches.improvement.cycle.pk).update(stage=PdsaCycle.Stage.DONE)
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client_for("kim").post(
            _portfolio(coaches.dan) + "decide/",
            {"decision": "certify", "mentor": "on", "decided_on": coaches.today.isoformat()},
        )
    assert response.status_code == 302
    coaches.dan.refresh_from_db()
    assert coaches.dan.status == Status.CERTIFIED and coaches.dan.mentor
    assert coaches.dan.valid_until == valid_until_for(coaches.today, 3)  # three years, less a day
    assert [m.to for m in mail.outbox] == [["dan@example.org"]]
    page = _page(world.client_for("dan"), _portfolio(coaches.dan))
    assert "Certified on" in page and "Decided by Kim Member" in page


def test_the_candidate_withdraws_their_own_candidacy(world):
    coaches = coaches_of(world)
    response = world.client_for("dan").post(_portfolio(coaches.dan) + "withdraw/")
    assert response.status_code == 302
    coaches.dan.refresh_from_db()
    assert coaches.dan.status == Status.WITHDRAWN
    again = world.client_for("dan").post(_portfolio(coaches.dan) + "withdraw/", follow=True)
    assert "This candidacy is closed (withdrawn)" in again.content.decode()


@pytest.mark.parametrize("persona", ["henri", "kim", "olga"])
def test_only_the_keepers_and_the_candidate_withdraw(world, persona):
    coaches = coaches_of(world)
    assert world.client_for(persona).post(_portfolio(coaches.dan) + "withdraw/").status_code == 403


@pytest.mark.parametrize("persona", ["dan", "kim", "henri"])
def test_only_the_keepers_open_a_recertification(world, persona):
    coaches = coaches_of(world)
    assert world.client_for(persona).post(_portfolio(coaches.faith) + "renew/").status_code == 403
    assert not CoachCertification.objects.filter(renews=coaches.faith).exists()


# --- the ways in ------------------------------------------------------------------------------------------


def test_a_candidate_finds_their_portfolio_from_the_network_home(world):
    coaches = coaches_of(world)
    page = _page(world.client_for("dan"), "/n/vln/")
    assert f'<a href="{_portfolio(coaches.dan)}">Your QI coach certification</a>: candidate' in page
    faith = _page(world.client_for("faith"), "/n/vln/")
    assert f'href="{_portfolio(coaches.faith)}"' in faith and "Expiring, valid until" in faith
    assert "Your QI coach certification" not in _page(world.client_for("carla"), "/n/vln/")


@pytest.mark.parametrize(
    ("persona", "linked"), [("faith", True), ("kim", True), ("carla", True), ("dan", False)]
)
def test_the_country_page_links_its_keepers_and_certifying_body_to_the_certification_work(
    world, persona, linked
):
    coaches_of(world)
    page = _page(world.client_for(persona), "/n/vln/countries/KE/")
    assert (f'href="{BASE}KE/"' in page) is linked


@pytest.mark.parametrize("persona", ["faith", "kim"])
def test_a_certified_coachs_portfolio_links_the_certificate_and_a_verification_page_anyone_may_open(
    world, persona
):
    import re

    from django.test import Client

    coaches = coaches_of(world)
    page = world.client_for(persona).get(f"{BASE}certifications/{coaches.faith.pk}/").content.decode()
    assert f"{BASE.replace('coaches/', 'certified-coaches/')}{coaches.faith.pk}/certificate.pdf" in page
    link = re.search(r'href="([^"]*/certified-coaches/verify/\?code=[^"]+)"', page).group(1)
    checked = Client().get(link.replace("&amp;", "&")).content.decode()
    assert "Faith Focal" in checked and "in force" in checked


def test_a_candidates_portfolio_has_no_certificate_to_verify(world):
    coaches = coaches_of(world)
    page = world.client_for("faith").get(f"{BASE}certifications/{coaches.dan.pk}/").content.decode()
    assert "certificate.pdf" not in page and "verify/?code=" not in page


def test_recertification_is_offered_as_a_certificate_nears_its_end_not_years_before(world):
    coaches = coaches_of(world)
    carla = world.client_for("carla")
    expiring = carla.get(_portfolio(coaches.faith)).content.decode()
    lapsed = carla.get(_portfolio(coaches.rose)).content.decode()
    in_force = carla.get(_portfolio(coaches.henri)).content.decode()
    assert "renew/" in expiring and "renew/" in lapsed
    assert "renew/" not in in_force  # two years of validity left
