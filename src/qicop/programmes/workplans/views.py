"""Pages of a round's work plan: the plan (the lowest domains proposed first, objectives and their steps),
add an objective, add a step, change a step's status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.forms import add_service_errors
from qicop.network.selectors import network_page
from qicop.programmes.assessments.selectors import round_for
from qicop.programmes.models import WorkPlanAction, WorkPlanObjective
from qicop.programmes.workplans import forms, selectors, services
from qicop.programmes.workplans import permissions as rules


def _round(request, slug, round_id, *, edit: bool = False):
    viewer, network = network_page(request.user, slug)
    round_ = round_for(viewer, network, round_id)
    if not rules.can_read_plan(viewer, round_):
        raise PermissionDenied
    if edit and not rules.can_edit_plan(viewer, round_):
        raise PermissionDenied
    return viewer, network, round_


@login_required
def workplan_detail(request, slug, round_id):
    viewer, network, round_ = _round(request, slug, round_id)
    plan = selectors.plan_of(round_)
    objectives = list(plan.objectives.all()) if plan else []
    planned = {o.domain_code for o in objectives}
    return render(
        request,
        "programmes/workplans/workplan_detail.html",
        {
            "network": network,
            "round": round_,
            "plan": plan,
            "objectives": objectives,
            "proposal": [{"result": d, "planned": d.code in planned} for d in selectors.proposal(round_)],
            "can_edit": rules.can_edit_plan(viewer, round_),
            "plannable": round_.status in rules.PLANNED_FROM,
        },
    )


@login_required
def workplan_objective_add(request, slug, round_id):
    _viewer, network, round_ = _round(request, slug, round_id, edit=True)
    proposal = selectors.proposal(round_)
    form = forms.ObjectiveForm(
        request.POST or None,
        proposal=proposal,
        initial={"domain": request.GET.get("domain") or (proposal[0].code if proposal else "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_objective(
                actor=request.user,
                round_=round_,
                domain_code=form.cleaned_data["domain"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Objective added: now write its action steps."))
            return redirect("programmes:workplan_detail", network.slug, round_.pk)
    return render(
        request,
        "programmes/workplans/objective_form.html",
        {"network": network, "round": round_, "form": form},
        status=400 if form.errors else 200,
    )


def _objective(round_, objective_id) -> WorkPlanObjective:
    objective = (
        WorkPlanObjective.objects.filter(pk=objective_id, plan__round=round_).select_related("plan").first()
    )
    if objective is None:
        raise Http404("No such objective in this round's work plan")
    objective.plan.round = round_
    return objective


@login_required
def workplan_action_add(request, slug, round_id, objective_id):
    _viewer, network, round_ = _round(request, slug, round_id, edit=True)
    objective = _objective(round_, objective_id)
    form = forms.ActionForm(request.POST or None, round_=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action(actor=request.user, objective=objective, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Step added: it shows on its owner's home page."))
            return redirect("programmes:workplan_detail", network.slug, round_.pk)
    return render(
        request,
        "programmes/workplans/action_form.html",
        {"network": network, "round": round_, "objective": objective, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def workplan_action_status(request, slug, round_id, action_id):
    _viewer, network, round_ = _round(request, slug, round_id, edit=True)
    action = (
        WorkPlanAction.objects.filter(pk=action_id, objective__plan__round=round_)
        .select_related("objective__plan")
        .first()
    )
    if action is None:
        raise Http404("No such step in this round's work plan")
    try:
        services.set_action_status(actor=request.user, action=action, status=request.POST.get("status", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Step marked: %(status)s.") % {"status": action.get_status_display()})
    return redirect("programmes:workplan_detail", network.slug, round_.pk)
