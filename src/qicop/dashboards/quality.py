"""The data-quality view: stored values that fail sense checks, country by country, with their imports.

Four kinds of finding, over the monthly values of the last three years of the elements the network's
indicators use (the rules are also explained on the page):

* **implausible together** — per network indicator x org unit x month, the checks every chart makes
  (``dashboards.checks``): a numerator above its denominator, a zero or missing denominator, a negative
  count, a value that is not a finite number or is text. Facilities are checked on their own values,
  districts and countries on their sums (a sum can fail where no facility does).
* **outlier** — a facility's monthly value of an element that the SPC engine's I chart of that series puts
  outside its limits *and* that is at least three times, or at most a third of, the series' median. Points
  outside the limits alone are often real change (a signal); a value that far from the usual is a typo.
* **stock jump** — a stock (an element summarised by its last value, such as people on ART) that more than
  doubles, or falls below half, from one month to the next.
* **missing months** — months without a value between months that have one.

Findings are computed when the page is asked for, in a fixed number of queries whatever the data (the
values of the countries shown, read once), on arrays; only the rows of the page shown look up their
imports. ``bench/data_quality.py`` measures it on the demo.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils.translation import gettext as _

from qicop.analytics.spc import charts
from qicop.dashboards import checks
from qicop.indicators import arithmetic
from qicop.indicators.models import (
    AggregateValue,
    CategoryOptionCombo,
    DataElement,
    DataImport,
    DataValue,
    IndicatorMapping,
    OrgUnit,
    Period,
)
from qicop.indicators.selectors import imports_for_user, readable
from qicop.integrations.dhis2.expressions import ExpressionError

# The checks' thresholds, named on the page.
OUTLIER_RATIO = 3.0  # at least three times the median, or at most a third of it
OUTLIER_MIN_POINTS = 12  # fewer values give the I chart no reliable limits
JUMP_RATIO = 2.0  # a stock more than doubles or falls below half
SMALLEST_CHANGE = 10  # changes smaller than this are too small to judge (tiny clinics)

CHECKS = ("ratio", "outlier", "jump", "missing")


@dataclass
class Finding:
    """One row of the view. ``period_id`` is the DHIS2 id of the month (the first, for missing months)."""

    check: str  # one of CHECKS
    country: object
    unit: _Unit
    period_id: str
    last_period_id: str  # the last month of a run of missing months; else the same as period_id
    values: str
    reason: str
    indicator: object  # the network indicator whose chart shows it
    sort_index: int  # the month's position: newest first
    # Where the values come from: (the country's data, element ids, unit row, month), looked up for the
    # rows of the page shown only.
    source: tuple | None = None
    imports: list = field(default_factory=list)  # filled for the rows of the page shown


@dataclass(frozen=True)
class _Unit:
    pk: int
    uid: str
    name: str
    level: int
    country_id: int
    parent_id: int | None


@dataclass
class _Country:
    """A country's values in arrays: units x months for each (element, combo) and each kind of store."""

    country: object
    units: list[_Unit]
    index: dict[int, int]  # unit pk → row
    parents: np.ndarray  # rows that have children (their series come from the analytics table)
    ancestors: dict[int, list[int]]  # row → rows of its ancestors (not itself)
    width: int  # months
    own: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # own values (facility level)
    sums: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # subtree sums (analytics table)
    text: dict[int, np.ndarray] = field(default_factory=dict)  # element → units x months stored as text
    present: dict[int, np.ndarray] = field(default_factory=dict)  # element → units x months with a value
    # stocks stored for longer periods (a yearly estimate), held for each month they cover
    own_held: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    sums_held: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)
    # every own monthly value's (element, unit row, month, import id), to name the imports of a finding
    origins: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int64))

    def grid(self, store: dict, element: int, combo: int) -> np.ndarray:
        found = store.get((element, combo))
        if found is None:
            found = store[(element, combo)] = _grid(len(self.units), self.width)
        return found

    def flags(self, store: dict, element: int) -> np.ndarray:
        found = store.get(element)
        if found is None:
            found = store[element] = np.zeros((len(self.units), self.width), dtype=bool)
        return found

    def imports_for(self, elements, row: int, col: int) -> list[int]:
        """The imports behind the values of these elements at this unit, or in its subtree, this month
        (most recent first)."""
        o = self.origins
        rows = {r for r, above in self.ancestors.items() if r == row or row in above}
        hit = (
            (o[:, 2] == col) & np.isin(o[:, 0], list(elements)) & np.isin(o[:, 1], list(rows)) & (o[:, 3] > 0)
        )
        return sorted({int(i) for i in o[hit, 3]}, reverse=True)


