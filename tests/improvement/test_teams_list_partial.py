"""The collaborative page's list of teams (improvement/teams/_team_list.html): each team with its org unit,
lead, coach, latest score and number of cycles, in a fixed number of queries."""

from __future__ import annotations

from django.template.loader import render_to_string

from improvement_world import improvement_of
from qicop.improvement import selectors
from qicop.improvement.teams import services
from qicop.indicators.models import OrgUnit


def _render(work, can_run=True, linked=True):
    return render_to_string(
        "improvement/teams/_team_list.html",
        {
            "collaborative": work.kenya,
            "teams": selectors.teams_of(work.kenya),
            "can_run": can_run,
            "linked": linked,
        },
    )


def test_each_team_shows_its_lead_coach_latest_score_and_cycles(world):
    work = improvement_of(world)
    html = _render(work)
    assert f'/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/"' in html
    assert "Nakuru Level 5 Hospital" in html and "Kim Member" in html and "Dan Data" in html
    assert "2.0" in html and "Add a team" in html


def test_for_those_who_may_not_open_workspaces_the_teams_are_named_not_linked(world):
    work = improvement_of(world)
    html = _render(work, can_run=False, linked=False)
    assert "Nakuru Level 5 Hospital" in html and f"/teams/{work.team.pk}/" not in html


def test_the_list_takes_the_same_queries_for_one_team_or_three(world, django_assert_max_num_queries):
    work = improvement_of(world)
    with django_assert_max_num_queries(4):
        _render(work)
    county = OrgUnit.objects.get(uid="NakuruCnty1")
    services.add_team(actor=world.faith.user, collaborative=work.kenya, org_unit=county, lead=world.dan)
    services.add_team(
        actor=world.faith.user, collaborative=work.kenya, org_unit=OrgUnit.objects.get(uid="NaivashaHC1")
    )
    with django_assert_max_num_queries(4):
        assert _render(work).count("<tr>") == 4


def test_an_empty_list_says_what_to_do_next(world):
    work = improvement_of(world)
    work.kenya.teams.all().delete()
    assert "Add the first team" in _render(work)
    assert "Those who run the collaborative add its teams" in _render(work, can_run=False)
