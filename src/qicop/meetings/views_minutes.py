"""The minutes page of a meeting: minutes, decisions and action items."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.meetings import selectors, services
from qicop.meetings.access import meetings_network
from qicop.network import selectors as network_selectors


@login_required
def minutes_page(request, slug, meeting_id):
    """Coordinators write the minutes, record decisions and actions, and close actions."""
    from qicop.meetings.forms import ActionForm, DecisionForm, MinutesForm
    from qicop.meetings.models import ActionItem

    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    if not viewer.is_coordinator(network):
        raise PermissionDenied
    members = list(network_selectors.members_of_network(network)[:500])
    kind = request.POST.get("form")
    minutes_form = MinutesForm(
        request.POST if kind == "minutes" else None, initial={"minutes": meeting.minutes}
    )
    decision_form = DecisionForm(request.POST if kind == "decision" else None)
    action_form = ActionForm(request.POST if kind == "action" else None, members=members)
    if request.method == "POST":
        if kind == "minutes" and minutes_form.is_valid():
            services.save_minutes(actor=request.user, meeting=meeting, **minutes_form.cleaned_data)
        elif kind == "decision" and decision_form.is_valid():
            services.add_decision(actor=request.user, meeting=meeting, **decision_form.cleaned_data)
        elif kind == "action" and action_form.is_valid():
            owner = action_form.cleaned_data["owner"]
            services.add_action(
                actor=request.user,
                meeting=meeting,
                description=action_form.cleaned_data["description"],
                owner=owner,
                country=owner.country if owner else None,
                due=action_form.cleaned_data["due"],
            )
        elif kind == "status":
            action = ActionItem.objects.filter(
                meeting__network=network, pk=request.POST.get("action")
            ).first()
            if action is None or request.POST.get("status") not in ActionItem.Status.values:
                raise Http404
            services.set_action_status(actor=request.user, action=action, status=request.POST["status"])
        else:
            return render(
                request,
                "meetings/minutes.html",
                _minutes_context(network, meeting, minutes_form, decision_form, action_form),
                status=400,
            )
        messages.success(request, _("Saved."))
        return redirect("meetings:minutes", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/minutes.html",
        _minutes_context(network, meeting, minutes_form, decision_form, action_form),
    )


def _minutes_context(network, meeting, minutes_form, decision_form, action_form) -> dict:
    return {
        "network": network,
        "meeting": meeting,
        "minutes_form": minutes_form,
        "decision_form": decision_form,
        "action_form": action_form,
        "actions": meeting.actions.select_related("owner"),
        "decisions": meeting.decisions.all(),
    }
