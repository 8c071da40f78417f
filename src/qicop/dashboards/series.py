"""Network indicator series for an org unit over time, from the analytics table (or a facility's values).

The numerator and denominator of the country's mapping are evaluated per target period over arrays: each
operand is the sum over the org unit's subtree of the stored periods inside the target period (SUM), or the
last of them (LAST: stocks such as people on ART). A stock stored for a longer period than the target (a
yearly estimate on a monthly chart) carries to every target period inside it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from django.db.models import Q

from qicop.dashboards import checks
from qicop.indicators.models import (
    AggregateValue,
    DataElement,
    DataValue,
    IndicatorMapping,
    OrgUnit,
)
from qicop.indicators.selectors import readable
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression
from qicop.integrations.dhis2.periods import ParsedPeriod as PeriodSpan
from qicop.integrations.dhis2.periods import period_of


@dataclass(frozen=True)
class Series:
    periods: list[PeriodSpan]
    numerator: np.ndarray
    denominator: np.ndarray
    mapping: IndicatorMapping | None
    #: why the mapping could not be computed at all (e.g. it needs a constant qicop does not hold)
    problem: str = ""
    #: per period, whether a value the expressions need was stored as text (None: not looked for)
    text: np.ndarray | None = None

    @property
    def ids(self) -> list[str]:
        return [p.id for p in self.periods]

    def value(self, factor: float) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            out = self.numerator / self.denominator * factor
        out[~np.isfinite(out)] = np.nan
        return out

    def checked(self, indicator) -> tuple[Series, np.ndarray]:
        """This series with its implausible points blanked out (missing to the SPC engine), and the reasons
        (bits of ``checks``) of each period, 0 where it passes."""
        bits = checks.reasons(self.numerator, self.denominator, text=self.text, **checks.kinds_of(indicator))
        if not bits.any():
            return self, bits
        keep = bits == 0
        return (
            replace(
                self,
                numerator=np.where(keep, self.numerator, np.nan),
                denominator=np.where(keep, self.denominator, np.nan),
            ),
            bits,
        )


def _evaluate(expression, values, count: int) -> np.ndarray:
    """The expression per period, always one number per period: an expression without data items (the
    default denominator "1") gives a single number, held for every period."""
    result = np.asarray(expression.evaluate_arrays(values), dtype=float)
    return np.broadcast_to(result, (count,)).copy()


def _unmappable(periods, mapping, error: ExpressionError) -> Series:
    empty = np.full(len(periods), np.nan)
    return Series(periods, empty, empty.copy(), mapping, problem=str(error))


def last_periods(period_type: str, count: int, today: date) -> list[PeriodSpan]:
    """The last ``count`` complete periods of ``period_type`` before ``today``, oldest first."""
    current = period_of(period_type, today).previous()
    spans = [current]
    for _step in range(count - 1):
        spans.append(spans[-1].previous())
    return list(reversed(spans))


def indicator_series(
    *, user, indicator, org_unit: OrgUnit, periods: list[PeriodSpan], combo: str = ""
) -> Series:
    """The numerator and denominator per period for the org unit's subtree, as ``user`` may see them.

    ``combo`` (a category option combo UID) narrows every disaggregated element to that disaggregation, e.g.
    women only; elements without it (a total) are left as they are, so a denominator can stay a total."""
    empty = np.full(len(periods), np.nan)
    mapping = IndicatorMapping.objects.filter(
        network_indicator=indicator, country_id=org_unit.country_id
    ).first()
    if mapping is None or not periods:
        return Series(periods, empty, empty.copy(), mapping)
    try:
        numerator, denominator = parse_expression(mapping.numerator), parse_expression(mapping.denominator)
    except ExpressionError as error:  # a mapping written around its form's check
        return _unmappable(periods, mapping, error)
    operands = numerator.operands() | denominator.operands()
    parent = OrgUnit.objects.filter(parent=org_unit).exists()
    elements = {o.data_element for o in operands}
    stored = _stored(user, org_unit, elements, periods[0].start, periods[-1].end, parent=parent)
    kinds = dict(
        DataElement.objects.filter(uid__in={o.data_element for o in operands}).values_list(
            "uid", "aggregation_type"
        )
    )

    if combo:
        stored = _narrowed(stored, combo)

    def values(operand):
        return _per_period(stored, operand, periods, last=kinds.get(operand.data_element) == "LAST")

    try:
        num, den = _evaluate(numerator, values, len(periods)), _evaluate(denominator, values, len(periods))
    except ExpressionError as error:
        return _unmappable(periods, mapping, error)
    text = _text_periods(user, org_unit, elements, periods, parent=parent)
    return Series(periods, num, den, mapping, text=text)


def _narrowed(stored: dict, combo: str) -> dict:
    elements_with_combo = {element for element, c in stored if c == combo}
    return {(e, c): spans for (e, c), spans in stored.items() if e not in elements_with_combo or c == combo}


def disaggregations(*, org_unit: OrgUnit, indicator) -> list[tuple[str, str]]:
    """The category option combos (uid, name) the indicator's numerator elements are reported by here."""
    from qicop.indicators.models import CategoryOptionCombo

    mapping = IndicatorMapping.objects.filter(
        network_indicator=indicator, country_id=org_unit.country_id
    ).first()
    if mapping is None:
        return []
    try:
        elements = {o.data_element for o in parse_expression(mapping.numerator).operands()}
    except ExpressionError:
        return []
    combos = (
        CategoryOptionCombo.objects.filter(category_combo__data_elements__uid__in=elements)
        .exclude(name="default")
        .distinct()
        .order_by("name")
    )
    return list(combos.values_list("uid", "name")[:50])


