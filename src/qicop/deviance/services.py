"""Keeping the signals of improvement current: ``refresh_signals`` runs the SPC engine over every network
indicator x org unit with data (countries, districts, facilities) of the countries asked, and replaces each
network's signals of each country in one transaction (a reader sees the old ones or the new ones, never
half). After every import (``receivers``: the countries whose data versions changed) and nightly
(``qicop refresh_signals``).

The series are those the chart pages draw (``dashboards.indicator_series``: the indicator arithmetic over
the last 36 complete months, org units with children from the analytics table, facilities from their
values, implausible points left out), computed here for a whole country at once: what is stored is read in
two queries per country into (element x disaggregation) x org unit x month arrays, each mapping's
expressions are evaluated on those arrays for every org unit together (``Expression.evaluate_arrays``), and
the engine (``engine.improvements``) charts them in batches. A stored period that is not a calendar month
(a yearly estimate of a stock) is combined by the arithmetic's own rule (``arithmetic.combine_over``) for
its org unit; a mapping that names an attribute option combo is left out (the analytics table sums them).

Publication: a country with unpublished values in the window gets its signals twice (``Audience``), from
every value and from its published values only, so that nobody reads a signal of data they may not see.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from qicop.dashboards import checks
from qicop.dashboards.indicator_series import last_periods
from qicop.deviance.engine import improvements
from qicop.deviance.models import ImprovementSignal
from qicop.indicators import arithmetic
from qicop.indicators.models import (
    AggregateValue,
    CategoryOptionCombo,
    DataElement,
    DataValue,
    NetworkIndicator,
    OrgUnit,
    Period,
    Publication,
)
from qicop.network.models import Network

logger = logging.getLogger(__name__)

WINDOW = 36  # months: what a chart page shows (dashboards.pipeline.PERIOD_CHOICES)
Audience = ImprovementSignal.Audience


@dataclass
class _Country:
    """What is stored for one country over the window, as arrays."""

    unit_ids: np.ndarray  # org unit ids, sorted
    levels: np.ndarray
    keys: list[tuple[int, int]]  # (data element id, combo id) of each slab of ``dense``
    dense: np.ndarray  # keys x units x months, NaN where nothing is stored
    published: np.ndarray | None  # the same from published values only; None: nothing unpublished


def refresh_signals(*, country_ids=None, network_ids=None, today: date | None = None) -> dict:
    """Recompute the signals of these countries (None: every country) in these networks (None: every
    network holding them). Returns counts and seconds, for the command and the benchmark."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    periods = last_periods("Monthly", WINDOW, today)
    networks = Network.objects.all()
    if network_ids is not None:
        networks = networks.filter(pk__in=network_ids)
    written = series = 0
    for network in networks.prefetch_related("countries"):
        indicators = list(NetworkIndicator.objects.filter(network=network).order_by("order", "pk"))
        countries = [c for c in network.countries.all() if country_ids is None or c.pk in set(country_ids)]
        if not countries:
            continue
        mappings = arithmetic.mappings_of(indicators, [c.pk for c in countries])
        for country in countries:
            mine = {i.pk: mappings.get((i.pk, country.pk)) for i in indicators}
            found, count = _country_signals(network, country, indicators, mine, periods)
            series += count
            written += _replace(network, country, found)
    return {"signals": written, "series": series, "seconds": time.perf_counter() - started}


