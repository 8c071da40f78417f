"""Pages of the meetings app: planning meetings (create, edit, copy, cancel), their agenda, the network's
topics, and case presentations."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.forms import add_service_errors
from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.meetings import permissions, selectors, times
from qicop.meetings.access import meetings_network
from qicop.meetings.agenda import permissions as agenda_permissions
from qicop.meetings.agenda import selectors as agenda_selectors
from qicop.meetings.agenda import services as agenda
from qicop.meetings.agenda.forms import (
    AgendaItemForm,
    CaseAssignForm,
    CaseReviewForm,
    CaseSubmitForm,
    CopyMeetingForm,
    MeetingForm,
    RecommendationsForm,
    TopicForm,
    utc_to_local,
)
from qicop.meetings.models import AgendaItem, CasePresentation, Meeting
from qicop.network import selectors as network_selectors
from qicop.network.models import Topic


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_agenda.html)."""
    items = agenda_selectors.agenda_of(meeting)
    warnings = agenda_selectors.agenda_warnings(meeting, items)
    cases = agenda_selectors.cases_of(meeting)
    now = timezone.now()
    for case in cases:
        case.state = agenda_selectors.case_state(case, now)
        case.mine = viewer.is_focal_point_for(network, case.country_id)
    # The agenda is read on the meeting's own clock: the venue's for a meeting held somewhere.
    zone = times.clock_zone(meeting)
    start, end = (moment.astimezone(ZoneInfo(zone)) for moment in (meeting.start, meeting.end))
    return {
        "items": [(item, warnings.get(item.pk, [])) for item in items],
        "has_warnings": bool(warnings),
        "zone": zone,
        "venue_clock": zone != timezone.get_current_timezone_name(),
        "several_days": start.date() != end.date(),
        "cases": cases,
        "my_cases": [c for c in cases if c.mine and c.state.awaiting_country],
        "can_plan": agenda_permissions.can_plan_meetings(viewer, network),
        "can_cancel": meeting.status not in (Meeting.Status.CANCELLED, Meeting.Status.HELD),
    }


def _planner(request, slug, meeting_id=None):
    """A coordinator's planning page: the viewer, the network and (when asked) the meeting."""
    viewer, network = meetings_network(request, slug)
    if not agenda_permissions.can_plan_meetings(viewer, network):
        raise PermissionDenied
    meeting = selectors.meeting_in_network(network, meeting_id) if meeting_id is not None else None
    return viewer, network, meeting


@login_required
def meeting_create(request, slug):
    _viewer, network, _meeting = _planner(request, slug)
    # The coordinator usually organises in their own zone: propose it.
    initial = {"time_zone": timezone.get_current_timezone_name(), "reminder_offsets": "7d,1d"}
    form = MeetingForm(request.POST or None, network=network, initial=initial)
    if request.method == "POST" and form.is_valid():
        meeting = agenda.create_meeting(actor=request.user, network=network, **form.cleaned_data)
        messages.success(request, _("The meeting is planned. Add its agenda next."))
        return redirect("meetings:agenda_edit", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"network": network, "form": form, "meeting": None},
        status=400 if form.errors else 200,
    )


