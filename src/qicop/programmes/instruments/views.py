"""Pages of the shared instruments, for coordinators: every version with its counts, one version to read
in the reader's language, its file (FORMAT.md), and the form that makes the next version from the edited
file."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from qicop.core import uploads
from qicop.core.forms import add_service_errors
from qicop.network.selectors import network_page
from qicop.programmes.instruments import forms, selectors, services
from qicop.programmes.instruments.loader import instrument_data
from qicop.programmes.permissions import can_edit_instruments


def _coordinator(request, slug):
    viewer, network = network_page(request.user, slug)
    if not can_edit_instruments(viewer, network):
        raise PermissionDenied
    return viewer, network


@login_required
def instrument_list(request, slug):
    _viewer, network = _coordinator(request, slug)
    families: list[dict] = []
    for version in selectors.instrument_versions(network):
        if not families or families[-1]["slug"] != version.slug:
            families.append({"slug": version.slug, "newest": version, "versions": []})
        families[-1]["versions"].append(version)
    return render(request, "programmes/instruments/list.html", {"network": network, "families": families})


@login_required
def instrument_detail(request, slug, instrument_slug, version):
    _viewer, network = _coordinator(request, slug)
    instrument = selectors.instrument_version(instrument_slug, version)
    reading = selectors.read_version(instrument, network)
    sections = [
        {
            "domain": domain,
            "questions": [
                {
                    "item": item,
                    "carried": item.pk in reading.carried,
                    "levels": [(level, item.level_text(level)) for level in instrument.levels],
                }
                for item in domain.items.all()
            ],
        }
        for domain in reading.domains
    ]
    return render(
        request,
        "programmes/instruments/detail.html",
        {"network": network, "reading": reading, "sections": sections},
    )


@login_required
def instrument_file(request, slug, instrument_slug, version):
    """The version as its file says it; with ``?next=1`` (of the current version) numbered as the next
    one, to edit into it."""
    _coordinator(request, slug)
    instrument = selectors.instrument_version(instrument_slug, version)
    number = instrument.version + 1 if request.GET.get("next") and instrument.current else instrument.version
    response = HttpResponse(
        json.dumps(instrument_data(instrument, version=number), ensure_ascii=False, indent=1) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{instrument.slug}-v{number}.json"'
    return response


@csrf_exempt  # the CSRF check runs inside, once the size limit is in place (it reads the upload)
@login_required
def instrument_new_version(request, slug, instrument_slug):
    limit = uploads.UploadSizeLimit(request, limit=forms.MAX_FILE_BYTES)
    request.upload_handlers.insert(0, limit)
    return _new_version(request, slug, instrument_slug, limit)


@csrf_protect
def _new_version(request, slug, instrument_slug, limit):
    _viewer, network = _coordinator(request, slug)
    current = selectors.current_version(instrument_slug)
    posted = request.method == "POST"
    form = forms.NextVersionForm(
        request.POST if posted else None, request.FILES if posted else None, too_large=limit.too_large
    )
    if posted and form.is_valid():
        text, name = form.content()
        try:
            made = services.make_next_version(actor=request.user, current=current, text=text, name=name)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s is the current one: new rounds use it, and the rounds scored on "
                    "older versions keep theirs."
                )
                % {"version": made.version},
            )
            return redirect("programmes:instrument_detail", network.slug, made.slug, made.version)
    return render(
        request,
        "programmes/instruments/new_version.html",
        {"network": network, "current": current, "next_version": current.version + 1, "form": form},
        status=400 if form.errors else 200,
    )
