"""Pages of meeting series: every participant reads the list and each series' meetings; coordinators
create and edit series."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qicop.core.forms import add_service_errors
from qicop.core.pagination import paginate
from qicop.meetings import permissions
from qicop.meetings.access import meetings_network
from qicop.meetings.series import selectors as series_selectors
from qicop.meetings.series import services
from qicop.meetings.series.forms import SeriesForm


def _coordinator(request, slug):
    viewer, network = meetings_network(request, slug)
    if not permissions.can_manage_meetings(viewer, network):
        raise PermissionDenied
    return viewer, network


@login_required
def series_list(request, slug):
    viewer, network = meetings_network(request, slug)
    return render(
        request,
        "meetings/series_list.html",
        {
            "network": network,
            "page": paginate(request, series_selectors.series_of_network(network)),
            "can_manage": permissions.can_manage_meetings(viewer, network),
        },
    )


@login_required
def series_detail(request, slug, series_id):
    viewer, network = meetings_network(request, slug)
    series = series_selectors.series_in_network(network, series_id)
    return render(
        request,
        "meetings/series_detail.html",
        {
            "network": network,
            "series": series,
            "page": paginate(request, series_selectors.meetings_of_series(series)),
            "can_manage": permissions.can_manage_meetings(viewer, network),
        },
    )


@login_required
def series_create(request, slug):
    _viewer, network = _coordinator(request, slug)
    form = SeriesForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.create_series(actor=request.user, network=network, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The series is created. Plan its meetings and choose it there."))
            return redirect("meetings:series_detail", slug=network.slug, series_id=series.pk)
    return render(
        request,
        "meetings/series_form.html",
        {"network": network, "form": form, "series": None},
        status=400 if form.errors else 200,
    )


@login_required
def series_edit(request, slug, series_id):
    _viewer, network = _coordinator(request, slug)
    series = series_selectors.series_in_network(network, series_id)
    form = SeriesForm(request.POST or None, network=network, series=series)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_series(actor=request.user, series=series, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("meetings:series_detail", slug=network.slug, series_id=series.pk)
    return render(
        request,
        "meetings/series_form.html",
        {"network": network, "form": form, "series": series},
        status=400 if form.errors else 200,
    )
