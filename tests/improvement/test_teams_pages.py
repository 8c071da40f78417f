"""The teams' pages: the form that adds and edits a team, the workspace, the driver diagram's outline and
drawings, and a measure's chart with its new phase."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from improvement_world import improvement_of
from qicop.dashboards.models import ChartSettings
from qicop.improvement.models import DriverNode, PdsaCycle, Team
from qicop.improvement.teams import services
from qicop.improvement.teams.outline import parse_outline
from qicop.indicators.models import OrgUnit


def _teams(work) -> str:
    return f"/n/vln/improvement/{work.kenya.pk}/teams/"


def _team(work, team=None) -> str:
    team = team or work.team
    return f"/n/vln/improvement/{team.collaborative_id}/teams/{team.pk}/"


def _form(org_unit, **extra):
    data = {
        "org_unit": org_unit,
        "name": "",
        "aim": "",
        "lead": "",
        "coach": "",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "200",
    }
    data.update(extra)
    return data


# --- the team's form -----------------------------------------------------------------------------------


def test_the_form_lists_facilities_grouped_by_district_with_names_never_uids(world):
    work = improvement_of(world)
    page = world.client_for("faith").get(_teams(work) + "new/").content.decode()
    assert '<optgroup label="Nakuru County">' in page
    assert "Naivasha" in page and "NaivashaHC1" not in page
    assert "Jacmel" not in page  # Haiti is not one of the collaborative's countries


def test_the_focal_point_adds_a_team_with_a_person_without_an_account(world):
    work = improvement_of(world)
    naivasha = OrgUnit.objects.get(uid="NaivashaHC1")
    response = world.client_for("faith").post(
        _teams(work) + "new/",
        _form(
            naivasha.pk,
            aim="Suppression to 95 %",
            lead=world.kim.pk,
            **{
                "members-0-name": "Achieng Otieno",
                "members-0-role": "Peer educator",
                "members-0-is_consumer": "on",
            },
        ),
    )
    team = Team.objects.get(collaborative=work.kenya, org_unit=naivasha)
    assert response.status_code == 302 and response["Location"] == _team(work, team)
    assert [(s.name, s.is_consumer) for s in team.members.all()] == [("Achieng Otieno", True)]


def test_an_org_unit_outside_the_countries_is_refused_by_name_and_the_typed_input_kept(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(
        _teams(work) + "new/", _form(work.jacmel.org_unit.pk, name="Équipe de Jacmel", aim="Retain everyone")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Hôpital de Jacmel is not in the countries that run this collaborative" in page
    assert 'value="Équipe de Jacmel"' in page and "Retain everyone" in page


def test_a_team_on_an_org_unit_already_in_the_collaborative_is_refused(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(_teams(work) + "new/", _form(work.nakuru_unit.pk, name="Again"))
    assert response.status_code == 400
    assert "already has a team in this collaborative" in response.content.decode()


def test_a_team_needs_its_facility(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(_teams(work) + "new/", _form("", name="Nowhere"))
    assert response.status_code == 400
    assert "Choose the facility or district the team works in." in response.content.decode()


def test_a_member_row_with_both_a_member_and_a_name_is_refused(world):
    work = improvement_of(world)
    response = world.client_for("faith").post(
        _teams(work) + "new/",
        _form(
            OrgUnit.objects.get(uid="NaivashaHC1").pk,
            **{"members-0-member": world.kim.pk, "members-0-name": "Kim again"},
        ),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a member or type a name, not both." in page and 'value="Kim again"' in page


def test_editing_a_team_shows_its_members_and_keeps_them(world):
    work = improvement_of(world)
    client = world.client_for("faith")
    page = client.get(_team(work) + "edit/").content.decode()
    assert 'value="Grace Wanjiru"' in page
    data = _form(
        work.nakuru_unit.pk,
        aim="New aim",
        lead=world.kim.pk,
        coach=world.dan.pk,
        **{
            "members-TOTAL_FORMS": "5",
            "members-INITIAL_FORMS": "2",
            "members-0-member": world.kim.pk,
            "members-0-role": "Team lead",
            "members-1-name": "Grace Wanjiru",
            "members-1-role": "Peer educator",
            "members-1-is_consumer": "on",
        },
    )
    assert client.post(_team(work) + "edit/", data).status_code == 302
    work.team.refresh_from_db()
    assert work.team.aim == "New aim" and work.team.members.count() == 2


# --- the workspace -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["kim", "dan", "faith", "carla"])
def test_the_workspace_shows_the_aim_people_charts_cycles_and_reports(world, persona):
    work = improvement_of(world)
    response = world.client_for(persona).get(_team(work))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        work.team.aim,
        "Kim Member",
        "Dan Data",
        "Grace Wanjiru",
        "consumer representative",
        work.cycle.title,
    ):
        assert text in page
    assert "<svg" in page and "Viral suppression" in page
    assert len(response.content) < 100_000


def test_henri_reads_the_workspace_of_a_shared_collaborative_and_not_kenyas(world):
    work = improvement_of(world)
    client = world.client_for("henri")
    assert client.get(_team(work, work.jacmel)).status_code == 200
    assert client.get(_team(work)).status_code == 404


def test_an_observer_never_sees_a_workspace_even_of_a_shared_collaborative(world):
    work = improvement_of(world)
    assert world.client_for("olga").get(_team(work, work.jacmel)).status_code == 404


def test_the_workspace_offers_what_to_do_next_when_there_is_no_diagram(world):
    work = improvement_of(world)
    page = world.client_for("kim").get(_team(work)).content.decode()
    assert "Write the driver diagram" in page and _team(work) + "driver-diagram/" in page


#: The workspace with one measure: the viewer, network and team (11), the diagram, the cycles, the measures,
#: the reports (and the team's country, for the reports' due dates in its zone), and the measure's chart (six
#: or seven: dashboards.pipeline.indicator_chart). Each further measure adds its chart's queries (a
#: collaborative has a handful of measures).
QUERIES = 23


def test_the_workspace_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    work = improvement_of(world)
    services.save_driver_diagram(
        actor=world.kim.user, team=work.team, outline=parse_outline("A\n  B\n    C\n    D\nE\n  F\n")
    )
    client = world.client_for("kim")
    client.get(_team(work))
    with django_assert_max_num_queries(QUERIES):
        client.get(_team(work))


def test_a_measure_without_published_data_says_so(world):
    work = improvement_of(world)  # Haiti's collaborative measures its key measure
    page = world.client_for("kim").get(_team(work, work.jacmel)).content.decode()
    assert "Haiti has data for this team that is not published yet" in page


def test_a_measure_without_any_data_says_so(world):
    work = improvement_of(world)
    county = OrgUnit.objects.get(uid="NakuruCnty1")
    empty = OrgUnit.objects.create(
        uid="EmptyClin01",
        code="KE_EMPTY",
        name="Empty clinic",
        country=world.kenya,
        parent=county,
        level=3,
        path=county.path + "/EmptyClin01",
    )
    team = services.add_team(actor=world.faith.user, collaborative=work.kenya, org_unit=empty)
    page = world.client_for("kim").get(_team(work, team)).content.decode()
    assert "No data yet" in page


# --- the team's aim ------------------------------------------------------------------------------------


def _kenyan_not_on_the_team(world):
    from personas import make_member
    from qicop.network.models import Role

    member = make_member(
        "kofi@example.org", "Kofi Kenyan", world.kenya, network=world.network, roles=[Role.MEMBER]
    )
    client = Client()
    client.force_login(member.user)
    return client


def test_a_team_member_edits_the_teams_aim_from_the_workspace(world):
    work = improvement_of(world)
    client = world.client_for("kim")  # on the team, not running the collaborative
    workspace = client.get(_team(work)).content.decode()
    assert "Edit the team's aim" in workspace and _team(work) + "aim/" in workspace
    form = client.get(_team(work) + "aim/")
    assert form.status_code == 200 and work.team.aim in form.content.decode()
    response = client.post(_team(work) + "aim/", {"aim": "  Suppression from 82 % to 95 % by June.  "})
    assert response.status_code == 302 and response["Location"] == _team(work)
    work.team.refresh_from_db()
    assert work.team.aim == "Suppression from 82 % to 95 % by June."


def test_a_participant_of_the_same_country_who_is_not_on_the_team_may_not_edit_its_aim(world):
    work = improvement_of(world)
    kofi = _kenyan_not_on_the_team(world)
    assert kofi.get(_team(work)).status_code == 200  # he reads his country's workspaces
    assert "Edit the team's aim" not in kofi.get(_team(work)).content.decode()
    assert kofi.get(_team(work) + "aim/").status_code == 403
    assert kofi.post(_team(work) + "aim/", {"aim": "Something else"}).status_code == 403
    work.team.refresh_from_db()
    assert work.team.aim == "Suppression from 80 % to 95 % by next year."


def test_an_aim_too_long_is_refused_with_its_length_and_kept_on_the_form(world):
    work = improvement_of(world)
    typed = "Suppression up " + "x" * 5000
    response = world.client_for("kim").post(_team(work) + "aim/", {"aim": typed})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Keep the aim to 5000 characters (it has 5015)." in page and typed in page
    work.team.refresh_from_db()
    assert work.team.aim == "Suppression from 80 % to 95 % by next year."


# --- the driver diagram --------------------------------------------------------------------------------


def test_an_outline_with_problems_is_shown_again_with_each_problem_by_line(world):
    work = improvement_of(world)
    typed = "Results acted on\n\t\tSame-day review\n  Results reach the clinic\n        Too deep\n"
    response = world.client_for("kim").post(_team(work) + "driver-diagram/", {"outline": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Line 4" in page and "fourth level" in page
    assert "Same-day review" in page and "Too deep" in page
    assert not DriverNode.objects.filter(team=work.team).exists()


def test_an_outline_is_saved_and_drawn_on_the_workspace_with_its_outline_as_lists(world):
    work = improvement_of(world)
    client = world.client_for("kim")
    typed = "- Results acted on\n  - Results reach the clinic\n    - Same-day viral load result review\n"
    response = client.post(_team(work) + "driver-diagram/", {"outline": typed})
    assert response.status_code == 302
    page = client.get(_team(work)).content.decode()
    assert "Change idea: Same-day viral load result review" in page
    assert "driver-diagram.svg" in page
    form = client.get(_team(work) + "driver-diagram/").content.decode()
    assert "Results acted on\n    Results reach the clinic" in form


def test_emptying_the_outline_asks_to_confirm(world):
    work = improvement_of(world)
    services.save_driver_diagram(actor=world.kim.user, team=work.team, outline=parse_outline("A\n"))
    client = world.client_for("kim")
    response = client.post(_team(work) + "driver-diagram/", {"outline": ""})
    assert response.status_code == 400 and "Clear the diagram" in response.content.decode()
    assert (
        client.post(_team(work) + "driver-diagram/", {"outline": "", "confirm_clear": "on"}).status_code
        == 302
    )
    assert not DriverNode.objects.filter(team=work.team).exists()


def test_the_diagram_downloads_as_svg_and_png(world):
    work = improvement_of(world)
    services.save_driver_diagram(actor=world.kim.user, team=work.team, outline=parse_outline("A\n  B\n"))
    client = world.client_for("dan")
    svg = client.get(_team(work) + "driver-diagram.svg")
    assert svg["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.content
    png = client.get(_team(work) + "driver-diagram.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")


# --- a measure's chart ---------------------------------------------------------------------------------


def _adopt(work):
    PdsaCycle.objects.filter(pk=work.cycle.pk).update(
        stage=PdsaCycle.Stage.DONE,
        decision=PdsaCycle.Decision.ADOPT,
        decided_on=date(work.start.year, work.start.month, 20),
    )


def test_the_chart_page_shows_the_chart_its_story_and_numbers(world):
    work = improvement_of(world)
    page = world.client_for("kim").get(_team(work) + "charts/vl-suppression/").content.decode()
    assert "<svg" in page and "The numbers behind the chart" in page and "?format=png" in page
    assert world.client_for("kim").get(_team(work) + "charts/no-such-measure/").status_code == 404


def test_the_focal_point_starts_a_new_phase_at_the_month_of_adoption(world):
    work = improvement_of(world)
    _adopt(work)
    client = world.client_for("faith")
    page = client.get(_team(work) + "charts/vl-suppression/").content.decode()
    assert "Start a new phase at" in page
    period = work.start.strftime("%Y%m")
    assert client.post(_team(work) + "charts/vl-suppression/", {"month": period}).status_code == 302
    settings = ChartSettings.objects.get(indicator=work.data.indicator, org_unit=work.nakuru_unit)
    assert settings.phase_starts == [period]


def test_the_team_lead_is_told_who_may_start_a_phase(world):
    work = improvement_of(world)
    _adopt(work)
    client = world.client_for("kim")
    page = client.get(_team(work) + "charts/vl-suppression/").content.decode()
    assert "Start a new phase at" not in page
    assert "data managers and coordinators start one: ask one of them" in page
    client.post(_team(work) + "charts/vl-suppression/", {"month": work.start.strftime("%Y%m")})
    assert not ChartSettings.objects.exists()


def test_the_chart_downloads_as_svg_and_png(world):
    work = improvement_of(world)
    client = world.client_for("kim")
    assert client.get(_team(work) + "charts/vl-suppression/?format=svg")["Content-Type"].startswith(
        "image/svg"
    )
    assert client.get(_team(work) + "charts/vl-suppression/?format=png")["Content-Type"] == "image/png"