@transaction.atomic
def _replace(network, country, rows: list[tuple]) -> int:
    """The network's signals of the country replaced by ``rows``, in one transaction. Written as plain
    rows: tens of thousands of model objects would cost more than the statistics."""
    ImprovementSignal.objects.filter(network=network, country=country).delete()
    if rows:
        table = connection.ops.quote_name(ImprovementSignal._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
        marks = ", ".join(["%s"] * len(COLUMNS))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
    return len(rows)


def _country_signals(network, country, indicators, mappings, periods) -> tuple[list, int]:
    """The rows of the country's signals in ``network`` (tuples in ``COLUMNS`` order), and the number of
    series charted."""
    usable = {
        pk: m
        for pk, m in mappings.items()
        if m is not None and m.usable and not any(o.attribute_option_combo for o in m.operands)
    }
    if not usable:
        return [], 0
    data = _read_country(country, usable, periods)
    if data is None:
        return [], 0
    now = _adapt_now()
    variants = [(Audience.ALL, data.dense)]
    if data.published is not None:
        variants = [(Audience.FULL, data.dense), (Audience.PUBLISHED, data.published)]
    ids = [p.id for p in periods]
    starts = [connection.ops.adapt_datefield_value(p.start) for p in periods]
    out, count = [], 0
    for indicator in indicators:
        mapping = usable.get(indicator.pk)
        if mapping is None:
            continue
        factor = indicator.factor or 1
        for audience, dense in variants:
            num, den = _evaluate(mapping, data.keys, dense)
            if num is None:
                continue
            bits = checks.reasons(num, den, **checks.kinds_of(indicator))
            num = np.where(bits == 0, num, np.nan)
            den = np.where(bits == 0, den, np.nan)
            count += len(num)
            found = improvements(
                num, den, kind=indicator.chart_kind, improvement=indicator.improvement, factor=factor
            )
            if not found:
                continue
            rows = [f.row for f in found]
            with np.errstate(all="ignore"):
                windows = (num[rows] / den[rows] * factor).astype("<f4")
            for f, window in zip(found, windows, strict=True):
                out.append(
                    (
                        network.pk,
                        indicator.pk,
                        int(data.unit_ids[f.row]),
                        country.pk,
                        int(data.levels[f.row]),
                        audience,
                        f.rule,
                        ids[f.since],
                        starts[f.since],
                        ids[f.latest],
                        f.latest - f.since + 1,
                        f.baseline,
                        f.level_now,
                        f.size,
                        f.relative,
                        f.sustained,
                        window.tobytes(),
                        ids[0],
                        now,
                    )
                )
    return out, count


COLUMNS = (
    "network_id",
    "indicator_id",
    "org_unit_id",
    "country_id",
    "level",
    "audience",
    "rule",
    "since",
    "since_start",
    "latest",
    "points",
    "baseline",
    "level_now",
    "size",
    "relative",
    "sustained",
    "window",
    "window_start",
    "computed_at",
)


def _adapt_now():
    return connection.ops.adapt_datetimefield_value(timezone.now())


def _evaluate(mapping, keys, dense):
    """The mapping's numerator and denominator for every org unit and month (units x months)."""
    shape = dense.shape[1:]
    by_element: dict[str, list[int]] = defaultdict(list)
    for index, (element, _combo) in enumerate(keys):
        by_element[element].append(index)

    def value_of(operand):
        picked = [
            i
            for i in by_element.get(operand.data_element, ())
            if operand.category_option_combo in (None, keys[i][1])
        ]
        if not picked:
            return np.full(shape, np.nan)
        block = dense[picked]
        return np.where(np.isnan(block).all(axis=0), np.nan, np.nansum(block, axis=0))

    try:
        num = np.broadcast_to(mapping.numerator.evaluate_arrays(value_of), shape)
        den = np.broadcast_to(mapping.denominator.evaluate_arrays(value_of), shape)
    except Exception:
        return None, None
    if np.isnan(num).all():
        return None, None
    return np.array(num, dtype=float), np.array(den, dtype=float)


def _read_country(country, mappings, periods) -> _Country | None:
    """Two queries for the values (the analytics table for org units with children, the values of the
    facilities), a few for the keys."""
    element_uids = {e for m in mappings.values() for e in m.elements}
    combo_uids = {o.category_option_combo for m in mappings.values() for o in m.operands}
    elements = dict(DataElement.objects.filter(uid__in=element_uids).values_list("pk", "uid"))
    stocks = set(
        DataElement.objects.filter(uid__in=element_uids, aggregation_type="LAST").values_list("pk", flat=True)
    )
    combos = dict(CategoryOptionCombo.objects.filter(uid__in=combo_uids - {None}).values_list("pk", "uid"))
    units = np.array(
        OrgUnit.objects.filter(country=country).order_by("pk").values_list("pk", "level", "parent_id"),
        dtype=float,
    ).reshape(-1, 3)
    if not elements or not len(units):
        return None
    unit_ids = units[:, 0].astype(np.int64)
    parents = set(units[:, 2][~np.isnan(units[:, 2])].astype(np.int64).tolist())
    leaf = ~np.isin(unit_ids, list(parents))
    start, end = periods[0].start, periods[-1].end
    stored_periods = list(
        Period.objects.filter(start_date__lte=end, end_date__gte=start).values_list(
            "pk", "start_date", "end_date"
        )
    )
    if not stored_periods:
        return None
    month_of = {p.start: i for i, p in enumerate(periods)}
    ends = {p.start: p.end for p in periods}
    period_month = {
        pk: (month_of[s] if s in month_of and ends[s] == e else -1) for pk, s, e in stored_periods
    }
    period_dates = {pk: (s, e) for pk, s, e in stored_periods}
    table = _stored_rows(country, list(elements), list(period_dates), unit_ids[leaf])
    if not len(table):
        return None
    # Element x combo → uid pairs: keys match operands by uid; a combo not named by any operand is kept by
    # its id (only "every combo" operands read it).
    pairs, slab = np.unique(table[:, 1] * PACK + table[:, 2], return_inverse=True)
    slab = slab.ravel()
    keys = [(elements[int(p // PACK)], combos.get(int(p % PACK), f"#{int(p % PACK)}")) for p in pairs]
    unit = np.searchsorted(unit_ids, table[:, 0])
    period_ids = table[:, 3]
    lookup = np.full(max(period_month) + 1, -1)
    lookup[list(period_month)] = list(period_month.values())
    month = lookup[period_ids]
    stock = np.array([int(p // PACK) in stocks for p in pairs])
    publications = list(
        Publication.objects.filter(country=country).values_list("period__start_date", "period__end_date")
    )
    published_period = {
        pk: any(ps <= s and pe >= e for ps, pe in publications) for pk, (s, e) in period_dates.items()
    }
    shown = np.zeros(max(published_period) + 1, bool)
    shown[list(published_period)] = list(published_period.values())
    published_row = shown[period_ids]
    shape = (len(keys), len(unit_ids), len(periods))
    totals = table[:, 4].view(float)
    dense = _dense(totals, slab, unit, month, stock, shape, period_ids, period_dates, periods)
    published = None
    if not published_row.all():
        keep = published_row
        published = _dense(
            totals[keep],
            slab[keep],
            unit[keep],
            month[keep],
            stock,
            shape,
            period_ids[keep],
            period_dates,
            periods,
        )
    return _Country(unit_ids, units[:, 1].astype(int), keys, dense, published)


PACK = 1 << 24  # two ids in one column: fewer columns make reading a country's values much cheaper


def _stored_rows(country, element_ids: list[int], period_ids: list[int], leaves: np.ndarray) -> np.ndarray:
    """(org unit id, data element id, combo id, period id, total) per stored row, as an int64 array (the
    totals as their float64 bits): the analytics table's sums for the org units with children, the values
    of the facilities. Two queries; a country's values are read with plain SQL, in three columns."""
    units, aggregates, values = (
        OrgUnit._meta.db_table,
        AggregateValue._meta.db_table,
        DataValue._meta.db_table,
    )
    elements = ", ".join(["%s"] * len(element_ids))
    periods = ", ".join(["%s"] * len(period_ids))
    head = f"SELECT org_unit_id * {PACK} + period_id, data_element_id * {PACK} + category_option_combo_id, "
    where = (
        f"org_unit_id IN (SELECT id FROM {units} WHERE country_id = %s) "
        f"AND data_element_id IN ({elements}) AND period_id IN ({periods})"
    )
    params = [country.pk, *element_ids, *period_ids]
    with connection.cursor() as cursor:
        cursor.execute(f"{head} total FROM {aggregates} WHERE {where}", params)
        summed = cursor.fetchall()
        cursor.execute(
            f"{head} numeric FROM {values} WHERE {where} AND deleted = %s AND numeric IS NOT NULL",
            [*params, False],
        )
        stored = cursor.fetchall()
    parts = []
    for rows, keep_leaves in ((summed, False), (stored, True)):
        if not rows:
            continue
        array = np.array(rows, dtype=float)  # the packed ids stay exact: below 2**53
        packed, totals = array[:, :2].astype(np.int64), array[:, 2]
        unit = packed[:, 0] // PACK
        leaf = np.isin(unit, leaves)
        keep = leaf if keep_leaves else ~leaf
        table = np.empty((int(keep.sum()), 5), dtype=np.int64)
        table[:, 0], table[:, 3] = unit[keep], packed[keep, 0] % PACK
        table[:, 1], table[:, 2] = packed[keep, 1] // PACK, packed[keep, 1] % PACK
        table[:, 4] = totals[keep].view(np.int64)
        parts.append(table)
    return np.concatenate(parts) if parts else np.empty((0, 5), dtype=np.int64)


def _dense(totals, slab, unit, month, stock, shape, period_ids, period_dates, periods) -> np.ndarray:
    """keys x units x months: monthly rows placed directly (SUM adds, LAST keeps the larger of the same
    month stored twice); a (key, unit) with any other period is combined by the arithmetic's rule."""
    sums = np.zeros(shape)
    highest = np.full(shape, -np.inf)
    has = np.zeros(shape, bool)
    monthly = month >= 0
    at = (slab[monthly], unit[monthly], month[monthly])
    np.add.at(sums, at, totals[monthly])
    np.maximum.at(highest, at, totals[monthly])
    has[at] = True
    dense = np.where(has, np.where(stock[:, None, None], highest, sums), np.nan)
    other = np.flatnonzero(~monthly)
    if other.size:
        starts, ends = arithmetic.period_bounds(periods)
        for key, where in {(int(slab[i]), int(unit[i])) for i in other.tolist()}:
            rows = np.flatnonzero((slab == key) & (unit == where))
            spans = [(*period_dates[int(period_ids[r])], float(totals[r])) for r in rows.tolist()]
            dense[key, where] = arithmetic.combine_over(spans, starts, ends, last=bool(stock[key]))
    return dense