def find(*, user, network, countries, periods, check: str = "") -> list[Finding]:
    """Every finding for these countries over these (monthly) periods, newest month first.

    ``countries`` must already be those the user may see findings of (``quality_countries``)."""
    if not countries or not periods:
        return []
    starts = {p.start: i for i, p in enumerate(periods)}
    mappings = list(
        IndicatorMapping.objects.filter(network_indicator__network=network, country__in=countries)
        .select_related("network_indicator", "country")
        .order_by("network_indicator__order", "network_indicator__name")
    )
    parsed = {}
    for mapping in mappings:
        expressions = arithmetic.Mapping.of(mapping)
        if expressions.usable:  # else a mapping saved before its text was checked: nothing to compute
            parsed[mapping.pk] = (expressions.numerator, expressions.denominator)
    uids = {o.data_element for num, den in parsed.values() for o in num.operands() | den.operands()}
    elements = {
        e.pk: e
        for e in DataElement.objects.filter(uid__in=uids).only("id", "uid", "name", "aggregation_type")
    }
    if not elements:
        return []
    operands = [o for num, den in parsed.values() for o in num.operands() | den.operands()]
    # Operands name disaggregations by UID; values hold their ids.
    combos = dict(
        CategoryOptionCombo.objects.filter(
            uid__in={o.category_option_combo for o in operands if o.category_option_combo}
        ).values_list("uid", "id")
    )
    data = _load(user, countries, elements, periods, starts)
    ids = [p.id for p in periods]
    findings: list[Finding] = []
    if check in ("", "ratio"):
        for mapping in mappings:
            if mapping.pk in parsed and mapping.country_id in data:
                findings += _ratio_findings(
                    data[mapping.country_id], mapping, parsed[mapping.pk], elements, combos, ids
                )
    first_use = _first_indicator_of_elements(mappings, parsed, elements)
    for country_data in data.values():
        if check in ("", "outlier", "jump"):
            findings += _value_findings(country_data, elements, ids, first_use, check)
        if check in ("", "missing"):
            findings += _missing_findings(country_data, elements, ids, first_use)
    findings.sort(key=lambda f: (-f.sort_index, f.country.name, f.unit.level, f.unit.name, f.check))
    return findings


def _longer_in_order(col, period, number, longer) -> np.ndarray:
    """The rows of longer periods, the one the indicator arithmetic prefers for a month last (it is painted
    over the others): the same value for a month as on its chart and in FHIR."""
    held = np.flatnonzero(col < 0)
    order = arithmetic.covering_order([(*longer[period[i]], number[i]) for i in held])
    return held[order]


# --- loading ---------------------------------------------------------------------------------------------


