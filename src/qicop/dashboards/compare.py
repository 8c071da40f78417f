"""Comparing units for one period: a funnel plot (p/pp or u/up with categorical units) and small multiples."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
from django.db.models import Max, Sum
from django.utils.translation import gettext_noop

from qicop.analytics.spc import chart
from qicop.charts import funnel_plot, small_multiples
from qicop.charts.axes import axis_labels
from qicop.charts.funnel import outside_limits
from qicop.core.i18n import sort_key
from qicop.dashboards import checks
from qicop.dashboards.indicator_series import network_series
from qicop.dashboards.plain_words import in_reader_numbers
from qicop.indicators import arithmetic
from qicop.indicators.models import OrgUnit
from qicop.indicators.selectors import visible_values
from qicop.integrations.dhis2.expressions import ExpressionError

MAX_UNITS = 1000


MULTIPLES_PER_PAGE = 8  # small multiples of every country would pass the 100 KB page budget


@in_reader_numbers
def build_comparison(
    user,
    network,
    indicator,
    periods,
    *,
    country: str,
    period_id: str,
    translate,
    page: int = 1,
    own_country: str = "",
) -> dict:
    """The comparison of ``indicator`` across the network's countries (``country`` empty) or a country's
    facilities, for the period ``period_id`` — by default the latest with data. ``own_country`` (the
    reader's country's ISO code) is ringed and named on the funnel plot and marked in the table."""

    ids = [p.id for p in periods]
    asked = next((p for p in periods if p.id == period_id), None)
    roots = list(
        OrgUnit.objects.filter(country__networks=network, level=1).select_related("country").order_by("name")
    )
    roots.sort(key=lambda root: sort_key(root.display_name))  # as the reader's language names them
    context = {"periods": list(reversed(ids)), "countries": roots, "country": country}
    if country:
        chosen = next((r.country_id for r in roots if r.country.iso2 == country.upper()), None)
        period = asked or _latest_facility_period(user, indicator, chosen, periods)
        units = [(*unit, False) for unit in _facility_values(user, indicator, chosen, period)]
    else:
        series = {
            key: s.checked(indicator)[0]
            for key, s in network_series(
                user=user, indicators=[indicator], units=roots, periods=periods
            ).items()
        }
        period = asked or _latest_period_with_data([series[(indicator.pk, r.pk)] for r in roots], periods)
        i = ids.index(period.id)
        units = []
        for root in roots:
            s = series[(indicator.pk, root.pk)]
            own = bool(own_country) and root.country.iso2 == own_country.upper()
            units.append((root.display_name, s.numerator[i], s.denominator[i], own))
        pages = max(1, -(-len(roots) // MULTIPLES_PER_PAGE))
        page = min(max(page, 1), pages)
        shown = roots[(page - 1) * MULTIPLES_PER_PAGE : page * MULTIPLES_PER_PAGE]
        context.update(multiples_page=page, multiples_pages=range(1, pages + 1))
        context["multiples"] = _multiples(
            indicator,
            shown,
            series,
            ids,
            translate,
            small_multiples,
            axis_labels,
            y_range=_range(indicator, roots, series),
        )
    context["period"] = period.id
    kind = indicator.chart_kind if indicator.chart_kind in ("p", "pp", "u", "up") else "p"
    usable = [u for u in units if _ok(u[1]) and _ok(u[2]) and u[2] > 0]
    # The funnel is a p (or u) chart across units: a unit whose numbers no such chart can take is left out,
    # as on its own chart, and counted with the implausible ones.
    plausible = [
        u
        for u in usable
        if checks.reasons(u[1], u[2], proportion=kind in checks.PROPORTION_KINDS, counts=True) == 0
    ]
    context["excluded"] = len(units) - len(usable)
    context["implausible"] = len(usable) - len(plausible)
    usable = plausible
    factor = indicator.factor or 1
    sides = [""] * len(usable)
    if len(usable) >= 3:
        # Positions, not names, key the units: two facilities may share a name, and the engine sorts keys.
        result = chart(
            [u[1] for u in usable],
            n=[u[2] for u in usable],
            x=list(range(len(usable))),
            kind=kind,
            improvement=indicator.improvement,
            multiply=factor,
        )
        sides = outside_limits(result)
        options = {
            "labels": [u[0] for u in usable],
            "numerators": [u[1] for u in usable],
            "title": indicator.name,
            "description": translate(gettext_noop("Funnel plot for %(period)s"))
            % {"period": axis_labels([period.id], translate=translate)[0]},
            "percent": False,
            "target": float(indicator.target) if indicator.target else None,
            "translate": translate,
            "highlight": [i for i, u in enumerate(usable) if u[3]],
            "highlight_label": translate(gettext_noop("Your country")),
        }
        drawing = funnel_plot(result, **options)
        context["funnel"] = drawing.to_svg()
        # A narrow drawing for phones: the wide one, scaled down to a phone's width, has 5 px words.
        context["funnel_narrow"] = funnel_plot(result, width=360, height=340, **options).to_svg()
        context["funnel_drawing"] = drawing
    rows = [
        {
            "name": name,
            "numerator": numerator,
            "denominator": denominator,
            "value": numerator / denominator * factor,
            "outside": side,
            "own": own,
        }
        for (name, numerator, denominator, own), side in zip(usable, sides, strict=True)
    ]
    context["rows"] = sorted(rows, key=lambda row: -row["value"])
    return context


def _latest_period_with_data(series, periods):
    """The latest period in which at least three units have numbers (a funnel can be drawn), else the
    latest in which any has; the last period when none has."""
    counts = np.zeros(len(periods), int)
    for s in series:
        counts += (~np.isnan(s.numerator) & ~np.isnan(s.denominator)).astype(int)
    for enough in (3, 1):
        found = np.flatnonzero(counts >= enough)
        if found.size:
            return periods[int(found[-1])]
    return periods[-1]


def _latest_facility_period(user, indicator, country_id, periods):
    """The latest of ``periods`` in which a facility of the country has a value the user may read for the
    indicator's data elements: one query."""
    mapping = arithmetic.mapping_of(indicator, country_id) if country_id is not None else None
    if mapping is None or not mapping.usable:
        return periods[-1]
    latest = (
        visible_values(user)
        .filter(
            org_unit__country_id=country_id,
            org_unit__children__isnull=True,
            deleted=False,
            numeric__isnull=False,
            data_element__uid__in=mapping.elements,
            period__start_date__gte=periods[0].start,
            period__start_date__lte=periods[-1].end,
        )
        .aggregate(latest=Max("period__start_date"))["latest"]
    )
    if latest is None:
        return periods[-1]
    return next(p for p in reversed(periods) if p.start <= latest)


