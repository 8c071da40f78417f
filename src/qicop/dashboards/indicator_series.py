"""The series the charts draw: a network indicator's numerator and denominator per period for an org unit,
read from the analytics table (or, for a facility, its values).

This module reads; the arithmetic (the country's mapping, SUM and LAST over time, the expressions) is
``indicators/arithmetic.py``'s array form, the same rule the FHIR MeasureReports use for one period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from qicop.dashboards import checks
from qicop.indicators import arithmetic
from qicop.indicators.models import AggregateValue, CategoryOptionCombo, DataValue, IndicatorMapping, OrgUnit
from qicop.indicators.selectors import readable
from qicop.integrations.dhis2.expressions import ExpressionError
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


def _unmappable(periods, mapping, error) -> Series:
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
    *,
    user,
    indicator,
    org_unit: OrgUnit,
    periods: list[PeriodSpan],
    combo: str = "",
    mapping: arithmetic.Mapping | None = None,
) -> Series:
    """The numerator and denominator per period for the org unit's subtree, as ``user`` may see them,
    computed by the indicator arithmetic (``indicators/arithmetic.py``). Four queries.

    ``combo`` (a category option combo UID) narrows every disaggregated element to that disaggregation, e.g.
    women only; elements without it (a total) are left as they are, so a denominator can stay a total.
    ``mapping``, where given, is computed instead of the country's mapping of ``indicator`` (a measure a
    collaborative defines on its country's data elements); one query fewer."""
    empty = np.full(len(periods), np.nan)
    if mapping is None:
        mapping = arithmetic.mapping_of(indicator, org_unit.country_id)
    if mapping.row is None or not periods:
        return Series(periods, empty, empty.copy(), mapping.row)
    if not mapping.usable:
        return _unmappable(periods, mapping.row, mapping.problem)
    parent = OrgUnit.objects.filter(parent=org_unit).exists()
    stored = arithmetic.stored_totals(
        user, org_unit, mapping, periods[0].start, periods[-1].end, parent=parent
    )
    spans = _narrowed(stored.spans, combo) if combo else stored.spans
    starts, ends = arithmetic.period_bounds(periods)
    try:
        num, den = arithmetic.series_of(mapping, spans, starts, ends, stored.stocks)
    except ExpressionError as error:
        return _unmappable(periods, mapping.row, error)
    text = _text_periods(user, org_unit, mapping.elements, periods, parent=parent)
    return Series(periods, num, den, mapping.row, text=text)


def _narrowed(stored: dict, combo: str) -> dict:
    elements_with_combo = {element for element, c, _aoc in stored if c == combo}
    return {
        key: spans for key, spans in stored.items() if key[0] not in elements_with_combo or key[1] == combo
    }


def disaggregations(mapping: IndicatorMapping | None) -> list[tuple[str, str]]:
    """The category option combos (uid, name) the mapping's numerator elements are reported by; one query."""

    elements = arithmetic.Mapping.of(mapping).numerator_elements
    if not elements:
        return []
    combos = (
        CategoryOptionCombo.objects.filter(category_combo__data_elements__uid__in=elements)
        .exclude(name="default")
        .distinct()
        .order_by("name")
    )
    return list(combos.values_list("uid", "name")[:50])


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


def network_series(
    *, user, indicators, units: list[OrgUnit], periods: list[PeriodSpan], combo: str = ""
) -> dict:
    """Series of many indicators x org units at once, in two queries whatever their number:
    (indicator id, org unit id) → Series. Org units must have children (countries, regions)."""
    if not periods or not units:
        return {}
    mappings = arithmetic.mappings_of(indicators, {u.country_id for u in units})
    elements = {element for mapping in mappings.values() for element in mapping.elements}
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
        "data_element__aggregation_type",
        "category_option_combo__uid",
        "period__start_date",
        "period__end_date",
        "total",
    )
    stored: dict[int, dict] = defaultdict(lambda: defaultdict(list))
    stocks = set()
    for unit_id, element, aggregation, row_combo, first, last, total in rows:
        stored[unit_id][(element, row_combo, None)].append((first, last, total))
        if aggregation == "LAST":
            stocks.add(element)
    out = {}
    empty = np.full(len(periods), np.nan)
    starts, ends = arithmetic.period_bounds(periods)
    for indicator in indicators:
        for unit in units:
            mapping = mappings.get((indicator.pk, unit.country_id))
            if mapping is None:
                out[(indicator.pk, unit.pk)] = Series(periods, empty.copy(), empty.copy(), None)
                continue
            if not mapping.usable:
                out[(indicator.pk, unit.pk)] = _unmappable(periods, mapping.row, mapping.problem)
                continue
            unit_stored = _narrowed(stored[unit.pk], combo) if combo else stored[unit.pk]
            try:
                num, den = arithmetic.series_of(mapping, unit_stored, starts, ends, stocks)
            except ExpressionError as error:
                out[(indicator.pk, unit.pk)] = _unmappable(periods, mapping.row, error)
                continue
            out[(indicator.pk, unit.pk)] = Series(periods, num, den, mapping.row)
    return out