def _load(user, countries, elements, periods, starts) -> dict[int, _Country]:
    """Four queries: the periods, the countries' org units, their own values and their parents' sums. Monthly
    values of the window, and for stocks (LAST) the longer periods that cover its months too: a yearly
    estimate holds for each month of its year, as on the charts."""
    stocks = [pk for pk, e in elements.items() if e.aggregation_type == "LAST"]
    first, last = periods[0].start, periods[-1].end
    # Period rows by id, so that the values' queries neither join the periods nor parse dates.
    months, longer = {}, {}
    for pk, kind, start, end in Period.objects.filter(start_date__lte=last, end_date__gte=first).values_list(
        "id", "period_type", "start_date", "end_date"
    ):
        if kind == "Monthly" and start in starts:
            months[pk] = starts[start]
        elif kind != "Monthly":
            longer[pk] = (start, end)
    window = Q(data_element_id__in=list(elements), period_id__in=list(months)) | Q(
        data_element_id__in=stocks, period_id__in=list(longer)
    )
    units = [
        _Unit(*row)
        for row in OrgUnit.objects.filter(country__in=countries)
        .order_by("path")
        .values_list("id", "uid", "name", "level", "country_id", "parent_id")
    ]
    with_children = {u.parent_id for u in units if u.parent_id is not None}
    data: dict[int, _Country] = {}
    for country in countries:
        own = [u for u in units if u.country_id == country.pk]
        index = {u.pk: i for i, u in enumerate(own)}
        ancestors: dict[int, list[int]] = {}
        for i, u in enumerate(own):  # ordered by path: a parent's list is ready before its children's
            parent = index.get(u.parent_id) if u.parent_id is not None else None
            ancestors[i] = [] if parent is None else [parent, *ancestors[parent]]
        parents = np.array([u.pk in with_children for u in own], dtype=bool)
        data[country.pk] = _Country(country, own, index, parents, ancestors, len(periods))
    month_starts = np.array([p.start for p in periods], dtype="datetime64[D]")
    month_ends = np.array([p.end for p in periods], dtype="datetime64[D]")

    def covered(start, end) -> np.ndarray:
        return (month_starts >= np.datetime64(start)) & (month_ends <= np.datetime64(end))

    # Dense lookups, so that each value's row, month and country are found by numpy, not one by one.
    lookup = _Lookup(units, data, months)
    values = readable(DataValue.objects.filter(window, org_unit__country__in=countries, deleted=False), user)
    rows = list(
        values.values_list(
            "org_unit_id", "data_element_id", "category_option_combo_id", "period_id", "numeric", "value",
            "data_import_id",
        )
    )  # fmt: skip
    for country_id, (unit, element, combo, period, number, text, origin) in _by_country(rows, lookup):
        c = data[country_id]
        row, col = lookup.row[unit], lookup.column(period)
        for i in _longer_in_order(col, period, number, longer):  # a stock of a longer period
            if not math.isnan(number[i]):
                c.grid(c.own_held, int(element[i]), int(combo[i]))[row[i], covered(*longer[period[i]])] = (
                    number[i]
                )
        monthly = col >= 0
        row, col, element, combo, number = (
            row[monthly],
            col[monthly],
            element[monthly],
            combo[monthly],
            number[monthly],
        )
        text, origin = text[monthly], origin[monthly]
        c.origins = np.column_stack([element, row, col, origin])
        for e in np.unique(element).tolist():
            mine = element == e
            c.flags(c.present, e)[row[mine], col[mine]] = True
            for i in np.flatnonzero(mine & text):
                for target in (row[i], *c.ancestors[row[i]]):
                    c.flags(c.text, e)[target, col[i]] = True
        for (e, k), mine in _groups(element, combo):
            _sum_into(c.grid(c.own, e, k), row[mine], col[mine], number[mine])
    sums = readable(AggregateValue.objects.filter(window, org_unit__country__in=countries), user)
    rows = list(
        sums.values_list("org_unit_id", "data_element_id", "category_option_combo_id", "period_id", "total")
    )
    for country_id, (unit, element, combo, period, total) in _by_country(rows, lookup):
        c = data[country_id]
        row, col = lookup.row[unit], lookup.column(period)
        for i in _longer_in_order(col, period, total, longer):  # a stock of a longer period
            c.grid(c.sums_held, int(element[i]), int(combo[i]))[row[i], covered(*longer[period[i]])] = total[
                i
            ]
        monthly = col >= 0
        row, col, element, combo, total = (
            row[monthly],
            col[monthly],
            element[monthly],
            combo[monthly],
            total[monthly],
        )
        for (e, k), mine in _groups(element, combo):
            c.grid(c.sums, e, k)[row[mine], col[mine]] = total[mine]
    return data


def _grid(rows: int, columns: int) -> np.ndarray:
    return np.full((rows, columns), np.nan)


