from __future__ import annotations

import math
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
from qicop.dashboards import page_cache, pipeline, quality, selectors, services
from qicop.dashboards.compare import build_comparison
from qicop.dashboards.dashboard import build_dashboard, cascade_drawing, cascade_steps
from qicop.dashboards.forms import AnnotationForm, ChartSettingsForm
from qicop.dashboards.indicator_series import last_periods
from qicop.dashboards.models import ChartSettings
from qicop.dashboards.permissions import can_edit_chart
from qicop.indicators.models import OrgUnit
from qicop.indicators.permissions import can_import, quality_countries
from qicop.integrations import spreadsheet
from qicop.network import selectors as network_selectors


def _network(request, slug):
    return network_selectors.network_page(request.user, slug)


@login_required
def chart_page(request, slug, code, uid):
    """An indicator's SPC chart at an org unit (pipeline.py), its numbers, notes and downloads."""
    _viewer, network = _network(request, slug)
    indicator = selectors.indicator_in_network(network, code)
    unit = selectors.org_unit_in_network(network, uid)
    options, today = pipeline.ChartOptions.of(request.GET), timezone.localdate()
    periods = options.periods(today)
    if request.method == "POST":
        return _change(request, indicator, unit, [p.id for p in periods])
    settings = _ChartSettings(indicator, unit)  # read once, only if something below needs them
    fmt = request.GET.get("format")
    if fmt in {"svg", "png", "csv"}:
        result = pipeline.indicator_chart(
            request.user, indicator, unit, options, today=today, settings=settings()
        )
        if fmt == "csv":
            return _csv(result)
        return pipeline.drawing_download(result.drawing(), fmt, result.file_name)
    countries = [page_cache.ShownCountry(unit.country_id, unit.country.iso2, unit.data_version)]
    key = page_cache.page_key(
        request.user,
        "chart",
        network=network,
        countries=countries,
        params=(indicator.pk, unit.pk, periods[-1].id, options),
    )
    content = page_cache.fragment(
        key, lambda: _chart_fragment(request.user, network, indicator, unit, options, today, settings)
    )
    context = {"network": network, "indicator": indicator, "unit": unit, "content": content}
    if can_edit_chart(request.user, unit):
        context.update(_editing_forms(request.user, network, indicator, unit, countries, periods, settings))
    return render(request, "dashboards/chart.html", context)


class _ChartSettings:
    """A chart's saved baseline and phases, read at the first call and kept for the request."""

    def __init__(self, indicator, unit):
        self.indicator, self.unit, self.read, self.value = indicator, unit, False, None

    def __call__(self) -> ChartSettings | None:
        if not self.read:
            self.value = ChartSettings.objects.filter(indicator=self.indicator, org_unit=self.unit).first()
            self.read = True
        return self.value


def _editing_forms(user, network, indicator, unit, countries, periods, settings) -> dict:
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
        forms[name] = page_cache.fragment(key, lambda form=form: _fields(form(settings, period_ids)))
    return forms


def _fields(form) -> str:
    return render_to_string("core/_form.html", {"form": form})


def _settings_form(saved, period_ids: list[str]) -> ChartSettingsForm:
    settings = saved()
    return ChartSettingsForm(
        period_ids=period_ids,
        initial={
            "freeze": settings.freeze if settings else None,
            "phase_starts": list(settings.phase_starts) if settings else [],
        },
    )


def _annotation_form(_saved, period_ids: list[str]) -> AnnotationForm:
    return AnnotationForm(period_ids=period_ids)


