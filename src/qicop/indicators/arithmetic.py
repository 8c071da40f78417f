"""Indicator arithmetic: how a network indicator's numerator and denominator are computed from stored values.

The one place the rule lives, for every page and interface that shows an indicator's value: the charts,
dashboard and comparison (an array per operand, one number per period: ``combine_over``, ``evaluate_over``)
and FHIR MeasureReports (one period: ``indicator_value``, built on ``combine``, the same rule for one period).

1. **Mapping.** A country maps a network indicator to DHIS2 expressions over its own data elements
   (``mapping_of``, ``mappings_of``): ``#{element}``, ``#{element.combo}``, ``#{element.combo.aoc}``.
2. **Combine over time.** Each stored total (an element x disaggregation, summed over the org unit's
   subtree, per stored period) counts for a target period by the element's aggregation type:

   - SUM (flows: people started on ART): the sum of the stored periods inside the target period;
   - LAST (stocks: people on ART): the stored period inside the target that starts last (a quarter holds
     its March count); when none is inside, a longer stored period that covers the target (a yearly
     estimate holds for each of its months). When several cover it, the **shortest** wins (a quarterly
     estimate is nearer the month than a yearly one), then the one that **starts last** (a financial year
     from July over the calendar year for a month in August: the newer estimate); the same dates stored
     twice (two period ids) are settled by the larger value, so the answer never depends on the database's
     order. See docs/decisions/0022-overlapping-stock-periods.md.

   Periods that overlap the target only in part are not counted (DHIS2 does not split a stored period).
3. **Evaluate.** An operand's value is the sum of the stored totals it names (``#{element}`` is every
   disaggregation); the expressions are evaluated on those values, per period or for one.

What is stored is read once, the same way for both (``stored_totals``): an org unit with children from the
analytics table, a facility from its values, only what the viewer may read (``selectors.readable``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import numpy as np
from django.db.models import CharField, Q, Sum, Value

from qicop.indicators.models import (
    AggregateValue,
    IndicatorMapping,
    NetworkIndicator,
    OrgUnit,
    Period,
)
from qicop.indicators.selectors import readable, values_counting_for
from qicop.integrations.dhis2.expressions import Expression, ExpressionError, Operand, parse_expression

#: a stored period's first day, last day and total
Span = tuple[date, date, float]
#: what a stored total is of: (data element uid, category option combo uid, attribute option combo uid);
#: the AOC is None where the source does not hold it (the analytics table sums every AOC)
Key = tuple[str, str, str | None]


# --- 1. mapping ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mapping:
    """A country's mapping of a network indicator, its expressions parsed. ``row`` is None where the country
    has none; ``problem`` says why a mapping cannot be computed (text that does not parse)."""

    row: IndicatorMapping | None
    numerator: Expression | None = None
    denominator: Expression | None = None
    problem: str = ""

    @classmethod
    def of(cls, row: IndicatorMapping | None) -> Mapping:
        if row is None:
            return cls(None)
        try:
            return cls(row, parse_expression(row.numerator), parse_expression(row.denominator))
        except ExpressionError as error:  # a mapping written around its form's check
            return cls(row, problem=str(error))

    @property
    def usable(self) -> bool:
        return self.numerator is not None and self.denominator is not None

    @property
    def operands(self) -> set[Operand]:
        if not self.usable:
            return set()
        return self.numerator.operands() | self.denominator.operands()

    @property
    def elements(self) -> set[str]:
        return {operand.data_element for operand in self.operands}

    @property
    def numerator_elements(self) -> set[str]:
        return {o.data_element for o in self.numerator.operands()} if self.usable else set()


def mapping_of(indicator: NetworkIndicator, country_id: int) -> Mapping:
    """The country's mapping of the indicator (one query)."""
    return Mapping.of(
        IndicatorMapping.objects.filter(network_indicator=indicator, country_id=country_id).first()
    )