class _Lookup:
    """Org unit id → its row in its country, and its country; period id → its month (-1: a longer period)."""

    def __init__(self, units: list[_Unit], data: dict, months: dict[int, int]):
        size = max((u.pk for u in units), default=0) + 1
        self.row = np.full(size, -1, dtype=np.int64)
        self.country = np.full(size, -1, dtype=np.int64)
        for u in units:
            self.row[u.pk] = data[u.country_id].index[u.pk]
            self.country[u.pk] = u.country_id
        self.months = np.full(max(months, default=0) + 1, -1, dtype=np.int64)
        for period, col in months.items():
            self.months[period] = col

    def column(self, periods: np.ndarray) -> np.ndarray:
        inside = periods < len(self.months)
        return np.where(inside, self.months[np.where(inside, periods, 0)], -1)


def _by_country(rows: list[tuple], lookup: _Lookup):
    """The rows' columns as arrays (numbers as floats, None as NaN; text as "is text"; ids 0 for None),
    country by country."""
    if not rows:
        return
    columns = list(zip(*rows, strict=True))
    unit = np.array(columns[0], dtype=np.int64)
    country = lookup.country[unit]
    arrays = [unit, *(np.array(col, dtype=np.int64) for col in columns[1:4])]
    number = np.array(columns[4], dtype=float)
    arrays.append(number)
    if len(columns) > 5:
        arrays.append(np.not_equal(np.array(columns[5], dtype=object), None) & np.isnan(number))
        arrays.append(np.array(columns[6], dtype=object).astype(float))
        arrays[-1] = np.nan_to_num(arrays[-1], nan=0).astype(np.int64)
    for country_id in np.unique(country).tolist():
        mine = country == country_id
        yield country_id, [a[mine] for a in arrays]


def _groups(first: np.ndarray, second: np.ndarray):
    """((first, second), mask) for each distinct pair of ids."""
    combined = first * (int(second.max(initial=0)) + 1) + second
    unique, inverse = np.unique(combined, return_inverse=True)
    for i in range(len(unique)):
        mine = inverse == i
        index = int(np.argmax(mine))
        yield (int(first[index]), int(second[index])), mine


def _sum_into(grid: np.ndarray, rows: np.ndarray, cols: np.ndarray, numbers: np.ndarray) -> None:
    """Add values into a grid of NaNs: a cell stays NaN unless some value lands on it."""
    present = ~np.isnan(numbers)
    total = np.zeros(grid.shape)
    np.add.at(total, (rows[present], cols[present]), numbers[present])
    hit = np.zeros(grid.shape, dtype=bool)
    hit[rows[present], cols[present]] = True
    grid[hit] = np.where(np.isnan(grid[hit]), total[hit], grid[hit] + total[hit])


# --- numerator and denominator, at every level -------------------------------------------------------------


def _ratio_findings(c: _Country, mapping, expressions, elements, combos, ids) -> list[Finding]:
    indicator = mapping.network_indicator
    numerator, denominator = expressions
    by_uid = {e.uid: pk for pk, e in elements.items()}

    def values(operand):
        element = by_uid.get(operand.data_element)
        out = _grid(len(c.units), len(ids))
        if element is None:
            return out
        # Facilities read their own values, the others their subtree's sums; a stock's own month wins over
        # a longer period that covers it.
        for store, rows, held in (
            (c.own, ~c.parents, False),
            (c.sums, c.parents, False),
            (c.own_held, ~c.parents, True),
            (c.sums_held, c.parents, True),
        ):
            rows = rows[:, None] & np.isnan(out) if held else rows[:, None]
            for (e, combo), grid in store.items():
                if e != element or (
                    operand.category_option_combo and combos.get(operand.category_option_combo) != combo
                ):
                    continue
                add = np.where(rows, grid, np.nan)
                out = np.where(np.isnan(out), add, np.where(np.isnan(add), out, out + add))
        return out

    try:
        num = np.broadcast_to(numerator.evaluate_arrays(values), (len(c.units), len(ids)))
        den = np.broadcast_to(denominator.evaluate_arrays(values), (len(c.units), len(ids)))
    except ExpressionError:
        return []
    used = [
        by_uid[o.data_element]
        for o in numerator.operands() | denominator.operands()
        if o.data_element in by_uid
    ]
    text = np.zeros((len(c.units), len(ids)), dtype=bool)
    for element in used:
        if element in c.text:
            text |= c.text[element]
    bits = checks.reasons(num, den, text=text, **checks.kinds_of(indicator))
    ratio = mapping.denominator.strip() != "1"
    out = []
    for row, col in zip(*np.nonzero(bits), strict=True):
        flag = checks.Flag(
            int(col), ids[col], int(bits[row, col]), float(num[row, col]), float(den[row, col]), ratio
        )
        out.append(
            Finding(
                check="ratio",
                country=c.country,
                unit=c.units[row],
                period_id=ids[col],
                last_period_id=ids[col],
                values=f"{indicator.name}: {flag.numbers}",
                reason=flag.why,
                indicator=indicator,
                sort_index=int(col),
                source=(c, tuple(used), int(row), int(col)),
            )
        )
    return out


