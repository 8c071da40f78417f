"""Reads of the network indicator pages, each bounded and with a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from qicop.indicators.models import (
    Category,
    CategoryOptionCombo,
    DataElement,
    Indicator,
    IndicatorMapping,
    NetworkIndicator,
)
from qicop.indicators.network_indicators.differences import (
    IndicatorDifferences,
    indicator_differences,
    names_for,
)
from qicop.network.models import Country, Member, Network, Role

#: the most data elements (and their disaggregations) a mapping form lists; a search narrows the rest
OPERAND_LIMIT = 200
#: the most of a country's own indicators and attributes a mapping form lists
CHOICE_LIMIT = 200


def indicators_of_network(network: Network) -> QuerySet[NetworkIndicator]:
    return NetworkIndicator.objects.filter(network=network).order_by("order", "name", "pk")


def indicator_in_network(network: Network, code: str) -> NetworkIndicator:
    indicator = NetworkIndicator.objects.filter(network=network, code=code).first()
    if indicator is None:
        raise Http404("No such indicator in this network")
    return indicator


def code_taken(network: Network, code: str) -> bool:
    return NetworkIndicator.objects.filter(network=network, code=code).exists()


def network_countries(network: Network) -> list[Country]:
    """The network's countries by name (a network has tens of them, never thousands)."""
    return list(network.countries.order_by("name"))


def mapping_of(indicator: NetworkIndicator, country: Country) -> IndicatorMapping | None:
    return IndicatorMapping.objects.filter(network_indicator=indicator, country=country).first()


@dataclass(frozen=True)
class IndicatorRow:
    """A line of the indicators list: the indicator, the countries that mapped it and those that did not."""

    indicator: NetworkIndicator
    mapped: list[Country]
    unmapped: list[Country]
    differences: IndicatorDifferences


def indicator_rows(indicators, countries: list[Country]) -> list[IndicatorRow]:
    """One row per indicator of ``indicators`` (a page of them): four queries whatever their number."""
    indicators = list(indicators)
    mappings = list(
        IndicatorMapping.objects.filter(
            network_indicator__in=indicators, country__in=[c.pk for c in countries]
        ).order_by()
    )
    names = names_for(mappings)
    by_indicator: dict[int, list[IndicatorMapping]] = {}
    for mapping in mappings:
        by_indicator.setdefault(mapping.network_indicator_id, []).append(mapping)
    rows = []
    for indicator in indicators:
        own = by_indicator.get(indicator.pk, [])
        done = {mapping.country_id for mapping in own}
        rows.append(
            IndicatorRow(
                indicator,
                [c for c in countries if c.pk in done],
                [c for c in countries if c.pk not in done],
                indicator_differences(indicator, countries, own, names),
            )
        )
    return rows


@dataclass(frozen=True)
class CountryMapping:
    """A country of the network and how it maps one indicator, in words."""

    country: Country
    mapping: IndicatorMapping | None
    numerator: str
    denominator: str


def country_mappings(indicator: NetworkIndicator, countries: list[Country]):
    """Each country's mapping of ``indicator`` in words, and where they differ (three queries)."""
    mappings = list(IndicatorMapping.objects.filter(network_indicator=indicator).order_by())
    names = names_for(mappings)
    by_country = {mapping.country_id: mapping for mapping in mappings}
    rows = []
    for country in countries:
        mapping = by_country.get(country.pk)
        rows.append(
            CountryMapping(
                country,
                mapping,
                names.expression(mapping.numerator) if mapping else "",
                names.expression(mapping.denominator) if mapping else "",
            )
        )
    return rows, indicator_differences(
        indicator, countries, [m for m in mappings if m.country_id in {c.pk for c in countries}], names
    )


def _usable_by(country: Country) -> Q:
    """Metadata a country's mapping may name: the network's shared metadata and what the country keeps."""
    return Q(country__isnull=True) | Q(country=country)


@dataclass(frozen=True)
class OperandChoices:
    """What a mapping form lists: data elements (each with its disaggregations), and how many were left
    out by the limit."""

    elements: list[DataElement]
    combos: dict[int, list[CategoryOptionCombo]]  # category combo id → its option combos (not "default")
    total: int


def operand_choices(country: Country, *, search: str = "", keep: set[str] = frozenset()) -> OperandChoices:
    """The data elements ``country`` may map, narrowed by ``search`` (name or code), at most OPERAND_LIMIT,
    always with those of ``keep`` (uids already chosen); three queries."""
    elements = DataElement.objects.filter(_usable_by(country)).select_related("category_combo")
    if search:
        elements = elements.filter(Q(name__icontains=search) | Q(code__icontains=search))
    total = elements.count()
    shown = list(elements.order_by("name", "pk")[:OPERAND_LIMIT])
    missing = keep - {element.uid for element in shown}
    if missing:
        shown += list(
            DataElement.objects.filter(_usable_by(country), uid__in=missing).select_related("category_combo")
        )
        shown.sort(key=lambda element: (element.name, element.pk))
    combo_ids = {element.category_combo_id for element in shown if element.category_combo.name != "default"}
    combos: dict[int, list[CategoryOptionCombo]] = {}
    for coc in CategoryOptionCombo.objects.filter(category_combo_id__in=combo_ids).order_by("name", "pk"):
        combos.setdefault(coc.category_combo_id, []).append(coc)
    return OperandChoices(shown, combos, total)


def indicator_choices(country: Country) -> QuerySet[Indicator]:
    """The DHIS2 indicators a country's mapping may take its expressions from (its own and shared ones)."""
    return Indicator.objects.filter(_usable_by(country)).order_by("name", "pk")


def attribute_choices(country: Country) -> QuerySet[CategoryOptionCombo]:
    """Attribute option combos (funding mechanisms…) a mapping may be narrowed to."""
    return (
        CategoryOptionCombo.objects.filter(_usable_by(country))
        .filter(category_combo__data_dimension_type=Category.DimensionType.ATTRIBUTE)
        .exclude(name="default")
        .order_by("name", "pk")
    )


def usable_element_uids(country: Country, uids: set[str]) -> set[str]:
    return set(DataElement.objects.filter(_usable_by(country), uid__in=uids).values_list("uid", flat=True))


def usable_combo_uids(country: Country, uids: set[str]) -> set[str]:
    return set(
        CategoryOptionCombo.objects.filter(_usable_by(country), uid__in=uids).values_list("uid", flat=True)
    )


#: the most coordinators named as the people to ask
COORDINATOR_LIMIT = 10


def coordinators_of(network: Network) -> list[Member]:
    """Who to ask for a new indicator or a mapping: the network's coordinators, by name (one query)."""
    return list(
        Member.objects.filter(memberships__network=network, memberships__role=Role.COORDINATOR)
        .distinct()
        .order_by("full_name", "pk")[:COORDINATOR_LIMIT]
    )
