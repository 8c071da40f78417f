"""Writes of PDSA cycles, from Plan to Act: each atomic and audited, each refusal a ValidationError with a
message per field.

A cycle's ``stage`` is the last stage it has recorded, and moves forward one stage at a time, never skipping:
plan (planned) → do (what happened is recorded) → study (the result is set against the prediction) → done
(the Act decision is recorded; a studied cycle waits "in Act" for it). A stage's record may be corrected
while it is the cycle's latest; once a later stage is recorded the earlier ones stay as they were, so that a
prediction cannot be rewritten after the result is known.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.when import when
from qicop.improvement import selectors
from qicop.improvement.models import ChangeIdea, Measure, PdsaCycle, Team

Stage = PdsaCycle.Stage
Decision = PdsaCycle.Decision


def measures_of(team: Team) -> list[Measure]:
    """The measures a cycle of ``team`` may watch: its collaborative's, network indicators and the country's
    data elements alike (its key measure first)."""
    return [m for m in selectors.measures_of(team.collaborative) if m.pk is not None]


def _check_plan(
    *, team: Team, title: str, objective: str, measure, start: date | None, end: date | None
) -> None:
    collaborative = team.collaborative
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors.setdefault("title", []).append(
            _("Give the cycle a short title, e.g. “Review results daily for one week”.")
        )
    if not objective.strip():
        errors.setdefault("objective", []).append(_("Write the question this test should answer."))
    if measure is None:
        errors.setdefault("measure", []).append(_("Choose the measure to watch."))
    elif measure.collaborative_id != collaborative.pk or measure.pk is None:
        errors.setdefault("measure", []).append(_("Choose one of the collaborative's measures."))
    if start is None:
        errors.setdefault("start", []).append(_("Give the day the test starts."))
    elif start < collaborative.start:
        errors.setdefault("start", []).append(
            _("The collaborative starts on %(day)s: a cycle of its teams cannot start before.")
            % {"day": _when(collaborative.start)}
        )
    if end is None:
        errors.setdefault("end", []).append(_("Give the day the test ends."))
    elif start is not None and end < start:
        errors.setdefault("end", []).append(_("The test must end on or after the day it starts."))
    elif end > collaborative.end:
        errors.setdefault("end", []).append(
            _("The collaborative ends on %(day)s: a cycle of its teams cannot end after.")
            % {"day": _when(collaborative.end)}
        )
    if errors:
        raise ValidationError(errors)


def _when(day: date) -> str:
    return when(day, "date")


def _idea_for(*, actor, team: Team, change_idea: ChangeIdea | None, new_idea_title: str) -> ChangeIdea:
    """The change idea tested: one of the network's, or a new one the typed title creates (the library
    grows from the teams' work). A typed title that names an existing idea tests that idea."""
    network_id = team.collaborative.network_id
    title = (new_idea_title or "").strip()
    if change_idea is not None and title:
        raise ValidationError({"new_idea": _("Choose a change idea or type a new one, not both.")})
    if change_idea is None and not title:
        raise ValidationError(
            {"change_idea": _("Choose the change idea this cycle tests, or type the title of a new one.")}
        )
    if change_idea is not None:
        if change_idea.network_id != network_id:
            raise ValidationError({"change_idea": _("Choose one of this network's change ideas.")})
        if change_idea.retired:
            raise ValidationError(
                {
                    "change_idea": _("“%(title)s” is retired: choose another change idea.")
                    % {"title": change_idea.title}
                }
            )
        return change_idea
    if len(title) > ChangeIdea._meta.get_field("title").max_length:
        raise ValidationError({"new_idea": _("Keep the change idea's title to 200 characters.")})
    existing = ChangeIdea.objects.filter(network_id=network_id, title__iexact=title).first()
    if existing is not None:
        if existing.retired:
            raise ValidationError(
                {
                    "new_idea": _("“%(title)s” is a retired change idea: give the new one another title.")
                    % {"title": existing.title}
                }
            )
        return existing
    idea = ChangeIdea.objects.create(
        network_id=network_id,
        title=title,
        country_id=team.collaborative.country_id,
        created_by=actor,
    )
    audit(actor=actor, verb="change_idea.create", target=idea, title=idea.title, team=team.pk)
    return idea


