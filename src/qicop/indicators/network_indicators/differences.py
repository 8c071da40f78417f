"""Where the countries' definitions of a network indicator differ, in words.

Two notions, both shown on the review page:

- **stated**: what a country says of its own definition (``IndicatorMapping.definition_differences``; the ⚠
  beside its values on the dashboard, the chart and the country's page);
- **found**: what the mappings themselves show. Countries whose numerator (or denominator) names other data
  elements, other disaggregations or attributes, or elements that combine periods otherwise (a stock's last
  value against a flow's sum) measure something different; a mapping that cannot be read, or names an
  element that does not exist or that another country keeps, gives no values; a country without a mapping
  shows none.

Computed from rows already read (``indicator_differences``): no query of its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qicop.indicators.models import IndicatorMapping, NetworkIndicator
from qicop.indicators.network_indicators.words import Names, aggregation_words, parsed
from qicop.integrations.dhis2.expressions import Expression
from qicop.network.models import Country


@dataclass(frozen=True)
class Group:
    """Countries that count the same thing for one side (numerator or denominator)."""

    words: str
    aggregation: str
    countries: list[Country]


@dataclass(frozen=True)
class SideDifference:
    side: str  # "numerator" or "denominator"
    title: str
    groups: list[Group]
    notes: list[str]


@dataclass(frozen=True)
class CountryNote:
    country: Country
    text: str
    codes: list[str] = field(default_factory=list)  # uids a data manager needs to find what is wrong


@dataclass(frozen=True)
class IndicatorDifferences:
    indicator: NetworkIndicator
    sides: list[SideDifference]
    stated: list[CountryNote]
    problems: list[CountryNote]
    unmapped: list[Country]

    @property
    def count(self) -> int:
        """How many things to look at: each differing side, each statement, each problem, the unmapped."""
        return len(self.sides) + len(self.stated) + len(self.problems) + (1 if self.unmapped else 0)


def names_for(mappings) -> Names:
    """The names every mapping of ``mappings`` needs (two queries)."""
    expressions = []
    for mapping in mappings:
        for text in (mapping.numerator, mapping.denominator):
            expression = parsed(text)
            if expression is not None:
                expressions.append(expression)
    return Names.load(expressions)


def indicator_differences(
    indicator: NetworkIndicator, countries: list[Country], mappings: list[IndicatorMapping], names: Names
) -> IndicatorDifferences:
    """Where the mappings of ``indicator`` by ``countries`` (the network's, in the order shown) differ."""
    by_country = {mapping.country_id: mapping for mapping in mappings}
    unmapped = [country for country in countries if country.pk not in by_country]
    stated, problems = [], []
    readable: dict[int, tuple[Expression, Expression]] = {}
    for country in countries:
        mapping = by_country.get(country.pk)
        if mapping is None:
            continue
        if mapping.definition_differences.strip():
            stated.append(CountryNote(country, mapping.definition_differences.strip()))
        problem = _problem(country, mapping, names)
        if problem is not None:
            problems.append(problem)
            continue
        readable[country.pk] = (parsed(mapping.numerator), parsed(mapping.denominator))
    sides = []
    for index, side in enumerate(("numerator", "denominator")):
        difference = _side(side, [(c, readable[c.pk][index]) for c in countries if c.pk in readable], names)
        if difference is not None:
            sides.append(difference)
    return IndicatorDifferences(indicator, sides, stated, problems, unmapped)


def _problem(country: Country, mapping: IndicatorMapping, names: Names) -> CountryNote | None:
    for label, text in ((_("numerator"), mapping.numerator), (_("denominator"), mapping.denominator)):
        expression = parsed(text)
        if expression is None:
            return CountryNote(
                country,
                _("Its %(part)s cannot be read, so no value is shown: choose its data again.")
                % {"part": label},
            )
        unknown = names.unknown(expression)
        if unknown:
            return CountryNote(
                country,
                _("Its %(part)s names a data element this site does not hold, so no value is shown.")
                % {"part": label},
                unknown,
            )
        foreign = sorted(
            names.elements[o.data_element].name
            for o in expression.operands()
            if names.elements[o.data_element].country_id not in (None, country.pk)
        )
        if foreign:
            return CountryNote(
                country,
                _(
                    "Its %(part)s counts %(elements)s, which another country keeps: no value of this country "
                    "is stored under it."
                )
                % {"part": label, "elements": ", ".join(foreign)},
            )
    return None


def _aggregation(expression: Expression, names: Names) -> str:
    kinds = sorted({names.elements[o.data_element].aggregation for o in expression.operands()})
    return ", ".join(aggregation_words(kind) for kind in kinds)


def _side(side: str, rows: list[tuple[Country, Expression]], names: Names) -> SideDifference | None:
    groups: dict[Expression, list[Country]] = defaultdict(list)
    for country, expression in rows:
        groups[expression].append(country)
    if len(groups) < 2:
        return None
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))  # the most common first
    shown = [
        Group(names.expression(expression.text), _aggregation(expression, names), members)
        for expression, members in ordered
    ]
    notes = []
    elements = {frozenset(o.data_element for o in expression.operands()) for expression, _m in ordered}
    if len(elements) == 1:
        notes.append(_("The same data elements, but different disaggregations, attributes or arithmetic."))
    if len({group.aggregation for group in shown}) > 1:
        notes.append(
            _(
                "They also combine periods differently (a stock's last value against a flow's sum): "
                "quarters and years will not compare."
            )
        )
    title = (
        _("The countries' numerators count different things.")
        if side == "numerator"
        else _("The countries' denominators count different things.")
    )
    return SideDifference(side, title, shown, notes)
