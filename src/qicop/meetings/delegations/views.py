"""Pages of the meetings app: delegations, invitation letters, seats, attendance by hand, statistics and
certificates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.meetings import permissions, selectors
from qicop.meetings.access import meetings_network
from qicop.meetings.attendance.permissions import can_record_attendance
from qicop.meetings.delegations import documents
from qicop.meetings.delegations import permissions as delegations_permissions
from qicop.meetings.delegations import selectors as delegations_selectors
from qicop.meetings.delegations import services as delegations
from qicop.meetings.delegations.forms import AttendanceRecordForm, DelegateForm
from qicop.meetings.models import Attendance, Delegate, Meeting, Registration
from qicop.network.models import Member, Role

MAX_CHOICES = 500  # people offered in a select; a meeting's countries have far fewer


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_delegations.html): three
    queries at most."""
    panel: dict = {"coordinator": permissions.can_manage_meetings(viewer, network)}
    if meeting.capacity is not None:
        taken = Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED).count()
        panel["seats"] = {"taken": taken, "capacity": meeting.capacity, "full": taken >= meeting.capacity}
    if delegations_permissions.has_delegations(meeting):
        summary = Delegate.objects.filter(meeting=meeting).aggregate(
            delegates=Count("id"),
            countries=Count("country", distinct=True),
            mine=Count("id", filter=Q(country_id=viewer.country_id)),
        )
        own = viewer.country_id in {c.pk for c in meeting.countries.all()}
        panel["delegations"] = summary
        panel["name_yours"] = (
            own
            and summary["mine"] == 0
            and viewer.is_focal_point_for(network, viewer.country_id)
            and meeting.end >= timezone.now()
        )
    held = meeting.status == Meeting.Status.HELD or meeting.start <= timezone.now()
    if viewer.member_id is not None and held:
        panel["certificate"] = (
            Attendance.objects.filter(meeting=meeting, member_id=viewer.member_id)
            .values_list("pk", flat=True)
            .first()
        )
    return panel


def _meeting_with_delegations(request, slug, meeting_id):
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    if not delegations_permissions.has_delegations(meeting):
        raise Http404("Virtual meetings have no delegations")
    return viewer, network, meeting


def _candidates(network, countries) -> list[Member]:
    return list(
        Member.objects.filter(memberships__network=network, country__in=countries)
        .select_related("country")
        .distinct()
        .order_by("country__name", "full_name", "pk")[:MAX_CHOICES]
    )


def _apply(form, call) -> bool:
    """Run a service with the form's data; its ValidationError becomes the form's errors."""
    try:
        call()
    except ValidationError as problem:
        form.add_error(None, problem)
        return False
    return True


