"""Pages of the meetings app: materials and the low-bandwidth pack."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from qicop.core import uploads
from qicop.core.pagination import paginate
from qicop.meetings import permissions as meeting_permissions
from qicop.meetings import selectors, times
from qicop.meetings.access import meetings_network
from qicop.meetings.materials import pack, permissions
from qicop.meetings.materials import selectors as materials_selectors
from qicop.meetings.materials import services as materials
from qicop.meetings.materials.forms import MaterialForm
from qicop.meetings.models import Material

# Files are shown (PDF, images) or downloaded, never run as a page of ours: no script, no frame, and a
# sandbox (an origin of their own) for everything but PDFs, because browsers refuse to start their PDF
# viewer inside a sandbox.


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_materials.html):
    the materials by agenda item, the recordings, the pack with its size, and the way to add more."""
    found = pack.materials_of(meeting)
    groups: list[tuple[object, list[Material]]] = []
    for material in found:
        if material.file or material.kind != Material.Kind.RECORDING:
            if groups and groups[-1][0] == material.agenda_item:
                groups[-1][1].append(material)
            else:
                groups.append((material.agenda_item, [material]))
    targets = materials_selectors.upload_targets(viewer, meeting)
    zone = times.clock_zone(meeting)
    return {
        "groups": groups,
        "recordings": [
            link for link in pack.recordings_and_links(meeting, found) if link.kind == Material.Kind.RECORDING
        ],
        "pack_size": pack.approximate_size(found),
        "can_add": permissions.can_add_materials(viewer, meeting, targets),
        "network": network,
        "meeting": meeting,
        # The items' times as the agenda writes them: on the venue's clock for a meeting held somewhere.
        "zone": zone,
        "several_days": len(
            {moment.astimezone(ZoneInfo(zone)).date() for moment in (meeting.start, meeting.end)}
        )
        > 1,
    }


@csrf_exempt  # the CSRF check runs inside, once the size limit is in place (it reads the upload)
@login_required
def materials_page(request, slug, meeting_id):
    """Add a file or a link to the meeting; see and remove what is there."""
    limit = uploads.UploadSizeLimit(request)
    request.upload_handlers.insert(0, limit)
    return _materials_page(request, slug, meeting_id, limit)


@csrf_protect
def _materials_page(request, slug, meeting_id, limit):
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    targets = materials_selectors.upload_targets(viewer, meeting)
    if not permissions.can_add_materials(viewer, meeting, targets):
        raise PermissionDenied
    coordinator = meeting_permissions.can_manage_meetings(viewer, network)
    form = MaterialForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        items=targets,
        zone=times.clock_zone(meeting),
        item_optional=coordinator,
        too_large=limit.too_large,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            stored = materials.store_material(
                actor=request.user,
                meeting=meeting,
                title=data["title"],
                upload=data["file"] or None,
                url=data["url"],
                kind=data["kind"] or None,
                agenda_item=data["agenda_item"],
                language=data["language"],
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("“%(title)s” is added to the meeting.") % {"title": stored.title})
            return redirect("meetings:materials", slug=network.slug, meeting_id=meeting.pk)
    listed = Material.objects.filter(meeting=meeting).select_related("agenda_item", "uploaded_by")
    page = paginate(request, listed.order_by("agenda_item__start", "title", "id"))
    for material in page:
        material.deletable = permissions.can_delete_material(viewer, material, network.pk)
    return render(
        request,
        "meetings/materials.html",
        {"network": network, "meeting": meeting, "form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def material_delete(request, slug, meeting_id, material_id):
    viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    material = Material.objects.filter(meeting=meeting, pk=material_id).first()
    if material is None:
        raise Http404
    if not permissions.can_delete_material(viewer, material, network.pk):
        raise PermissionDenied
    materials.delete_material(actor=request.user, material=material)
    messages.success(request, _("“%(title)s” is removed.") % {"title": material.title})
    return redirect("meetings:materials", slug=network.slug, meeting_id=meeting.pk)


@login_required
def material(request, slug, meeting_id, material_id):
    """One material: the stored file (to participants of the network only) or the link it points to."""
    _viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    item = Material.objects.filter(meeting=meeting, pk=material_id).first()
    if item is None:
        raise Http404
    if not item.file:
        if not item.url.startswith(("https://", "http://")):
            raise Http404
        return HttpResponseRedirect(item.url)
    return uploads.private_file_response(item, item.title)


@login_required
def pack_download(request, slug, meeting_id):
    """The meeting in one ZIP, for reading offline; a copy that is still current is answered 304."""
    _viewer, network = meetings_network(request, slug)
    meeting = selectors.meeting_in_network(network, meeting_id)
    plan = pack.plan_pack(meeting)
    # Only the ETag decides: it follows the content, whereas no date does (a material removed, an agenda
    # item edited or another language leave the latest date as it was, or move it back).
    not_modified = get_conditional_response(request, etag=plan.etag)
    if not_modified is not None:
        response = not_modified
    else:
        response = FileResponse(
            pack.build_pack(plan), as_attachment=True, filename=plan.filename, content_type="application/zip"
        )
    response["ETag"] = plan.etag
    response["Last-Modified"] = http_date(plan.last_modified.timestamp())
    # Members share computers: keep the pack out of shared caches, and always ask whether it changed.
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response
