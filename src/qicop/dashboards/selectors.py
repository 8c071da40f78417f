"""Reads for the dashboards: which indicators and org units a viewer may chart, and the SPC of a series."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import F
from django.http import Http404

from qicop.analytics.spc import ChartResult, chart
from qicop.dashboards.checks import Flag
from qicop.dashboards.indicator_series import Series, indicator_series
from qicop.dashboards.models import Annotation, ChartSettings
from qicop.indicators.models import NetworkIndicator, OrgUnit

RULE_SETS = ("anhoej", "ihi", "mdc")
LARGE_DENOMINATOR = 1000  # above this mean, p and u charts become p′ and u′ (Laney): see docs/analytics.md


def indicator_in_network(network, code: str) -> NetworkIndicator:
    indicator = NetworkIndicator.objects.filter(network=network, code=code).first()
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def org_unit_in_network(network, uid: str) -> OrgUnit:
    """The org unit, with its country's data version (``data_version``, None if never written): read in the
    same query, before the data, for the page cache (page_cache.py)."""
    unit = (
        OrgUnit.objects.filter(uid=uid, country__networks=network)
        .select_related("country", "parent")
        .annotate(data_version=F("country__data_version__token"))
        .first()
    )
    if unit is None:
        raise Http404("No such organisation unit")
    return unit


def chart_kind(indicator: NetworkIndicator, series: Series, asked: str = "") -> str:
    """The chart that fits: the indicator's, made Laney-adjusted for large denominators, or a run chart."""
    if asked == "run" or np.count_nonzero(~np.isnan(series.numerator)) < 8:
        return "run"
    kind = indicator.chart_kind
    mean_n = np.nanmean(series.denominator) if np.any(~np.isnan(series.denominator)) else 0
    if kind in ("p", "u") and mean_n > LARGE_DENOMINATOR:
        return {"p": "pp", "u": "up"}[kind]
    return kind


@dataclass(frozen=True)
class SpcView:
    result: ChartResult
    kind: str
    ratio: bool  # numerator/denominator charts (p, pp, u, up, run of a ratio) versus plain values


def spc_for(indicator, series: Series, *, rules: str, kind: str, settings: ChartSettings | None) -> SpcView:
    ratio = kind in ("p", "pp", "u", "up") or (kind == "run" and np.any(~np.isnan(series.denominator)))
    ids = series.ids
    part = None
    if settings and settings.phase_starts:
        part = sorted({ids.index(p) for p in settings.phase_starts if p in ids and ids.index(p) > 0}) or None
    freeze = settings.freeze if settings and settings.freeze and settings.freeze < len(ids) else None
    factor = indicator.factor or 1
    if ratio and kind == "run":
        y, n = series.value(factor), None
    elif ratio:
        y, n = series.numerator, series.denominator
    else:
        y, n = series.value(factor), None
    result = chart(
        list(y),
        n=None if n is None else list(n),
        x=[p.start for p in series.periods],
        kind=kind,
        freeze=freeze,
        part=part,
        rules=rules,
        improvement=indicator.improvement,
        multiply=factor if kind in ("p", "pp", "u", "up") else 1,
    )
    return SpcView(result, kind, ratio)


@dataclass(frozen=True)
class IndicatorChart:
    """What the chart page and a case study's chart show: the series as stored, the SPC of its plausible
    points, and the points flagged as implausible (left out of the centre line and limits)."""

    series: Series  # as stored
    plausible: Series  # flagged points blanked out
    flags: list[Flag]
    spc: SpcView


def indicator_chart(
    *, user, indicator, unit, periods, rules: str, kind: str = "", settings=None, combo: str = ""
) -> IndicatorChart:
    """The one computation behind every drawing of an indicator at an org unit. ``kind``: the chart asked
    for ("run", or empty for the indicator's own)."""
    series = indicator_series(user=user, indicator=indicator, org_unit=unit, periods=periods, combo=combo)
    plausible, bits = series.checked(indicator)
    chosen = chart_kind(indicator, plausible, kind)
    spc = spc_for(indicator, plausible, rules=rules, kind=chosen, settings=settings)
    # "112 of 100" where the mapping has a denominator; the count alone where it is the default "1".
    ratio = series.mapping is not None and series.mapping.denominator.strip() != "1"
    flags = [
        Flag(
            int(i),
            series.ids[i],
            int(bits[i]),
            float(series.numerator[i]),
            float(series.denominator[i]),
            ratio,
        )
        for i in np.flatnonzero(bits)
    ]
    return IndicatorChart(series, plausible, flags, spc)


def annotations_for(indicator, org_unit, user):
    """The notes on the chart that ``user`` may read: a note on a month follows that month's values, so
    readers who see only what is published (other countries, observers) see notes on published periods
    only."""
    from qicop.indicators.models import Publication
    from qicop.indicators.permissions import ReadScope
    from qicop.integrations.dhis2.periods import PeriodError, parse_period

    notes = list(
        Annotation.objects.filter(indicator=indicator, org_unit=org_unit).select_related("author__member")
    )
    scope = ReadScope(user)
    if scope.everything or org_unit.country_id in scope.countries or not notes:
        return notes
    published = list(
        Publication.objects.filter(country_id=org_unit.country_id).values_list(
            "period__start_date", "period__end_date"
        )
    )

    def is_published(note) -> bool:
        try:
            period = parse_period(note.period)
        except PeriodError:
            return False
        return any(start <= period.start and period.end <= end for start, end in published)

    return [note for note in notes if is_published(note)]


def quality_url(user, network, unit) -> str | None:
    """The data-quality view of the unit's country, for readers who may see it (None for the others)."""
    from django.urls import reverse

    from qicop.indicators.permissions import quality_countries

    countries = quality_countries(user)
    if countries is not None and unit.country_id not in countries:
        return None
    return f"{reverse('dashboards:data_quality', args=[network.slug])}?country={unit.country.iso2}"
