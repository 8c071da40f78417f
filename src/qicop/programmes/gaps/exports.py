"""The results as rows for a spreadsheet (CSV through ``integrations.spreadsheet``'s writer for people):
levels stay numbers, domains carry their stable code beside their name."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from qicop.programmes.gaps.selectors import GapMap, InstrumentHistory

COUNTRY_COLUMNS = [
    "instrument",
    "version",
    "year",
    "status",
    "shared",
    "domain_code",
    "domain",
    "level",
    "change",
]


def country_rows(histories: list[InstrumentHistory]) -> Iterator[dict]:
    """One row per instrument, year and domain, every year the viewer may see (the page shows the last
    five); the change is since the year before, empty for the first."""
    for history in histories:
        changes = {code: history.changes(code) for code, _name in history.domains}
        for index, year in enumerate(history.years):
            for code, name in history.domains:
                change = changes[code][index]
                yield {
                    "instrument": history.instrument.name,
                    "version": year.round.instrument.version,
                    "year": year.year,
                    "status": str(year.round.get_status_display()),
                    "shared": "yes" if year.round.shared else "no",
                    "domain_code": code,
                    "domain": name,
                    "level": None if change.level is None else round(change.level, 2),
                    "change": None if change.change is None else round(change.change, 2),
                }


def gap_map_columns(gaps: GapMap) -> list[str]:
    return ["country", "year", "shared", *[code for code, _name in gaps.columns], "overall"]


def gap_map_rows(gaps: GapMap) -> Iterator[list]:
    """The gap map as shown (countries lowest first, domains weakest first), a second header line naming
    the domains, then the number of countries at each level of each domain."""
    yield ["", "", "", *[name for _code, name in gaps.columns], ""]
    for row in gaps.rows:
        levels = [None if c.level is None else round(c.level, 2) for c in row.cells]
        overall = None if row.overall is None else round(row.overall, 2)
        shared = "yes" if row.round.shared else "no"
        yield [row.country.display_name, row.round.year, shared, *levels, overall]
    for level in gaps.levels:
        yield [f"level {level}", "", "", *[d.counts[level] for d in gaps.distribution], ""]


# --- XLSX: the same rows, a header row in the reader's language, a sheet per table -------------------------


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _country_values(row: dict) -> list:
    values = [row[column] for column in COUNTRY_COLUMNS]
    values[COUNTRY_COLUMNS.index("shared")] = _yes_no(row["shared"] == "yes")
    return values


def country_sheets(histories: list[InstrumentHistory]) -> list[tuple[str, list[str], Iterator[list]]]:
    """A country's results: ``country_rows`` under a header in the reader's language."""
    labels = [
        _("Instrument"),
        _("Version"),
        _("Year"),
        _("Status"),
        _("Shared"),
        _("Domain code"),
        _("Domain"),
        _("Level"),
        _("Change since the year before"),
    ]
    return [(_("Results"), labels, (_country_values(row) for row in country_rows(histories)))]


def gap_map_sheets(gaps: GapMap | None) -> list[tuple[str, list[str], Iterator[list]]]:
    """The gap map as shown (countries lowest first, domains weakest first, named in the reader's
    language), and a second sheet with the number of countries at each level of each domain."""
    if gaps is None:
        return [(_("Gap map"), [_("Country")], iter([]))]
    names = [name for _code, name in gaps.columns]

    def rows():
        for row in gaps.rows:
            levels = [None if c.level is None else round(c.level, 2) for c in row.cells]
            overall = None if row.overall is None else round(row.overall, 2)
            yield [row.country.display_name, row.round.year, _yes_no(row.round.shared), *levels, overall]

    def distribution():
        for level in gaps.levels:
            yield [level, *[d.counts[level] for d in gaps.distribution]]
        yield [_("no level"), *[d.unrated for d in gaps.distribution]]

    return [
        (_("Gap map"), [_("Country"), _("Year"), _("Shared"), *names, _("Mean")], rows()),
        (_("Countries at each level"), [_("Level"), *names], distribution()),
    ]
