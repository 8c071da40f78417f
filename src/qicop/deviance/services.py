"""Keeping the signals of improvement current: ``refresh_signals`` runs the SPC engine over every network
indicator x org unit with data (countries, districts, facilities) of the countries asked, and replaces each
network's signals of those countries in one transaction (a reader sees the old ones or the new ones, never
half), in a fixed number of queries however many countries and org units. After every import
(``receivers``: the countries whose data versions changed) and nightly (``qicop refresh_signals``).

The series are those the chart pages draw (``dashboards.indicator_series``: the indicator arithmetic over
the last 36 complete months, org units with children from the analytics table, facilities from their
values, implausible points left out), computed here for a whole country at once: what is stored is read in
two queries for all the network's countries (the analytics table, the values; two more when some countries
need other months than the rest, below), split into each country's
(element x disaggregation) x org unit x month arrays, each mapping's
expressions are evaluated on those arrays for every org unit together (``Expression.evaluate_arrays``), and
the engine (``engine.improvements``) charts them in batches. A stored period that is not a calendar month
(a yearly estimate of a stock) is combined by the arithmetic's own rule (``arithmetic.combine_over``) for
its org unit; a mapping that names an attribute option combo is left out (the analytics table sums them).

Publication: a country with unpublished values in the window gets its signals twice (``Audience``), from
every value and from its published values only, so that nobody reads a signal of data they may not see.

Saved chart settings: a series whose chart has a saved baseline or phases (``dashboards.ChartSettings``,
one query for the network) is charted with them, as its chart page charts it (``engine.Saved``), so that
the feed says what the chart says; the many series without any stay in the engine's batches.

First sighting: a country's rows are rewritten whenever it is refreshed, but a signal found again keeps
the moment it was first seen (``IDENTITY``, read in one query before the old rows go), which the weekly
digest and "new since your last visit" read.

Only what changed: each network's signals of a country record what they were computed from
(``ComputedFrom``: the country's data version, the window's first month, ``REFRESH_VERSION``). A refresh
leaves a country alone when all three are still the same, since it would compute the same signals again: the
nightly run costs what changed since the last one (a new month moves every window; an import changes its
countries' versions, and has refreshed them already). ``everything=True`` (``qicop refresh_signals --all``)
computes every country again. And what the refresh reads of a country is kept (``kept``) under its data
version: while that stays the same, a new month reads only the new month's rows, not the 36 months again.
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
from qicop.dashboards.models import ChartSettings
from qicop.deviance import kept
from qicop.deviance.engine import Saved, improvements
from qicop.deviance.models import ComputedFrom, ImprovementSignal
from qicop.indicators import arithmetic
from qicop.indicators.models import (
    AggregateValue,
    CategoryOptionCombo,
    DataElement,
    DataValue,
    DataVersion,
    NetworkIndicator,
    OrgUnit,
    Period,
    Publication,
)
from qicop.knowledge.discussions import services as discussions
from qicop.network.models import Network

logger = logging.getLogger(__name__)

WINDOW = 36  # months: what a chart page shows (dashboards.pipeline.PERIOD_CHOICES)
#: The refresh's own version: raise it with any change to the refresh or to the SPC engine that finds other
#: signals in the same data, so that the next refresh computes every country again (``ComputedFrom``).
REFRESH_VERSION = 1
Audience = ImprovementSignal.Audience


@dataclass
class _Country:
    """What is stored for one country over the window, as arrays."""

    unit_ids: np.ndarray  # org unit ids, sorted
    levels: np.ndarray
    keys: list[tuple[int, int]]  # (data element id, combo id) of each slab of ``dense``
    dense: np.ndarray  # keys x units x months, NaN where nothing is stored
    published: np.ndarray | None  # the same from published values only; None: nothing unpublished


def refresh_signals(
    *,
    country_ids=None,
    network_ids=None,
    today: date | None = None,
    everything: bool = False,
    changes: dict | None = None,
) -> dict:
    """Recompute the signals of these countries (None: every country) in these networks (None: every
    network holding them) whose data, window or refresh changed since their signals were computed
    (``everything``: all of them). ``changes``: what an import said of the countries it changed (country id
    → data version before, after, the stored periods it changed; ``data_versions.bump_data_versions``),
    so that only those periods are read again. Returns counts and seconds, for the command and the
    benchmark.

    A fixed number of queries per network, however many countries and org units: what is stored is read for
    all the network's countries at once (``_read_countries``), and their signals replaced in one
    transaction."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    periods = last_periods("Monthly", WINDOW, today)
    # the versions before the data (data_versions.py): a version recorded is never newer than what was read
    versions = dict(DataVersion.objects.values_list("country_id", "token"))
    source = (periods[0].id, REFRESH_VERSION)
    networks = Network.objects.all()
    if network_ids is not None:
        networks = networks.filter(pk__in=network_ids)
    wanted = None if country_ids is None else set(country_ids)
    written = series = unchanged = 0
    for network in networks.prefetch_related("countries"):
        countries = [c for c in network.countries.all() if wanted is None or c.pk in wanted]
        if countries and not everything:
            todo = _changed(network, countries, versions, source)
            unchanged += len(countries) - len(todo)
            countries = todo
        if not countries:
            continue
        indicators = list(NetworkIndicator.objects.filter(network=network).order_by("order", "pk"))
        mappings = arithmetic.mappings_of(indicators, [c.pk for c in countries])
        usable = {c.pk: _usable({i.pk: mappings.get((i.pk, c.pk)) for i in indicators}) for c in countries}
        data = _read_countries(countries, usable, periods, versions, changes or {})
        saved = _saved_settings(indicators, countries, periods)
        rows = []
        for country in countries:
            found, count = _country_signals(
                network, country, indicators, usable[country.pk], data.get(country.pk), periods, saved
            )
            series += count
            rows.extend(found)
        written += _replace(network, countries, rows, versions, source)
    return {
        "signals": written,
        "series": series,
        "unchanged": unchanged,
        "seconds": time.perf_counter() - started,
    }


