"""Attendance pages: a meeting's attendance (import the Zoom or Teams report, match and link people) and
the network's attendance statistics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.core.params import id_or_none
from qicop.meetings import selectors
from qicop.meetings.access import meetings_network
from qicop.meetings.attendance import pending, permissions, statistics
from qicop.meetings.attendance import selectors as attendance_selectors
from qicop.meetings.attendance import services as attendance
from qicop.meetings.attendance.forms import StatisticsFilterForm
from qicop.meetings.models import Attendance
from qicop.network import selectors as network_selectors

MAX_MEMBERS = 500  # offered in each "link to a member" choice


@login_required
def attendance_page(request, slug, meeting_id):
    """Coordinators import the Zoom or Teams report, see who was matched, link the others by hand (the
    matcher's suggestions first) or keep them as named guests, and correct a wrong automatic match.

    POST with ``report`` (a file) imports; with ``attendance`` (a row) and ``op``: ``link`` (the default;
    with ``member``), ``guest`` or ``unlink``. The table's buttons post the same as one ``do`` value
    (``link:<row>:<member>``, ``guest:<row>``, ``unlink:<row>``): one form for the whole table keeps a
    report of hundreds of people light."""
    _viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    if not permissions.can_record_attendance(request.user, meeting):
        raise PermissionDenied
    members = list(network_selectors.members_of_network(network).select_related("country")[:MAX_MEMBERS])
    error = None
    if request.method == "POST" and "report" in request.FILES:
        upload = request.FILES["report"]
        try:
            if upload.size > attendance.MAX_BYTES:  # refused before reading it into memory
                raise ValidationError(_("The file is too large: an attendance report is at most 5 MB."))
            data = upload.read()
            if attendance.has_attendance(meeting):
                # Replacing a record: show what would change; nothing changes until it is confirmed.
                preview = attendance.preview_attendance_import(
                    actor=request.user, meeting=meeting, data=data, filename=upload.name
                )
                token = pending.keep(meeting, data, upload.name)
                return render(
                    request,
                    "meetings/attendance_confirm.html",
                    {"network": network, "meeting": meeting, "preview": preview, "token": token},
                )
            return _imported(request, network, meeting, data, upload.name)
        except ValidationError as problem:
            error = " ".join(problem.messages)
    elif request.method == "POST" and request.POST.get("pending"):
        token = request.POST["pending"]
        if request.POST.get("confirm") != "replace":
            pending.drop(meeting, token)
            messages.info(request, _("Nothing changed: the attendance is as it was."))
            return redirect("meetings:attendance", slug=network.slug, meeting_id=meeting.pk)
        kept = pending.read(meeting, token)
        if kept is None:
            error = _(
                "This upload is no longer waiting (it was confirmed, cancelled or replaced): "
                "choose the file again."
            )
        else:
            try:
                response = _imported(request, network, meeting, *kept)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                pending.drop(meeting, token)
                return response
    elif request.method == "POST" and (request.POST.get("attendance") or request.POST.get("do")):
        error = _decide(request, meeting, members)
        if error is None:
            return redirect("meetings:attendance", slug=network.slug, meeting_id=meeting.pk)
    elif request.method == "POST":
        error = _("Choose the report file to import.")
    rows = list(Attendance.objects.filter(meeting=meeting).select_related("member__country"))
    suggested = attendance_selectors.suggestions(rows, members)
    for row in rows:
        row.is_guest = attendance_selectors.is_guest(row)
        row.suggested = suggested.get(row.pk, [])
    return render(
        request,
        "meetings/attendance.html",
        {
            "network": network,
            "meeting": meeting,
            "rows": rows,
            "error": error,
            "stats": attendance_selectors.statistics(meeting),
            "members": members if rows else [],
        },
        status=400 if error else 200,
    )


def _imported(request, network, meeting, data: bytes, filename: str):
    result = attendance.import_attendance(actor=request.user, meeting=meeting, data=data, filename=filename)
    messages.success(
        request,
        _("%(people)d people read from the %(tool)s report; %(matched)d matched to members.")
        % {
            "people": result.people,
            "tool": attendance.TOOL_NAMES.get(result.tool, result.tool),
            "matched": result.matched,
        },
    )
    for warning in result.warnings[:5]:
        messages.warning(request, warning)
    return redirect("meetings:attendance", slug=network.slug, meeting_id=meeting.pk)


def _decide(request, meeting, members) -> str | None:
    """Apply a coordinator's decision about one row; the reason it cannot be applied, or None."""
    op, row_id, chosen = request.POST.get("op") or "link", request.POST.get("attendance"), None
    if request.POST.get("do"):
        op, _sep, rest = request.POST["do"].partition(":")
        row_id, _sep, chosen = rest.partition(":")
    row_pk = id_or_none(row_id)
    row = Attendance.objects.filter(meeting=meeting, pk=row_pk).first() if row_pk else None
    if row is None:
        raise Http404
    row.meeting = meeting
    if op == "guest":
        try:
            attendance.add_as_guest(actor=request.user, attendance=row)
        except ValidationError as problem:
            return " ".join(problem.messages)
        messages.success(request, _("%(name)s is counted as a guest.") % {"name": row.name})
    elif op == "unlink":
        attendance.unlink_attendance(actor=request.user, attendance=row)
        messages.success(request, _("%(name)s is no longer linked to anyone.") % {"name": row.name})
    elif op == "link":
        chosen = chosen or request.POST.get("member") or ""
        member = next((m for m in members if str(m.pk) == chosen), None)
        if member is None:
            return _("Choose the member to link “%(name)s” to.") % {"name": row.name}
        attendance.link_attendance(actor=request.user, attendance=row, member=member)
        messages.success(
            request, _("%(name)s is linked to %(member)s.") % {"name": row.name, "member": member.full_name}
        )
    else:
        return _("Unknown action: link, add as guest or unlink.")
    return None


@login_required
def statistics_page(request, slug):
    """Attendance per series, per meeting and per country, for every participant of the network."""
    _viewer, network = meetings_network(request, slug)
    series, years = statistics.filter_choices(network)
    form = StatisticsFilterForm(request.GET or None, series=series, years=years)
    chosen = form.cleaned_data if request.GET and form.is_valid() else {}
    selection = None
    if not form.errors:
        selection = statistics.selection_statistics(
            network, series_id=chosen.get("series"), year=chosen.get("year")
        )
    return render(
        request,
        "meetings/statistics.html",
        {
            "network": network,
            "form": form,
            "series_rows": statistics.series_totals(network),
            "selection": selection,
            "max_meetings": statistics.MAX_MEETINGS,
        },
        status=400 if form.errors else 200,
    )
