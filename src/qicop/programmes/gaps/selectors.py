"""Reads of the results pages: a country's history per instrument, and the network's gap map.

Both read levels through ``scores.domain_results`` and follow domains across versions of an instrument by
their code, so a renamed or reordered domain keeps its line. A country's or the network's overall level is
``overall_level``: the one number the gap map, the country results and the country page all show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import Http404

from qicop.charts.levels import LEVEL_COLOURS, level_colours, level_step
from qicop.core.i18n import by_display_name
from qicop.network.models import Country, Network
from qicop.network.permissions import Viewer
from qicop.programmes.gaps import permissions
from qicop.programmes.models import AssessmentRound, Instrument
from qicop.programmes.permissions import VISIBLE_TO_OTHERS
from qicop.programmes.scores import DomainResult, domain_results

#: The most rounds of one country a results page reads (17 years × a few instruments fit many times).
COUNTRY_ROUNDS = 300
#: The most rounds of one instrument the gap map reads (every country's every year, newest first).
GAP_MAP_ROUNDS = 3000
#: The most instruments offered on the gap map.
INSTRUMENTS = 50
#: The years a country's table shows (the radar draws as many; the CSV has them all).
TABLE_YEARS = 5


def overall_level(levels: Iterable[float | None]) -> float | None:
    """The mean of the levels there are; None when there are none."""
    known = [level for level in levels if level is not None]
    return sum(known) / len(known) if known else None


# --- a country's results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    level: float | None
    change: float | None  # since the previous year shown in the history; None for the first or no level

    @property
    def size(self) -> float | None:
        return None if self.change is None else abs(self.change)


@dataclass(frozen=True)
class YearResult:
    round: AssessmentRound
    levels: dict[str, float | None]  # by domain code

    @property
    def year(self) -> int:
        return self.round.year

    @property
    def overall(self) -> float | None:
        return overall_level(self.levels.values())


@dataclass
class InstrumentHistory:
    """A country's confirmed rounds of one instrument (all its versions), oldest first."""

    instrument: Instrument  # the version of the latest round
    domains: list[tuple[str, str]]  # (code, name): the latest version's order, then domains dropped since
    years: list[YearResult]

    @property
    def slug(self) -> str:
        return self.instrument.slug

    @property
    def latest(self) -> YearResult:
        return self.years[-1]

    @property
    def shown(self) -> list[YearResult]:
        return self.years[-TABLE_YEARS:]

    @property
    def earlier(self) -> int:
        """How many years the table leaves out (they are in the CSV)."""
        return max(0, len(self.years) - TABLE_YEARS)

    def changes(self, code: str) -> list[Change]:
        """One domain across every year, each with its change since the year before."""
        out, previous = [], None
        for year in self.years:
            level = year.levels.get(code)
            change = level - previous if level is not None and previous is not None else None
            out.append(Change(level, change))
            previous = level
        return out

    @property
    def rows(self) -> list[tuple[str, list[Change]]]:
        """The table under the radar: each domain's name and its shown years."""
        return [(name, self.changes(code)[-TABLE_YEARS:]) for code, name in self.domains]

    @property
    def overall_changes(self) -> list[Change]:
        out, previous = [], None
        for year in self.years:
            level = year.overall
            out.append(Change(level, level - previous if None not in (level, previous) else None))
            previous = level
        return out[-TABLE_YEARS:]


def _domains(results: list[list[DomainResult]]) -> list[tuple[str, str]]:
    """Codes and names, newest round first: its order and names win; codes only older rounds had follow."""
    seen: dict[str, str] = {}
    for domains in reversed(results):
        for domain in domains:
            seen.setdefault(domain.code, domain.name)
    return list(seen.items())


def country_histories(viewer: Viewer, network: Network, country: Country) -> list[InstrumentHistory]:
    """The country's confirmed and locked rounds the viewer may see, grouped by instrument (its versions
    together), national programme first. Three queries."""
    rounds = list(
        AssessmentRound.objects.filter(network=network, country=country, status__in=VISIBLE_TO_OTHERS)
        .select_related("instrument")
        .prefetch_related("assessors")
        .order_by("-year", "-id")[:COUNTRY_ROUNDS]
    )
    for round_ in rounds:
        round_.network = network  # the permission reads it; it is the page's network
    rounds = [r for r in rounds if permissions.shows_country_result(viewer, r)]
    results = domain_results(rounds)
    by_slug: dict[str, list[AssessmentRound]] = {}
    for round_ in sorted(rounds, key=lambda r: (r.year, r.pk)):
        by_slug.setdefault(round_.instrument.slug, []).append(round_)
    kinds = list(Instrument.Kind.values)
    histories = []
    for group in by_slug.values():
        latest = group[-1]
        histories.append(
            InstrumentHistory(
                instrument=latest.instrument,
                domains=_domains([results[r.pk] for r in group]),
                years=[YearResult(r, {d.code: d.level for d in results[r.pk]}) for r in group],
            )
        )
    histories.sort(key=lambda h: (kinds.index(h.instrument.kind), h.instrument.name))
    return histories


def country_history(viewer: Viewer, network: Network, country: Country, slug: str) -> InstrumentHistory:
    for history in country_histories(viewer, network, country):
        if history.slug == slug:
            return history
    raise Http404("No results of this instrument that you may see")