def _ok(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _facility_values(user, indicator, country_id: int | None, period) -> list[tuple[str, float, float]]:
    """Numerator and denominator of every facility of a country for one period, in two queries, by the
    indicator arithmetic (``indicators/arithmetic.py``) as on each facility's chart."""

    if country_id is None:
        return []
    mapping = arithmetic.mapping_of(indicator, country_id)
    if not mapping.usable:
        return []
    rows = (
        visible_values(user)
        .filter(
            org_unit__country_id=country_id,
            org_unit__children__isnull=True,
            deleted=False,
            numeric__isnull=False,
            data_element__uid__in=mapping.elements,
            period__start_date__lte=period.end,
            period__end_date__gte=period.start,
        )
        .values_list(
            "org_unit__name",
            "data_element__uid",
            "data_element__aggregation_type",
            "category_option_combo__uid",
            "period__start_date",
            "period__end_date",
        )
        .annotate(total=Sum("numeric"))
        .order_by()[: MAX_UNITS * 20]
    )
    per_unit: dict[str, dict] = {}
    stocks = set()
    for name, element, aggregation, combo, start, end, total in rows:
        per_unit.setdefault(name, defaultdict(list))[(element, combo, None)].append((start, end, total))
        if aggregation == "LAST":
            stocks.add(element)
    out = []
    for name, stored in per_unit.items():
        totals = arithmetic.totals_for(stored, period.start, period.end, stocks)

        def value_of(operand, totals=totals):
            return arithmetic.operand_value(totals, operand)

        try:
            out.append((name, mapping.numerator.evaluate(value_of), mapping.denominator.evaluate(value_of)))
        except ExpressionError:  # the mapping needs a constant qicop does not hold: nothing to compare
            return []
    return out[:MAX_UNITS]


def _range(indicator, roots, series) -> tuple[float, float] | None:
    """One y scale for every country, not only those on the page, so pages compare with each other too."""
    values = [series[(indicator.pk, r.pk)].value(indicator.factor or 1) for r in roots]
    present = [v[~np.isnan(v)] for v in values if np.any(~np.isnan(v))]
    if not present:
        return None
    return float(min(p.min() for p in present)), float(max(p.max() for p in present))


def _multiples(indicator, roots, series, ids, translate, small_multiples, axis_labels, *, y_range):
    """Each country's chart as its own small drawing, all on one scale: the page lays them out in cards,
    one beside the other on a wide screen and one under the other on a phone, so that their words are
    never scaled down below a readable size."""
    items = []
    for root in roots:
        s = series[(indicator.pk, root.pk)]
        if np.count_nonzero(~np.isnan(s.numerator)) < 2:
            continue
        values = s.value(indicator.factor or 1)
        result = chart(
            list(values), x=[p.start for p in s.periods], kind="run", improvement=indicator.improvement
        )
        # Each period named in full ("Nov 2026"): a cell shows its first and last, and its points' tooltips.
        names = [axis_labels([period_id], translate=translate)[0] for period_id in ids]
        items.append((root.display_name, result, names))
    if not items or y_range is None:
        return None
    return [
        {
            "name": name,
            "svg": small_multiples(
                [("", result, labels)],
                y_range=y_range,
                title=name,
                description=translate(
                    gettext_noop("%(indicator)s in %(country)s, on the scale of every country")
                )
                % {"indicator": indicator.name, "country": name},
                columns=1,
                cell_width=250,
                translate=translate,
            ).to_svg(),
        }
        for name, result, labels in items
    ]