def _first_indicator_of_elements(mappings, parsed, elements) -> dict[tuple[int, int], object]:
    """(country id, element id) → the first network indicator whose mapping there uses the element: the
    chart a value finding links to."""
    by_uid = {e.uid: pk for pk, e in elements.items()}
    first = {}
    for mapping in mappings:
        if mapping.pk not in parsed:
            continue
        num, den = parsed[mapping.pk]
        for operand in num.operands() | den.operands():
            if operand.data_element in by_uid:
                first.setdefault(
                    (mapping.country_id, by_uid[operand.data_element]), mapping.network_indicator
                )
    return first


# --- one element's values at one facility -----------------------------------------------------------------


def _value_findings(c: _Country, elements, ids, first_use, check: str) -> list[Finding]:
    """Outliers (the I chart and the median) and stock jumps, per element x own values of each org unit."""
    series = {}
    for (element, combo), grid in c.own.items():
        for row in np.flatnonzero(np.count_nonzero(~np.isnan(grid), axis=1)):
            series[(element, combo, int(row))] = grid[row]
    reasons: dict[tuple[int, int, int], list[tuple[str, str]]] = defaultdict(list)
    if check in ("", "outlier"):
        _outliers(series, reasons)
    if check in ("", "jump"):
        _jumps(series, elements, reasons)
    out = []
    for (element, row, col), found in reasons.items():
        total = sum(
            grid[row, col]
            for (e, _combo), grid in c.own.items()
            if e == element and not np.isnan(grid[row, col])
        )
        out.append(
            Finding(
                check=found[0][0],
                country=c.country,
                unit=c.units[row],
                period_id=ids[col],
                last_period_id=ids[col],
                values=f"{elements[element].name}: {checks.number_words(total)}",
                reason="; ".join(words for _check, words in found),
                indicator=first_use.get((c.country.pk, element)),
                sort_index=col,
                source=(c, (element,), row, col),
            )
        )
    return out


def _outliers(series: dict, reasons: dict) -> None:
    """Values far from their series' median and outside its I chart's limits. The median test is cheap and
    rarely passed, so only the series it finds go to the SPC engine."""
    keys = [key for key, y in series.items() if np.count_nonzero(~np.isnan(y)) >= OUTLIER_MIN_POINTS]
    if not keys:
        return
    values = np.array([series[key] for key in keys])
    with np.errstate(invalid="ignore"):
        medians = np.nanmedian(values, axis=1)[:, None]
        far = (values >= OUTLIER_RATIO * medians) | (values <= medians / OUTLIER_RATIO)
        far &= np.abs(values - medians) >= SMALLEST_CHANGE
    candidates = np.flatnonzero(far.any(axis=1))
    if not candidates.size:
        return
    results = charts({int(i): values[i] for i in candidates}, kind="i")
    for i, result in results.items():
        y, median = values[i], float(medians[i, 0])
        outside = (y > result.ucl) | (y < result.lcl)
        element, _combo, row = keys[i]
        for col in np.flatnonzero(outside & far[i]):
            words = _(
                "far from the usual: outside the limits of its I chart, and %(ratio)s times the median "
                "(%(median)s)"
            ) % {"ratio": _times(y[col], median), "median": checks.number_words(median)}
            reasons[(element, row, int(col))].append(("outlier", words))