# --- the network's gap map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    level: float | None

    @property
    def colours(self) -> tuple[str, str] | None:
        return level_colours(self.level)


@dataclass
class GapRow:
    country: Country
    round: AssessmentRound
    levels: dict[str, float | None]
    cells: list[Cell] = field(default_factory=list)

    @property
    def overall(self) -> float | None:
        return overall_level(self.levels.values())

    @property
    def overall_cell(self) -> Cell:
        return Cell(self.overall)


@dataclass
class Distribution:
    name: str
    counts: list[int]  # countries at each level 0–5
    unrated: int

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class GapMap:
    instrument: Instrument
    columns: list[tuple[str, str]]  # (code, name), weakest first
    rows: list[GapRow]  # lowest overall level first
    missing: list[Country]  # the network's countries without a round on the map
    distribution: list[Distribution]

    @property
    def levels(self) -> range:
        return range(len(LEVEL_COLOURS))

    @property
    def keys(self) -> list[tuple[int, tuple[str, str]]]:
        """Each level with its (background, text) colours, for the legend above the map."""
        return [(level, level_colours(level)) for level in self.levels]


def gap_map_instruments() -> list[Instrument]:
    """The current version of every instrument, national programme first."""
    instruments = list(Instrument.objects.filter(current=True).order_by("slug")[:INSTRUMENTS])
    kinds = list(Instrument.Kind.values)
    return sorted(instruments, key=lambda i: (kinds.index(i.kind), i.name))


def chosen_instrument(instruments: list[Instrument], slug: str | None) -> Instrument | None:
    """``slug``'s instrument (404 for an unknown one), else the national programme's, else the first."""
    if slug:
        for instrument in instruments:
            if instrument.slug == slug:
                return instrument
        raise Http404("No such instrument")
    national = [i for i in instruments if i.kind == Instrument.Kind.NATIONAL]
    return (national or instruments or [None])[0]


def _weakest_first(columns: list[tuple[str, str]], rows: list[GapRow]) -> list[tuple[str, str]]:
    """Domains where most countries are at their weakest come first; then the lowest mean across
    countries; then the instrument's order. A country "is at its weakest" in every domain that has its
    lowest level (ties count for each)."""
    weakest = dict.fromkeys((code for code, _name in columns), 0)
    for row in rows:
        known = [level for level in row.levels.values() if level is not None]
        if not known:
            continue
        lowest = min(known)
        for code in weakest:
            if row.levels.get(code) is not None and row.levels[code] <= lowest + 1e-9:
                weakest[code] += 1

    def key(indexed):
        index, (code, _name) = indexed
        mean = overall_level(row.levels.get(code) for row in rows)
        return (-weakest[code], float("inf") if mean is None else mean, index)

    return [column for _index, column in sorted(enumerate(columns), key=key)]


def gap_map(viewer: Viewer, network: Network, instrument: Instrument) -> GapMap:
    """Each country's latest round of ``instrument`` (any version) that the viewer may see on the map, as
    rows of levels by domain. Six queries."""
    candidates = (
        AssessmentRound.objects.filter(
            network=network, instrument__slug=instrument.slug, status__in=VISIBLE_TO_OTHERS
        )
        .select_related("country")
        .only("id", "year", "status", "shared", "instrument_id", "country", "network_id")
        .order_by("-year", "-id")[:GAP_MAP_ROUNDS]
    )
    latest: dict[int, AssessmentRound] = {}
    for round_ in candidates:
        if round_.country_id not in latest and permissions.shows_on_gap_map(viewer, network, round_):
            latest[round_.country_id] = round_
    results = domain_results(latest.values())
    columns = [(d.code, d.name) for d in instrument.domains.order_by("order", "id")]
    known = {code for code, _name in columns}
    for domains in results.values():  # domains an older version had and the current one dropped
        for domain in domains:
            if domain.code not in known:
                columns.append((domain.code, domain.name))
                known.add(domain.code)
    rows = [
        GapRow(round_.country, round_, {d.code: d.level for d in results[round_.pk]})
        for round_ in latest.values()
    ]
    rows.sort(key=lambda r: (r.overall is None, r.overall or 0.0, r.country.display_name))
    columns = _weakest_first(columns, rows)
    for row in rows:
        row.cells = [Cell(row.levels.get(code)) for code, _name in columns]
    others = network.countries.exclude(pk__in=latest.keys()).order_by("name")
    return GapMap(
        instrument=instrument,
        columns=columns,
        rows=rows,
        missing=by_display_name(others),
        distribution=[_distribution(name, [row.levels.get(code) for row in rows]) for code, name in columns],
    )


def _distribution(name: str, levels: list[float | None]) -> Distribution:
    counts = [0] * len(LEVEL_COLOURS)
    unrated = 0
    for level in levels:
        step = level_step(level)
        if step is None:
            unrated += 1
        else:
            counts[step] += 1
    return Distribution(name, counts, unrated)


def latest_results(viewer: Viewer, network: Network, country: Country) -> list[YearResult]:
    """The country page's summary: the latest confirmed round the viewer may see of each instrument."""
    return [history.latest for history in country_histories(viewer, network, country)]
