"""A round's work plan, read and drafted as each persona would; its steps on the round page, on their
owners' home, and beside the domains of next year's round."""

from __future__ import annotations

import datetime

from programmes_world import programmes_of
from qicop.programmes.models import WorkPlanAction, WorkPlanObjective
from qicop.programmes.workplans import services

BASE = "/n/vln/programmes/assessments/"


def _plan_url(round_) -> str:
    return f"{BASE}{round_.pk}/work-plan/"


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _kenya_plan(world, steps=1):
    work = programmes_of(world)
    objective = services.add_objective(
        actor=world.faith.user, round_=work.kenya_2025, domain_code="measurement", text="Monthly data reviews"
    )
    for number in range(steps):
        services.add_action(
            actor=world.faith.user,
            objective=objective,
            description=f"Review the indicators, step {number}",
            owner=world.kim,
            due=datetime.date(2025, 9, 1) + datetime.timedelta(days=number),
        )
    return objective


def test_the_plan_page_proposes_the_lowest_domain_first_with_its_level(world):
    work = programmes_of(world)
    page = _page(world.client_for("faith"), _plan_url(work.kenya_2025))
    assert page.index("Measurement</strong> — level 1.5") < page.index("Leadership</strong> — level 2.5")
    assert "objectives/new/?domain=measurement" in page
    assert "Write the first objective" in page


def test_the_focal_point_writes_an_objective_then_a_step_with_an_owner_and_a_due_date(world):
    work = programmes_of(world)
    client = world.client_for("faith")
    url = _plan_url(work.kenya_2025)
    response = client.post(url + "objectives/new/", {"domain": "measurement", "text": "Monthly reviews"})
    assert response.status_code == 302
    objective = WorkPlanObjective.objects.get()
    response = client.post(
        url + f"objectives/{objective.pk}/steps/new/",
        {"description": "Hold the first review", "owner": world.kim.pk, "due": "2025-10-15"},
    )
    assert response.status_code == 302
    page = _page(client, url)
    assert "Monthly reviews" in page and "Hold the first review" in page and "Kim Member" in page
    assert 'type="date"' in _page(client, url + f"objectives/{objective.pk}/steps/new/")


def test_a_refused_step_is_shown_again_as_typed_with_the_reason(world):
    work = programmes_of(world)
    objective = _kenya_plan(world, steps=0)
    response = world.client_for("faith").post(
        _plan_url(work.kenya_2025) + f"objectives/{objective.pk}/steps/new/",
        {"description": "Train the data clerks", "owner": world.kim.pk, "due": "2024-03-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "is before 2025, the round&#x27;s year" in page
    assert "Train the data clerks" in page and 'value="2024-03-01"' in page


def test_an_owner_from_another_country_is_refused_by_the_form(world):
    work = programmes_of(world)
    objective = _kenya_plan(world, steps=0)
    response = world.client_for("faith").post(
        _plan_url(work.kenya_2025) + f"objectives/{objective.pk}/steps/new/",
        {"description": "Train", "owner": world.henri.pk, "due": "2025-03-01"},
    )
    assert response.status_code == 400
    assert "Choose a member of Kenya" in response.content.decode()
    assert not WorkPlanAction.objects.exists()


def test_an_empty_objective_is_shown_again_with_the_reason(world):
    work = programmes_of(world)
    response = world.client_for("carla").post(
        _plan_url(work.kenya_2025) + "objectives/new/", {"domain": "leadership", "text": ""}
    )
    assert response.status_code == 400
    assert "Write the objective" in response.content.decode()


def test_only_the_focal_point_and_the_coordinator_edit_the_plan(world):
    work = programmes_of(world)
    objective = _kenya_plan(world)
    action = objective.actions.get()
    url = _plan_url(work.kenya_2025)
    for persona in ("kim", "dan", "henri"):
        client = world.client_for(persona)
        assert client.post(url + "objectives/new/", {"domain": "leadership", "text": "x"}).status_code == 403
        assert client.post(url + f"steps/{action.pk}/status/", {"status": "done"}).status_code == 403
        assert "Mark done" not in _page(client, url)
    assert world.client_for("olga").get(url).status_code == 404
    assert (
        world.client_for("carla").post(url + f"steps/{action.pk}/status/", {"status": "done"}).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None


def test_a_draft_rounds_plan_page_says_it_comes_once_submitted(world):
    work = programmes_of(world)
    page = _page(world.client_for("faith"), _plan_url(work.kenya_2026))
    assert "drafted once the round is submitted" in page
    assert world.client_for("faith").get(_plan_url(work.kenya_2026) + "objectives/new/").status_code == 403


def test_the_round_page_lists_the_plans_open_steps_and_links_to_the_plan(world):
    work = programmes_of(world)
    _kenya_plan(world, steps=2)
    page = _page(world.client_for("henri"), f"{BASE}{work.kenya_2025.pk}/")
    assert "Review the indicators, step 0" in page and _plan_url(work.kenya_2025) in page
    assert "Open the work plan" in page


def test_the_owner_sees_their_steps_on_the_network_home_most_urgent_first(world):
    _kenya_plan(world, steps=2)
    page = _page(world.client_for("kim"), "/n/vln/")
    assert "Work plan of Kenya, 2025: Review the indicators, step 0" in page
    assert page.index("step 0") < page.index("step 1")
    assert "Kenya, 2025" in page


def test_others_see_no_work_plan_actions_on_their_home(world):
    _kenya_plan(world)
    for persona in ("faith", "carla", "henri", "olga"):
        assert "Work plan of Kenya" not in _page(world.client_for(persona), "/n/vln/")


def test_next_years_round_shows_last_years_plan_beside_the_domain_it_served(world):
    work = programmes_of(world)
    objective = _kenya_plan(world)
    services.set_action_status(actor=world.faith.user, action=objective.actions.get(), status="done")
    client = world.client_for("faith")
    page = _page(client, f"{BASE}{work.kenya_2026.pk}/")
    measurement = page.index('id="domain-measurement"')
    assert page.index("The 2025 work plan for this domain", measurement) > measurement
    assert "Monthly data reviews" in page[measurement:] and "Monthly data reviews" not in page[:measurement]
    fill = _page(client, f"{BASE}{work.kenya_2026.pk}/fill/measurement/")
    assert "The 2025 work plan for this domain" in fill and "Done" in fill
    assert "The 2025 work plan" not in _page(client, f"{BASE}{work.kenya_2026.pk}/fill/leadership/")


def test_the_pages_ask_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    work = programmes_of(world)
    for _ in range(3):
        _kenya_plan(world, steps=5)
    faith, kim = world.client_for("faith"), world.client_for("kim")
    faith.get("/n/vln/")  # warm the sessions
    kim.get("/n/vln/")
    with django_assert_max_num_queries(14):
        _page(faith, _plan_url(work.kenya_2025))
    with django_assert_max_num_queries(16):
        _page(faith, f"{BASE}{work.kenya_2025.pk}/")
    with django_assert_max_num_queries(18):  # two of them for the 2025 plan beside the domains
        _page(faith, f"{BASE}{work.kenya_2026.pk}/")
    with django_assert_max_num_queries(13):
        _page(faith, f"{BASE}{work.kenya_2026.pk}/fill/measurement/")
    with django_assert_max_num_queries(27):  # the whole home: see tests/portal/test_waiting.py
        page = _page(kim, "/n/vln/")
    assert page.count("Review the indicators") == 10  # portal.owed.PER_SOURCE, the most urgent first
