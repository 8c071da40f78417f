"""Network indicator values for an org unit (and its subtree) and a period, from the stored data values.

A country's mapping gives numerator and denominator as DHIS2 expressions over its data elements; values of
every org unit below the one asked for are summed, and over time each element follows its aggregation type,
as the dashboards' series do (``dashboards/series.py``): SUM adds the stored periods inside the one asked for;
LAST (stocks such as people on ART) takes the latest of them, or else a longer stored period that covers it
(a yearly estimate for a quarter). Then the expressions are evaluated. Only values the viewer may read count
(``selectors.values_counting_for``: observers, published national totals only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from qicop.indicators.models import DataElement, IndicatorMapping, NetworkIndicator, OrgUnit, Period
from qicop.indicators.selectors import values_counting_for
from qicop.integrations.dhis2.expressions import ExpressionError, Operand, parse_expression


@dataclass(frozen=True)
class IndicatorValue:
    numerator: float | None
    denominator: float | None
    value: float | None
    #: per disaggregation of the numerator: (coc uid, coc name) → (numerator, denominator)
    strata: dict[tuple[str, str], tuple[float | None, float | None]] = field(default_factory=dict)


def indicator_value(
    *, user, indicator: NetworkIndicator, org_unit: OrgUnit, period: Period
) -> IndicatorValue:
    """The indicator for ``org_unit``'s subtree over ``period``; None parts where data are missing."""
    mapping = IndicatorMapping.objects.filter(
        network_indicator=indicator, country_id=org_unit.country_id
    ).first()
    if mapping is None:
        return IndicatorValue(None, None, None)
    try:
        numerator, denominator = parse_expression(mapping.numerator), parse_expression(mapping.denominator)
    except ExpressionError:  # a mapping written around its form's check
        return IndicatorValue(None, None, None)
    operands = numerator.operands() | denominator.operands()
    sums = _sums(user, operands, org_unit, period)
    value_of = _lookup(sums)
    try:
        num, den = numerator.evaluate(value_of), denominator.evaluate(value_of)
    except ExpressionError:  # the mapping needs a constant (C{…}) or [days] that qicop does not hold
        return IndicatorValue(None, None, None)
    value = num / den * indicator.factor if num is not None and den not in (None, 0) else None
    return IndicatorValue(num, den, value, _strata(sums, numerator, denominator))


def _sums(user, operands, org_unit: OrgUnit, period: Period) -> dict[tuple[str, str, str, str], float]:
    """(data element, coc uid, coc name, aoc uid) → the subtree's total over the period, by the element's
    aggregation type (see the module's docstring). Two queries."""
    elements = {operand.data_element for operand in operands}
    stocks = set(
        DataElement.objects.filter(uid__in=elements, aggregation_type="LAST").values_list("uid", flat=True)
    )
    rows = (
        values_counting_for(user, org_unit)
        .filter(
            deleted=False,
            data_element__uid__in=elements,
            org_unit__path__startswith=org_unit.path,
            period__start_date__lte=period.end_date,
            period__end_date__gte=period.start_date,
        )
        .values_list(
            "data_element__uid",
            "category_option_combo__uid",
            "category_option_combo__name",
            "attribute_option_combo__uid",
            "period__start_date",
            "period__end_date",
        )
        .annotate(total=Sum("numeric"))
    )
    inside, covering = defaultdict(list), defaultdict(list)
    for *key, start, end, total in rows:
        if total is None:
            continue
        if start >= period.start_date and end <= period.end_date:
            inside[tuple(key)].append((start, total))
        elif start <= period.start_date and end >= period.end_date:
            covering[tuple(key)].append((start, total))
    sums = {}
    for key in inside.keys() | covering.keys():
        if key[0] not in stocks:
            if inside[key]:
                sums[key] = sum(total for _start, total in inside[key])
        elif inside[key]:
            sums[key] = max(inside[key])[1]  # the latest period's stock
        else:
            sums[key] = max(covering[key])[1]
    return sums


def _lookup(sums):
    def value_of(operand: Operand) -> float | None:
        found = [
            total
            for (de, coc, _name, aoc), total in sums.items()
            if de == operand.data_element
            and operand.category_option_combo in (None, coc)
            and operand.attribute_option_combo in (None, aoc)
        ]
        return sum(found) if found else None

    return value_of


def _strata(sums, numerator, denominator) -> dict:
    """The numerator (and, where it shares the disaggregation, the denominator) per category option combo."""
    combos = defaultdict(dict)
    for (de, coc, name, aoc), total in sums.items():
        if name != "default":
            combos[(coc, name)][(de, aoc)] = total
    if not combos:
        return {}
    strata = {}
    for combo, values in combos.items():

        def value_of(operand, values=values, combo=combo):
            if operand.category_option_combo not in (None, combo[0]):
                return None
            found = [
                t
                for (de, aoc), t in values.items()
                if de == operand.data_element and operand.attribute_option_combo in (None, aoc)
            ]
            return sum(found) if found else None

        try:
            stratum_numerator = numerator.evaluate(value_of)
            if stratum_numerator is not None:  # a stratum of the numerator's own disaggregation
                strata[combo] = (stratum_numerator, denominator.evaluate(value_of))
        except ExpressionError:
            continue
    return strata


def as_decimal(number: float | None, places: int = 4) -> Decimal | None:
    return None if number is None else round(Decimal(repr(number)), places)
