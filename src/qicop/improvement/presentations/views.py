"""Pages binding a case presentation to its team's evidence, and turning the peers' recommendations into an
action for the team or a new change idea. The case's own page (meetings) shows the evidence through
improvement/presentations/_evidence.html."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from qicop.core.forms import add_service_errors
from qicop.core.markdown import render_markdown
from qicop.improvement.models import ChangeIdea, PresentationEvidence
from qicop.improvement.presentations import permissions, selectors, services
from qicop.improvement.presentations.forms import EvidenceForm, RecommendationForm
from qicop.meetings.access import meetings_network


def _case_url(network, case) -> str:
    return reverse("meetings:case_detail", args=[network.slug, case.meeting_id, case.pk])


@login_required
def presentation_evidence(request, slug, case_id):
    viewer, network = meetings_network(request, slug)
    case = selectors.case_for(network, case_id)
    if not permissions.can_attach_evidence(viewer, case):
        raise PermissionDenied
    evidence = PresentationEvidence.objects.filter(case_presentation=case).first()
    if request.method == "POST" and request.POST.get("form") == "remove":
        services.remove_evidence(actor=request.user, case=case)
        messages.success(request, _("The case presentation no longer shows a team's evidence."))
        return redirect(_case_url(network, case))
    initial = (
        {"team": evidence.team_id, "measure": evidence.measure_id, "change_idea": evidence.change_idea_id}
        if evidence
        else {}
    )
    form = EvidenceForm(request.POST or None, initial=initial, viewer=viewer, network=network, case=case)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_evidence(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The case presentation now shows the team's evidence."))
            return redirect(_case_url(network, case))
    return render(
        request,
        "improvement/presentations/evidence.html",
        {
            "network": network,
            "case": case,
            "meeting": case.meeting,
            "evidence": evidence,
            "form": form,
            "case_url": _case_url(network, case),
        },
        status=400 if form.errors else 200,
    )


@login_required
def presentation_recommendations(request, slug, case_id):
    viewer, network = meetings_network(request, slug)
    case = selectors.case_for(network, case_id)
    if not permissions.can_turn_recommendations(viewer, case):
        raise PermissionDenied
    evidence = (
        PresentationEvidence.objects.filter(case_presentation=case)
        .select_related("team", "team__lead")
        .first()
    )
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == "idea":
                idea = services.recommendation_to_change_idea(
                    actor=request.user,
                    case=case,
                    title=data["recommendation"],
                    description=data["description"],
                )
                messages.success(
                    request, _("“%(title)s” is in the change-idea library.") % {"title": idea.title}
                )
            else:
                services.recommendation_to_action(
                    actor=request.user, case=case, text=data["recommendation"], due=data["due"]
                )
                messages.success(request, _("The action is recorded for the team."))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(request.path)
    context = {
        "network": network,
        "case": case,
        "meeting": case.meeting,
        "evidence": evidence,
        "form": form,
        "is_over": selectors.is_over(case.meeting),
        "case_url": _case_url(network, case),
        "recommendations_html": render_markdown(case.recommendations) if case.recommendations else "",
        "actions": selectors.actions_for_case(case),
        "ideas": ChangeIdea.objects.filter(source_presentation=case).order_by("title")[
            : selectors.LIST_LIMIT
        ],
    }
    return render(
        request,
        "improvement/presentations/recommendations.html",
        context,
        status=400 if form.errors else 200,
    )