def _check_previous(*, team: Team, previous: PdsaCycle, idea: ChangeIdea) -> None:
    if previous.team_id != team.pk:
        raise ValidationError(_("The cycle this one follows belongs to another team."))
    if previous.decision != Decision.ADAPT:
        raise ValidationError(_("Only a cycle whose change was adapted is followed by a next cycle."))
    if PdsaCycle.objects.filter(previous=previous).exists():
        raise ValidationError(_("The cycle this one follows already has its next cycle."))
    if idea.pk != previous.change_idea_id:
        raise ValidationError(
            {
                "change_idea": _("The next cycle of a ramp tests the same change idea, adapted: “%(title)s”.")
                % {"title": previous.change_idea.title}
            }
        )


@transaction.atomic
def plan_cycle(
    *,
    actor,
    team: Team,
    title: str,
    objective: str,
    measure,
    start: date | None,
    end: date | None,
    prediction: str = "",
    plan: str = "",
    change_idea: ChangeIdea | None = None,
    new_idea_title: str = "",
    previous: PdsaCycle | None = None,
) -> PdsaCycle:
    """A new cycle of ``team`` in the Plan stage, testing ``change_idea`` or a new idea titled
    ``new_idea_title`` (created in the network's library). ``previous``: the adapted cycle this one follows
    on the same ramp. Dates lie within the collaborative's; the measure is one of its measures."""
    _check_plan(team=team, title=title, objective=objective, measure=measure, start=start, end=end)
    idea = _idea_for(actor=actor, team=team, change_idea=change_idea, new_idea_title=new_idea_title)
    if previous is not None:
        _check_previous(team=team, previous=previous, idea=idea)
    cycle = PdsaCycle.objects.create(
        team=team,
        change_idea=idea,
        previous=previous,
        title=title.strip(),
        objective=objective.strip(),
        prediction=prediction.strip(),
        plan=plan.strip(),
        measure=measure,
        start=start,
        end=end,
        created_by=actor,
    )
    audit(
        actor=actor,
        verb="pdsa.plan",
        target=cycle,
        team=team.pk,
        change_idea=idea.pk,
        previous=previous.pk if previous else None,
    )
    return cycle


@transaction.atomic
def update_plan(
    *,
    actor,
    cycle: PdsaCycle,
    title: str,
    objective: str,
    measure,
    start: date | None,
    end: date | None,
    prediction: str = "",
    plan: str = "",
    change_idea: ChangeIdea | None = None,
    new_idea_title: str = "",
) -> PdsaCycle:
    """Correct the plan while the cycle has recorded no more than its Do stage (a prediction is never
    rewritten once the result is studied). The change idea of a cycle that follows another stays its."""
    cycle = _locked(cycle)
    if cycle.stage not in (Stage.PLAN, Stage.DO):
        raise ValidationError(
            _(
                "The plan is kept as it was once the cycle is studied: the prediction must stay the one made "
                "before the result was known."
            )
        )
    _check_plan(team=cycle.team, title=title, objective=objective, measure=measure, start=start, end=end)
    idea = _idea_for(actor=actor, team=cycle.team, change_idea=change_idea, new_idea_title=new_idea_title)
    if cycle.previous_id and idea.pk != cycle.previous.change_idea_id:
        raise ValidationError(
            {
                "change_idea": _("The next cycle of a ramp tests the same change idea, adapted: “%(title)s”.")
                % {"title": cycle.previous.change_idea.title}
            }
        )
    changed = sorted(
        name
        for name, value in (
            ("title", title.strip()),
            ("objective", objective.strip()),
            ("prediction", prediction.strip()),
            ("plan", plan.strip()),
            ("measure_id", measure.pk),
            ("start", start),
            ("end", end),
            ("change_idea_id", idea.pk),
        )
        if getattr(cycle, name) != value
    )
    cycle.title, cycle.objective, cycle.prediction, cycle.plan = (
        title.strip(),
        objective.strip(),
        prediction.strip(),
        plan.strip(),
    )
    cycle.measure, cycle.start, cycle.end, cycle.change_idea = measure, start, end, idea
    cycle.save()
    if changed:
        audit(actor=actor, verb="pdsa.update_plan", target=cycle, changed=changed)
    return cycle


