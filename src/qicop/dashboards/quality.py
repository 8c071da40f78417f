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
from django.utils.translation import gettext as _

from qicop.analytics.spc import charts
from qicop.dashboards import checks
from qicop.indicators.models import AggregateValue, DataElement, DataValue, IndicatorMapping, OrgUnit
from qicop.indicators.selectors import readable
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression

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
    import_ids: tuple[int, ...] = ()  # the imports that brought the values (most recent first)
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
    own: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # own values (facility level)
    sums: dict[tuple[int, int], np.ndarray] = field(default_factory=dict)  # subtree sums (analytics table)
    text: dict[int, np.ndarray] = field(default_factory=dict)  # element → units x months stored as text
    present: dict[int, np.ndarray] = field(default_factory=dict)  # element → units x months with a value
    # (element, month) → {unit row: ids of the imports that stored its values}
    imports_of: dict[tuple[int, int], dict[int, set[int]]] = field(default_factory=dict)

    def imports_for(self, elements, row: int, col: int) -> tuple[int, ...]:
        """The imports behind the values of these elements at this unit, or in its subtree, this month."""
        found: set[int] = set()
        for element in elements:
            for source, ids in self.imports_of.get((element, col), {}).items():
                if source == row or row in self.ancestors[source]:
                    found |= ids
        return tuple(sorted(found, reverse=True))


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
        try:
            parsed[mapping.pk] = (parse_expression(mapping.numerator), parse_expression(mapping.denominator))
        except ExpressionError:
            continue  # a mapping saved before its text was checked: nothing to compute
    uids = {o.data_element for num, den in parsed.values() for o in num.operands() | den.operands()}
    elements = {
        e.pk: e
        for e in DataElement.objects.filter(uid__in=uids).only("id", "uid", "name", "aggregation_type")
    }
    if not elements:
        return []
    data = _load(user, countries, list(elements), periods, starts)
    ids = [p.id for p in periods]
    findings: list[Finding] = []
    if check in ("", "ratio"):
        for mapping in mappings:
            if mapping.pk in parsed and mapping.country_id in data:
                findings += _ratio_findings(
                    data[mapping.country_id], mapping, parsed[mapping.pk], elements, ids
                )
    first_use = _first_indicator_of_elements(mappings, parsed, elements)
    for country_data in data.values():
        if check in ("", "outlier", "jump"):
            findings += _value_findings(country_data, elements, ids, first_use, check)
        if check in ("", "missing"):
            findings += _missing_findings(country_data, elements, ids, first_use)
    findings.sort(key=lambda f: (-f.sort_index, f.country.name, f.unit.level, f.unit.name, f.check))
    return findings


# --- loading ---------------------------------------------------------------------------------------------


def _load(user, countries, element_ids, periods, starts) -> dict[int, _Country]:
    """Three queries: the countries' org units, their own monthly values, and the sums of their parents."""
    window = {
        "period__period_type": "Monthly",
        "period__start_date__gte": periods[0].start,
        "period__end_date__lte": periods[-1].end,
        "data_element_id__in": element_ids,
    }
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
        data[country.pk] = _Country(country, own, index, parents, ancestors)
    width = len(periods)
    values = readable(
        DataValue.objects.filter(org_unit__country__in=countries, deleted=False, **window), user
    )
    for unit_id, country_id, element, combo, start, number, text, import_id in values.values_list(
        "org_unit_id",
        "org_unit__country_id",
        "data_element_id",
        "category_option_combo_id",
        "period__start_date",
        "numeric",
        "value",
        "data_import_id",
    ).iterator(chunk_size=5000):
        c = data[country_id]
        row, col = c.index[unit_id], starts.get(start)
        if col is None:
            continue
        grid = c.own.get((element, combo))
        if grid is None:
            grid = c.own[(element, combo)] = _grid(len(c.units), width)
        present = c.present.get(element)
        if present is None:
            present = c.present[element] = np.zeros((len(c.units), width), dtype=bool)
        present[row, col] = True
        if number is not None:
            grid[row, col] = number if math.isnan(grid[row, col]) else grid[row, col] + number
        elif text is not None:
            text_grid = c.text.get(element)
            if text_grid is None:
                text_grid = c.text[element] = np.zeros((len(c.units), width), dtype=bool)
            for target in (row, *c.ancestors[row]):
                text_grid[target, col] = True
        if import_id is not None:
            c.imports_of.setdefault((element, col), {}).setdefault(row, set()).add(import_id)
    sums = readable(AggregateValue.objects.filter(org_unit__country__in=countries, **window), user)
    for unit_id, country_id, element, combo, start, total in sums.values_list(
        "org_unit_id", "org_unit__country_id", "data_element_id", "category_option_combo_id",
        "period__start_date", "total",
    ).iterator(chunk_size=5000):  # fmt: skip
        c = data[country_id]
        col = starts.get(start)
        if col is None:
            continue
        grid = c.sums.get((element, combo))
        if grid is None:
            grid = c.sums[(element, combo)] = _grid(len(c.units), width)
        grid[c.index[unit_id], col] = total
    return data


