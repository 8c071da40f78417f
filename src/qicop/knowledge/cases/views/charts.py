"""The live charts of a case study: adding and removing them, and the snapshot published with it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qicop.indicators.models import NetworkIndicator, OrgUnit
from qicop.knowledge.cases import permissions as rules
from qicop.knowledge.cases import selectors
from qicop.knowledge.cases import services as cases
from qicop.knowledge.cases.forms import (
    ChartForm,
)
from qicop.knowledge.cases.views.common import case_page


@login_required
def case_charts(request, slug, case_id):
    """Add a live dashboard chart (indicator × place of the case study's country) to the case study."""
    viewer, network, case, authors = case_page(request, slug, case_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    form = ChartForm(
        request.POST if request.method == "POST" else None,
        indicators=NetworkIndicator.objects.filter(network=network).order_by("order", "name"),
        org_units=selectors.org_unit_choices(case.country_id),
        country_units=OrgUnit.objects.filter(country_id=case.country_id),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cases.case_study_add_chart(
                actor=request.user,
                case_study=case,
                indicator=data["indicator"],
                org_unit=data["org_unit"],
                caption=data["caption"],
                options={"rules": data["rules"], "periods": data["periods"]},
            )
        except ValidationError as problem:
            form.add_error(None, problem)
        else:
            messages.success(request, _("The chart is added to the case study."))
            return redirect("knowledge:case_detail", slug=network.slug, case_id=case.pk)
    return render(
        request,
        "knowledge/case_charts.html",
        {"network": network, "case": case, "form": form, "charts": selectors.charts_of(case)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def case_chart_delete(request, slug, case_id, chart_id):
    viewer, network, case, authors = case_page(request, slug, case_id)
    chart = selectors.chart_of(case, chart_id)
    if not rules.can_edit_case_study(viewer, case, authors):
        raise PermissionDenied
    cases.case_study_remove_chart(actor=request.user, chart=chart)
    messages.success(request, _("The chart is removed."))
    return redirect("knowledge:case_charts", slug=network.slug, case_id=case.pk)


@login_required
def case_chart_snapshot(request, slug, case_id, chart_id):
    """The chart as it was when the case study was published: a drawing of our own, never a script."""
    _viewer, _network, case, _authors = case_page(request, slug, case_id)
    chart = selectors.chart_of(case, chart_id)
    if not chart.snapshot_svg:
        raise Http404("Not published yet")
    response = HttpResponse(chart.snapshot_svg, content_type="image/svg+xml; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    patch_cache_control(response, private=True)
    return response