def _locked(cycle: PdsaCycle) -> PdsaCycle:
    """Lock the cycle's row and read its stage again, so two people moving one cycle at once cannot both
    pass the stage check; the objects the caller loaded (team, idea) are kept."""
    fresh = PdsaCycle.objects.select_for_update().get(pk=cycle.pk)
    for name in ("stage", "prediction", "decision"):
        setattr(cycle, name, getattr(fresh, name))
    return cycle


def _refuse_unless(cycle: PdsaCycle, allowed: tuple[str, ...], field: str, message: str) -> None:
    if cycle.stage not in allowed:
        raise ValidationError({field: message} if field else message)


@transaction.atomic
def record_do(*, actor, cycle: PdsaCycle, observations: str, problems: str = "") -> PdsaCycle:
    """Record what happened when the test ran: Plan → Do (or correct the Do record while it is the
    latest)."""
    cycle = _locked(cycle)
    _refuse_unless(
        cycle,
        (Stage.PLAN, Stage.DO),
        "",
        _("This cycle is already studied: what happened is kept as it was recorded."),
    )
    if not observations.strip():
        raise ValidationError({"observations": _("Say what happened when you ran the test.")})
    before = cycle.stage
    cycle.observations, cycle.problems, cycle.stage = observations.strip(), problems.strip(), Stage.DO
    cycle.save(update_fields=["observations", "problems", "stage", "updated_at"])
    audit(actor=actor, verb="pdsa.do", target=cycle, stage=[before, cycle.stage])
    return cycle


@transaction.atomic
def record_study(*, actor, cycle: PdsaCycle, result: str, learned: str = "") -> PdsaCycle:
    """Set the result against the prediction: Do → Study. A cycle without a prediction cannot be studied."""
    cycle = _locked(cycle)
    if cycle.stage == Stage.PLAN:
        raise ValidationError(_("Record what happened (Do) before studying the result."))
    _refuse_unless(
        cycle,
        (Stage.DO, Stage.STUDY),
        "",
        _("This cycle is already decided: its study is kept as it was recorded."),
    )
    if not cycle.prediction.strip():
        raise ValidationError(_("Write your prediction before studying: a test without one teaches little."))
    if not result.strip():
        raise ValidationError({"result": _("Say what the result was, against the prediction.")})
    before = cycle.stage
    cycle.result, cycle.learned, cycle.stage = result.strip(), learned.strip(), Stage.STUDY
    cycle.save(update_fields=["result", "learned", "stage", "updated_at"])
    audit(actor=actor, verb="pdsa.study", target=cycle, stage=[before, cycle.stage])
    return cycle


@transaction.atomic
def decide(
    *, actor, cycle: PdsaCycle, decision: str, next_steps: str = "", decided_on: date | None = None
) -> PdsaCycle:
    """Record the Act decision (adopt, adapt or abandon) of a studied cycle: Study → Done. An adapted cycle
    is followed by the next one on its ramp (``plan_cycle(previous=cycle)``); an adopted change is drawn on
    the team's charts at ``decided_on`` (charts.team_notes)."""
    cycle = _locked(cycle)
    if cycle.stage in (Stage.PLAN, Stage.DO):
        raise ValidationError(_("Study the result against the prediction before deciding."))
    if cycle.stage == Stage.DONE and PdsaCycle.objects.filter(previous=cycle).exists():
        raise ValidationError(_("The next cycle of this ramp is planned: this decision is kept as it was."))
    errors: dict[str, str] = {}
    if decision not in Decision.values:
        errors["decision"] = _("Choose whether to adopt, adapt or abandon the change.")
    if decided_on is None:
        errors["decided_on"] = _("Give the day the team decided.")
    elif decided_on < cycle.start:
        errors["decided_on"] = _("The decision cannot come before the test started (%(day)s).") % {
            "day": _when(cycle.start)
        }
    if errors:
        raise ValidationError(errors)
    before = cycle.stage
    cycle.decision, cycle.next_steps, cycle.decided_on = decision, next_steps.strip(), decided_on
    cycle.stage = Stage.DONE
    cycle.save(update_fields=["decision", "next_steps", "decided_on", "stage", "updated_at"])
    audit(actor=actor, verb="pdsa.act", target=cycle, stage=[before, cycle.stage], decision=decision)
    return cycle