def _changed(network, countries, versions: dict, source: tuple) -> list:
    """The countries whose signals in ``network`` were not computed from their data version now and from
    ``source`` (the window's first month, the refresh's version). A country without a data version is
    always computed: nothing tells what its data was."""
    computed = {
        country: (version, *rest)
        for country, version, *rest in ComputedFrom.objects.filter(network=network).values_list(
            "country_id", "data_version", "window_start", "refresh_version"
        )
    }
    return [
        c for c in countries if versions.get(c.pk) is None or computed.get(c.pk) != (versions[c.pk], *source)
    ]


@transaction.atomic
def _replace(network, countries, rows: list[tuple], versions: dict, source: tuple) -> int:
    """The network's signals of these countries replaced by ``rows``, in one transaction, with what they
    were computed from (``versions``: country id → data version; ``source``: the window's first month, the
    refresh's version); each signal keeps the first sighting of the one it replaces (``IDENTITY``), one not
    seen before is first seen now. Only what changed is written: a signal found again just as it was stored
    (``SAME``) keeps its row; the others' rows are deleted and inserted. Written as plain rows: tens of
    thousands of model objects would cost more than the statistics."""
    table = connection.ops.quote_name(ImprovementSignal._meta.db_table)
    ids = [c.pk for c in countries]
    same = [COLUMNS.index(c) for c in SAME]
    mine = f"network_id = %s AND country_id IN ({', '.join(['%s'] * len(ids))})"
    with connection.cursor() as cursor:
        # the first sightings as text, written back as read: no model, no datetime made of each (PostgreSQL
        # parsing 37,500 of them took 0.3 s)
        cursor.execute(
            f"SELECT id, CAST(first_seen AS TEXT), {', '.join(connection.ops.quote_name(c) for c in SAME)} "
            f"FROM {table} WHERE {mine}",
            [network.pk, *ids],
        )
        stored = {_comparable(row[2:]): (row[0], row[1]) for row in cursor.fetchall()}
        seen = {key[:4]: first for key, (_pk, first) in stored.items()}
        kept = set()
        new = []
        for row in rows:
            found = stored.get(_comparable([row[i] for i in same]))
            if found is None:
                new.append(row)
            else:
                kept.add(found[0])
        gone = [pk for pk, _first in stored.values() if pk not in kept]
        if len(gone) == len(stored) and stored:
            cursor.execute(f"DELETE FROM {table} WHERE {mine}", [network.pk, *ids])
        else:
            for start in range(0, len(gone), CHUNK):
                part = gone[start : start + CHUNK]
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(part))})", part)
    if new:
        # most signals are found again under their own audience: one lookup, the rest by _first_seen
        new = [(*row, seen.get(row[:4]) or _first_seen(seen, row)) for row in new]
        names = ", ".join(connection.ops.quote_name(c) for c in (*COLUMNS, "first_seen"))
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: one stream for tens of thousands of rows, where INSERTs cost a round of the
                # protocol each (8.6 s of an 18 s refresh of the benchmark's network, bench/signals.py)
                with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in new:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * (len(COLUMNS) + 1))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", new)
    window_start, version = source
    now = timezone.now()
    ComputedFrom.objects.bulk_create(
        [
            ComputedFrom(
                network=network,
                country_id=c.pk,
                data_version=versions.get(c.pk),
                window_start=window_start,
                refresh_version=version,
                computed_at=now,
            )
            for c in countries
        ],
        update_conflicts=True,
        unique_fields=["network", "country"],
        update_fields=["data_version", "window_start", "refresh_version", "computed_at"],
    )
    return len(rows)