def _times(value: float, median: float) -> str:
    """ "12.0" (times the median), or "0.05": one significant figure at least."""
    if median == 0:
        return "∞"
    ratio = value / median
    return f"{ratio:.1f}" if ratio >= 0.1 else f"{ratio:.2g}"


def _jumps(series: dict, elements, reasons: dict) -> None:
    """A stock's month that is more than JUMP_RATIO times, or less than 1/JUMP_RATIO of, the month before;
    the month that comes back to the level before a jump is not listed again (a spike is one row). All the
    stocks' series at once."""
    keys = [key for key in series if elements[key[0]].aggregation_type == "LAST"]
    if not keys:
        return
    y = np.array([series[key] for key in keys])
    jumps = _jumped(y[:, :-1], y[:, 1:])
    back = np.zeros_like(jumps)
    back[:, 1:] = jumps[:, :-1] & ~_jumped(y[:, :-2], y[:, 2:])  # a jump, and the level of two months before
    for i, col in zip(*np.nonzero(jumps & ~back), strict=True):
        element, _combo, row = keys[i]
        words = _("a stock that jumps from %(previous)s to %(value)s in one month") % {
            "previous": checks.number_words(y[i, col]),
            "value": checks.number_words(y[i, col + 1]),
        }
        reasons[(element, row, int(col) + 1)].append(("jump", words))


def _jumped(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((after > JUMP_RATIO * before) | (after < before / JUMP_RATIO)) & (
            np.abs(after - before) >= SMALLEST_CHANGE
        )


def _missing_findings(c: _Country, elements, ids, first_use) -> list[Finding]:
    """Runs of months without a value between months with one, per org unit (elements named together)."""
    runs: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    columns = np.arange(c.width)
    for element, present in c.present.items():
        # A gap is a month after the first reported one and before the last: found for all units at once,
        # then walked only in the (few) rows that have one.
        first = np.where(present.any(axis=1), present.argmax(axis=1), c.width)
        last = c.width - 1 - present[:, ::-1].argmax(axis=1)
        gaps = ~present & (columns > first[:, None]) & (columns < last[:, None])
        for row in np.flatnonzero(gaps.any(axis=1)):
            reported = np.flatnonzero(present[row])
            for before, after in itertools.pairwise(reported):
                if after - before > 1:
                    runs[(int(row), int(before) + 1, int(after) - 1)].append(element)
    out = []
    for (row, first, last), missing in runs.items():
        names = sorted(elements[e].name for e in missing)
        out.append(
            Finding(
                check="missing",
                country=c.country,
                unit=c.units[row],
                period_id=ids[first],
                last_period_id=ids[last],
                values=", ".join(names),
                reason=_("no value, though the months before and after have one"),
                indicator=first_use.get((c.country.pk, missing[0])),
                sort_index=last,
            )
        )
    return out


# --- the imports behind the rows shown ----------------------------------------------------------------------


@dataclass(frozen=True)
class ImportRef:
    pk: int
    filename: str
    created_at: object
    linked: bool  # whether the reader may open its summary page


def attach_imports(user, findings: list[Finding], *, shown: int = 3) -> None:
    """Name the imports behind each of these findings (the rows of one page): two queries."""

    ids = {id(f): f.source[0].imports_for(*f.source[1:])[:shown] if f.source else [] for f in findings}
    wanted = {pk for found in ids.values() for pk in found}
    if not wanted:
        return
    linkable = set(imports_for_user(user).filter(pk__in=wanted).values_list("pk", flat=True))
    refs = {
        pk: ImportRef(pk, filename or fmt, created, pk in linkable)
        for pk, filename, fmt, created in DataImport.objects.filter(pk__in=wanted).values_list(
            "pk", "filename", "format", "created_at"
        )
    }
    for finding in findings:
        finding.imports = [refs[pk] for pk in ids[id(finding)] if pk in refs]
