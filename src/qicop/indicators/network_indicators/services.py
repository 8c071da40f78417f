"""Writes of network indicators and of the countries' mappings: each atomic and audited, each giving the
countries whose dashboards change a new data version (data_versions.py), so that no page keeps showing the
indicator as it was.

The callers (views) check who may write (network_indicators/permissions.py); these check what is written:
a code unique in the network, expressions that parse and name only data elements and option combos the
country may use (the network's shared ones and its own)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.indicators.data_versions import bump_data_versions
from qicop.indicators.models import IndicatorMapping, NetworkIndicator
from qicop.indicators.network_indicators import selectors
from qicop.indicators.network_indicators.words import parsed
from qicop.network.models import Country, Network

#: codes that name pages under the indicators' address, never an indicator
RESERVED_CODES = frozenset({"new", "differences"})

#: the fields of a network indicator a coordinator writes (the code is given once, at creation)
FIELDS = (
    "name",
    "description",
    "numerator_label",
    "denominator_label",
    "factor",
    "improvement",
    "target",
    "chart_kind",
    "topic",
    "order",
)


def _network_countries(network: Network) -> list[int]:
    return list(network.countries.values_list("pk", flat=True))


def free_code(network: Network, name: str) -> str:
    """A code for a new indicator named ``name``: its slug, with a number added if the network has it."""
    base = slugify(name)[:45] or "indicator"
    code, number = base, 2
    while code in RESERVED_CODES or selectors.code_taken(network, code):
        code, number = f"{base}-{number}", number + 1
    return code


@transaction.atomic
def create_network_indicator(*, actor, network: Network, code: str = "", **fields) -> NetworkIndicator:
    """A new indicator of the network; ``code`` is made from the name when empty. Raises ValidationError
    (on "code") when the network has the code already or it names a page."""
    Network.objects.select_for_update().filter(pk=network.pk).first()  # two creators of one code: one wins
    code = code.strip() or free_code(network, fields["name"])
    if code in RESERVED_CODES:
        raise ValidationError(
            {"code": _("“%(code)s” names a page of qicop: choose another code.") % {"code": code}}
        )
    if selectors.code_taken(network, code):
        raise ValidationError(
            {"code": _("This network already has an indicator with the code “%(code)s”.") % {"code": code}}
        )
    indicator = NetworkIndicator.objects.create(network=network, code=code, **_only(fields))
    audit(actor=actor, verb="network_indicator.create", target=indicator, code=code, name=indicator.name)
    bump_data_versions(_network_countries(network))
    return indicator


@transaction.atomic
def update_network_indicator(*, actor, indicator: NetworkIndicator, **fields) -> NetworkIndicator:
    """Change what the indicator says (its code stays: links and saved charts use it)."""
    fields = _only(fields)
    changed = {
        name: [_plain(getattr(indicator, name)), _plain(value)]
        for name, value in fields.items()
        if getattr(indicator, name) != value
    }
    if not changed:
        return indicator
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.save(update_fields=[*fields, "updated_at"])
    audit(actor=actor, verb="network_indicator.update", target=indicator, changes=changed)
    bump_data_versions(_network_countries(indicator.network))
    return indicator


def _only(fields: dict) -> dict:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"not a network indicator field: {sorted(unknown)}")
    return fields


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _check_expression(country: Country, field: str, text: str) -> str:
    expression = parsed(text)
    if expression is None:
        raise ValidationError({field: _("This expression cannot be read. Choose the data elements again.")})
    operands = expression.operands()
    elements = {operand.data_element for operand in operands}
    if elements - selectors.usable_element_uids(country, elements):
        raise ValidationError(
            {
                field: _("Choose data elements that %(country)s keeps or the network shares.")
                % {"country": country.display_name}
            }
        )
    combos = {
        uid
        for o in operands
        for uid in (o.category_option_combo, o.attribute_option_combo)
        if uid is not None
    }
    if combos - selectors.usable_combo_uids(country, combos):
        raise ValidationError(
            {
                field: _(
                    "Choose disaggregations and attributes that %(country)s keeps or the network shares."
                )
                % {"country": country.display_name}
            }
        )
    return text.strip()


@transaction.atomic
def map_indicator(
    *,
    actor,
    indicator: NetworkIndicator,
    country: Country,
    numerator: str,
    denominator: str = "1",
    definition_differences: str = "",
) -> IndicatorMapping:
    """Set how ``country`` computes ``indicator`` (creating or replacing its mapping). Raises
    ValidationError (on "numerator" or "denominator") for an expression that does not parse or names data
    the country may not use; the country must be one of the indicator's network."""
    if not indicator.network.countries.filter(pk=country.pk).exists():
        raise ValidationError(
            _("%(country)s is not a country of this network.") % {"country": country.display_name}
        )
    # Lock the indicator: two people mapping the same country at once save one after the other, rather
    # than both creating a mapping and one failing on the unique constraint.
    NetworkIndicator.objects.select_for_update().filter(pk=indicator.pk).first()
    numerator = _check_expression(country, "numerator", numerator)
    denominator = _check_expression(country, "denominator", denominator or "1")
    mapping = (
        IndicatorMapping.objects.select_for_update()
        .filter(network_indicator=indicator, country=country)
        .first()
    )
    new = {
        "numerator": numerator,
        "denominator": denominator,
        "definition_differences": definition_differences.strip(),
    }
    if mapping is None:
        mapping = IndicatorMapping.objects.create(network_indicator=indicator, country=country, **new)
        audit(actor=actor, verb="indicator_mapping.create", target=mapping, country=country.iso2, **new)
    else:
        changed = {
            name: [getattr(mapping, name), value]
            for name, value in new.items()
            if getattr(mapping, name) != value
        }
        if not changed:
            return mapping
        for name, value in new.items():
            setattr(mapping, name, value)
        mapping.save(update_fields=[*new, "updated_at"])
        verb = "indicator_mapping.update"
        audit(actor=actor, verb=verb, target=mapping, country=country.iso2, changes=changed)
    bump_data_versions([country.pk])
    return mapping


@transaction.atomic
def unmap_indicator(*, actor, mapping: IndicatorMapping) -> None:
    """Remove a country's mapping: the country's values of the indicator are no longer shown."""
    audit(
        actor=actor,
        verb="indicator_mapping.delete",
        target=mapping,
        country=mapping.country.iso2,
        numerator=mapping.numerator,
        denominator=mapping.denominator,
    )
    country_id = mapping.country_id
    mapping.delete()
    bump_data_versions([country_id])
