"""Pages of resources: the list, adding and editing one, reading and downloading it, deleting it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.core.markdown import render_markdown
from qicop.core.pagination import paginate
from qicop.core.uploads import with_upload_limit
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases import selectors
from qicop.knowledge.cases import services as cases
from qicop.knowledge.cases.forms import (
    ResourceFilterForm,
    ResourceForm,
)
from qicop.knowledge.cases.views.common import (
    file_response,
    filter_data,
    query_string,
    save_form,
)
from qicop.network import selectors as network_selectors


@login_required
def resource_list(request, slug):
    viewer, network = selectors.knowledge_network(request, slug)
    form = ResourceFilterForm(
        request.GET or None,
        countries=network.countries.order_by("name"),
        topics=network_selectors.topics_of_network(network)[:200],
        years=selectors.resource_years(network),
    )
    found = selectors.resources_for_viewer(viewer, network, **filter_data(form))
    page = paginate(request, found)
    for resource in page:
        resource.editable = rules.can_edit_resource(viewer, resource)
    return render(
        request,
        "knowledge/resource_list.html",
        {
            "network": network,
            "form": form,
            "page": page,
            "query_string": query_string(request),
            "can_add": rules.can_add_resources(viewer, network),
        },
    )


def _resource_form(request, network, limit, resource=None):
    posted = request.method == "POST"
    initial = None
    if resource is not None:
        initial = {
            name: getattr(resource, name)
            for name in ("title", "description", "kind", "country", "language", "year", "url")
        }
        initial["topics"] = list(resource.topics.all())
    return ResourceForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        initial=initial,
        countries=network.countries.order_by("name"),
        topics=network_selectors.topics_of_network(network),
        has_file=bool(resource and resource.file),
        too_large=limit.too_large,
    )


@with_upload_limit
def resource_create(request, slug, limit):
    viewer, network = selectors.knowledge_network(request, slug)
    if not rules.can_add_resources(viewer, network):
        raise PermissionDenied
    form = _resource_form(request, network, limit)
    resource = save_form(
        request,
        form,
        lambda data: cases.resource_create(
            actor=request.user,
            network=network,
            fields=form.resource_fields(),
            topics=data["topics"],
            upload=data["file"] or None,
        ),
    )
    if resource is not None:
        messages.success(request, _("“%(title)s” is added.") % {"title": resource.title})
        return redirect("knowledge:resource_detail", slug=network.slug, resource_id=resource.pk)
    return render(
        request,
        "knowledge/resource_form.html",
        {"network": network, "form": form, "resource": None},
        status=400 if form.errors else 200,
    )


@with_upload_limit
def resource_edit(request, slug, resource_id, limit):
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    if not rules.can_edit_resource(viewer, resource):
        raise PermissionDenied
    form = _resource_form(request, network, limit, resource)
    saved = save_form(
        request,
        form,
        lambda data: cases.resource_update(
            actor=request.user,
            resource=resource,
            fields=form.resource_fields(),
            topics=data["topics"],
            upload=data["file"] or None,
        ),
    )
    if saved is not None:
        messages.success(request, _("Saved."))
        return redirect("knowledge:resource_detail", slug=network.slug, resource_id=resource.pk)
    return render(
        request,
        "knowledge/resource_form.html",
        {"network": network, "form": form, "resource": resource},
        status=400 if form.errors else 200,
    )


@login_required
def resource_detail(request, slug, resource_id):
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    return render(
        request,
        "knowledge/resource_detail.html",
        {
            "network": network,
            "resource": resource,
            "description_html": render_markdown(resource.description),
            "can_edit": rules.can_edit_resource(viewer, resource),
        },
    )


@login_required
def resource_download(request, slug, resource_id):
    """The stored file, or the link it points to."""
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    if not resource.file:
        if not resource.url.startswith(("https://", "http://")):
            raise Http404
        return HttpResponseRedirect(resource.url)
    return file_response(resource, resource.title)


@login_required
@require_POST
def resource_delete(request, slug, resource_id):
    viewer, network = selectors.knowledge_network(request, slug)
    resource = selectors.resource_for_viewer(viewer, network, resource_id)
    if not rules.can_edit_resource(viewer, resource):
        raise PermissionDenied
    cases.resource_delete(actor=request.user, resource=resource)
    messages.success(request, _("“%(title)s” is removed.") % {"title": resource.title})
    return redirect("knowledge:resource_list", slug=network.slug)