def mappings_of(indicators: Iterable[NetworkIndicator], country_ids: Iterable[int]) -> dict[tuple, Mapping]:
    """(indicator id, country id) → Mapping, for every pair that has one (one query)."""
    rows = IndicatorMapping.objects.filter(network_indicator__in=indicators, country_id__in=set(country_ids))
    return {(row.network_indicator_id, row.country_id): Mapping.of(row) for row in rows}


# --- 2. combine over time -----------------------------------------------------------------------------------


def _days(values: Sequence[date]) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]")


def combine_over(spans: Sequence[Span], starts: np.ndarray, ends: np.ndarray, *, last: bool) -> np.ndarray:
    """The stored ``spans`` combined for each target period (``starts``/``ends``: datetime64[D] arrays of
    the targets' first and last days), NaN where nothing counts; the rule is the module's."""
    out = np.full(len(starts), np.nan)
    if not spans or not len(starts):
        return out
    first = _days([s for s, _e, _t in spans])
    final = _days([e for _s, e, _t in spans])
    totals = np.array([t for _s, _e, t in spans], dtype=float)
    # periods x spans: which stored periods lie inside, which cover each target period
    inside = (first[None, :] >= starts[:, None]) & (final[None, :] <= ends[:, None])
    has_inside = inside.any(axis=1)
    if not last:
        out[has_inside] = np.where(inside, totals, 0.0).sum(axis=1)[has_inside]
        return out
    # Stocks: order the spans from least to most preferred and take, per target, the last one that counts.
    latest_first = np.lexsort((totals, first))  # inside: the latest start, then the larger value
    picked = _last_true(inside[:, latest_first])
    out[has_inside] = totals[latest_first][picked[has_inside]]
    covering = (first[None, :] <= starts[:, None]) & (final[None, :] >= ends[:, None]) & ~has_inside[:, None]
    has_covering = covering.any(axis=1)
    if has_covering.any():
        preferred = _covering_preference(first, final, totals)
        picked = _last_true(covering[:, preferred])
        out[has_covering] = totals[preferred][picked[has_covering]]
    return out


