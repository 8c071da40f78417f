"""The attendance page of a meeting: import the Zoom or Teams report, match and link people."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.meetings import selectors
from qicop.meetings.access import meetings_network
from qicop.network import selectors as network_selectors


@login_required
def attendance_page(request, slug, meeting_id):
    """Coordinators import the Zoom or Teams report, see who was matched, and link the others by hand."""
    from django.core.exceptions import ValidationError

    from qicop.meetings import attendance
    from qicop.meetings.models import Attendance

    _viewer, network = meetings_network(request, slug)
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