def _chart_fragment(user, network, indicator, unit, options, today, settings) -> str:
    """The chart page's part that is the same for every reader of the same data (page_cache.py)."""
    result = pipeline.indicator_chart(user, indicator, unit, options, today=today, settings=settings())
    return render_to_string(
        "dashboards/_chart.html",
        {
            "network": network,
            "indicator": indicator,
            "unit": unit,
            "spc": result.spc,
            "rows": result.rows(),
            "flags": result.flags,
            "problem": result.series.problem,
            "quality_url": selectors.quality_url(user, network, unit),
            "svg": result.drawing().to_svg(),
            # A narrow layout for phones: the wide drawing, scaled down to 360 px, has 6 px text.
            "svg_narrow": result.drawing(width=360, height=280).to_svg(),
            "story": result.story,
            "has_data": result.has_data,
            # "Who solved this?": the same for every reader of the same data, so kept with the fragment
            "falls_short": result.has_data and result.falls_short,
            "children": OrgUnit.objects.filter(parent=unit).order_by("name")[:200],
            "ancestors": OrgUnit.objects.filter(uid__in=unit.path.strip("/").split("/")[:-1])
            .select_related("country")
            .order_by("level"),
            "annotations": result.annotations,
            "rules": options.rules,
            "period_type": options.period_type,
            "rule_sets": pipeline.rule_set_choices(),
            "period_types": pipeline.period_choices(),
            "mapping": result.series.mapping,
            "query": options.query,
            "combos": result.disaggregation_choices(),
            "combo": options.combo,
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


def _csv(result: pipeline.ChartResult):
    """The numbers as stored, with the chart's lines; a flagged row says why it was left out of them."""
    series, spc = result.series, result.spc
    flags = {flag.index: flag.why for flag in result.flags}
    response = _people_csv(f"{result.file_name}.csv")
    lines = (
        series.numerator,
        series.denominator,
        result.values,
        spc.result.cl,
        spc.result.lcl,
        spc.result.ucl,
    )

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


def _limits(result) -> tuple:
    return result.cl, result.lcl, result.ucl


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

    _viewer, network = _network(request, slug)
    period_type = pipeline.ChartOptions.of(request.GET).period_type
    periods = last_periods(period_type, pipeline.PERIOD_CHOICES[period_type], timezone.localdate())
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
            {
                "network": network,
                "period_type": period_type,
                "period_types": pipeline.period_choices(),
                **built(),
            },
        ),
    )
    return render(request, "dashboards/dashboard.html", {"network": network, "content": content})


COMPARE_PARAMETERS = ("period", "country", "page")


@login_required
def compare(request, slug, code):
    """One indicator for one period across countries, or across a country's facilities: a funnel plot, so that
    small units are judged by limits that fit their size, and every country's chart on one shared scale."""

    viewer, network = _network(request, slug)
    indicator = selectors.indicator_in_network(network, code)
    periods = last_periods("Monthly", pipeline.PERIOD_CHOICES["Monthly"], timezone.localdate())
    countries = page_cache.network_countries(network)  # before the data: page_cache.py
    # The reader's own country is ringed and named on the funnel plot (no query: the viewer knows it).
    own_country = next((c.iso2 for c in countries if c.pk == viewer.country_id), "")
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
            own_country=own_country,
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

    if country and country.upper() not in {c.iso2 for c in countries}:
        content = rendered()  # a country outside the network: its version is not in the key, so not kept
    else:
        key = page_cache.page_key(
            request.user,
            "compare",
            network=network,
            countries=countries,
            params=(
                indicator.pk,
                periods[-1].id,
                country,
                period_id,
                page,
                quality_url is not None,
                query,
                own_country,  # ringed and named on the funnel plot
            ),
        )
        content = page_cache.fragment(key, rendered)
    return render(
        request, "dashboards/compare.html", {"network": network, "indicator": indicator, "content": content}
    )


def _comparison_export(context: dict, indicator, fmt: str):
    """The funnel plot's drawing (SVG, PNG), or the numbers behind it (CSV)."""
    if fmt in {"svg", "png"}:
        return pipeline.drawing_download(context["funnel_drawing"], fmt, f"{indicator.code}-funnel")
    response = _people_csv(f"{indicator.code}-{context['period']}.csv")
    rows = (
        [row["name"], _cell(row["numerator"]), _cell(row["denominator"]), _cell(row["value"]), row["outside"]]
        for row in context["rows"]
    )
    columns = ["unit", "numerator", "denominator", "value", "outside_limits"]
    spreadsheet.write_people_csv(rows, response, columns=columns)
    return response


def _cascade_export(context, iso2: str, fmt: str):
    """One country's cascade as the numbers behind it (CSV), or its drawing (SVG, PNG)."""

    root = next((r for r in context["roots"] if r.country.iso2 == iso2.upper()), None)
    if root is None:
        raise Http404
    if fmt == "csv":
        steps = cascade_steps(context["indicators"], root, context["series"], _) or []
        response = _people_csv(f"cascade-{root.country.iso2}.csv")
        rows = ([label, "" if number is None else _cell(number)] for label, number in steps)
        spreadsheet.write_people_csv(rows, response, columns=["step", "people"])
        return response
    drawing = cascade_drawing(context["indicators"], root, context["series"], _)
    if drawing is None:
        raise Http404
    return pipeline.drawing_download(drawing, fmt, f"cascade-{root.country.iso2}")


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
    periods = last_periods("Monthly", pipeline.PERIOD_CHOICES["Monthly"], timezone.localdate())
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
