"""The PDSA pages: a team lead logs a cycle from Plan to Act in plain forms (in French as in English), the
next cycle of a ramp starts from the adapted one, the Study page sets the result beside the prediction and
the chart of the cycle's months, and only the team writes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string

from improvement_world import improvement_of
from qicop.core.when import when
from qicop.improvement import selectors
from qicop.improvement.models import ChangeIdea, Measure, PdsaCycle
from qicop.improvement.pdsa import services
from qicop.improvement.pdsa.selectors import cycles_of_team
from qicop.network.permissions import viewer_for


@pytest.fixture
def work(world):
    return improvement_of(world)


def _team_url(work, team=None) -> str:
    team = team or work.team
    return f"/n/vln/improvement/{team.collaborative_id}/teams/{team.pk}/cycles/"


def _cycle_url(work, cycle) -> str:
    return _team_url(work, cycle.team) + f"{cycle.pk}/"


def _text(response) -> str:
    return response.content.decode()


def _plan_data(work, **overrides) -> dict:
    start = work.start + timedelta(days=40)
    return {
        "change_idea": "",
        "new_idea": "Appels des patients à charge virale élevée",
        "title": "Appeler les patients en une semaine",
        "objective": "Pouvons-nous joindre chaque patient en une semaine ?",
        "prediction": "Huit patients sur dix joints.",
        "plan": "Grace appelle le lundi et le jeudi.",
        "measure": str(work.measure.pk),
        "start": start.isoformat(),
        "end": (start + timedelta(days=20)).isoformat(),
    } | overrides


def _studied(work, cycle):
    kim = work.world.kim.user
    services.record_do(actor=kim, cycle=cycle, observations="Done.")
    services.record_study(actor=kim, cycle=cycle, result="As predicted.")
    return cycle


def test_a_kenyan_team_lead_logs_a_cycle_from_plan_to_act_in_french(work):
    client = work.world.client_for("kim")
    client.cookies["qicop_language"] = "fr"
    page = client.get(_team_url(work) + "new/")
    assert page.status_code == 200
    assert '<html lang="fr">' in _text(page)
    assert 'type="date"' in _text(page)

    response = client.post(_team_url(work) + "new/", _plan_data(work))
    assert response.status_code == 302, _text(response)
    cycle = PdsaCycle.objects.get(title="Appeler les patients en une semaine")
    assert cycle.change_idea.title == "Appels des patients à charge virale élevée"
    assert response["Location"] == _cycle_url(work, cycle)

    assert (
        client.post(_cycle_url(work, cycle) + "do/", {"observations": "9 sur 12 joints."}).status_code == 302
    )
    study = client.post(_cycle_url(work, cycle) + "study/", {"result": "75 %.", "learned": "Vérifier."})
    assert study.status_code == 302
    act = client.post(
        _cycle_url(work, cycle) + "act/",
        {"decision": "adapt", "next_steps": "Vérifier les numéros.", "decided_on": cycle.end.isoformat()},
    )
    assert act.status_code == 302
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.decision) == (PdsaCycle.Stage.DONE, PdsaCycle.Decision.ADAPT)

    page = _text(client.get(_cycle_url(work, cycle)))
    assert '<html lang="fr">' in page
    assert "9 sur 12 joints." in page and "75 %." in page and "Vérifier les numéros." in page
    assert "Kim Member" in page  # who recorded each stage
    assert f"?after={cycle.pk}" in page  # the next cycle of the ramp is offered


def test_the_plan_form_keeps_what_was_typed_when_the_cycle_is_dated_before_the_collaborative(work):
    client = work.world.client_for("kim")
    early = work.kenya.start - timedelta(days=3)
    response = client.post(_team_url(work) + "new/", _plan_data(work, start=early.isoformat()))
    assert response.status_code == 400
    page = _text(response)
    assert "a cycle of its teams cannot start before." in page
    assert 'value="Appeler les patients en une semaine"' in page
    assert f'value="{early.isoformat()}"' in page
    assert not ChangeIdea.objects.filter(title="Appels des patients à charge virale élevée").exists()


def test_a_missing_prediction_is_refused_on_the_study_page_with_the_result_kept(work):
    kim = work.world.kim.user
    cycle = work.cycle
    cycle.prediction = ""
    cycle.save()
    services.record_do(actor=kim, cycle=cycle, observations="Done.")
    response = work.world.client_for("kim").post(
        _cycle_url(work, cycle) + "study/", {"result": "Typed result"}
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Write your prediction before studying: a test without one teaches little." in page
    assert "Typed result" in page


def test_the_next_cycle_of_an_adapted_one_starts_from_its_plan(work):
    cycle = _studied(work, work.cycle)
    services.decide(actor=work.world.kim.user, cycle=cycle, decision="adapt", decided_on=cycle.end)
    client = work.world.client_for("kim")
    page = _text(client.get(_team_url(work) + f"new/?after={cycle.pk}"))
    assert "Cycle 2 of the ramp" in page
    assert cycle.objective in page and cycle.prediction in page
    assert f'<option value="{work.idea.pk}" selected>' in page
    next_start = (cycle.end + timedelta(days=1)).isoformat()
    assert f'value="{next_start}"' in page

    data = {
        "change_idea": str(work.idea.pk),
        "title": "Review results twice a day",
        "objective": cycle.objective,
        "prediction": cycle.prediction,
        "measure": str(work.measure.pk),
        "start": next_start,
        "end": (cycle.end + timedelta(days=14)).isoformat(),
    }
    response = client.post(_team_url(work) + f"new/?after={cycle.pk}", data)
    assert response.status_code == 302, _text(response)
    second = PdsaCycle.objects.get(title="Review results twice a day")
    assert second.previous == cycle
    page = _text(client.get(_cycle_url(work, second)))
    assert "Cycle 2 of the ramp on the change idea" in page
    assert f'href="{_cycle_url(work, cycle)}"' in page  # the previous cycle, linked


def test_the_study_page_shows_the_prediction_beside_the_result_and_the_chart_of_the_cycles_months(work):
    cycle = work.cycle
    services.record_do(actor=work.world.kim.user, cycle=cycle, observations="Done.")
    page = _text(work.world.client_for("kim").get(_cycle_url(work, cycle) + "study/"))
    assert "We predicted" in page and cycle.prediction in page
    assert "Not studied yet." in page and ">None<" not in page
    assert "<svg" in page
    month = when(cycle.start, "month")
    # Nakuru tested 100 and suppressed 80 in the collaborative's first month (viral_load_world).
    assert re.search(rf"<th scope=\"row\">{re.escape(month)}</th><td>80.0</td>", page), page
    assert "PDSA: Review results daily for one week" in page  # the cycle is drawn on the chart


def test_a_measure_without_data_says_why_on_the_study_page(work):
    from qicop.indicators.models import NetworkIndicator

    unmapped = NetworkIndicator.objects.create(
        network=work.world.network, code="ltfu", name="Lost to follow-up"
    )
    measure = Measure.objects.create(
        collaborative=work.kenya, indicator=unmapped, kind=Measure.Kind.BALANCING
    )
    cycle = work.cycle
    cycle.measure = measure
    cycle.save()
    services.record_do(actor=work.world.kim.user, cycle=cycle, observations="Done.")
    page = _text(work.world.client_for("kim").get(_cycle_url(work, cycle) + "study/"))
    assert (
        "This country has not mapped its data to “Lost to follow-up” yet, so there is nothing to chart."
        in page
    )
    assert "<svg" not in page


def _on_elements(work, **values) -> Measure:
    from qicop.improvement.collaboratives.services import add_measure

    defaults = {"name": "Suppressed among tested", "numerator": work.data.vl_suppressed, "factor": 100}
    defaults |= {"denominator": work.data.vl_tested}
    return add_measure(
        actor=work.world.faith.user, collaborative=work.kenya, kind="process", **defaults | values
    )


def test_a_cycle_watches_a_measure_on_the_countrys_data_elements_chosen_on_its_plan(work):
    measure = _on_elements(work)
    client = work.world.client_for("kim")
    page = _text(client.get(_team_url(work) + "new/"))
    assert f'<option value="{work.measure.pk}" selected>Viral suppression</option>' in page  # the key one
    assert f'<option value="{measure.pk}">Suppressed among tested</option>' in page

    response = client.post(_team_url(work) + "new/", _plan_data(work, measure=str(measure.pk)))
    assert response.status_code == 302, _text(response)
    cycle = PdsaCycle.objects.get(title="Appeler les patients en une semaine")
    assert cycle.measure == measure
    assert "<dd>Suppressed among tested</dd>" in _text(client.get(_cycle_url(work, cycle)))


def test_the_study_page_charts_a_measure_on_data_elements_over_the_cycles_months(work):
    cycle = work.cycle
    cycle.measure = _on_elements(work)
    cycle.save()
    services.record_do(actor=work.world.kim.user, cycle=cycle, observations="Done.")
    page = _text(work.world.client_for("kim").get(_cycle_url(work, cycle) + "study/"))
    assert "Suppressed among tested in the cycle" in page and "<svg" in page
    month = when(cycle.start, "month")
    # Suppressed over tested at Nakuru, from the imported elements (80 of 100 in the first month).
    assert re.search(rf"<th scope=\"row\">{re.escape(month)}</th><td>80.0</td>", page), page
    assert "PDSA: Review results daily for one week" in page  # the cycle is drawn on the chart


def test_a_measure_on_data_elements_without_data_says_so_on_the_study_page(work):
    cycle = work.cycle
    cycle.measure = _on_elements(work, name="QI score", numerator=work.data.score, denominator=None)
    cycle.save()
    services.record_do(actor=work.world.kim.user, cycle=cycle, observations="Done.")
    page = _text(work.world.client_for("kim").get(_cycle_url(work, cycle) + "study/"))
    assert "No data yet: the facility&#x27;s months appear here as soon as they are imported." in page
    assert "<svg" not in page


def test_an_adopted_change_offers_the_teams_workspace_to_propose_a_new_phase(work):
    cycle = _studied(work, work.cycle)
    services.decide(actor=work.world.kim.user, cycle=cycle, decision="adopt", decided_on=cycle.end)
    page = _text(work.world.client_for("kim").get(_cycle_url(work, cycle)))
    assert "The change is adopted: the team's charts of this measure mark it in" in page
    assert "propose a new phase of the chart from the team's workspace" in page


def test_a_member_who_reads_a_shared_team_may_not_write_its_cycles(work):
    henri = work.world.henri.user
    cycle = services.plan_cycle(
        actor=henri,
        team=work.jacmel,
        title="Rappels par SMS",
        objective="Les rappels réduisent-ils les rendez-vous manqués ?",
        prediction="Moitié moins de rendez-vous manqués.",
        measure=work.haiti_measure,
        start=work.start,
        end=work.start + timedelta(days=10),
        new_idea_title="Rappels par SMS la veille",
    )
    kim = work.world.client_for("kim")
    page = kim.get(_cycle_url(work, cycle))
    assert page.status_code == 200
    assert "Record what happened" not in _text(page)
    assert kim.get(_cycle_url(work, cycle) + "do/").status_code == 403
    assert kim.post(_cycle_url(work, cycle) + "do/", {"observations": "x"}).status_code == 403
    assert kim.post(_team_url(work, work.jacmel) + "new/", {}).status_code == 403
    cycle.refresh_from_db()
    assert cycle.stage == PdsaCycle.Stage.PLAN
    assert work.world.client_for("henri").get(_cycle_url(work, cycle) + "do/").status_code == 200


def _ramps(work, *, can_edit=True, team=None) -> str:
    team = team or work.team
    return render_to_string(
        "improvement/pdsa/_ramps.html", {"team": team, "cycles": cycles_of_team(team), "can_edit": can_edit}
    )


def test_the_ramps_show_each_change_ideas_cycles_in_order_in_words(work):
    kim = work.world.kim.user
    first = _studied(work, work.cycle)
    services.decide(actor=kim, cycle=first, decision="adapt", decided_on=first.end)
    services.plan_cycle(
        actor=kim,
        team=work.team,
        title="Call clients within a week",
        objective="Can we reach them?",
        measure=work.measure,
        start=work.start + timedelta(days=30),
        end=work.start + timedelta(days=40),
        new_idea_title="Phone follow-up of high results",
    )
    html = _ramps(work)
    assert html.index("Phone follow-up of high results") < html.index("Same-day viral load result review")
    assert "Done: the change is adapted" in html and "Planned: the test is to run" in html
    assert when(first.start, "date") in html
    assert f"new/?after={first.pk}" in html and "Plan the next cycle" in html
    assert "adapt</" not in html and ">done<" not in html  # words, never codes
    assert "Plan the next cycle" not in _ramps(work, can_edit=False)


def test_a_team_without_cycles_learns_what_a_pdsa_cycle_is_and_where_to_plan_one(work):
    PdsaCycle.objects.all().delete()
    html = _ramps(work)
    assert "A PDSA cycle tests one change on a small scale" in html
    assert f'href="{_team_url(work)}new/"' in html and "Plan the first cycle" in html


def test_the_ramps_partial_reads_the_cycles_in_one_query(work, django_assert_max_num_queries):
    for number in range(5):
        services.plan_cycle(
            actor=work.world.kim.user,
            team=work.team,
            title=f"Test {number}",
            objective="Does it work?",
            measure=work.measure,
            start=work.start + timedelta(days=number),
            end=work.start + timedelta(days=number + 5),
            new_idea_title=f"Idea {number % 3}",
        )
    # The team as the workspace reads it (with its collaborative and network).
    team = selectors.team_for(
        viewer_for(work.world.kim.user), work.world.network, work.kenya.pk, work.team.pk
    )
    with django_assert_max_num_queries(1):
        html = _ramps(work, team=team)
    assert html.count("<section") == 4


def test_the_cycle_page_makes_a_fixed_number_of_queries(work, django_assert_max_num_queries):
    kim = work.world.kim.user
    first = _studied(work, work.cycle)
    services.decide(actor=kim, cycle=first, decision="adapt", decided_on=first.end)
    for number in range(4):
        previous = PdsaCycle.objects.order_by("-id").first()
        cycle = services.plan_cycle(
            actor=kim,
            team=work.team,
            title=f"Round {number + 2}",
            objective="Again?",
            prediction="Better.",
            measure=work.measure,
            start=previous.end + timedelta(days=1),
            end=previous.end + timedelta(days=3),
            change_idea=work.idea,
            previous=previous,
        )
        _studied(work, cycle)
        services.decide(actor=kim, cycle=cycle, decision="adapt", decided_on=cycle.end)
    client = work.world.client_for("kim")
    with django_assert_max_num_queries(15):
        response = client.get(_cycle_url(work, cycle))
    assert response.status_code == 200
    assert len(response.content) < 100_000


@pytest.mark.parametrize("persona", ["henri", "olga", "oscar"])
def test_people_outside_kenyas_unshared_collaborative_cannot_write_its_cycles(work, persona):
    client = work.world.client_for(persona)
    url = _cycle_url(work, work.cycle)
    assert client.post(url + "do/", {"observations": "Written from outside."}).status_code == 404
    assert client.post(_team_url(work) + "new/", _plan_data(work)).status_code == 404
    work.cycle.refresh_from_db()
    assert work.cycle.stage == PdsaCycle.Stage.PLAN
