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
from qicop.meetings import calendars, permissions, selectors, services, times
from qicop.meetings.access import meetings_network
from qicop.meetings.agenda import views as agenda_views
from qicop.meetings.delegations import views as delegations_views
from qicop.meetings.mail import views as mail_views
from qicop.meetings.materials import views as materials_views
from qicop.meetings.models import ActionItem, CalendarFeed, Registration
from qicop.meetings.proceedings import views as proceedings_views
from qicop.network import selectors as network_selectors
from qicop.scheduling import local_time_table


def _network(request, slug):
    return meetings_network(request, slug)


@login_required
def meeting_list(request, slug):
    viewer, network = _network(request, slug)
    meetings = selectors.meetings_for_list(network)
    now = timezone.now()
    upcoming = list(meetings.filter(end__gte=now).order_by("start")[:20])
    page = paginate(request, meetings.filter(end__lt=now).order_by("-start"))
    return render(
        request,
        "meetings/list.html",
        {
            "network": network,
            "upcoming": upcoming,
            "page": page,
            "can_manage": permissions.can_manage_meetings(viewer, network),
        },
    )


@login_required
def meeting_detail(request, slug, meeting_id):
    viewer, network = _network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    registration = selectors.registration_of(meeting, viewer.member_id)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    is_coordinator = permissions.can_manage_meetings(viewer, network)
    topics = list(meeting.topics.all())
    return render(
        request,
        "meetings/detail.html",
        {
            "network": network,
            "meeting": meeting,
            "registration": registration,
            "registered": registered,
            "lasts_days": meeting.lasts_days,
            "is_over": meeting.end < timezone.now(),
            "topics": topics,
            "own_topic": times.own_topic(meeting, topics),
            "meeting_times": times.meeting_times(meeting),
            "local_times": _local_times(meeting),
            "can_record_attendance": is_coordinator,
            # Coordinators close carried-forward actions here, on the minutes page of each action's meeting.
            "can_change_actions": is_coordinator,
            "action_statuses": ActionItem.Status.choices,
            "minutes_html": render_markdown(meeting.minutes) if meeting.minutes else "",
            "decisions": meeting.decisions.all(),
            "actions": meeting.actions.select_related("owner", "country"),
            "carried_forward": selectors.carried_forward_actions(meeting),
            # Each feature adds its panel to the meeting page.
            "agenda_panel": agenda_views.detail_panel(request, viewer, network, meeting),
            "delegations_panel": delegations_views.detail_panel(request, viewer, network, meeting),
            "mail_panel": mail_views.detail_panel(request, viewer, network, meeting),
            "materials_panel": materials_views.detail_panel(request, viewer, network, meeting),
            "proceedings_panel": proceedings_views.detail_panel(request, viewer, network, meeting),
        },
    )


def _local_times(meeting) -> list[dict]:
    """The remote part's table: each country's local time and whether it is inside working hours there.
    An in-person meeting has none: everybody is at the venue, on the venue's clock."""
    if meeting.kind == meeting.Kind.IN_PERSON:
        return []
    zones = {c.display_name: c.time_zone for c in meeting.countries.all()}
    return [
        {
            "country": row.country,
            "text": times.span_text(row.start, row.end, row.start.tzinfo),
            "inside": row.inside,
        }
        for row in local_time_table(meeting.start, meeting.end, zones, meeting_zone=meeting.time_zone)
    ]


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
