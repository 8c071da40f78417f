"""Mappings in words: the data elements, disaggregations and attributes an expression names, by their names,
so that nobody has to read ``#{uid}`` to know what a country counts. Names are read once for many
expressions (``Names.load``: two queries whatever their number)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from qicop.indicators.models import CategoryOptionCombo, DataElement
from qicop.integrations.dhis2.expressions import Expression, ExpressionError, Operand, parse_expression

_ITEM = re.compile(r"#\{([^{}]*)\}")

#: how periods add up, in words, by DHIS2 aggregation type
AGGREGATIONS = {
    "SUM": lambda: _("summed over time"),
    "LAST": lambda: _("last value of the period"),
    "AVERAGE": lambda: _("averaged over time"),
    "AVERAGE_SUM_ORG_UNIT": lambda: _("averaged over time"),
    "COUNT": lambda: _("counted"),
    "MIN": lambda: _("lowest value"),
    "MAX": lambda: _("highest value"),
}


def aggregation_words(aggregation: str) -> str:
    words = AGGREGATIONS.get(aggregation)
    return words() if words else aggregation.lower().replace("_", " ")


@dataclass(frozen=True)
class ElementFacts:
    name: str
    code: str
    aggregation: str
    country_id: int | None


@dataclass
class Names:
    """Names of the data elements and option combos some expressions name, by uid."""

    elements: dict[str, ElementFacts] = field(default_factory=dict)
    combos: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, expressions: list[Expression]) -> Names:
        operands = {operand for expression in expressions for operand in expression.operands()}
        element_uids = {operand.data_element for operand in operands}
        combo_uids = {
            uid
            for operand in operands
            for uid in (operand.category_option_combo, operand.attribute_option_combo)
            if uid
        }
        elements = (
            {
                uid: ElementFacts(name, code or "", aggregation, country_id)
                for uid, name, code, aggregation, country_id in DataElement.objects.filter(
                    uid__in=element_uids
                ).values_list("uid", "name", "code", "aggregation_type", "country_id")
            }
            if element_uids
            else {}
        )
        combos = (
            dict(CategoryOptionCombo.objects.filter(uid__in=combo_uids).values_list("uid", "name"))
            if combo_uids
            else {}
        )
        return cls(elements, combos)

    def operand(self, operand: Operand) -> str:
        element = self.elements.get(operand.data_element)
        name = element.name if element else _("an unknown data element")
        parts = []
        if operand.category_option_combo:
            parts.append(self.combos.get(operand.category_option_combo, _("an unknown disaggregation")))
        if operand.attribute_option_combo:
            parts.append(self.combos.get(operand.attribute_option_combo, _("an unknown attribute")))
        return f"{name} ({', '.join(parts)})" if parts else name

    def expression(self, text: str) -> str:
        """The expression with each data item written as its name (and its disaggregation's)."""
        if text.strip() == "1":
            return _("1 (no denominator: the numerator is shown as it is)")

        def named(match: re.Match) -> str:
            parts = match.group(1).split(".")
            parts += ["*"] * (3 - len(parts))
            operand = Operand(
                parts[0], None if parts[1] == "*" else parts[1], None if parts[2] == "*" else parts[2]
            )
            return self.operand(operand)

        return _ITEM.sub(named, text)

    def unknown(self, expression: Expression) -> list[str]:
        """Uids of the data elements the expression names that do not exist."""
        return sorted({o.data_element for o in expression.operands() if o.data_element not in self.elements})


def parsed(text: str) -> Expression | None:
    try:
        return parse_expression(text)
    except ExpressionError:
        return None