CHUNK = 500  # ids per DELETE: far below SQLite's limit of bound parameters


def _comparable(values) -> tuple:
    """``SAME``'s values as the refresh computes them and as either database gives them back alike (SQLite
    reads a boolean as 0 or 1, PostgreSQL a bytea as memoryview or bytes)."""
    out = list(values)
    out[_SUSTAINED] = bool(out[_SUSTAINED])
    out[_WINDOW] = bytes(out[_WINDOW])
    return tuple(out)


def _first_seen(seen: dict, row: tuple):
    """When the signal of ``row`` was first seen: that of the same signal before (``FIRST_SEEN_FROM``),
    else now (the row's ``computed_at``)."""
    indicator, unit, own, since = row[:4]
    for audience in FIRST_SEEN_FROM[own]:
        found = seen.get((indicator, unit, audience, since))
        if found is not None:
            return found
    return row[_COMPUTED]


def _usable(mappings) -> dict:
    """The mappings the refresh can chart: usable, and naming no attribute option combo."""
    return {
        pk: m
        for pk, m in mappings.items()
        if m is not None and m.usable and not any(o.attribute_option_combo for o in m.operands)
    }


def _saved_settings(indicators, countries, periods) -> dict[int, dict[int, Saved]]:
    """The charts' saved baselines and phases in these countries (indicator id → org unit id → ``Saved``),
    as the chart page applies them to the window's ``periods`` (``dashboards.pipeline.spc_for``): a
    baseline as long as the window or longer is no baseline, a phase starting outside it or at its first
    period no phase. One query; few series have any."""
    ids = [p.id for p in periods]
    where = {p: i for i, p in enumerate(ids)}
    out: dict[int, dict[int, Saved]] = defaultdict(dict)
    for indicator_id, unit_id, freeze, starts in ChartSettings.objects.filter(
        indicator__in=indicators, org_unit__country__in=countries
    ).values_list("indicator_id", "org_unit_id", "freeze", "phase_starts"):
        part = tuple(sorted({where[p] for p in starts or () if where.get(p, 0) > 0})) or None
        settings = Saved(freeze if freeze and freeze < len(ids) else None, part)
        if settings.freeze is not None or settings.part:
            out[indicator_id][unit_id] = settings
    return out


