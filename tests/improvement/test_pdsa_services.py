"""The PDSA services: a cycle moves Plan → Do → Study → Act (done) one stage at a time, and each refusal says
why in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.charts import month_id, team_notes
from qicop.improvement.models import ChangeIdea, PdsaCycle
from qicop.improvement.pdsa import services


@pytest.fixture
def work(world):
    return improvement_of(world)


def _plan(work, **overrides) -> PdsaCycle:
    arguments = {
        "actor": work.world.kim.user,
        "team": work.team,
        "title": "Call clients with a high result within a week",
        "objective": "Can the peer educator reach every client with a high result within a week?",
        "prediction": "Eight in ten clients reached.",
        "plan": "Grace calls each client on Monday and Thursday.",
        "measure": work.measure,
        "start": work.start + timedelta(days=40),
        "end": work.start + timedelta(days=70),
        "change_idea": work.idea,
    } | overrides
    return services.plan_cycle(**arguments)


def _messages(error: ValidationError) -> list[str]:
    return [message for messages in error.message_dict.values() for message in messages]


def _refusal(call, **kwargs) -> str:
    with pytest.raises(ValidationError) as raised:
        call(**kwargs)
    error = raised.value
    return " ".join(_messages(error) if hasattr(error, "error_dict") else error.messages)


def test_a_cycle_moves_from_plan_to_do_to_study_to_act_and_each_step_is_audited(work):
    kim = work.world.kim.user
    cycle = _plan(work)
    assert cycle.stage == PdsaCycle.Stage.PLAN
    services.record_do(actor=kim, cycle=cycle, observations="Reached 9 of 12.", problems="Two numbers wrong.")
    assert cycle.stage == PdsaCycle.Stage.DO
    services.record_study(actor=kim, cycle=cycle, result="75 %, a little under.", learned="Check numbers.")
    assert cycle.stage == PdsaCycle.Stage.STUDY
    services.decide(
        actor=kim, cycle=cycle, decision="adapt", next_steps="Check numbers first.", decided_on=cycle.end
    )
    cycle.refresh_from_db()
    assert (cycle.stage, cycle.decision, cycle.decided_on) == (PdsaCycle.Stage.DONE, "adapt", cycle.end)
    verbs = list(
        AuditEntry.objects.filter(target_type="improvement.pdsacycle", target_id=str(cycle.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["pdsa.plan", "pdsa.do", "pdsa.study", "pdsa.act"]


def test_a_cycle_cannot_reach_study_without_a_prediction(work):
    cycle = _plan(work, prediction="")
    services.record_do(actor=work.world.kim.user, cycle=cycle, observations="Done.")
    message = _refusal(services.record_study, actor=work.world.kim.user, cycle=cycle, result="Fine.")
    assert message == "Write your prediction before studying: a test without one teaches little."
    cycle.refresh_from_db()
    assert cycle.stage == PdsaCycle.Stage.DO


def test_a_cycle_cannot_be_studied_before_what_happened_is_recorded(work):
    cycle = _plan(work)
    message = _refusal(services.record_study, actor=work.world.kim.user, cycle=cycle, result="Fine.")
    assert message == "Record what happened (Do) before studying the result."


def test_a_cycle_cannot_be_decided_before_it_is_studied(work):
    cycle = _plan(work)
    services.record_do(actor=work.world.kim.user, cycle=cycle, observations="Done.")
    message = _refusal(
        services.decide, actor=work.world.kim.user, cycle=cycle, decision="adopt", decided_on=cycle.end
    )
    assert message == "Study the result against the prediction before deciding."


def test_what_happened_is_kept_once_the_cycle_is_studied(work):
    kim = work.world.kim.user
    cycle = _plan(work)
    services.record_do(actor=kim, cycle=cycle, observations="Done.")
    services.record_study(actor=kim, cycle=cycle, result="As predicted.")
    message = _refusal(services.record_do, actor=kim, cycle=cycle, observations="Rewritten.")
    assert message == "This cycle is already studied: what happened is kept as it was recorded."


def test_the_prediction_cannot_be_rewritten_once_the_result_is_studied(work):
    kim = work.world.kim.user
    cycle = _plan(work)
    services.record_do(actor=kim, cycle=cycle, observations="Done.")
    services.record_study(actor=kim, cycle=cycle, result="Half as many as predicted.")
    message = _refusal(
        services.update_plan,
        actor=kim,
        cycle=cycle,
        title=cycle.title,
        objective=cycle.objective,
        prediction="Half as many.",
        measure=cycle.measure,
        start=cycle.start,
        end=cycle.end,
        change_idea=cycle.change_idea,
    )
    assert "the prediction must stay the one made before the result was known" in message


def test_act_needs_a_decision_and_a_day(work):
    kim = work.world.kim.user
    cycle = _plan(work)
    services.record_do(actor=kim, cycle=cycle, observations="Done.")
    services.record_study(actor=kim, cycle=cycle, result="As predicted.")
    with pytest.raises(ValidationError) as raised:
        services.decide(actor=kim, cycle=cycle, decision="", decided_on=None)
    assert raised.value.message_dict == {
        "decision": ["Choose whether to adopt, adapt or abandon the change."],
        "decided_on": ["Give the day the team decided."],
    }


def test_a_decision_cannot_come_before_the_test_started(work):
    kim = work.world.kim.user
    cycle = _plan(work)
    services.record_do(actor=kim, cycle=cycle, observations="Done.")
    services.record_study(actor=kim, cycle=cycle, result="As predicted.")
    message = _refusal(
        services.decide, actor=kim, cycle=cycle, decision="adopt", decided_on=cycle.start - timedelta(days=1)
    )
    assert message.startswith("The decision cannot come before the test started")


def test_a_cycle_dated_before_its_collaborative_starts_is_refused(work):
    with pytest.raises(ValidationError) as raised:
        _plan(work, start=work.kenya.start - timedelta(days=1))
    (message,) = raised.value.message_dict["start"]
    assert message.startswith("The collaborative starts on ")
    assert message.endswith(": a cycle of its teams cannot start before.")
    assert not PdsaCycle.objects.filter(title="Call clients with a high result within a week").exists()


def test_a_cycle_ending_after_its_collaborative_ends_is_refused(work):
    with pytest.raises(ValidationError) as raised:
        _plan(work, end=work.kenya.end + timedelta(days=1))
    (message,) = raised.value.message_dict["end"]
    assert message.endswith(": a cycle of its teams cannot end after.")


def test_a_cycle_that_ends_before_it_starts_is_refused(work):
    with pytest.raises(ValidationError) as raised:
        _plan(work, end=work.start + timedelta(days=39))
    assert raised.value.message_dict["end"] == ["The test must end on or after the day it starts."]


def test_a_measure_outside_the_collaborative_is_refused(work):
    with pytest.raises(ValidationError) as raised:
        _plan(work, measure=work.haiti_measure)  # Haiti's collaborative's, on the same indicator
    assert raised.value.message_dict["measure"] == ["Choose one of the collaborative's measures."]


def test_a_cycle_may_watch_a_measure_on_the_countrys_data_elements(work):
    from qicop.improvement.collaboratives.services import add_measure

    counted = add_measure(
        actor=work.world.faith.user,
        collaborative=work.kenya,
        kind="process",
        name="Clients suppressed",
        numerator=work.data.vl_suppressed,
    )
    assert [m.title for m in services.measures_of(work.team)] == ["Viral suppression", "Clients suppressed"]
    cycle = _plan(work, measure=counted)
    cycle.refresh_from_db()
    assert cycle.measure == counted and cycle.measure.on_elements


def test_a_typed_title_adds_a_change_idea_to_the_networks_library(work):
    cycle = _plan(work, change_idea=None, new_idea_title="SMS reminders the day before a visit")
    idea = ChangeIdea.objects.get(network=work.world.network, title="SMS reminders the day before a visit")
    assert cycle.change_idea == idea
    assert (idea.country, idea.created_by) == (work.world.kenya, work.world.kim.user)
    assert AuditEntry.objects.filter(verb="change_idea.create", target_id=str(idea.pk)).exists()


def test_a_typed_title_of_an_existing_idea_tests_that_idea(work):
    cycle = _plan(work, change_idea=None, new_idea_title="same-day viral load result review")
    assert cycle.change_idea == work.idea
    assert ChangeIdea.objects.filter(network=work.world.network).count() == 1


def test_a_cycle_needs_a_change_idea_and_not_two(work):
    with pytest.raises(ValidationError) as raised:
        _plan(work, change_idea=None)
    assert raised.value.message_dict["change_idea"] == [
        "Choose the change idea this cycle tests, or type the title of a new one."
    ]
    with pytest.raises(ValidationError) as raised:
        _plan(work, new_idea_title="Another idea")
    assert raised.value.message_dict["new_idea"] == ["Choose a change idea or type a new one, not both."]


def test_a_retired_change_idea_is_not_tested_again(work):
    work.idea.retired = True
    work.idea.save()
    with pytest.raises(ValidationError) as raised:
        _plan(work)
    assert raised.value.message_dict["change_idea"] == [
        "“Same-day viral load result review” is retired: choose another change idea."
    ]


def test_an_adapted_cycle_is_followed_by_the_next_on_the_same_ramp(work):
    kim = work.world.kim.user
    first = _plan(work)
    services.record_do(actor=kim, cycle=first, observations="Done.")
    services.record_study(actor=kim, cycle=first, result="Under the prediction.")
    services.decide(actor=kim, cycle=first, decision="adapt", decided_on=first.end)
    second = _plan(
        work, previous=first, start=first.end + timedelta(days=1), end=first.end + timedelta(days=20)
    )
    assert second.previous == first and second.change_idea == first.change_idea
    assert first.next_cycle == second
    message = _refusal(services.decide, actor=kim, cycle=first, decision="adopt", decided_on=first.end)
    assert message == "The next cycle of this ramp is planned: this decision is kept as it was."


def test_only_an_adapted_cycle_is_followed_and_only_once_and_on_its_own_idea(work):
    kim = work.world.kim.user
    first = _plan(work)
    message = _refusal(_plan, work=work, previous=first)
    assert message == "Only a cycle whose change was adapted is followed by a next cycle."
    services.record_do(actor=kim, cycle=first, observations="Done.")
    services.record_study(actor=kim, cycle=first, result="Under the prediction.")
    services.decide(actor=kim, cycle=first, decision="adapt", decided_on=first.end)
    message = _refusal(_plan, work=work, previous=first, change_idea=None, new_idea_title="Something else")
    assert message == (
        "The next cycle of a ramp tests the same change idea, adapted: “Same-day viral load result review”."
    )
    _plan(work, previous=first)
    message = _refusal(_plan, work=work, previous=first)
    assert message == "The cycle this one follows already has its next cycle."


def test_an_adopted_change_is_marked_on_the_teams_charts(work):
    kim = work.world.kim.user
    cycle = _plan(work)
    services.record_do(actor=kim, cycle=cycle, observations="Done.")
    services.record_study(actor=kim, cycle=cycle, result="As predicted.")
    services.decide(actor=kim, cycle=cycle, decision="adopt", decided_on=cycle.end)
    notes = team_notes(work.team, work.measure)  # the Measure the cycle watches
    assert (month_id(cycle.start), f"PDSA: {cycle.title}") in notes
    assert (month_id(cycle.end), "Adopted: Same-day viral load result review") in notes


def test_a_change_idea_that_cycles_test_cannot_be_deleted(work):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        work.idea.delete()
