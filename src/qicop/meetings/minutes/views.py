"""The minutes page of a meeting: minutes, decisions and action items.

Every change is a POST to the page naming its ``form``: ``minutes``, ``decision``, ``action`` (add one),
``decision_edit`` / ``decision_delete`` (with ``decision=<id>``), ``action_edit`` / ``action_delete`` and
``status`` (with ``action=<id>``; ``status`` also takes actions of earlier meetings of the network, which
the meeting page offers to close as they carry forward). ``?edit_decision=<id>`` or ``?edit_action=<id>``
shows the edit form of one.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.core.params import id_or_none
from qicop.meetings import permissions, selectors
from qicop.meetings.access import meetings_network
from qicop.meetings.minutes import services
from qicop.meetings.minutes.forms import ActionForm, DecisionForm, MinutesForm
from qicop.meetings.models import ActionItem
from qicop.network import selectors as network_selectors

EDIT = "edit"  # the prefix of the edit forms, so that their fields do not clash with the add forms'


@login_required
def minutes_page(request, slug, meeting_id):
    """Coordinators write the minutes, record, change and delete decisions and actions, and close actions."""
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    if not permissions.can_manage_meetings(viewer, network):
        raise PermissionDenied
    members = list(network_selectors.members_of_network(network).select_related("country")[:500])
    countries = list(network.countries.order_by("name"))
    post = request.POST if request.method == "POST" else None
    kind = request.POST.get("form") if post is not None else None
    forms = {
        "minutes_form": MinutesForm(
            post if kind == "minutes" else None, initial={"minutes": meeting.minutes}
        ),
        "decision_form": DecisionForm(post if kind == "decision" else None),
        "action_form": ActionForm(post if kind == "action" else None, members=members, countries=countries),
    }
    source = post if post is not None else request.GET
    decision = action = None
    if kind in ("decision_edit", "decision_delete") or (post is None and "edit_decision" in request.GET):
        decision = _one(meeting.decisions, source.get("decision") or source.get("edit_decision"))
        forms["decision_edit_form"] = DecisionForm(
            post if kind == "decision_edit" else None, prefix=EDIT, initial={"text": decision.text}
        )
    if kind in ("action_edit", "action_delete") or (post is None and "edit_action" in request.GET):
        action = _one(meeting.actions, source.get("action") or source.get("edit_action"))
        forms["action_edit_form"] = ActionForm(
            post if kind == "action_edit" else None,
            prefix=EDIT,
            members=members,
            countries=countries,
            initial={
                "description": action.description,
                "owner": action.owner_id,
                "country": action.country_id,
                "due": action.due,
            },
        )
    if post is not None and _apply(request, meeting, network, kind, forms, decision, action):
        messages.success(request, _("Saved."))
        return redirect("meetings:minutes", slug=network.slug, meeting_id=meeting.pk)
    context = _minutes_context(network, meeting, forms, decision, action)
    return render(request, "meetings/minutes.html", context, status=400 if post is not None else 200)


def _one(queryset, pk):
    pk = id_or_none(pk)
    found = queryset.filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404
    return found


def _apply(request, meeting, network, kind, forms, decision, action) -> bool:
    """Carry out the posted change; False when its form is invalid (or the form is unknown)."""
    actor = request.user
    if kind == "minutes" and forms["minutes_form"].is_valid():
        services.save_minutes(actor=actor, meeting=meeting, **forms["minutes_form"].cleaned_data)
    elif kind == "decision" and forms["decision_form"].is_valid():
        services.add_decision(actor=actor, meeting=meeting, **forms["decision_form"].cleaned_data)
    elif kind == "decision_edit" and forms["decision_edit_form"].is_valid():
        services.update_decision(actor=actor, decision=decision, **forms["decision_edit_form"].cleaned_data)
    elif kind == "decision_delete":
        services.delete_decision(actor=actor, decision=decision)
    elif kind == "action" and forms["action_form"].is_valid():
        services.add_action(actor=actor, meeting=meeting, **forms["action_form"].cleaned_data)
    elif kind == "action_edit" and forms["action_edit_form"].is_valid():
        services.update_action(actor=actor, action=action, **forms["action_edit_form"].cleaned_data)
    elif kind == "action_delete":
        services.delete_action(actor=actor, action=action)
    elif kind == "status":
        action_pk = id_or_none(request.POST.get("action"))
        status_of = (
            ActionItem.objects.filter(meeting__network=network, pk=action_pk).first() if action_pk else None
        )
        if status_of is None or request.POST.get("status") not in ActionItem.Status.values:
            raise Http404
        services.set_action_status(actor=actor, action=status_of, status=request.POST["status"])
    else:
        return False
    return True


def _minutes_context(network, meeting, forms, decision, action) -> dict:
    return {
        "network": network,
        "meeting": meeting,
        **forms,
        "actions": meeting.actions.select_related("owner", "country"),
        "decisions": meeting.decisions.all(),
        "edited_decision": decision,
        "edited_action": action,
    }
