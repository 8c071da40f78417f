from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.pagination import paginate
from qicop.dashboards import page_cache, quality, selectors, services
from qicop.dashboards.drawing import PERIOD_CHOICES, chart_drawing
from qicop.dashboards.forms import AnnotationForm, ChartSettingsForm
from qicop.dashboards.indicator_series import disaggregations, last_periods
from qicop.dashboards.models import ChartSettings
from qicop.dashboards.permissions import can_edit_chart
from qicop.indicators.models import OrgUnit
from qicop.indicators.permissions import can_import, quality_countries
from qicop.integrations import spreadsheet
from qicop.network import permissions as network_permissions
from qicop.network import selectors as network_selectors


def _network(request, slug):
    viewer = network_permissions.viewer_for(request.user)
    return viewer, network_selectors.network_for_viewer(viewer, slug)


def _number(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


@dataclass(frozen=True)
class ChartChoice:
    """What a reader chose to see of a chart, from the query string."""

    period_type: str
    rules: str
    kind: str  # "run", or empty for the indicator's own chart
    combo: str
    #: the parameters the reader gave, for the page's links: nothing else of the query string is echoed
    query: str

    @classmethod
    def of(cls, params) -> ChartChoice:
        period_type = params.get("periods") if params.get("periods") in PERIOD_CHOICES else "Monthly"
        given = [(name, params[name]) for name in ("periods", "rules", "kind", "combo") if name in params]
        return cls(
            period_type=period_type,
            rules=params.get("rules") if params.get("rules") in selectors.RULE_SETS else "anhoej",
            kind=params.get("kind", ""),
            combo=params.get("combo", ""),
            query=urlencode(given),
        )


@login_required
def chart_page(request, slug, code, uid):
    _viewer, network = _network(request, slug)
    indicator = selectors.indicator_in_network(network, code)
    unit = selectors.org_unit_in_network(network, uid)
    choice = ChartChoice.of(request.GET)
    periods = last_periods(choice.period_type, PERIOD_CHOICES[choice.period_type], timezone.localdate())
    if request.method == "POST":
        return _change(request, indicator, unit, [p.id for p in periods])
    if request.GET.get("format") in {"svg", "png", "csv"}:
        return _chart_export(request, indicator, unit, periods, choice, request.GET["format"])
    countries = [page_cache.ShownCountry(unit.country_id, unit.country.iso2, unit.data_version)]
    key = page_cache.page_key(
        request.user,
        "chart",
        network=network,
        countries=countries,
        params=(indicator.pk, unit.pk, periods[-1].id, choice),
    )
    content = page_cache.fragment(
        key, lambda: _chart_fragment(request.user, network, indicator, unit, periods, choice)
    )
    context = {"network": network, "indicator": indicator, "unit": unit, "content": content}
    if can_edit_chart(request.user, unit):
        context.update(_editing_forms(request.user, network, indicator, unit, countries, periods))
    return render(request, "dashboards/chart.html", context)


def _chart_export(request, indicator, unit, periods, choice: ChartChoice, fmt: str):
    drawn = selectors.indicator_chart(
        user=request.user,
        indicator=indicator,
        unit=unit,
        periods=periods,
        rules=choice.rules,
        kind=choice.kind,
        settings=ChartSettings.objects.filter(indicator=indicator, org_unit=unit).first(),
        combo=choice.combo,
    )
    if fmt == "csv":
        return _csv(indicator, unit, drawn)
    return _picture(drawn, indicator, unit, selectors.annotations_for(indicator, unit, request.user), fmt)


def _editing_forms(user, network, indicator, unit, countries, periods) -> dict:
    """The fields of a chart's baseline and note forms: the same for every editor of the country, so kept
    too; chart.html puts them inside forms that carry the request's CSRF token."""
    period_ids = [p.id for p in periods]
    forms = {}
    for name, form in (("settings_form", _settings_form), ("annotation_form", _annotation_form)):
        key = page_cache.page_key(
            user,
            f"chart-{name}",
            network=network,
            countries=countries,
            params=(indicator.pk, unit.pk, period_ids[0], period_ids[-1]),
        )
        forms[name] = page_cache.fragment(key, lambda form=form: _fields(form(indicator, unit, period_ids)))
    return forms


def _fields(form) -> str:
    return render_to_string("core/_form.html", {"form": form})


def _settings_form(indicator, unit, period_ids: list[str]) -> ChartSettingsForm:
    settings = ChartSettings.objects.filter(indicator=indicator, org_unit=unit).first()
    return ChartSettingsForm(
        period_ids=period_ids,
        initial={
            "freeze": settings.freeze if settings else None,
            "phase_starts": ", ".join(settings.phase_starts) if settings else "",
        },
    )


def _annotation_form(_indicator, _unit, period_ids: list[str]) -> AnnotationForm:
    return AnnotationForm(period_ids=period_ids)


def _chart_fragment(user, network, indicator, unit, periods, choice: ChartChoice) -> str:
    """The chart page's part that is the same for every reader of the same data (page_cache.py)."""
    settings = ChartSettings.objects.filter(indicator=indicator, org_unit=unit).first()
    drawn = selectors.indicator_chart(
        user=user,
        indicator=indicator,
        unit=unit,
        periods=periods,
        rules=choice.rules,
        kind=choice.kind,
        settings=settings,
        combo=choice.combo,
    )
    series, spc = drawn.series, drawn.spc
    annotations = selectors.annotations_for(indicator, unit, user)
    values = series.value(indicator.factor or 1)
    flags = {flag.index: flag for flag in drawn.flags}
    rows = [
        {
            "period": p,
            "numerator": _number(float(n)),
            "denominator": _number(float(d)),
            "value": _number(float(v)),
            "cl": _number(float(c)),
            "lcl": _number(float(lo)),
            "ucl": _number(float(hi)),
            "flag": flags.get(i),
        }
        for i, (p, n, d, v, c, lo, hi) in enumerate(
            zip(
                series.ids,
                series.numerator,
                series.denominator,
                values,
                spc.result.cl,
                spc.result.lcl,
                spc.result.ucl,
                strict=True,
            )
        )
    ]
    return render_to_string(
        "dashboards/_chart.html",
        {
            "network": network,
            "indicator": indicator,
            "unit": unit,
            "spc": spc,
            "rows": rows,
            "flags": drawn.flags,
            "problem": series.problem,
            "quality_url": selectors.quality_url(user, network, unit),
            "svg": chart_drawing(drawn, indicator, unit, annotations).to_svg(),
            # A narrow drawing for phones: the wide one, scaled down to 360 px, has 6 px text.
            "svg_narrow": chart_drawing(drawn, indicator, unit, annotations, width=360, height=280).to_svg(),
            "summary": spc.result.summary(translate=_),
            "has_data": any(r["value"] is not None for r in rows) or bool(drawn.flags),
            "children": OrgUnit.objects.filter(parent=unit).order_by("name")[:200],
            "ancestors": OrgUnit.objects.filter(uid__in=unit.path.strip("/").split("/")[:-1]).order_by(
                "level"
            ),
            "annotations": annotations,
            "rules": choice.rules,
            "period_type": choice.period_type,
            "rule_sets": selectors.RULE_SETS,
            "period_types": list(PERIOD_CHOICES),
            "mapping": series.mapping,
            "query": choice.query,
            "combos": disaggregations(org_unit=unit, indicator=indicator),
            "combo": choice.combo,
        },
    )


def _change(request, indicator, unit, period_ids: list[str]):
    if not can_edit_chart(request.user, unit):
        raise PermissionDenied
    if request.POST.get("form") == "annotation":
        form = AnnotationForm(request.POST, period_ids=period_ids)
        if form.is_valid():
            services.annotate(actor=request.user, indicator=indicator, org_unit=unit, **form.cleaned_data)
            messages.success(request, _("Note added to the chart."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        form = ChartSettingsForm(request.POST, period_ids=period_ids)
        if form.is_valid():
            services.save_chart_settings(
                actor=request.user, indicator=indicator, org_unit=unit, **form.cleaned_data
            )
            messages.success(request, _("Baseline and phases saved for everyone who views this chart."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(request.get_full_path())


def _picture(drawn, indicator, unit, annotations, fmt):
    drawing = chart_drawing(drawn, indicator, unit, annotations)
    name = f"{indicator.code}-{unit.code or unit.uid}"
    if fmt == "svg":
        response = HttpResponse(drawing.to_svg(), content_type="image/svg+xml; charset=utf-8")
    else:
        response = HttpResponse(drawing.to_png(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _csv(indicator, unit, drawn):
    """The numbers as stored, with the chart's lines; a flagged row says why it was left out of them."""
    series, spc = drawn.series, drawn.spc
    flags = {flag.index: flag.why for flag in drawn.flags}
    response = _people_csv(f"{indicator.code}-{unit.code or unit.uid}.csv")
    values = series.value(indicator.factor or 1)
    lines = (series.numerator, series.denominator, values, spc.result.cl, spc.result.lcl, spc.result.ucl)

    def rows():
        for i, period in enumerate(series.periods):
            signals = "; ".join(s.rule for s in spc.result.signals[i]) if i < len(spc.result.signals) else ""
            # The DHIS2 period for systems, and its first and last days as dates a spreadsheet reads.
            yield [
                period.id,
                period.start,
                period.end,
                *(_cell(x[i]) for x in lines),
                signals,
                flags.get(i, ""),
            ]

    spreadsheet.write_people_csv(rows(), response, columns=CHART_CSV_COLUMNS)
    return response


CHART_CSV_COLUMNS = [
    "period",
    "start",
    "end",
    "numerator",
    "denominator",
    "value",
    "centre_line",
    "lower_limit",
    "upper_limit",
    "signal",
    "flagged",
]


def _people_csv(filename: str) -> HttpResponse:
    """An empty CSV download for people (spreadsheet.write_people_csv writes into it)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _cell(value):
    value = float(value)
    if not math.isfinite(value):
        return ""
    return int(value) if value.is_integer() else round(value, 4)


@login_required
def dashboard(request, slug):
    """Every network indicator: each country's latest value against the target, its trend and its signal."""
    from qicop.dashboards.dashboard import build_dashboard

    _viewer, network = _network(request, slug)
    period_type = request.GET.get("periods") if request.GET.get("periods") in PERIOD_CHOICES else "Monthly"
    periods = last_periods(period_type, PERIOD_CHOICES[period_type], timezone.localdate())
    selected, combo = request.GET.get("indicator", ""), request.GET.get("combo", "")

    def built():
        return build_dashboard(request.user, network, periods, translate=_, selected=selected, combo=combo)

    if request.GET.get("cascade") and request.GET.get("format") in {"svg", "png", "csv"}:
        return _cascade_export(built(), request.GET["cascade"], request.GET["format"])
    countries = page_cache.network_countries(network)  # before the data: page_cache.py
    key = page_cache.page_key(
        request.user,
        "dashboard",
        network=network,
        countries=countries,
        params=(period_type, periods[-1].id, selected, combo),
    )
    content = page_cache.fragment(
        key,
        lambda: render_to_string(
            "dashboards/_dashboard.html",
            {"network": network, "period_type": period_type, "period_types": list(PERIOD_CHOICES), **built()},
        ),
    )
    return render(request, "dashboards/dashboard.html", {"network": network, "content": content})


COMPARE_PARAMETERS = ("period", "country", "page")


@login_required
def compare(request, slug, code):
    """One indicator for one period across countries, or across a country's facilities: a funnel plot, so that
    small units are judged by limits that fit their size, and every country's chart on one shared scale."""
    from qicop.dashboards.compare import build_comparison

    _viewer, network = _network(request, slug)
    indicator = selectors.indicator_in_network(network, code)
    periods = last_periods("Monthly", PERIOD_CHOICES["Monthly"], timezone.localdate())
    page = request.GET.get("page", "1")
    country, period_id = request.GET.get("country", ""), request.GET.get("period", "")
    allowed = quality_countries(request.user)
    quality_url = reverse("dashboards:data_quality", args=[network.slug]) if allowed != set() else None

    def built():
        return build_comparison(
            request.user,
            network,
            indicator,
            periods,
            country=country,
            period_id=period_id,
            translate=_,
            page=int(page) if page.isdigit() else 1,
        )

    fmt = request.GET.get("format")
    if fmt in {"svg", "png", "csv"}:
        exported = built()
        if fmt == "csv" or exported.get("funnel_drawing") is not None:
            return _comparison_export(exported, indicator, fmt)
    # Only the parameters the page reads go into its links (and its cache key): nothing else is echoed.
    query = urlencode([(name, request.GET[name]) for name in COMPARE_PARAMETERS if name in request.GET])

    def rendered():
        context = {"network": network, "indicator": indicator, "quality_url": quality_url, **built()}
        return render_to_string("dashboards/_compare.html", {**context, "query": query})

    countries = page_cache.network_countries(network)  # before the data: page_cache.py
    if country and country.upper() not in {c.iso2 for c in countries}:
        content = rendered()  # a country outside the network: its version is not in the key, so not kept
    else:
        key = page_cache.page_key(
            request.user,
            "compare",
            network=network,
            countries=countries,
            params=(indicator.pk, periods[-1].id, country, period_id, page, quality_url is not None, query),
        )
        content = page_cache.fragment(key, rendered)
    return render(
        request, "dashboards/compare.html", {"network": network, "indicator": indicator, "content": content}
    )


def _comparison_export(context: dict, indicator, fmt: str):
    """The funnel plot's drawing (SVG, PNG), or the numbers behind it (CSV)."""
    if fmt in {"svg", "png"}:
        drawing = context["funnel_drawing"]
        response = HttpResponse(
            drawing.to_svg() if fmt == "svg" else drawing.to_png(),
            content_type="image/svg+xml; charset=utf-8" if fmt == "svg" else "image/png",
        )
        response["Content-Disposition"] = f'attachment; filename="{indicator.code}-funnel.{fmt}"'
        return response
    response = _people_csv(f"{indicator.code}-{context['period']}.csv")
    rows = (
        [
            name,
            _cell(numerator),
            _cell(denominator),
            _cell(numerator / denominator * (indicator.factor or 1)),
        ]
        for name, numerator, denominator in context["rows"]
    )
    spreadsheet.write_people_csv(rows, response, columns=["unit", "numerator", "denominator", "value"])
    return response


def _cascade_export(context, iso2: str, fmt: str):
    """One country's cascade as the numbers behind it (CSV), or its drawing (SVG, PNG)."""
    from qicop.dashboards.dashboard import cascade_drawing, cascade_steps

    root = next((r for r in context["roots"] if r.country.iso2 == iso2.upper()), None)
    if root is None:
        raise Http404
    if fmt == "csv":
        steps = cascade_steps(context["indicators"], root, context["series"], _) or []
        response = _people_csv(f"cascade-{root.country.iso2}.csv")
        rows = ([label, "" if number is None else _cell(number)] for label, number in steps)
        spreadsheet.write_people_csv(rows, response, columns=["step", "people"])
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


QUALITY_PAGE_SIZE = 50


@login_required
def data_quality(request, slug):
    """Values stored that fail sense checks, with the chart and the import of each (issue 11, item 9)."""
    _viewer, network = _network(request, slug)
    allowed = quality_countries(request.user)
    if allowed == set():
        raise PermissionDenied
    countries = [c for c in network.countries.order_by("name") if allowed is None or c.pk in allowed]
    iso2 = request.GET.get("country", "").upper()
    shown = [c for c in countries if c.iso2 == iso2] or countries
    check = request.GET.get("check", "")
    check = check if check in quality.CHECKS else ""
    periods = last_periods("Monthly", PERIOD_CHOICES["Monthly"], timezone.localdate())
    findings = quality.find(user=request.user, network=network, countries=shown, periods=periods)
    counts = {name: sum(f.check == name for f in findings) for name in quality.CHECKS}
    if check:
        findings = [f for f in findings if f.check == check]
    page = paginate(request, findings, per_page=QUALITY_PAGE_SIZE)
    quality.attach_imports(request.user, list(page))
    chosen = shown[0].iso2 if len(shown) == 1 and len(countries) > 1 else ""
    return render(
        request,
        "dashboards/data_quality.html",
        {
            "network": network,
            "page": page,
            "countries": countries if len(countries) > 1 else [],
            "country": chosen,
            "check": check,
            "counts": counts,
            "total": sum(counts.values()),
            "first_period": periods[0].id,
            "last_period": periods[-1].id,
            "query_string": urlencode({k: v for k, v in (("country", chosen), ("check", check)) if v}),
            "can_import": can_import(request.user),
            "rules": {
                "ratio": quality.checks.PROPORTION_KINDS,
                "outlier_ratio": f"{quality.OUTLIER_RATIO:g}",
                "outlier_points": quality.OUTLIER_MIN_POINTS,
                "jump_ratio": f"{quality.JUMP_RATIO:g}",
                "smallest": quality.SMALLEST_CHANGE,
            },
        },
    )
