"""Comparing units for one period: a funnel plot (p/pp or u/up with categorical units) and small multiples."""

from __future__ import annotations

import math

import numpy as np
from django.db.models import Sum
from django.utils.translation import gettext_noop

from qicop.analytics.spc import chart
from qicop.dashboards import checks
from qicop.dashboards.series import network_series
from qicop.indicators.models import IndicatorMapping, OrgUnit
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression

MAX_UNITS = 1000


MULTIPLES_PER_PAGE = 8  # small multiples of every country would pass the 100 KB page budget


def build_comparison(
    user, network, indicator, periods, *, country: str, period_id: str, translate, page: int = 1
) -> dict:
    from qicop.charts import funnel_plot, small_multiples
    from qicop.charts.axes import axis_labels

    ids = [p.id for p in periods]
    period = next((p for p in periods if p.id == period_id), periods[-2] if len(periods) > 1 else periods[-1])
    roots = list(
        OrgUnit.objects.filter(country__networks=network, level=1).select_related("country").order_by("name")
    )
    context = {"periods": list(reversed(ids)), "period": period.id, "countries": roots, "country": country}
    if country:
        units = _facility_values(user, indicator, country, period)
    else:
        series = {
            key: s.checked(indicator)[0]
            for key, s in network_series(
                user=user, indicators=[indicator], units=roots, periods=periods
            ).items()
        }
        units = []
        for root in roots:
            s = series[(indicator.pk, root.pk)]
            i = ids.index(period.id)
            units.append((root.name, s.numerator[i], s.denominator[i]))
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
    kind = indicator.chart_kind if indicator.chart_kind in ("p", "pp", "u", "up") else "p"
    usable = [(name, num, den) for name, num, den in units if _ok(num) and _ok(den) and den > 0]
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
    if len(usable) >= 3:
        result = chart(
            [u[1] for u in usable],
            n=[u[2] for u in usable],
            x=[u[0] for u in usable],
            kind=kind,
            improvement=indicator.improvement,
            multiply=indicator.factor or 1,
        )
        drawing = funnel_plot(
            result,
            labels=[u[0] for u in usable],
            numerators=[u[1] for u in usable],
            title=indicator.name,
            description=translate(gettext_noop("Funnel plot for %(period)s")) % {"period": period.id},
            percent=False,
            target=float(indicator.target) if indicator.target else None,
            translate=translate,
        )
        context["funnel"] = drawing.to_svg()
        context["funnel_drawing"] = drawing
    context["rows"] = sorted(usable, key=lambda u: -(u[1] / u[2]))
    return context


def _ok(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _facility_values(user, indicator, iso2: str, period) -> list[tuple[str, float, float]]:
    """Numerator and denominator of every facility of a country for one period, in two queries."""
    from qicop.indicators.selectors import visible_values

    mapping = IndicatorMapping.objects.filter(network_indicator=indicator, country__iso2=iso2.upper()).first()
    if mapping is None:
        return []
    try:
        num, den = parse_expression(mapping.numerator), parse_expression(mapping.denominator)
    except ExpressionError:
        return []
    operands = num.operands() | den.operands()
    rows = (
        visible_values(user)
        .filter(
            org_unit__country=mapping.country,
            org_unit__children__isnull=True,
            deleted=False,
            data_element__uid__in={o.data_element for o in operands},
            period__start_date__gte=period.start,
            period__end_date__lte=period.end,
        )
        .values_list("org_unit__name", "data_element__uid", "category_option_combo__uid")
        .annotate(total=Sum("numeric"))
        .order_by()[: MAX_UNITS * 20]
    )
    per_unit: dict[str, dict] = {}
    for name, element, combo, total in rows:
        per_unit.setdefault(name, {})[(element, combo)] = total
    out = []
    for name, values in per_unit.items():

        def value_of(operand, values=values):
            found = [
                t
                for (e, c), t in values.items()
                if e == operand.data_element and operand.category_option_combo in (None, c) and t is not None
            ]
            return sum(found) if found else None

        try:
            out.append((name, num.evaluate(value_of), den.evaluate(value_of)))
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
    items = []
    for root in roots:
        s = series[(indicator.pk, root.pk)]
        if np.count_nonzero(~np.isnan(s.numerator)) < 2:
            continue
        values = s.value(indicator.factor or 1)
        result = chart(
            list(values), x=[p.start for p in s.periods], kind="run", improvement=indicator.improvement
        )
        items.append((root.name, result, axis_labels(ids, translate=translate)))
    if not items or y_range is None:
        return None
    return small_multiples(
        items,
        y_range=y_range,
        title=indicator.name,
        description=translate(gettext_noop("Every country's series on one shared scale")),
        translate=translate,
    ).to_svg()
