"""Pages of the meetings app: materials."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect

from qicop.meetings import selectors
from qicop.meetings.access import meetings_network
from qicop.meetings.models import Material


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_materials.html)."""
    return {}


@login_required
def material(request, slug, meeting_id, material_id):
    """One material: the stored file (to participants of the network only) or the link it points to."""
    _viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    item = Material.objects.filter(meeting=meeting, pk=material_id).first()
    if item is None:
        raise Http404
    if not item.file:
        return HttpResponseRedirect(item.url)
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.original_name or item.file.name.rsplit("/", 1)[-1],
        content_type=item.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
