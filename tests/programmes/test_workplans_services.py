"""The writes of work plans and each of their refusals."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from programmes_world import programmes_of
from qicop.core.models import AuditEntry
from qicop.programmes.models import AssessmentRound, WorkPlan, WorkPlanAction
from qicop.programmes.workplans import selectors, services

S = AssessmentRound.Status


def _messages(error) -> str:
    return " ".join(error.value.messages)


def _objective(world, round_=None, code="measurement"):
    work = programmes_of(world)
    return services.add_objective(
        actor=world.faith.user,
        round_=round_ or work.kenya_2025,
        domain_code=code,
        text="Monthly data reviews",
    )


def test_the_plan_proposes_the_lowest_domains_first_with_their_levels(world):
    work = programmes_of(world)
    kenya = selectors.proposal(work.kenya_2025)  # leadership 2.5, measurement 1.5
    assert [(d.code, d.level) for d in kenya] == [("measurement", 1.5), ("leadership", 2.5)]
    haiti = selectors.proposal(work.haiti_2026)  # leadership 1.5, measurement 3
    assert [d.code for d in haiti] == ["leadership", "measurement"]


def test_an_objective_starts_the_plan_keeps_its_domains_code_and_name_and_is_audited(world):
    objective = _objective(world)
    assert objective.domain_code == "measurement" and objective.domain_name == "Measurement"
    assert WorkPlan.objects.get(round=programmes_of(world).kenya_2025) == objective.plan
    verbs = set(AuditEntry.objects.values_list("verb", flat=True))
    assert {"work_plan.create", "work_plan.objective"} <= verbs


def test_an_empty_objective_is_refused_and_leaves_no_plan_behind(world):
    work = programmes_of(world)
    with pytest.raises(ValidationError) as error:
        services.add_objective(
            actor=world.faith.user, round_=work.kenya_2025, domain_code="leadership", text="  "
        )
    assert "Write the objective" in _messages(error)
    assert not WorkPlan.objects.exists()


def test_an_objective_for_a_domain_the_round_does_not_have_is_refused(world):
    work = programmes_of(world)
    with pytest.raises(ValidationError) as error:
        services.add_objective(
            actor=world.faith.user, round_=work.kenya_2025, domain_code="finance", text="x"
        )
    assert "one of the round's domains" in _messages(error)


def test_a_draft_round_has_no_work_plan_yet(world):
    work = programmes_of(world)
    with pytest.raises(ValidationError) as error:
        services.create_plan(actor=world.faith.user, round_=work.kenya_2026)
    assert "once it is submitted" in _messages(error)


def test_a_step_has_an_owner_from_the_country_and_a_due_date_in_or_after_the_rounds_year(world):
    objective = _objective(world)
    action = services.add_action(
        actor=world.faith.user,
        objective=objective,
        description="Review the data monthly",
        owner=world.kim,
        due=datetime.date(2025, 12, 31),
    )
    assert action.status == WorkPlanAction.Status.OPEN and action.owner == world.kim


def test_a_due_date_before_the_rounds_year_is_refused(world):
    objective = _objective(world)
    with pytest.raises(ValidationError) as error:
        services.add_action(
            actor=world.faith.user,
            objective=objective,
            description="Review",
            owner=world.kim,
            due=datetime.date(2024, 12, 31),
        )
    assert error.value.message_dict["due"] == [
        "2024-12-31 is before 2025, the round's year: a step is due from 1 January 2025 on."
    ]


def test_an_owner_from_another_country_is_refused(world):
    objective = _objective(world)
    with pytest.raises(ValidationError) as error:
        services.add_action(
            actor=world.faith.user,
            objective=objective,
            description="Review",
            owner=world.henri,
            due=datetime.date(2025, 6, 1),
        )
    assert "Henri Haïtien is not a member of Kenya" in error.value.message_dict["owner"][0]
    assert not WorkPlanAction.objects.exists()


def test_a_step_without_a_description_or_an_owner_is_refused_field_by_field(world):
    objective = _objective(world)
    with pytest.raises(ValidationError) as error:
        services.add_action(
            actor=world.faith.user, objective=objective, description=" ", owner=None, due=None
        )
    assert set(error.value.message_dict) == {"description", "owner", "due"}


def test_a_step_marked_done_keeps_when_and_opening_it_again_forgets_it(world):
    objective = _objective(world)
    action = services.add_action(
        actor=world.faith.user,
        objective=objective,
        description="Review",
        owner=world.kim,
        due=datetime.date(2025, 6, 1),
    )
    now = datetime.datetime(2025, 5, 2, 9, 0, tzinfo=datetime.UTC)
    services.set_action_status(actor=world.faith.user, action=action, status="done", now=now)
    assert action.status == "done" and action.done_at == now
    services.set_action_status(actor=world.faith.user, action=action, status="open")
    assert action.done_at is None
    with pytest.raises(ValidationError):
        services.set_action_status(actor=world.faith.user, action=action, status="finished")
    assert AuditEntry.objects.filter(verb="work_plan.action_status").count() == 2
