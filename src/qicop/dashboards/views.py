import csv
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.dashboards import selectors, services
from qicop.dashboards.drawing import PERIOD_CHOICES, chart_drawing
from qicop.dashboards.forms import AnnotationForm, ChartSettingsForm
from qicop.dashboards.models import ChartSettings
from qicop.dashboards.permissions import can_edit_chart
from qicop.dashboards.series import disaggregations, indicator_series, last_periods
from qicop.indicators.models import OrgUnit
from qicop.network import permissions as network_permissions
from qicop.network import selectors as network_selectors


def _network(request, slug):
    viewer = network_permissions.viewer_for(request.user)
    return viewer, network_selectors.network_for_viewer(viewer, slug)


def _number(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


@login_required
def chart_page(request, slug, code, uid):
    _viewer, network = _network(request, slug)
    indicator = selectors.indicator_in_network(network, code)
    unit = selectors.org_unit_in_network(network, uid)
    period_type = request.GET.get("periods") if request.GET.get("periods") in PERIOD_CHOICES else "Monthly"
    rules = request.GET.get("rules") if request.GET.get("rules") in selectors.RULE_SETS else "anhoej"
    periods = last_periods(period_type, PERIOD_CHOICES[period_type], timezone.localdate())
    combo = request.GET.get("combo", "")
    series = indicator_series(
        user=request.user, indicator=indicator, org_unit=unit, periods=periods, combo=combo
    )
    settings = ChartSettings.objects.filter(indicator=indicator, org_unit=unit).first()
    if request.method == "POST":
        return _change(request, network, indicator, unit, series, settings)
    kind = selectors.chart_kind(indicator, series, request.GET.get("kind", ""))
    spc = selectors.spc_for(indicator, series, rules=rules, kind=kind, settings=settings)
    annotations = selectors.annotations_for(indicator, unit)
    fmt = request.GET.get("format")
    if fmt in {"svg", "png"}:
        return _picture(request, indicator, unit, series, spc, annotations, fmt)
    if fmt == "csv":
        return _csv(indicator, unit, series, spc)
    values = series.value(indicator.factor or 1)
    rows = [
        {
            "period": p,
            "numerator": _number(float(n)),
            "denominator": _number(float(d)),
            "value": _number(float(v)),
            "cl": _number(float(c)),
            "lcl": _number(float(lo)),
            "ucl": _number(float(hi)),
        }
        for p, n, d, v, c, lo, hi in zip(
            series.ids,
            series.numerator,
            series.denominator,
            values,
            spc.result.cl,
            spc.result.lcl,
            spc.result.ucl,
            strict=True,
        )
    ]
    editable = can_edit_chart(request.user, unit)
    return render(
        request,
        "dashboards/chart.html",
        {
            "network": network,
            "indicator": indicator,
            "unit": unit,
            "spc": spc,
            "rows": rows,
            "svg": chart_drawing(indicator, unit, series, spc, annotations).to_svg(),
            # A narrow drawing for phones: the wide one, scaled down to 360 px, has 6 px text.
            "svg_narrow": chart_drawing(
                indicator, unit, series, spc, annotations, width=360, height=280
            ).to_svg(),
            "summary": spc.result.summary(translate=_),
            "has_data": bool(rows) and any(r["value"] is not None for r in rows),
            "children": OrgUnit.objects.filter(parent=unit).order_by("name")[:200],
            "ancestors": OrgUnit.objects.filter(uid__in=unit.path.strip("/").split("/")[:-1]).order_by(
                "level"
            ),
            "annotations": annotations,
            "rules": rules,
            "period_type": period_type,
            "rule_sets": selectors.RULE_SETS,
            "period_types": list(PERIOD_CHOICES),
            "settings_form": ChartSettingsForm(
                period_ids=series.ids,
                initial={
                    "freeze": settings.freeze if settings else None,
                    "phase_starts": ", ".join(settings.phase_starts) if settings else "",
                },
            )
            if editable
            else None,
            "annotation_form": AnnotationForm(period_ids=series.ids) if editable else None,
            "mapping": series.mapping,
            "query": request.GET.urlencode(),
            "combos": disaggregations(org_unit=unit, indicator=indicator),
            "combo": combo,
        },
    )


def _change(request, network, indicator, unit, series, settings):
    if not can_edit_chart(request.user, unit):
        raise PermissionDenied
    if request.POST.get("form") == "annotation":
        form = AnnotationForm(request.POST, period_ids=series.ids)
        if form.is_valid():
            services.annotate(actor=request.user, indicator=indicator, org_unit=unit, **form.cleaned_data)
            messages.success(request, _("Note added to the chart."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        form = ChartSettingsForm(request.POST, period_ids=series.ids)
        if form.is_valid():
            services.save_chart_settings(
                actor=request.user, indicator=indicator, org_unit=unit, **form.cleaned_data
            )
            messages.success(request, _("Baseline and phases saved for everyone who views this chart."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(request.get_full_path())


def _picture(request, indicator, unit, series, spc, annotations, fmt):
    drawing = chart_drawing(indicator, unit, series, spc, annotations)
    name = f"{indicator.code}-{unit.code or unit.uid}"
    if fmt == "svg":
        response = HttpResponse(drawing.to_svg(), content_type="image/svg+xml; charset=utf-8")
    else:
        response = HttpResponse(drawing.to_png(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _csv(indicator, unit, series, spc):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{indicator.code}-{unit.code or unit.uid}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["period", "numerator", "denominator", "value", "centre_line", "lower_limit", "upper_limit", "signal"]
    )
    values = series.value(indicator.factor or 1)
    for i, period in enumerate(series.ids):
        signals = "; ".join(s.rule for s in spc.result.signals[i]) if i < len(spc.result.signals) else ""
        writer.writerow(
            [
                period,
                *(
                    _cell(x[i])
                    for x in (
                        series.numerator,
                        series.denominator,
                        values,
                        spc.result.cl,
                        spc.result.lcl,
                        spc.result.ucl,
                    )
                ),
                signals,
            ]
        )
    return response


def _cell(value):
    value = float(value)
    if math.isnan(value):
        return ""
    return int(value) if value.is_integer() else round(value, 4)


@login_required
def dashboard(request, slug):
    """Every network indicator: each country's latest value against the target, its trend and its signal."""
    from qicop.dashboards.dashboard import build_dashboard

    _viewer, network = _network(request, slug)
    period_type = request.GET.get("periods") if request.GET.get("periods") in PERIOD_CHOICES else "Monthly"
    periods = last_periods(period_type, PERIOD_CHOICES[period_type], timezone.localdate())
    context = build_dashboard(
        request.user,
        network,
        periods,
        translate=_,
        selected=request.GET.get("indicator", ""),
        combo=request.GET.get("combo", ""),
    )
    if request.GET.get("cascade") and request.GET.get("format") in {"svg", "png", "csv"}:
        return _cascade_export(context, request.GET["cascade"], request.GET["format"])
    return render(
        request,
        "dashboards/dashboard.html",
        {"network": network, "period_type": period_type, "period_types": list(PERIOD_CHOICES), **context},
    )


@login_required
def compare(request, slug, code):
    """One indicator for one period across countries, or across a country's facilities: a funnel plot, so that
    small units are judged by limits that fit their size, and every country's chart on one shared scale."""
    from qicop.dashboards.compare import build_comparison

    _viewer, network = _network(request, slug)
    indicator = selectors.indicator_in_network(network, code)
    periods = last_periods("Monthly", PERIOD_CHOICES["Monthly"], timezone.localdate())
    page = request.GET.get("page", "1")
    context = build_comparison(
        request.user,
        network,
        indicator,
        periods,
        country=request.GET.get("country", ""),
        period_id=request.GET.get("period", ""),
        translate=_,
        page=int(page) if page.isdigit() else 1,
    )
    fmt = request.GET.get("format")
    if fmt in {"svg", "png"} and context.get("funnel_drawing") is not None:
        drawing = context["funnel_drawing"]
        response = HttpResponse(
            drawing.to_svg() if fmt == "svg" else drawing.to_png(),
            content_type="image/svg+xml; charset=utf-8" if fmt == "svg" else "image/png",
        )
        response["Content-Disposition"] = f'attachment; filename="{indicator.code}-funnel.{fmt}"'
        return response
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{indicator.code}-{context["period"]}.csv"'
        writer = csv.writer(response)
        writer.writerow(["unit", "numerator", "denominator", "value"])
        for name, numerator, denominator in context["rows"]:
            writer.writerow(
                [
                    name,
                    _cell(numerator),
                    _cell(denominator),
                    _cell(numerator / denominator * (indicator.factor or 1)),
                ]
            )
        return response
    return render(request, "dashboards/compare.html", {"network": network, "indicator": indicator, **context})


def _cascade_export(context, iso2: str, fmt: str):
    """One country's cascade as the numbers behind it (CSV), or its drawing (SVG, PNG)."""
    from django.http import Http404

    from qicop.dashboards.dashboard import cascade_drawing, cascade_steps

    root = next((r for r in context["roots"] if r.country.iso2 == iso2.upper()), None)
    if root is None:
        raise Http404
    if fmt == "csv":
        steps = cascade_steps(context["indicators"], root, context["series"], _) or []
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(["step", "people"])
        for label, number in steps:
            writer.writerow([label, "" if number is None else _cell(number)])
    else:
        drawing = cascade_drawing(context["indicators"], root, context["series"], _)
        if drawing is None:
            raise Http404
        response = HttpResponse(
            drawing.to_svg() if fmt == "svg" else drawing.to_png(),
            content_type="image/svg+xml; charset=utf-8" if fmt == "svg" else "image/png",
        )
    response["Content-Disposition"] = f'attachment; filename="cascade-{root.country.iso2}.{fmt}"'
    return response