def _covering_preference(first: np.ndarray, final: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Indices of stored periods from the least to the most preferred when several cover a target: the
    shortest, then the latest start, then the larger value (the module's rule)."""
    length = (final - first).astype(int)
    return np.lexsort((totals, first, -length))


def covering_order(spans: Sequence[Span]) -> np.ndarray:
    """``spans``' indices from the least to the most preferred to stand for a period they all cover: for
    code that paints longer periods onto shorter ones in turn (the data-quality grid), the last one wins."""
    if not len(spans):
        return np.array([], dtype=int)
    first = _days([s for s, _e, _t in spans])
    final = _days([e for _s, e, _t in spans])
    return _covering_preference(first, final, np.array([t for _s, _e, t in spans], dtype=float))


def _last_true(matrix: np.ndarray) -> np.ndarray:
    """Per row, the index of its last True column (meaningless for rows without one)."""
    return matrix.shape[1] - 1 - np.argmax(matrix[:, ::-1], axis=1)


def combine(spans: Sequence[Span], start: date, end: date, *, last: bool) -> float | None:
    """The stored ``spans`` combined for one target period, None where nothing counts: ``combine_over``
    for a single period, so that one value and a series never disagree."""
    value = combine_over(spans, _days([start]), _days([end]), last=last)[0]
    return None if np.isnan(value) else float(value)


def totals_for(stored: dict[Key, list[Span]], start: date, end: date, stocks: set[str]) -> dict[Key, float]:
    """Each stored total combined for one target period (``combine``); keys where nothing counts left out."""
    totals = {}
    for key, spans in stored.items():
        total = combine(spans, start, end, last=key[0] in stocks)
        if total is not None:
            totals[key] = total
    return totals


# --- reading what is stored --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What is stored for a mapping's elements at an org unit over a window: Key → spans, which of the
    elements are stocks (LAST), and the disaggregations' names (coc uid → name)."""

    spans: dict[Key, list[Span]]
    stocks: set[str]
    names: dict[str, str]


def stored_totals(
    user, org_unit: OrgUnit, mapping: Mapping, start: date, end: date, *, parent: bool | None = None
) -> Stored:
    """The stored periods overlapping [start, end] of the mapping's elements, summed over ``org_unit``'s
    subtree, as ``user`` may count them; one query (two when ``parent``, whether the org unit has children,
    is not given).

    An org unit with children is read from the analytics table (AggregateValue: the subtree's sums, kept by
    every import), a facility from its values. The analytics table sums every attribute option combo: a
    mapping that names one (``#{element.combo.aoc}``) is read from the subtree's values instead, so that
    the AOC is applied on every page and interface alike."""
    if parent is None:
        parent = OrgUnit.objects.filter(parent=org_unit).exists()
    elements = mapping.elements
    overlapping = Q(period__start_date__lte=end, period__end_date__gte=start, data_element__uid__in=elements)
    names_an_aoc = any(operand.attribute_option_combo for operand in mapping.operands)
    columns = [
        "data_element__uid",
        "data_element__aggregation_type",
        "category_option_combo__uid",
        "category_option_combo__name",
    ]
    if parent and not names_an_aoc:
        rows = readable(AggregateValue.objects.filter(overlapping, org_unit=org_unit), user).values_list(
            *columns, Value(None, output_field=CharField()), "period__start_date", "period__end_date", "total"
        )
    else:
        # values_counting_for: an observer counts the published values of the whole country into its
        # national total, as the analytics table's national row holds them, and nothing below it.
        values = values_counting_for(user, org_unit).filter(overlapping, deleted=False, numeric__isnull=False)
        if parent:
            values = values.filter(org_unit__path__startswith=org_unit.path)
        else:
            values = values.filter(org_unit=org_unit)
        rows = (
            values.values_list(
                *columns, "attribute_option_combo__uid", "period__start_date", "period__end_date"
            )
            .annotate(total=Sum("numeric"))
            .order_by()
        )
    spans: dict[Key, list[Span]] = defaultdict(list)
    stocks: set[str] = set()
    names: dict[str, str] = {}
    for element, aggregation, combo, name, aoc, first, last, total in rows:
        if total is None:
            continue
        spans[(element, combo, aoc)].append((first, last, float(total)))
        names[combo] = name
        if aggregation == "LAST":
            stocks.add(element)
    return Stored(dict(spans), stocks, names)


# --- 3. evaluate --------------------------------------------------------------------------------------------


def _names(operand: Operand, key: Key) -> bool:
    element, combo, aoc = key
    return (
        element == operand.data_element
        and operand.category_option_combo in (None, combo)
        and (operand.attribute_option_combo is None or aoc is None or operand.attribute_option_combo == aoc)
    )


def operand_value(totals: dict[Key, float], operand: Operand) -> float | None:
    """An operand's value for one period: the sum of the totals it names, None if it names none."""
    found = [total for key, total in totals.items() if _names(operand, key)]
    return sum(found) if found else None


def operand_over(
    stored: dict[Key, list[Span]], operand: Operand, starts: np.ndarray, ends: np.ndarray, *, last: bool
) -> np.ndarray:
    """An operand's value for each target period: the sum of the combined totals it names (NaN: none)."""
    out = np.full(len(starts), np.nan)
    for key, spans in stored.items():
        if _names(operand, key):
            values = combine_over(spans, starts, ends, last=last)
            out = np.where(np.isnan(out), values, np.where(np.isnan(values), out, out + values))
    return out


def evaluate_over(
    expression: Expression, value_of: Callable[[Operand], np.ndarray], count: int
) -> np.ndarray:
    """The expression per period, always one number per period: an expression without data items (the
    default denominator "1") gives a single number, held for every period. Raises ExpressionError where it
    needs what qicop does not hold (a constant C{…}, [days])."""
    result = np.asarray(expression.evaluate_arrays(value_of), dtype=float)
    return np.broadcast_to(result, (count,)).copy()


def series_of(
    mapping: Mapping, stored: dict[Key, list[Span]], starts: np.ndarray, ends: np.ndarray, stocks: set[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of a usable mapping per target period; raises ExpressionError."""

    def value_of(operand: Operand) -> np.ndarray:
        return operand_over(stored, operand, starts, ends, last=operand.data_element in stocks)

    count = len(starts)
    return evaluate_over(mapping.numerator, value_of, count), evaluate_over(
        mapping.denominator, value_of, count
    )


def period_bounds(periods: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """The first and last days of DHIS2 periods (``integrations.dhis2.periods.ParsedPeriod``) as arrays."""
    return _days([p.start for p in periods]), _days([p.end for p in periods])


# --- one period, from the stored values (FHIR) -------------------------------------------------------


@dataclass(frozen=True)
class IndicatorValue:
    numerator: float | None
    denominator: float | None
    value: float | None
    #: per disaggregation of the numerator: (coc uid, coc name) → (numerator, denominator)
    strata: dict[tuple[str, str], tuple[float | None, float | None]] = field(default_factory=dict)


def indicator_values(
    *, user, indicator: NetworkIndicator, org_unit: OrgUnit, periods: Sequence[Period]
) -> list[IndicatorValue]:
    """The indicator for ``org_unit``'s subtree over each of ``periods``, None parts where data are
    missing; three queries whatever the number of periods (what is stored is read once, as the charts
    read it: ``stored_totals``), then each period by ``combine``."""
    mapping = mapping_of(indicator, org_unit.country_id)
    if not mapping.usable or not periods:
        return [IndicatorValue(None, None, None) for _period in periods]
    start, end = min(p.start_date for p in periods), max(p.end_date for p in periods)
    stored = stored_totals(user, org_unit, mapping, start, end)
    return [_value(indicator, mapping, stored, period) for period in periods]


def indicator_value(
    *, user, indicator: NetworkIndicator, org_unit: OrgUnit, period: Period
) -> IndicatorValue:
    """The indicator for ``org_unit``'s subtree over one period (``indicator_values``)."""
    return indicator_values(user=user, indicator=indicator, org_unit=org_unit, periods=[period])[0]


def _value(indicator: NetworkIndicator, mapping: Mapping, stored: Stored, period: Period) -> IndicatorValue:
    totals = totals_for(stored.spans, period.start_date, period.end_date, stored.stocks)
    try:
        num = mapping.numerator.evaluate(lambda operand: operand_value(totals, operand))
        den = mapping.denominator.evaluate(lambda operand: operand_value(totals, operand))
    except ExpressionError:  # the mapping needs a constant (C{…}) or [days] that qicop does not hold
        return IndicatorValue(None, None, None)
    value = num / den * indicator.factor if num is not None and den not in (None, 0) else None
    return IndicatorValue(num, den, value, _strata(totals, stored.names, mapping))


def _strata(totals: dict[Key, float], names: dict[str, str], mapping: Mapping) -> dict:
    """The numerator (and, where it shares the disaggregation, the denominator) per category option combo."""
    combos = sorted({(key[1], names[key[1]]) for key in totals if names[key[1]] != "default"})
    strata = {}
    for combo in combos:
        # Only the totals of this disaggregation, and an operand naming another one counts nothing.
        own = {key: total for key, total in totals.items() if key[1] == combo[0]}

        def value_of(operand, own=own, combo=combo):
            if operand.category_option_combo not in (None, combo[0]):
                return None
            return operand_value(own, operand)

        try:
            stratum_numerator = mapping.numerator.evaluate(value_of)
            if stratum_numerator is not None:  # a stratum of the numerator's own disaggregation
                strata[combo] = (stratum_numerator, mapping.denominator.evaluate(value_of))
        except ExpressionError:
            continue
    return strata


def as_decimal(number: float | None, places: int = 4) -> Decimal | None:
    return None if number is None else round(Decimal(repr(number)), places)