@login_required
def delegations_page(request, slug, meeting_id):
    """Every participant sees the delegations; focal points and coordinators add delegates here."""
    viewer, network, meeting = _meeting_with_delegations(request, slug, meeting_id)
    countries = delegations_permissions.manageable_countries(viewer, meeting)
    form = None
    if countries:
        form = DelegateForm(
            request.POST if request.method == "POST" else None,
            countries=countries,
            members=_candidates(network, countries),
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        added = []
        if _apply(
            form,
            lambda: added.append(
                delegations.add_delegate(actor=request.user, meeting=meeting, **form.cleaned_data)
            ),
        ):
            messages.success(request, _("%(name)s is in the delegation.") % {"name": added[0].full_name})
            return redirect("meetings:delegations", slug=network.slug, meeting_id=meeting.pk)
    managed = {c.pk for c in countries}
    by_country: dict = {}
    for delegate in delegations_selectors.delegates_of(meeting)[:MAX_CHOICES]:
        by_country.setdefault(delegate.country, []).append(delegate)
    groups = [
        {
            "country": country,
            "delegates": people,
            "manage": country.pk in managed,
            "emails": delegations_permissions.can_see_delegate_email(viewer, meeting, country.pk),
        }
        for country, people in by_country.items()
    ]
    named = {c.pk for c in by_country}
    return render(
        request,
        "meetings/delegations.html",
        {
            "network": network,
            "meeting": meeting,
            "groups": groups,
            "without": [c for c in meeting.countries.all() if c.pk not in named],
            "form": form,
            "viewer_member_id": viewer.member_id,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _delegate(meeting, delegate_id) -> Delegate:
    delegate = delegations_selectors.delegates_of(meeting).filter(pk=delegate_id).first()
    if delegate is None:
        raise Http404
    delegate.meeting = meeting
    return delegate


@login_required
def delegate_edit(request, slug, meeting_id, delegate_id):
    viewer, network, meeting = _meeting_with_delegations(request, slug, meeting_id)
    delegate = _delegate(meeting, delegate_id)
    if not permissions.can_manage_delegation(viewer, meeting, delegate.country_id):
        raise PermissionDenied
    initial = {
        "country": delegate.country_id,
        "member": delegate.member_id,
        "full_name": "" if delegate.member_id else delegate.full_name,
        "email": "" if delegate.member_id else delegate.email,
        "job_title": "" if delegate.member_id else delegate.job_title,
        "affiliation": delegate.affiliation,
        "role": delegate.role,
    }
    form = DelegateForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        countries=[delegate.country],
        members=_candidates(network, [delegate.country]),
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "country"}
        if _apply(form, lambda: delegations.update_delegate(actor=request.user, delegate=delegate, **data)):
            messages.success(request, _("Saved."))
            return redirect("meetings:delegations", slug=network.slug, meeting_id=meeting.pk)
    return render(
        request,
        "meetings/delegations_edit.html",
        {"network": network, "meeting": meeting, "delegate": delegate, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delegate_remove(request, slug, meeting_id, delegate_id):
    viewer, network, meeting = _meeting_with_delegations(request, slug, meeting_id)
    delegate = _delegate(meeting, delegate_id)
    if not permissions.can_manage_delegation(viewer, meeting, delegate.country_id):
        raise PermissionDenied
    delegations.remove_delegate(actor=request.user, delegate=delegate)
    messages.success(request, _("%(name)s is no longer in the delegation.") % {"name": delegate.full_name})
    return redirect("meetings:delegations", slug=network.slug, meeting_id=meeting.pk)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def delegate_letter(request, slug, meeting_id, delegate_id):
    """The invitation letter of one delegate: for coordinators, the country's focal point, the delegate."""
    viewer, _network, meeting = _meeting_with_delegations(request, slug, meeting_id)
    delegate = _delegate(meeting, delegate_id)
    if not delegations_permissions.can_download_letter(viewer, delegate):
        raise PermissionDenied
    return _pdf(documents.invitation_letters_pdf([delegate]), f"invitation-{meeting.pk}-{delegate.pk}.pdf")


@login_required
def delegation_letters(request, slug, meeting_id, iso2):
    """Every letter of a country's delegation in one PDF, one letter a page."""
    viewer, _network, meeting = _meeting_with_delegations(request, slug, meeting_id)
    country = next((c for c in meeting.countries.all() if c.iso2 == iso2.upper()), None)
    if country is None:
        raise Http404
    if not permissions.can_manage_delegation(viewer, meeting, country.pk):
        raise PermissionDenied
    people = list(delegations_selectors.delegates_of(meeting).filter(country=country))
    if not people:
        raise Http404("No delegation named yet")
    for delegate in people:
        delegate.meeting = meeting
    return _pdf(documents.invitation_letters_pdf(people), f"invitations-{meeting.pk}-{country.iso2}.pdf")


@login_required
def attendance_record(request, slug, meeting_id):
    """Coordinators record by hand that a member, or a named guest who is not a member, attended (people
    at an in-person meeting, say)."""
    _viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    if not can_record_attendance(request.user, meeting):
        raise PermissionDenied
    # The people who can have attended: the participating countries' members and the coordinators
    # (everyone in the network when the meeting names no country), so large networks stay within bounds.
    people = Member.objects.filter(memberships__network=network)
    countries = list(meeting.countries.values_list("pk", flat=True))
    if countries:
        people = people.filter(Q(country__in=countries) | Q(memberships__role=Role.COORDINATOR))
    members = list(
        people.select_related("country", "user").distinct().order_by("full_name", "pk")[:MAX_CHOICES]
    )
    form = AttendanceRecordForm(request.POST if request.method == "POST" else None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        recorded = []
        if _apply(
            form,
            lambda: recorded.append(
                delegations.record_attendance(
                    actor=request.user,
                    meeting=meeting,
                    member=data["member"],
                    minutes=data["minutes"],
                    guest_name=data["guest_name"],
                    guest_email=data["guest_email"],
                )
            ),
        ):
            row = recorded[0]
            if row.member_id is None:
                messages.success(request, _("%(name)s is recorded as a guest.") % {"name": row.name})
            else:
                messages.success(request, _("%(name)s is recorded as attending.") % {"name": row.name})
            return redirect("meetings:attendance_record", slug=network.slug, meeting_id=meeting.pk)
    rows = Attendance.objects.filter(meeting=meeting, source=Attendance.Source.MANUAL).select_related(
        "member__country"
    )[:MAX_CHOICES]
    return render(
        request,
        "meetings/attendance_record.html",
        {"network": network, "meeting": meeting, "form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


@login_required
def certificate(request, slug, meeting_id, attendance_id):
    """The certificate of attendance: for the member who attended, and for coordinators (who also hand
    named guests theirs)."""
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    row = Attendance.objects.filter(meeting=meeting, pk=attendance_id).select_related("member__user").first()
    if row is None or not delegations_permissions.has_certificate(row):
        raise Http404  # an unmatched row of a report has no certificate
    row.meeting = meeting
    if not delegations_permissions.can_download_certificate(viewer, row):
        raise Http404  # someone else's attendance is not shown to exist
    who = row.member_id or f"guest-{row.pk}"
    return _pdf(documents.certificate_pdf(row), f"certificate-{meeting.pk}-{who}.pdf")


def certificate_verify(request):
    """Public: whether a certificate's code is genuine, naming only the person and the meeting."""
    code = request.GET.get("code", "").strip()
    row = documents.attendance_for_code(code) if code else None
    return render(
        request,
        "meetings/certificate_verify.html",
        {"code": code, "row": row, "meeting": row.meeting if row else None},
    )