@login_required
def meeting_edit(request, slug, meeting_id):
    _viewer, network, meeting = _planner(request, slug, meeting_id)
    form = MeetingForm(request.POST or None, network=network, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            told = agenda.update_meeting(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Saved. Everyone invited receives the updated invitation.") if told else _("Saved."),
            )
            return redirect("meetings:detail", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"network": network, "form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


@login_required
def meeting_copy(request, slug, meeting_id):
    """The next meeting of the series: the form proposes the series' usual interval."""
    _viewer, network, meeting = _planner(request, slug, meeting_id)
    proposed = utc_to_local(agenda.proposed_copy_start(meeting), meeting.time_zone)
    form = CopyMeetingForm(
        request.POST or None, meeting=meeting, initial={"title": meeting.title, "start": proposed}
    )
    if request.method == "POST" and form.is_valid():
        copy = agenda.copy_meeting(actor=request.user, meeting=meeting, **form.cleaned_data)
        messages.success(request, _("The next meeting is planned. Check it, then confirm it."))
        return redirect("meetings:meeting_edit", slug=network.slug, meeting_id=copy.pk)
    return render(
        request,
        "meetings/meeting_copy.html",
        {"network": network, "form": form, "meeting": meeting, "agenda_count": meeting.agenda.count()},
        status=400 if form.errors else 200,
    )


@login_required
def meeting_cancel(request, slug, meeting_id):
    _viewer, network, meeting = _planner(request, slug, meeting_id)
    error = None
    if request.method == "POST":
        try:
            agenda.cancel_meeting(actor=request.user, meeting=meeting)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("The meeting is cancelled; calendars receive the cancellation."))
            return redirect("meetings:detail", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/meeting_cancel.html",
        {"network": network, "meeting": meeting, "error": error},
        status=400 if error else 200,
    )


def _agenda_context(network, meeting, form, item=None) -> dict:
    items = agenda_selectors.agenda_of(meeting)
    warnings = agenda_selectors.agenda_warnings(meeting, items)
    return {
        "network": network,
        "meeting": meeting,
        "form": form,
        "item": item,
        "rows": [(row, warnings.get(row.pk, [])) for row in items],
        "warnings": bool(warnings),
    }


def _item_form(request, network, meeting, item=None):
    chosen = []
    if item is not None:
        chosen = [
            *item.presenters.all(),
            *item.panellists.all(),
            *([item.moderator] if item.moderator else []),
        ]
    members = agenda_selectors.members_for_picker(network, include=chosen)
    return AgendaItemForm(request.POST or None, meeting=meeting, members=members, item=item)


def _save_item(request, network, meeting, form, item=None):
    """Save a valid item form; None when the service refused it (errors added to the form)."""
    try:
        saved = agenda.save_agenda_item(actor=request.user, meeting=meeting, item=item, **form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    warnings = agenda_selectors.agenda_warnings(meeting, agenda_selectors.agenda_of(meeting)).get(saved.pk)
    if warnings:
        messages.warning(
            request, _("Saved, but check its time: %(problems)s") % {"problems": " ".join(warnings)}
        )
    else:
        messages.success(request, _("Saved."))
    return saved


@login_required
def agenda_edit(request, slug, meeting_id):
    """The agenda, with overlaps and items outside the meeting flagged, and a form to add an item."""
    _viewer, network, meeting = _planner(request, slug, meeting_id)
    form = _item_form(request, network, meeting)
    if request.method == "POST" and form.is_valid() and _save_item(request, network, meeting, form):
        return redirect("meetings:agenda_edit", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/agenda_edit.html",
        _agenda_context(network, meeting, form),
        status=400 if form.errors else 200,
    )


@login_required
def agenda_item_edit(request, slug, meeting_id, item_id):
    _viewer, network, meeting = _planner(request, slug, meeting_id)
    item = meeting.agenda.filter(pk=item_id).select_related("moderator").first()
    if item is None:
        raise Http404
    form = _item_form(request, network, meeting, item)
    if request.method == "POST" and form.is_valid() and _save_item(request, network, meeting, form, item):
        return redirect("meetings:agenda_edit", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/agenda_item.html",
        _agenda_context(network, meeting, form, item),
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agenda_item_delete(request, slug, meeting_id, item_id):
    _viewer, network, meeting = _planner(request, slug, meeting_id)
    item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).select_related("meeting").first()
    if item is None:
        raise Http404
    agenda.delete_agenda_item(actor=request.user, item=item)
    messages.success(request, _("“%(title)s” is removed from the agenda.") % {"title": item.title})
    return redirect("meetings:agenda_edit", slug=network.slug, meeting_id=meeting.pk)


@login_required
def topics(request, slug):
    """Coordinators add, rename and delete the network's topics (``?topic=<id>`` to rename one,
    ``?topic=<id>&delete=1`` to confirm its deletion, which a POST with ``action=delete`` carries out)."""
    _viewer, network, _meeting = _planner(request, slug)
    topic_id = request.POST.get("topic") or request.GET.get("topic")
    if topic_id and not re.fullmatch(r"[0-9]{1,18}", topic_id):
        raise Http404  # a crafted or mangled id: not found, never an error page
    topic = Topic.objects.filter(network=network, pk=topic_id).first() if topic_id else None
    if topic_id and topic is None:
        raise Http404
    deleting = request.POST.get("action") == "delete" if request.method == "POST" else "delete" in request.GET
    if deleting:
        return _topic_delete(request, network, topic)
    initial = {"name": topic.name, "description": topic.description} if topic else None
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if topic is None:
                agenda.create_topic(actor=request.user, network=network, **form.cleaned_data)
            else:
                agenda.rename_topic(actor=request.user, topic=topic, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:topics", slug=network.slug)
    return render(
        request,
        "meetings/topics.html",
        {
            "network": network,
            "form": form,
            "topic": topic,
            "page": paginate(request, network_selectors.topics_of_network(network)),
        },
        status=400 if form.errors else 200,
    )


def _topic_delete(request, network, topic):
    """The confirmation step of a topic's deletion (GET), or the deletion (POST)."""
    if request.method == "POST" and topic is not None:
        name = topic.name
        agenda.delete_topic(actor=request.user, topic=topic)
        messages.success(
            request,
            _("The topic “%(name)s” is deleted; the items that carried it keep everything else.")
            % {"name": name},
        )
        return redirect("meetings:topics", slug=network.slug)
    return render(
        request,
        "meetings/topics.html",
        {
            "network": network,
            "topic": topic,
            "deleting": True,
            "usage": agenda_selectors.topic_usage(topic) if topic else None,
            "error": None if topic else _("Choose the topic to delete: its “Delete” link in the list."),
            "page": paginate(request, network_selectors.topics_of_network(network)),
        },
        status=200 if topic else 400,
    )


@login_required
def case_assign(request, slug, meeting_id):
    _viewer, network, meeting = _planner(request, slug, meeting_id)
    form = CaseAssignForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            case = agenda.assign_case_presentation(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(country)s is asked for its case presentation.") % {"country": case.country.display_name},
            )
            return redirect("meetings:case_detail", slug=network.slug, meeting_id=meeting.pk, case_id=case.pk)
    return render(
        request,
        "meetings/case_assign.html",
        {"network": network, "meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def case_detail(request, slug, meeting_id, case_id):
    """One case presentation. The country's focal point submits it here; the coordinator reviews it and,
    after the session, records the peers' recommendations."""
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    case = (
        CasePresentation.objects.filter(meeting=meeting, pk=case_id)
        .select_related("country", "presentation", "agenda_item", "meeting")
        .first()
    )
    if case is None:
        raise Http404
    case.meeting = meeting  # the network is already loaded there
    step = request.POST.get("form") if request.method == "POST" else None
    can_submit = permissions.can_submit_case(viewer, case)
    can_review = agenda_permissions.can_review_case(viewer, case)
    if step and not {"submit": can_submit, "review": can_review, "recommendations": can_review}.get(step):
        raise PermissionDenied
    data, files = (request.POST, request.FILES) if request.method == "POST" else (None, None)
    forms = {
        "submit": CaseSubmitForm(data if step == "submit" else None, files, case=case)
        if can_submit
        else None,
        "review": CaseReviewForm(data if step == "review" else None) if can_review else None,
        "recommendations": RecommendationsForm(
            data if step == "recommendations" else None, initial={"recommendations": case.recommendations}
        )
        if can_review
        else None,
    }
    if step and forms[step].is_valid() and _case_step(request, case, step, forms[step]):
        return redirect("meetings:case_detail", slug=network.slug, meeting_id=meeting.pk, case_id=case.pk)
    # A form shows when its step is open now, or when it has just been refused (to say why).
    shown = {
        "submit": case.status in agenda.CAN_SUBMIT_FROM,
        "review": case.status in agenda.CAN_REVIEW_FROM,
        "recommendations": meeting.start <= timezone.now(),
    }
    context = {
        f"{name}_form": form if form is not None and (shown[name] or form.errors) else None
        for name, form in forms.items()
    }
    return render(
        request,
        "meetings/case_detail.html",
        {
            "network": network,
            "meeting": meeting,
            "case": case,
            "state": agenda_selectors.case_state(case),
            "recommendations_html": render_markdown(case.recommendations) if case.recommendations else "",
            **context,
        },
        status=400 if step else 200,
    )


def _case_step(request, case, step, form) -> bool:
    """Run one step of the case presentation's workflow; False (errors on the form) when refused."""
    data = form.cleaned_data
    try:
        if step == "submit":
            agenda.submit_case_presentation(
                actor=request.user,
                case=case,
                title=data["title"],
                question=data["question"],
                upload=data.get("presentation"),
            )
            late = agenda_selectors.case_state(case).late
            messages.success(
                request,
                _("Sent, after the deadline: it is marked late.") if late else _("Sent to the coordinators."),
            )
        elif step == "review":
            approve = data["decision"] == "approve"
            agenda.review_case_presentation(
                actor=request.user, case=case, approve=approve, comment=data["comment"]
            )
            messages.success(request, _("Approved.") if approve else _("The country is asked for changes."))
        else:
            agenda.record_recommendations(
                actor=request.user, case=case, recommendations=data["recommendations"]
            )
            messages.success(request, _("Saved."))
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    return True
