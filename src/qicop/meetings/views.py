from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.meetings import (
    calendars,
    permissions,
    selectors,
    services,
    views_agenda,
    views_delegations,
    views_mail,
    views_materials,
    views_proceedings,
)
from qicop.meetings.access import meetings_network
from qicop.meetings.forms import FindTimeForm
from qicop.meetings.models import CalendarFeed, Registration
from qicop.network import selectors as network_selectors
from qicop.scheduling import Participant, local_time_table, rank_slots


def _network(request, slug):
    return meetings_network(request, slug)


@login_required
def meeting_list(request, slug):
    viewer, network = _network(request, slug)
    meetings = selectors.meetings_of_network(network)
    now = timezone.now()
    return render(
        request,
        "meetings/list.html",
        {
            "network": network,
            "upcoming": meetings.filter(end__gte=now).order_by("start")[:20],
            "page": paginate(request, meetings.filter(end__lt=now).order_by("-start")),
            "can_manage": permissions.can_manage_meetings(viewer, network),
        },
    )


@login_required
def meeting_detail(request, slug, meeting_id):
    viewer, network = _network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    registration = selectors.registration_of(meeting, viewer.member_id)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    zones = {c.display_name: c.time_zone for c in meeting.countries.all()}
    return render(
        request,
        "meetings/detail.html",
        {
            "network": network,
            "meeting": meeting,
            "registration": registration,
            "registered": registered,
            "local_times": local_time_table(meeting.start, meeting.end, zones) if zones else [],
            "can_record_attendance": viewer.is_coordinator(network),
            "minutes_html": render_markdown(meeting.minutes) if meeting.minutes else "",
            "decisions": meeting.decisions.all(),
            "actions": meeting.actions.select_related("owner", "country"),
            "carried_forward": selectors.carried_forward_actions(meeting),
            # Each feature adds its panel to the meeting page.
            "agenda_panel": views_agenda.detail_panel(request, viewer, network, meeting),
            "delegations_panel": views_delegations.detail_panel(request, viewer, network, meeting),
            "mail_panel": views_mail.detail_panel(request, viewer, network, meeting),
            "materials_panel": views_materials.detail_panel(request, viewer, network, meeting),
            "proceedings_panel": views_proceedings.detail_panel(request, viewer, network, meeting),
        },
    )


@login_required
@require_POST
def meeting_register(request, slug, meeting_id):
    _viewer, network = _network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    attending = request.POST.get("attending") == "yes"
    try:
        services.register(actor=request.user, meeting=meeting, attending=attending)
    except services.MeetingFull as full:
        messages.error(request, full.args[0])
        return redirect("meetings:detail", slug=network.slug, meeting_id=meeting.pk)
    messages.success(
        request,
        _("You are registered. The join link is on this page and in the calendar file.")
        if attending
        else _("Noted: you will not attend."),
    )
    return redirect("meetings:detail", slug=network.slug, meeting_id=meeting.pk)


@login_required
def meeting_ics(request, slug, meeting_id):
    viewer, network = _network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    registration = selectors.registration_of(meeting, viewer.member_id)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    response = HttpResponse(
        calendars.meeting_ics(meeting, registered=registered), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
def find_a_time(request, slug):
    """Rank candidate slots for a set of countries by how many fall inside local working hours."""
    _viewer, network = _network(request, slug)
    countries = list(network_selectors.countries_of_network(network))
    form = FindTimeForm(request.GET or None, countries=countries)
    slots = []
    if request.GET and form.is_valid():
        data = form.cleaned_data
        chosen = [c for c in countries if c.iso2 in data["countries"]]
        participants = [Participant(country=c.display_name, time_zone=c.time_zone) for c in chosen]
        days = [data["first_day"] + timedelta(days=i) for i in range(data["days"])]
        slots = rank_slots(
            participants,
            duration=timedelta(minutes=data["duration"]),
            days=days,
            working_hours=(data["day_start"], data["day_end"]),
            top=10,
        )
    return render(
        request,
        "meetings/find_a_time.html",
        {"network": network, "form": form, "slots": slots},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def calendar_feed(request, slug):
    """Create (or revoke) the viewer's private calendar subscription."""
    viewer, network = _network(request, slug)
    member = network_selectors.member_in_network(network, viewer.member_id) if viewer.member_id else None
    if member is None:
        raise PermissionDenied
    if request.POST.get("action") == "revoke":
        services.revoke_calendar_feeds(member=member)
        messages.success(
            request, _("Your calendar subscriptions are revoked: calendars using them stop updating.")
        )
        return redirect("meetings:list", slug=network.slug)
    token = services.create_calendar_feed(member=member)
    url = request.build_absolute_uri(f"/calendar/{token}.ics")
    messages.success(
        request,
        _("Subscribe your calendar to this private address (keep it to yourself): %(url)s") % {"url": url},
    )
    return redirect("meetings:list", slug=network.slug)


def feed(request, token):
    """A member's subscription feed. The token is the credential: calendar apps cannot sign in."""
    record = (
        CalendarFeed.objects.select_related("member")
        .filter(token_hash=services.feed_token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if record is None:
        raise Http404
    return HttpResponse(calendars.member_feed(record.member), content_type="text/calendar; charset=utf-8")


@login_required
def attendance_page(request, slug, meeting_id):
    """Coordinators import the Zoom or Teams report, see who was matched, and link the others by hand."""
    from django.core.exceptions import ValidationError

    from qicop.meetings import attendance
    from qicop.meetings.models import Attendance

    _viewer, network = _network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    if not attendance.can_record_attendance(request.user, meeting):
        raise PermissionDenied
    error = None
    if request.method == "POST" and request.FILES.get("report"):
        upload = request.FILES["report"]
        try:
            result = attendance.import_attendance(
                actor=request.user, meeting=meeting, data=upload.read(), filename=upload.name
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                _("%(people)d people read from the %(tool)s report; %(matched)d matched to members.")
                % {"people": result.people, "tool": result.tool, "matched": result.matched},
            )
            for warning in result.warnings[:5]:
                messages.warning(request, warning)
            return redirect("meetings:attendance", slug=network.slug, meeting_id=meeting.pk)
    elif request.method == "POST" and request.POST.get("attendance"):
        row = Attendance.objects.filter(meeting=meeting, pk=request.POST["attendance"]).first()
        member = (
            network_selectors.members_of_network(network).filter(pk=request.POST.get("member") or 0).first()
        )
        if row is None or member is None:
            raise Http404
        attendance.link_attendance(actor=request.user, attendance=row, member=member)
        return redirect("meetings:attendance", slug=network.slug, meeting_id=meeting.pk)
    rows = Attendance.objects.filter(meeting=meeting).select_related("member__country")
    unmatched = any(r.member_id is None for r in rows)
    return render(
        request,
        "meetings/attendance.html",
        {
            "network": network,
            "meeting": meeting,
            "rows": rows,
            "error": error,
            "stats": attendance.statistics(meeting),
            "members": network_selectors.members_of_network(network)[:500] if unmatched else [],
        },
        status=400 if error else 200,
    )


@login_required
def minutes_page(request, slug, meeting_id):
    """Coordinators write the minutes, record decisions and actions, and close actions."""
    from qicop.meetings.forms import ActionForm, DecisionForm, MinutesForm
    from qicop.meetings.models import ActionItem

    viewer, network = _network(request, slug)
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
