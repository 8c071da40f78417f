"""Pages of a team's PDSA cycles: plan one (or the next of a ramp), read it, and record each stage in its own
plain form. Anyone who may see the team's workspace reads a cycle; its team, its coach and whoever runs the
collaborative write."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.core.forms import add_service_errors
from qicop.improvement import permissions, selectors
from qicop.improvement.pdsa import selectors as pdsa_selectors
from qicop.improvement.pdsa import services
from qicop.improvement.pdsa.forms import ActForm, DoForm, PlanForm, StudyForm
from qicop.network.selectors import network_page


def _team(request, slug, collaborative_id, team_id):
    viewer, network = network_page(request.user, slug)
    team = selectors.team_for(viewer, network, collaborative_id, team_id)
    return viewer, network, team


def _editable_team(request, slug, collaborative_id, team_id):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    if not permissions.can_edit_team(viewer, team):
        raise PermissionDenied
    return viewer, network, team


def _to_cycle(cycle):
    team = cycle.team
    return redirect(
        "improvement:cycle_detail",
        slug=team.collaborative.network.slug,
        collaborative_id=team.collaborative_id,
        team_id=team.pk,
        cycle_id=cycle.pk,
    )


def _page(request, template, context, form):
    return render(request, template, context, status=400 if form.errors else 200)


def _plan_initial(team, previous, idea, measures) -> dict:
    if previous is not None:
        initial = PlanForm.initial_from(previous)
        initial.pop("end")
        following = previous.end + timedelta(days=1)
        initial["start"] = following if following <= team.collaborative.end else None
        return initial
    return {"change_idea": idea.pk if idea else None, "measure": measures[0].pk if measures else None}


@login_required
def cycle_create(request, slug, collaborative_id, team_id):
    _viewer, network, team = _editable_team(request, slug, collaborative_id, team_id)
    previous = pdsa_selectors.adapted_cycle_for(team, request.GET.get("after"))
    idea = pdsa_selectors.idea_for_plan(team, request.GET.get("idea"))
    measures = services.measures_of(team)
    form = PlanForm(
        request.POST or None,
        team=team,
        measures=measures,
        initial=_plan_initial(team, previous, idea, measures),
    )
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.plan_cycle(
                actor=request.user, team=team, previous=previous, **form.service_arguments()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cycle is planned. Run the test, then record what happened."))
            return _to_cycle(cycle)
    number = (
        pdsa_selectors.place_in_ramp(previous, pdsa_selectors.ramp_of(previous))["position"] + 1
        if previous
        else 1
    )
    context = {"network": network, "team": team, "form": form, "previous": previous, "number": number}
    return _page(request, "improvement/pdsa/plan_form.html", context, form)


@login_required
def cycle_edit(request, slug, collaborative_id, team_id, cycle_id):
    viewer, network, team = _editable_team(request, slug, collaborative_id, team_id)
    cycle = selectors.cycle_for(viewer, team, cycle_id)
    form = PlanForm(
        request.POST or None,
        team=team,
        measures=services.measures_of(team),
        cycle=cycle,
        initial=PlanForm.initial_from(cycle),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_plan(actor=request.user, cycle=cycle, **form.service_arguments())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The plan is saved."))
            return _to_cycle(cycle)
    context = {"network": network, "team": team, "cycle": cycle, "form": form, "previous": None}
    return _page(request, "improvement/pdsa/plan_form.html", context, form)


@login_required
def cycle_detail(request, slug, collaborative_id, team_id, cycle_id):
    viewer, network, team = _team(request, slug, collaborative_id, team_id)
    cycle = selectors.cycle_for(viewer, team, cycle_id)
    ramp = pdsa_selectors.ramp_of(cycle)
    return render(
        request,
        "improvement/pdsa/cycle_detail.html",
        {
            "network": network,
            "team": team,
            "cycle": cycle,
            "ramp": ramp,
            **pdsa_selectors.place_in_ramp(cycle, ramp),
            "recorded": pdsa_selectors.recorded_by(cycle),
            "can_edit": permissions.can_edit_team(viewer, team),
        },
    )


def _stage_page(request, slug, collaborative_id, team_id, cycle_id, *, form_class, record, template, done):
    """The shape of the Do, Study and Act pages: read the cycle, show its form, record it, back to it."""
    viewer, network, team = _editable_team(request, slug, collaborative_id, team_id)
    cycle = selectors.cycle_for(viewer, team, cycle_id)
    form = form_class(request.POST or None, initial=_stage_initial(cycle, form_class))
    if request.method == "POST" and form.is_valid():
        try:
            record(actor=request.user, cycle=cycle, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return _to_cycle(cycle)
    context = {"network": network, "team": team, "cycle": cycle, "form": form}
    if form_class is StudyForm:
        context["chart"] = pdsa_selectors.study_chart(request.user, cycle)
    return _page(request, template, context, form)


def _stage_initial(cycle, form_class) -> dict:
    """What the stage's form shows first: the stage as recorded, when it is."""
    return {name: getattr(cycle, name) for name in form_class.base_fields if getattr(cycle, name)}


@login_required
def cycle_do(request, slug, collaborative_id, team_id, cycle_id):
    return _stage_page(
        request,
        slug,
        collaborative_id,
        team_id,
        cycle_id,
        form_class=DoForm,
        record=services.record_do,
        template="improvement/pdsa/do_form.html",
        done=_("What happened is recorded. Now study the result against your prediction."),
    )


@login_required
def cycle_study(request, slug, collaborative_id, team_id, cycle_id):
    return _stage_page(
        request,
        slug,
        collaborative_id,
        team_id,
        cycle_id,
        form_class=StudyForm,
        record=services.record_study,
        template="improvement/pdsa/study_form.html",
        done=_("The study is recorded. Now decide: adopt, adapt or abandon the change."),
    )


@login_required
def cycle_act(request, slug, collaborative_id, team_id, cycle_id):
    return _stage_page(
        request,
        slug,
        collaborative_id,
        team_id,
        cycle_id,
        form_class=ActForm,
        record=services.decide,
        template="improvement/pdsa/act_form.html",
        done=_("The decision is recorded."),
    )