def _saved_rows(saved: dict[int, Saved] | None, unit_ids: np.ndarray) -> dict[int, Saved]:
    """The saved settings of one indicator by row of the country's block (row: index in ``unit_ids``)."""
    if not saved:
        return {}
    units = np.array(list(saved), dtype=np.int64)
    at = np.minimum(np.searchsorted(unit_ids, units), len(unit_ids) - 1)
    return {int(r): saved[int(u)] for r, u in zip(at, units, strict=True) if unit_ids[r] == u}


def _country_signals(network, country, indicators, usable, data, periods, saved) -> tuple[list, int]:
    """The rows of the country's signals in ``network`` (tuples in ``COLUMNS`` order), and the number of
    series charted, from what is stored of it (``data``: None, nothing); ``saved``: the charts' saved
    settings (``_saved_settings``)."""
    if not usable or data is None:
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
        rows_saved = _saved_rows(saved.get(indicator.pk), data.unit_ids)
        for audience, dense in variants:
            num, den = _evaluate(mapping, data.keys, dense)
            if num is None:
                continue
            bits = checks.reasons(num, den, **checks.kinds_of(indicator))
            num = np.where(bits == 0, num, np.nan)
            den = np.where(bits == 0, den, np.nan)
            count += len(num)
            found = improvements(
                num,
                den,
                kind=indicator.chart_kind,
                improvement=indicator.improvement,
                factor=factor,
                saved=rows_saved,
            )
            if not found:
                continue
            rows = [f.row for f in found]
            with np.errstate(all="ignore"):
                windows = (num[rows] / den[rows] * factor).astype("<f4")
            for f, window in zip(found, windows, strict=True):
                out.append(
                    (
                        indicator.pk,
                        int(data.unit_ids[f.row]),
                        audience,
                        ids[f.since],
                        network.pk,
                        country.pk,
                        int(data.levels[f.row]),
                        f.rule,
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


#: a signal's identity first (``IDENTITY``): a row's first sighting is looked up by its first four values
COLUMNS = (
    "indicator_id",
    "org_unit_id",
    "audience",
    "since",
    "network_id",
    "country_id",
    "level",
    "rule",
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

#: What makes a signal the same one from one refresh to the next (models' docstring): its first sighting is
#: kept while these stay the same.
IDENTITY = COLUMNS[:4]
#: what makes a stored signal the same as one found again, so that its row is kept as it is: its identity
#: and everything computed (``COLUMNS`` but the network and country, which the rows compared share,
#: ``since_start``, which ``since`` tells, and the moment it was computed)
SAME = tuple(c for c in COLUMNS if c not in ("network_id", "country_id", "since_start", "computed_at"))
_SUSTAINED, _WINDOW = SAME.index("sustained"), SAME.index("window")
_COMPUTED = COLUMNS.index("computed_at")
#: Where a signal's first sighting is looked for, in order, when its country gained or lost unpublished
#: months (models' docstring): ``all`` takes over that of ``published`` (what its wider readers saw), the
#: two others that of ``all``.
FIRST_SEEN_FROM = {
    Audience.ALL: (Audience.ALL, Audience.PUBLISHED),
    Audience.FULL: (Audience.FULL, Audience.ALL),
    Audience.PUBLISHED: (Audience.PUBLISHED, Audience.ALL),
}


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


def _read_countries(countries, usable, periods, versions, changes) -> dict[int, _Country]:
    """What is stored of these countries over the window (country id → arrays; a country with nothing
    stored is left out; ``usable``: country id → its mappings; ``versions``: country id → data version). A
    fixed number of queries, however many countries: the keys, the org units, the periods and the
    publications, then the values of all the countries at once (``_rows``), split by country here."""
    every = [m for mine in usable.values() for m in mine.values()]
    element_uids = {e for m in every for e in m.elements}
    combo_uids = {o.category_option_combo for m in every for o in m.operands}
    found = list(
        DataElement.objects.filter(uid__in=element_uids).values_list("pk", "uid", "aggregation_type")
    )
    if not found:
        return {}
    elements = {pk: uid for pk, uid, _type in found}
    element_of = {uid: pk for pk, uid, _type in found}
    stocks = {pk for pk, _uid, aggregation in found if aggregation == "LAST"}
    combos = dict(CategoryOptionCombo.objects.filter(uid__in=combo_uids - {None}).values_list("pk", "uid"))
    units = np.array(
        OrgUnit.objects.filter(country__in=countries)
        .order_by("pk")
        .values_list("pk", "level", "parent_id", "country_id"),
        dtype=float,
    ).reshape(-1, 4)
    start, end = periods[0].start, periods[-1].end
    stored_periods = list(
        Period.objects.filter(start_date__lte=end, end_date__gte=start).values_list(
            "pk", "start_date", "end_date"
        )
    )
    if not len(units) or not stored_periods:
        return {}
    month_of = {p.start: i for i, p in enumerate(periods)}
    ends = {p.start: p.end for p in periods}
    period_dates = {pk: (s, e) for pk, s, e in stored_periods}
    month = np.full(max(period_dates) + 1, -1)
    for pk, (s, e) in period_dates.items():
        month[pk] = month_of[s] if s in month_of and ends[s] == e else -1
    publications = defaultdict(list)
    for country_id, s, e in Publication.objects.filter(country__in=countries).values_list(
        "country_id", "period__start_date", "period__end_date"
    ):
        publications[country_id].append((s, e))
    ids = [c.pk for c in countries]
    summed, stored = _rows(ids, versions, changes, sorted(elements), sorted(period_dates), units)
    out = {}
    for country in countries:
        mine = {element_of[e] for m in usable[country.pk].values() for e in m.elements if e in element_of}
        data = _country_arrays(
            units[units[:, 3] == country.pk],
            summed.get(country.pk),
            stored.get(country.pk),
            elements={pk: elements[pk] for pk in mine},
            stocks=stocks,
            combos=combos,
            month=month,
            period_dates=period_dates,
            publications=publications[country.pk],
            periods=periods,
        )
        if data is not None:
            out[country.pk] = data
    return out


def _country_arrays(
    units, summed, stored, *, elements, stocks, combos, month, period_dates, publications, periods
) -> _Country | None:
    """One country's ``_Country`` from its org units (id, level, parent id, country id per row) and its
    stored rows (``_stored_rows``: the analytics table's, the values'), as the chart pages combine them:
    the analytics table's sums for org units with children, the values of the facilities."""
    if not elements or not len(units):
        return None
    unit_ids = units[:, 0].astype(np.int64)
    parents = units[:, 2][~np.isnan(units[:, 2])].astype(np.int64)
    leaves = unit_ids[~np.isin(unit_ids, parents)]
    wanted = np.array(sorted(elements), dtype=np.int64)
    parts = []
    for rows, keep_leaves in ((summed, False), (stored, True)):
        if rows is None:
            continue
        keep = np.isin(rows["unit"], leaves) == keep_leaves
        keep &= np.isin(rows["element"], wanted)
        parts.append(rows[keep])
    if not parts or not sum(len(p) for p in parts):
        return None
    table = np.concatenate(parts)
    # (element, combo) → a slab, in the order of the pair: keys match operands by uid; a combo not named by
    # any operand is kept by its id (only "every combo" operands read it).
    top = int(table["combo"].max()) + 1
    pair = table["element"] * top + table["combo"]
    if int(pair.max()) < 1 << 22:
        present = np.zeros(int(pair.max()) + 1, bool)
        present[pair] = True
        pairs = np.flatnonzero(present)
        slab = (np.cumsum(present) - 1)[pair]
    else:
        pairs, slab = np.unique(pair, return_inverse=True)
        slab = slab.ravel()
    keys = [(elements[int(p // top)], combos.get(int(p % top), f"#{int(p % top)}")) for p in pairs]
    unit = np.searchsorted(unit_ids, table["unit"])
    period_ids = table["period"]
    stock = np.isin(pairs // top, list(stocks))
    shown = np.zeros(len(month), bool)
    for pk, (s, e) in period_dates.items():
        shown[pk] = any(ps <= s and pe >= e for ps, pe in publications)
    published_row = shown[period_ids]
    shape = (len(keys), len(unit_ids), len(periods))
    totals = table["total"]
    months = month[period_ids]
    dense = _dense(totals, slab, unit, months, stock, shape, period_ids, period_dates, periods)
    published = None
    if not published_row.all():
        keep = published_row
        published = _dense(
            totals[keep],
            slab[keep],
            unit[keep],
            months[keep],
            stock,
            shape,
            period_ids[keep],
            period_dates,
            periods,
        )
    return _Country(unit_ids, units[:, 1].astype(int), keys, dense, published)


def _rows(country_ids, versions, changes, element_ids, period_ids, units) -> tuple[dict, dict]:
    """The stored rows of these countries (as ``_stored_rows``) over these stored periods: what the last
    refresh kept of each country at its data version now (``kept``), and the rest read. A country whose
    version changed is read whole, unless an import said which periods it changed from the version kept
    (``changes``): then those are read again. The others are read only for the periods not kept (a new
    month). Countries that need the same periods are read together: in the common cases at most two reads
    of the two tables, one for the countries that changed and one for the others."""
    have, stale = {}, {}
    for pk in country_ids:
        have[pk] = kept.load(pk, versions.get(pk), element_ids)
        change = changes.get(pk)
        if have[pk] is None and change is not None and change[1] == versions.get(pk):
            # kept at the version before the import, which changed only these periods
            have[pk] = kept.load(pk, change[0], element_ids)
            stale[pk] = frozenset(change[2])
    wanted = frozenset(period_ids)
    todo: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for pk in country_ids:
        known = have[pk].periods - stale.get(pk, frozenset()) if have[pk] is not None else frozenset()
        missing = tuple(p for p in period_ids if p not in known)
        if missing:
            todo[missing].append(pk)
    summed, stored = {}, {}
    for missing, pks in todo.items():
        mine = units[np.isin(units[:, 3], pks)]
        if len(mine):
            more_summed, more_stored = _stored_rows(pks, element_ids, list(missing), mine)
            summed.update(more_summed)
            stored.update(more_stored)
    read = {pk for pks in todo.values() for pk in pks}
    for pk in country_ids:
        before = have[pk]
        if before is not None:
            keep = np.array(sorted(wanted - stale.get(pk, frozenset())), dtype=np.int64)
            for out, rows in ((summed, before.summed), (stored, before.stored)):
                rows = rows[np.isin(rows["period"], keep)]  # not a month gone out of the window, nor changed
                if pk in out:
                    rows = np.concatenate([rows, out[pk]])
                if len(rows):
                    out[pk] = rows
        if pk in read:
            nothing = np.empty(0, dtype=ROW)
            kept.keep(
                pk, versions.get(pk), element_ids, wanted, summed.get(pk, nothing), stored.get(pk, nothing)
            )
    return summed, stored


#: what a stored row is read as: its keys, then its total
ROW = np.dtype([("unit", "i8"), ("period", "i8"), ("element", "i8"), ("combo", "i8"), ("total", "f8")])
PACKED = 62  # bits: several ids in one integer column make reading much cheaper than a column each


def _stored_rows(country_ids, element_ids, period_ids, units) -> tuple[dict, dict]:
    """The stored rows of these countries (country id → an array of ``ROW``; ``units``: their org units),
    from the analytics table and from the values, in two queries (and one for the highest combo id).
    Hundreds of thousands of rows a country: they are read as a few integer columns, each packing several
    ids (``_packing``), straight from the driver into numpy (no list of rows, no Django wrapper per row;
    on PostgreSQL not even a row: ``_postgresql_rows``)."""
    top = CategoryOptionCombo.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    groups = _packing(
        [
            ("unit", "org_unit_id", _bits(int(units[:, 0].max()))),
            ("period", "period_id", _bits(max(period_ids))),
            ("element", "data_element_id", _bits(max(element_ids))),
            ("combo", "category_option_combo_id", _bits(top)),
        ]
    )
    columns = ", ".join(_packed_sql(group) for group in groups)
    dtype = np.dtype([(f"k{i}", "i8") for i in range(len(groups))] + [("total", "f8")])
    elements = ", ".join(["%s"] * len(element_ids))
    periods = ", ".join(["%s"] * len(period_ids))
    if connection.vendor == "postgresql":
        # the org units named: PostgreSQL then reads one country's rows through the index (0.2 s in the
        # benchmark's network), where from a subquery it planned a scan of the whole table (0.9 s)
        where, params = "org_unit_id = ANY(%s)", [units[:, 0].astype(np.int64).tolist()]
    else:
        countries = ", ".join(["%s"] * len(country_ids))
        where = f"org_unit_id IN (SELECT id FROM {OrgUnit._meta.db_table} WHERE country_id IN ({countries}))"
        params = list(country_ids)
    # SQLite: the elements filter what the index finds for each org unit and period (one lookup per
    # element would cost more than reading them all)
    plus = "+" if connection.vendor == "sqlite" else ""
    where += f" AND {plus}data_element_id IN ({elements}) AND period_id IN ({periods})"
    params += [*element_ids, *period_ids]
    tables = (
        (AggregateValue._meta.db_table, "total", "", []),
        (DataValue._meta.db_table, "numeric", " AND deleted = %s AND numeric IS NOT NULL", [False]),
    )
    out = []
    with connection.cursor() as cursor:
        for table, value, more, extra in tables:
            if connection.vendor == "postgresql":
                packed = _postgresql_rows(cursor, groups, table, value, where + more, [*params, *extra])
            else:
                cursor.execute(
                    f"SELECT {columns}, {value} FROM {table} WHERE {where}{more}", [*params, *extra]
                )
                packed = np.fromiter(cursor.cursor, dtype=dtype)  # the driver's: no Python per row
            rows = np.empty(len(packed), dtype=ROW)
            rows["total"] = packed["total"]
            for i, group in enumerate(groups):
                rest = packed[f"k{i}"]
                for name, _column, bits in reversed(group):
                    rows[name] = rest & ((1 << bits) - 1)
                    rest = rest >> bits
            out.append(_by_country(rows, units))
    return out[0], out[1]


#: org units per part of a PostgreSQL read (``_postgresql_rows``): a part stays far below bytea's 1 GB
UNITS_PER_PART = 4096


def _postgresql_rows(cursor, groups, table, value, where, params) -> np.ndarray:
    """The rows as ``_stored_rows`` reads them (packed ids, then the value), from PostgreSQL: each row as
    bytes, its integers and its float in the database's binary form, concatenated by the server into a few
    values (one per ``UNITS_PER_PART`` org unit ids), which numpy reads as they are. The driver makes no
    Python object per row: in the benchmark's network, 2.9 million rows take 2.5 s instead of 5.5."""
    row = " || ".join(f"int8send({_packed_sql(group)})" for group in groups)
    row += f" || float8send(CAST({value} AS double precision))"
    cursor.execute(
        f"SELECT string_agg({row}, ''::bytea) FROM {table} WHERE {where} GROUP BY org_unit_id / %s",
        [*params, UNITS_PER_PART],
    )
    raw = b"".join(bytes(part) for (part,) in cursor.fetchall())
    wire = np.dtype([(f"k{i}", ">i8") for i in range(len(groups))] + [("total", ">f8")])
    return np.frombuffer(raw, dtype=wire).astype(wire.newbyteorder("="))


def _bits(highest: int) -> int:
    return max(int(highest).bit_length(), 1)


def _packing(fields: list[tuple[str, str, int]]) -> list[list[tuple[str, str, int]]]:
    """(name, column, bits) fields grouped into integer columns of at most ``PACKED`` bits each."""
    groups, size = [[]], 0
    for field in fields:
        if groups[-1] and size + field[2] > PACKED:
            groups.append([])
            size = 0
        groups[-1].append(field)
        size += field[2]
    return groups


def _packed_sql(group) -> str:
    """The group's ids in one integer, the first in the highest bits (shifted by multiplying: portable)."""
    sql = f"CAST({group[0][1]} AS BIGINT)"
    for _name, column, bits in group[1:]:
        sql = f"({sql}) * {1 << int(bits)} + {column}"
    return sql


def _by_country(rows: np.ndarray, units: np.ndarray) -> dict[int, np.ndarray]:
    """The rows split by their org unit's country (``units``: id, level, parent id, country id, by id),
    each country's in the order read. A mask per country: a sort of millions of rows by country cost ten
    times more (they come in org unit order, countries interleaved)."""
    if not len(rows):
        return {}
    country_of = np.zeros(int(units[:, 0].max()) + 1, dtype=np.int64)
    country_of[units[:, 0].astype(np.int64)] = units[:, 3]
    country = country_of[rows["unit"]]
    out = {}
    for pk in np.unique(units[:, 3]).astype(np.int64).tolist():
        mine = country == pk
        if mine.any():
            out[pk] = rows[mine]
    return out


def _dense(totals, slab, unit, month, stock, shape, period_ids, period_dates, periods) -> np.ndarray:
    """keys x units x months: monthly rows placed directly (SUM adds, LAST keeps the larger of the same
    month stored twice); a (key, unit) with any other period is combined by the arithmetic's rule."""
    monthly = month >= 0
    at = np.ravel_multi_index((slab[monthly], unit[monthly], month[monthly]), shape)
    size = int(np.prod(shape))
    # bincount adds in the order of the rows, as np.add.at would, in a fraction of its time
    sums = np.bincount(at, weights=totals[monthly], minlength=size).reshape(shape)
    has = np.bincount(at, minlength=size).reshape(shape) > 0
    dense = np.where(has, sums, np.nan)
    if stock.any():
        highest = np.full(size, -np.inf)
        stocked = stock[slab[monthly]]
        np.maximum.at(highest, at[stocked], totals[monthly][stocked])
        highest = highest.reshape(shape)
        dense = np.where(has & stock[:, None, None], highest, dense)
    other = np.flatnonzero(~monthly)
    if other.size:
        starts, ends = arithmetic.period_bounds(periods)
        for key, where in {(int(slab[i]), int(unit[i])) for i in other.tolist()}:
            rows = np.flatnonzero((slab == key) & (unit == where))
            spans = [(*period_dates[int(period_ids[r])], float(totals[r])) for r in rows.tolist()]
            dense[key, where] = arithmetic.combine_over(spans, starts, ends, last=bool(stock[key]))
    return dense


# --- "Ask them how" --------------------------------------------------------------------------------------


@transaction.atomic
def ask_them_how(*, actor, author, network, indicator, org_unit, title: str, body: str, topic=None, asked=()):
    """Start the discussion of "Ask them how" about ``indicator`` at ``org_unit``: attached to its chart,
    put to ``asked`` (the members ``selectors.asked`` names), who follow it and are notified of it, once,
    in the site and by e-mail as each chose. Preconditions: the author may start a discussion in
    ``network``; ``org_unit`` is in one of its countries. Returns the thread."""
    thread = discussions.thread_start(
        actor=actor,
        author=author,
        network=network,
        title=title,
        body=body,
        topic=topic,
        chart=(indicator.code, org_unit.uid),
    )
    discussions.thread_address(actor=actor, thread=thread, member_ids={m.pk for m in asked})
    return thread
