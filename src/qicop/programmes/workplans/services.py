"""Writes of work plans: start a round's plan, add an objective for a domain, add an action step, change a
step's status. Each is atomic and audited and checks the round itself (the caller checked the actor's
permission with workplans.permissions)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.network.models import Member, Membership
from qicop.programmes.models import AssessmentRound, Domain, WorkPlan, WorkPlanAction, WorkPlanObjective
from qicop.programmes.workplans.permissions import PLANNED_FROM

#: A plan's objectives and an objective's steps are bounded, so that every page that reads them is.
MAX_OBJECTIVES = 40
MAX_ACTIONS = 25


def _plannable(round_: AssessmentRound) -> None:
    if round_.status not in PLANNED_FROM:
        raise ValidationError(
            _(
                "A work plan is drafted from a round once it is submitted: fill in this round and submit it "
                "first."
            )
        )


@transaction.atomic
def create_plan(*, actor, round_: AssessmentRound) -> WorkPlan:
    """The round's work plan, started now if it has none (one per round)."""
    _plannable(round_)
    plan, created = WorkPlan.objects.get_or_create(round=round_, defaults={"created_by": actor})
    if created:
        audit(actor=actor, verb="work_plan.create", target=plan, round=round_.pk)
    return plan


@transaction.atomic
def add_objective(*, actor, round_: AssessmentRound, domain_code: str, text: str) -> WorkPlanObjective:
    """An objective for one of the round's domains (its code and name are kept with it); starts the plan
    if the round has none yet."""
    _plannable(round_)
    errors: dict[str, str] = {}
    domain = Domain.objects.filter(instrument_id=round_.instrument_id, code=domain_code).first()
    if domain is None:
        errors["domain"] = _("Choose one of the round's domains.")
    if not text.strip():
        errors["text"] = _(
            "Write the objective: what the country means to reach in this domain by next year's round."
        )
    if errors:
        raise ValidationError(errors)
    plan = create_plan(actor=actor, round_=round_)
    count = plan.objectives.count()
    if count >= MAX_OBJECTIVES:
        raise ValidationError(
            _("A work plan holds at most %(count)s objectives: fold this one into an existing objective.")
            % {"count": MAX_OBJECTIVES}
        )
    objective = WorkPlanObjective.objects.create(
        plan=plan, domain_code=domain.code, domain_name=domain.name, text=text.strip(), order=count + 1
    )
    audit(actor=actor, verb="work_plan.objective", target=plan, objective=objective.pk, domain=domain.code)
    return objective


@transaction.atomic
def add_action(
    *,
    actor,
    objective: WorkPlanObjective,
    description: str,
    owner: Member | None,
    due: datetime.date | None,
) -> WorkPlanAction:
    """An action step of ``objective``: owned by a member of the round's country, due no earlier than the
    round's year."""
    round_ = objective.plan.round
    _plannable(round_)
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Describe the step: what will be done, so that its owner knows.")
    if owner is None:
        errors["owner"] = _("Choose who owns this step: a member of %(country)s.") % {
            "country": round_.country.display_name
        }
    elif (
        owner.country_id != round_.country_id
        or not Membership.objects.filter(member=owner, network_id=round_.network_id).exists()
    ):
        errors["owner"] = _(
            "%(name)s is not a member of %(country)s in this network: the owner of a step is one of the "
            "country's members."
        ) % {"name": owner.full_name, "country": round_.country.display_name}
    if due is None:
        errors["due"] = _("Give the date the step is due.")
    elif due.year < round_.year:
        errors["due"] = _(
            "%(date)s is before %(year)s, the round's year: a step is due from 1 January %(year)s on."
        ) % {"date": due.isoformat(), "year": round_.year}
    if errors:
        raise ValidationError(errors)
    if objective.actions.count() >= MAX_ACTIONS:
        raise ValidationError(
            _("An objective holds at most %(count)s steps: split it into two objectives.")
            % {"count": MAX_ACTIONS}
        )
    action = WorkPlanAction.objects.create(
        objective=objective, description=description.strip(), owner=owner, due=due
    )
    audit(
        actor=actor,
        verb="work_plan.action",
        target=objective.plan,
        action=action.pk,
        owner=owner.pk,
        due=due.isoformat(),
    )
    return action


@transaction.atomic
def set_action_status(*, actor, action: WorkPlanAction, status: str, now=None) -> WorkPlanAction:
    """Mark a step done (when), dropped, or open again."""
    if status not in WorkPlanAction.Status.values:
        raise ValidationError({"status": _("Choose open, done or dropped.")})
    if action.status == status:
        return action
    action.status = status
    action.done_at = (now or timezone.now()) if status == WorkPlanAction.Status.DONE else None
    action.save(update_fields=["status", "done_at", "updated_at"])
    audit(
        actor=actor,
        verb="work_plan.action_status",
        target=action.objective.plan,
        action=action.pk,
        status=status,
    )
    return action