def _grid(rows: int, columns: int) -> np.ndarray:
    return np.full((rows, columns), np.nan)


# --- numerator and denominator, at every level -------------------------------------------------------------


def _ratio_findings(c: _Country, mapping, expressions, elements, ids) -> list[Finding]:
    indicator = mapping.network_indicator
    numerator, denominator = expressions
    by_uid = {e.uid: pk for pk, e in elements.items()}

    def values(operand):
        element = by_uid.get(operand.data_element)
        out = _grid(len(c.units), len(ids))
        if element is None:
            return out
        for store, rows in ((c.own, ~c.parents), (c.sums, c.parents)):
            for (e, combo), grid in store.items():
                if e != element or (
                    operand.category_option_combo and _combo_uid(combo) != operand.category_option_combo
                ):
                    continue
                add = np.where(rows[:, None], grid, np.nan)
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
                import_ids=c.imports_for(used, int(row), int(col)),
            )
        )
    return out


_COMBO_UIDS: dict[int, str] = {}


def _combo_uid(combo_id: int) -> str:
    """A category option combo's UID (operands name combos by UID; values store their ids), cached."""
    if combo_id not in _COMBO_UIDS:
        from qicop.indicators.models import CategoryOptionCombo

        _COMBO_UIDS.update(CategoryOptionCombo.objects.values_list("id", "uid"))
    return _COMBO_UIDS.get(combo_id, "")


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
                import_ids=c.imports_for((element,), row, col),
            )
        )
    return out


def _outliers(series: dict, reasons: dict) -> None:
    long_enough = {
        key: y for key, y in series.items() if np.count_nonzero(~np.isnan(y)) >= OUTLIER_MIN_POINTS
    }
    if not long_enough:
        return
    results = charts(long_enough, kind="i")
    for (element, _combo, row), result in results.items():
        y = long_enough[(element, _combo, row)]
        median = float(np.nanmedian(y))
        outside = (y > result.ucl) | (y < result.lcl)
        far = (y >= OUTLIER_RATIO * median) | (y <= median / OUTLIER_RATIO)
        big = np.abs(y - median) >= SMALLEST_CHANGE
        for col in np.flatnonzero(outside & far & big & ~np.isnan(y)):
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
    for (element, _combo, row), y in series.items():
        if elements[element].aggregation_type != "LAST":
            continue
        previous, current = y[:-1], y[1:]
        with np.errstate(invalid="ignore", divide="ignore"):
            jump = ((current > JUMP_RATIO * previous) | (current < previous / JUMP_RATIO)) & (
                np.abs(current - previous) >= SMALLEST_CHANGE
            )
        for col in np.flatnonzero(jump):
            words = _("a stock that jumps from %(previous)s to %(value)s in one month") % {
                "previous": checks.number_words(previous[col]),
                "value": checks.number_words(current[col]),
            }
            reasons[(element, row, int(col) + 1)].append(("jump", words))


def _missing_findings(c: _Country, elements, ids, first_use) -> list[Finding]:
    """Runs of months without a value between months with one, per org unit (elements named together)."""
    runs: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for element, present in c.present.items():
        for row in np.flatnonzero(present.any(axis=1)):
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
    from qicop.indicators.models import DataImport
    from qicop.indicators.selectors import imports_for_user

    wanted = {pk for finding in findings for pk in finding.import_ids[:shown]}
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
        finding.imports = [refs[pk] for pk in finding.import_ids[:shown] if pk in refs]
