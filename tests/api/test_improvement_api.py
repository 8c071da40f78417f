"""The improvement endpoints of /api/v1: the pages' permissions exactly (what a page would not show is
404), bounded pages, pinned query counts, and nothing of an unshared collaborative of another country
under any identifier."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from improvement_world import improvement_of
from qicop.accounts.services import create_api_token
from qicop.improvement.models import ChangeIdea, PdsaCycle, Team, TeamMember, TeamReport

API = "/api/v1/networks/vln"


def get(world, persona, path):
    return world.client_for(persona).get(API + path)


def kenya_paths(work) -> list[str]:
    k, t = work.kenya.pk, work.team.pk
    return [
        f"/collaboratives/{k}",
        f"/collaboratives/{k}/teams",
        f"/collaboratives/{k}/scores",
        f"/collaboratives/{k}/teams/{t}",
        f"/collaboratives/{k}/teams/{t}/cycles",
        f"/collaboratives/{k}/teams/{t}/reports",
    ]


@pytest.mark.parametrize("persona", ["carla", "faith", "dan", "kim"])
def test_kenyans_and_the_coordinator_read_kenyas_unshared_collaborative(world, persona):
    work = improvement_of(world)
    for path in kenya_paths(work):
        assert get(world, persona, path).status_code == 200, path


@pytest.mark.parametrize("persona", ["henri", "olga", "oscar"])
def test_an_unshared_collaborative_of_another_country_is_not_found_under_any_identifier(world, persona):
    work = improvement_of(world)
    for path in kenya_paths(work):
        assert get(world, persona, path).status_code == 404, path
    # …nor through a shared collaborative's id with the Kenyan team's id
    assert get(world, persona, f"/collaboratives/{work.haiti.pk}/teams/{work.team.pk}").status_code == 404


def test_the_list_of_collaboratives_is_scoped_like_the_pages(world):
    work = improvement_of(world)

    def names(persona):
        return {c["name"] for c in get(world, persona, "/collaboratives").json()["items"]}

    assert names("carla") == names("kim") == {work.kenya.name, work.haiti.name}
    assert names("henri") == names("olga") == {work.haiti.name}
    assert get(world, "oscar", "/collaboratives").status_code == 404
    assert world.client_for("anonymous").get(API + "/collaboratives").status_code == 401


def test_observers_see_a_shared_collaboratives_picture_but_not_its_team_workspaces(world):
    work = improvement_of(world)
    h, j = work.haiti.pk, work.jacmel.pk
    assert get(world, "olga", f"/collaboratives/{h}").status_code == 200
    [team] = get(world, "olga", f"/collaboratives/{h}/teams").json()["items"]
    assert team["id"] == j and "Jacmel" in team["name"] and team["country"] == "HT"
    assert get(world, "olga", f"/collaboratives/{h}/scores").status_code == 200
    for path in (f"/collaboratives/{h}/teams/{j}", f"/collaboratives/{h}/teams/{j}/cycles"):
        assert get(world, "olga", path).status_code == 404
        assert get(world, "henri", path).status_code == 200
        assert get(world, "kim", path).status_code == 200


def test_a_teams_cycles_and_reports_carry_their_content(world):
    work = improvement_of(world)
    base = f"/collaboratives/{work.kenya.pk}/teams/{work.team.pk}"
    cycles = get(world, "kim", base + "/cycles").json()["items"]
    assert cycles[0]["title"] == "Review results daily for one week"
    assert cycles[0]["change_idea_title"] == work.idea.title and cycles[0]["measure"] == "vl-suppression"
    assert cycles[0]["measure_name"] == "Viral suppression"
    reports = get(world, "kim", base + "/reports").json()["items"]
    assert reports[0]["month"] == work.start.isoformat() and Decimal(reports[0]["score"]) == Decimal("2.0")


def _on_elements(work, name, numerator, denominator=None, factor=1, improvement="up"):
    from qicop.improvement.collaboratives.services import add_measure

    return add_measure(
        actor=work.world.faith.user,
        collaborative=work.kenya,
        kind="process",
        name=name,
        numerator=numerator,
        denominator=denominator,
        factor=factor,
        improvement=improvement,
    )


def test_collaborative_and_team_endpoints_list_their_measures_of_both_kinds(world):
    work = improvement_of(world)
    counted = _on_elements(work, "Clients not suppressed", work.data.vl_suppressed, improvement="down")
    share = _on_elements(work, "Suppressed among tested", work.data.vl_suppressed, work.data.vl_tested, 100)
    key = {
        "id": work.measure.pk,
        "name": "Viral suppression",
        "code": "vl-suppression",
        "kind": "outcome",
        "source": "indicator",
        "key": True,
        "indicator": "vl-suppression",
        "numerator": None,
        "denominator": None,
        "factor": 100,
        "direction": "up",
    }
    on_elements = {"source": "data_elements", "key": False, "indicator": None, "kind": "process"}
    expected = [
        key,
        on_elements
        | {"id": counted.pk, "name": "Clients not suppressed", "code": f"measure-{counted.pk}"}
        | {"numerator": "VlSupp0001a", "denominator": None, "factor": 1, "direction": "down"},
        on_elements
        | {"id": share.pk, "name": "Suppressed among tested", "code": f"measure-{share.pk}"}
        | {"numerator": "VlSupp0001a", "denominator": "VlTested01a", "factor": 100, "direction": "up"},
    ]
    k, t = work.kenya.pk, work.team.pk
    assert get(world, "kim", f"/collaboratives/{k}").json()["measures"] == expected
    assert get(world, "kim", f"/collaboratives/{k}/teams/{t}").json()["measures"] == expected
    listed = {c["id"]: c["measures"] for c in get(world, "kim", "/collaboratives").json()["items"]}
    assert listed[k] == expected
    assert [m["name"] for m in listed[work.haiti.pk]] == ["Viral suppression"]


def test_a_cycle_names_the_measure_it_watches_on_data_elements_too(world):
    work = improvement_of(world)
    counted = _on_elements(work, "Clients suppressed", work.data.vl_suppressed)
    work.cycle.measure = counted
    work.cycle.save()
    (cycle,) = get(world, "kim", f"/collaboratives/{work.kenya.pk}/teams/{work.team.pk}/cycles").json()[
        "items"
    ]
    assert (cycle["measure"], cycle["measure_name"]) == (f"measure-{counted.pk}", "Clients suppressed")


def test_draft_reports_are_for_the_team_and_scores_only_for_submitted_reports(world):
    work = improvement_of(world)
    TeamReport.objects.create(
        team=work.team, month=date(work.start.year + 1, 1, 1), self_score=Decimal("3.0")
    )
    work.team.coach = None
    work.team.save()
    base = f"/collaboratives/{work.kenya.pk}/teams/{work.team.pk}/reports"
    assert get(world, "kim", base).json()["count"] == 2  # on the team
    assert get(world, "dan", base).json()["count"] == 1  # a Kenyan participant, not on the team
    scores = get(world, "dan", f"/collaboratives/{work.kenya.pk}/scores").json()["items"]
    assert [(s["team"], Decimal(s["self_score"])) for s in scores] == [(work.team.pk, Decimal("2.0"))]


def test_change_ideas_count_outcomes_only_from_collaboratives_the_caller_may_see(world):
    work = improvement_of(world)
    work.cycle.decision = "adopt"
    work.cycle.save()

    def outcomes(persona):
        [idea] = get(world, persona, "/change-ideas").json()["items"]
        return idea["outcomes"]["adopted"], idea["tested_in"]

    assert outcomes("kim") == (1, ["KE"])
    assert outcomes("henri") == (0, [])
    assert outcomes("olga") == (0, [])
    detail = get(world, "henri", f"/change-ideas/{work.idea.pk}").json()
    assert detail["ramps"] == [] and detail["title"] == work.idea.title


def test_a_change_ideas_ramps_give_cycle_ids_to_participants_only(world):
    work = improvement_of(world)
    PdsaCycle.objects.create(
        team=work.jacmel,
        change_idea=work.idea,
        title="Jacmel",
        objective="?",
        start=work.start,
        end=work.start,
        decision="abandon",
        created_by=world.henri.user,
    )
    olga = get(world, "olga", f"/change-ideas/{work.idea.pk}").json()
    assert [(r["country"], r["decisions"], r["cycles"]) for r in olga["ramps"]] == [("HT", ["abandon"], None)]
    kim = get(world, "kim", f"/change-ideas/{work.idea.pk}").json()
    assert {r["country"]: r["cycles"] is not None for r in kim["ramps"]} == {"HT": True, "KE": True}


def test_change_ideas_filter_like_the_library(world):
    work = improvement_of(world)
    ChangeIdea.objects.create(
        network=world.network, title="Retired one", retired=True, created_by=world.kim.user
    )
    client = world.client_for("kim")
    assert client.get(API + "/change-ideas?indicator=vl-suppression").json()["count"] == 1
    assert client.get(API + "/change-ideas?indicator=nothing").json()["count"] == 0
    assert client.get(API + "/change-ideas?country=ht").json()["count"] == 0
    assert client.get(API + "/change-ideas?retired=true").json()["count"] == 2
    assert client.get(API + "/change-ideas?outcome=perhaps").status_code == 422
    assert get(world, "oscar", f"/change-ideas/{work.idea.pk}").status_code == 404


def test_a_change_idea_of_another_network_is_not_found(world):
    other = ChangeIdea.objects.create(
        network=world.other_network, title="Elsewhere", created_by=world.kim.user
    )
    assert get(world, "carla", f"/change-ideas/{other.pk}").status_code == 404


def test_a_personal_token_reads_the_same_as_the_session(world, client):
    work = improvement_of(world)
    _token, secret = create_api_token(user=world.henri.user, name="script")
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(API + f"/collaboratives/{work.kenya.pk}", headers=headers).status_code == 404
    assert client.get(API + f"/collaboratives/{work.haiti.pk}", headers=headers).status_code == 200


def test_pages_are_bounded(world):
    improvement_of(world)
    assert get(world, "kim", "/change-ideas?page_size=1000").status_code == 422


def _more_teams_and_ideas(work, world, count):
    from qicop.indicators.models import OrgUnit

    for n in range(count):
        unit = OrgUnit.objects.create(
            uid=f"ApiUnit{n:04}", name=f"Facility {n}", country=world.kenya, path=f"/ApiUnit{n:04}", level=4
        )
        team = Team.objects.create(collaborative=work.kenya, org_unit=unit, lead=world.kim)
        idea = ChangeIdea.objects.create(network=world.network, title=f"Idea {n}", created_by=world.kim.user)
        for i in range(2):
            PdsaCycle.objects.create(
                team=team,
                change_idea=idea,
                title=f"Cycle {n}.{i}",
                objective="?",
                start=work.start,
                end=work.start + timedelta(days=3),
                decision="adopt",
                created_by=world.kim.user,
            )
        TeamReport.objects.create(team=team, month=work.start, status="submitted", self_score=Decimal("2.5"))


@pytest.mark.parametrize(
    "path",
    ["/collaboratives", "/collaboratives/{k}/teams", "/collaboratives/{k}/scores", "/change-ideas"],
)
def test_list_query_counts_do_not_grow_with_the_page(world, path, django_assert_max_num_queries):
    work = improvement_of(world)
    path = API + path.format(k=work.kenya.pk)
    client = world.client_for("carla")
    client.get(path)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(path)
    _more_teams_and_ideas(work, world, 25)
    with django_assert_max_num_queries(len(small)):
        response = client.get(path + "?page_size=25")
    assert response.status_code == 200
    assert len(small) <= 12


def test_a_teams_cycles_take_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    work = improvement_of(world)
    for i in range(20):
        PdsaCycle.objects.create(
            team=work.team,
            change_idea=work.idea,
            title=f"Cycle {i}",
            objective="?",
            start=work.start,
            end=work.start,
            created_by=world.kim.user,
        )
    client = world.client_for("kim")
    with django_assert_max_num_queries(13):
        data = client.get(
            API + f"/collaboratives/{work.kenya.pk}/teams/{work.team.pk}/cycles?page_size=25"
        ).json()
    assert data["count"] == 21


def _busier(work, world, count):
    """``count`` more of everything the one-object endpoints read: faculty, team members, reports of the
    team, teams whose cycles test the Kenyan idea, and measures on data elements."""
    from qicop.indicators.models import OrgUnit

    work.kenya.faculty.add(world.dan, world.kim)
    for n in range(count):
        _on_elements(work, f"Measure {n}", work.data.vl_suppressed, work.data.vl_tested if n % 2 else None)
        TeamMember.objects.create(team=work.team, name=f"Person {n}", role="Nurse")
        month = date(work.start.year + (work.start.month + n) // 12, (work.start.month + n) % 12 + 1, 1)
        TeamReport.objects.create(team=work.team, month=month, status="submitted", self_score=Decimal("3.0"))
        unit = OrgUnit.objects.create(
            uid=f"BusyUnit{n:03}", name=f"Clinic {n}", country=world.kenya, path=f"/BusyUnit{n:03}", level=4
        )
        team = Team.objects.create(collaborative=work.kenya, org_unit=unit, lead=world.kim)
        PdsaCycle.objects.create(
            team=team,
            change_idea=work.idea,
            title=f"Cycle {n}",
            objective="?",
            start=work.start,
            end=work.start + timedelta(days=3),
            decision="adopt",
            created_by=world.kim.user,
        )


#: The one-object endpoints and the reports list, with the most queries each may take (whatever the
#: number of faculty, members, reports, measures or teams that tested the idea). Six of them are the
#: request's own (session, user, member, viewer's member and roles, network); a collaborative's and a team's
#: measures are one more.
PINNED = {
    "/collaboratives/{k}": 10,
    "/collaboratives/{k}/teams/{t}": 13,
    "/collaboratives/{k}/teams/{t}/reports?page_size=25": 13,
    "/change-ideas/{i}": 10,
}


@pytest.mark.parametrize("path", PINNED)
def test_one_object_endpoints_take_a_pinned_number_of_queries(world, path, django_assert_max_num_queries):
    work = improvement_of(world)
    path_now = API + path.format(k=work.kenya.pk, t=work.team.pk, i=work.idea.pk)
    client = world.client_for("carla")
    assert client.get(path_now).status_code == 200  # the first request fills per-process caches
    with django_assert_max_num_queries(PINNED[path]):
        assert client.get(path_now).status_code == 200
    _busier(work, world, 12)
    with django_assert_max_num_queries(PINNED[path]):
        response = client.get(path_now)
    assert response.status_code == 200


def test_the_openapi_document_describes_the_improvement_endpoints(client, db):
    paths = set(client.get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/networks/{slug}/collaboratives",
        "/api/v1/networks/{slug}/collaboratives/{collaborative_id}/teams/{team_id}/cycles",
        "/api/v1/networks/{slug}/change-ideas/{idea_id}",
    } <= paths