def _stored(user, org_unit: OrgUnit, elements: set[str], start: date, end: date, *, parent: bool):
    """(element uid, coc uid) → list of (start, end, total) stored periods overlapping [start, end]."""
    overlapping = Q(period__start_date__lte=end) & Q(period__end_date__gte=start)
    if parent:
        rows = AggregateValue.objects.filter(overlapping, org_unit=org_unit, data_element__uid__in=elements)
        rows = readable(rows, user).values_list(
            "data_element__uid",
            "category_option_combo__uid",
            "period__start_date",
            "period__end_date",
            "total",
        )
    else:
        rows = DataValue.objects.filter(
            overlapping,
            org_unit=org_unit,
            data_element__uid__in=elements,
            deleted=False,
            numeric__isnull=False,
        )
        rows = readable(rows, user).values_list(
            "data_element__uid",
            "category_option_combo__uid",
            "period__start_date",
            "period__end_date",
            "numeric",
        )
    stored = defaultdict(list)
    for element, combo, first, last, total in rows:
        stored[(element, combo)].append((first, last, total))
    return stored


def _text_periods(
    user, org_unit: OrgUnit, elements: set[str], periods: list[PeriodSpan], *, parent: bool
) -> np.ndarray:
    """Per period, whether a value of these elements in the org unit's subtree is stored as text: a value
    the analytics table leaves out (it sums numbers only), which would make a sum silently short. One
    query; such values are rare, so it reads few rows."""
    rows = DataValue.objects.filter(
        period__start_date__lte=periods[-1].end,
        period__end_date__gte=periods[0].start,
        data_element__uid__in=elements,
        deleted=False,
        numeric__isnull=True,
        value__isnull=False,
    )
    rows = rows.filter(org_unit__path__startswith=org_unit.path) if parent else rows.filter(org_unit=org_unit)
    spans = readable(rows, user).values_list("period__start_date", "period__end_date").distinct()[:1000]
    return np.array(
        [any(s <= p.end and e >= p.start for s, e in spans) for p in periods],
        dtype=bool,
    )


def _per_period(stored, operand, periods: list[PeriodSpan], *, last: bool) -> np.ndarray:
    out = np.full(len(periods), np.nan)
    for (element, combo), spans in stored.items():
        if element != operand.data_element or operand.category_option_combo not in (None, combo):
            continue
        for i, period in enumerate(periods):
            value = _combine(spans, period, last=last)
            if value is not None:
                out[i] = value if np.isnan(out[i]) else out[i] + value
    return out


def _combine(spans, period: PeriodSpan, *, last: bool) -> float | None:
    inside = [(s, total) for s, e, total in spans if s >= period.start and e <= period.end]
    if inside:
        return max(inside)[1] if last else sum(total for _s, total in inside)
    if last:  # a stock stored for a longer period (a yearly estimate) holds for each period inside it
        covering = [total for s, e, total in spans if s <= period.start and e >= period.end]
        if covering:
            return covering[0]
    return None


def network_series(
    *, user, indicators, units: list[OrgUnit], periods: list[PeriodSpan], combo: str = ""
) -> dict:
    """Series of many indicators x org units at once, in three queries whatever their number:
    (indicator id, org unit id) → Series. Org units must have children (countries, regions)."""
    if not periods or not units:
        return {}
    mappings = {
        (m.network_indicator_id, m.country_id): m
        for m in IndicatorMapping.objects.filter(
            network_indicator__in=indicators, country_id__in={u.country_id for u in units}
        )
    }
    parsed, broken = {}, {}
    for key, m in mappings.items():
        try:
            parsed[key] = (parse_expression(m.numerator), parse_expression(m.denominator))
        except ExpressionError as error:  # a mapping written around its form's check
            broken[key] = error
    elements = {o.data_element for num, den in parsed.values() for o in num.operands() | den.operands()}
    kinds = dict(DataElement.objects.filter(uid__in=elements).values_list("uid", "aggregation_type"))
    start, end = periods[0].start, periods[-1].end
    rows = AggregateValue.objects.filter(
        org_unit__in=units,
        data_element__uid__in=elements,
        period__start_date__lte=end,
        period__end_date__gte=start,
    )
    rows = readable(rows, user).values_list(
        "org_unit_id",
        "data_element__uid",
        "category_option_combo__uid",
        "period__start_date",
        "period__end_date",
        "total",
    )
    stored: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    for unit_id, element, row_combo, first, last, total in rows:
        stored[unit_id][(element, row_combo)].append((first, last, total))
    out = {}
    empty = np.full(len(periods), np.nan)
    for indicator in indicators:
        for unit in units:
            key = (indicator.pk, unit.country_id)
            if key in broken:
                out[(indicator.pk, unit.pk)] = _unmappable(periods, mappings[key], broken[key])
                continue
            if key not in parsed:
                out[(indicator.pk, unit.pk)] = Series(periods, empty.copy(), empty.copy(), None)
                continue
            num, den = parsed[key]

            unit_stored = _narrowed(stored[unit.pk], combo) if combo else stored[unit.pk]

            def values(operand, unit_values=unit_stored):
                return _per_period(
                    unit_values, operand, periods, last=kinds.get(operand.data_element) == "LAST"
                )

            try:
                out[(indicator.pk, unit.pk)] = Series(
                    periods,
                    _evaluate(num, values, len(periods)),
                    _evaluate(den, values, len(periods)),
                    mappings[key],
                )
            except ExpressionError as error:
                out[(indicator.pk, unit.pk)] = _unmappable(periods, mappings[key], error)
    return out
