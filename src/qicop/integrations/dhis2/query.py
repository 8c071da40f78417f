"""DHIS2's list parameters for metadata: ``filter=property:operator:value`` and ``order=property:direction``.

Only the text is read here (no Django): which properties exist, and how a filter becomes a query, is decided
by ``qicop.api.dhis2.schemas``. Operators are DHIS2's (``DefaultQueryParser``, 2.40):

========================  ==============================================================================
``eq`` ``ieq``            equal; ``ieq`` ignores case
``!eq`` ``ne`` ``neq``    not equal
``like`` ``!like``        contains (case-sensitive); ``$like``/``!$like`` starts with, ``like$``/``!like$``
                          ends with
``ilike`` ``!ilike``      the same, ignoring case: ``$ilike`` (alias ``startsWith``), ``ilike$`` (alias
                          ``endsWith``) and their negations
``gt`` ``ge`` ``lt`` ``le``  comparisons (``gte``, ``lte`` as aliases); on a collection: its size
``in`` ``!in``            one of ``[a,b,c]`` (brackets optional)
``null`` ``!null``        no value / a value (no argument)
``empty`` ``!empty``      a collection with no / some members (no argument)
``token`` ``!token``      every word of the argument starts a word of the property, ignoring case
========================  ==============================================================================

A filter whose operator is none of these, or that lacks the argument its operator needs, raises
:class:`QueryError` naming it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OPERATORS", "Filter", "Order", "QueryError", "parse_filter", "parse_order"]

#: operator → canonical name (aliases resolved)
_ALIASES = {
    "neq": "!eq", "ne": "!eq", "gte": "ge", "lte": "le", "startsWith": "$ilike", "endsWith": "ilike$",
}  # fmt: skip
#: canonical operators; those in NO_VALUE take no argument
OPERATORS = frozenset(
    {
        "eq", "ieq", "!eq", "gt", "ge", "lt", "le", "like", "!like", "$like", "!$like", "like$", "!like$",
        "ilike", "!ilike", "$ilike", "!$ilike", "ilike$", "!ilike$", "in", "!in", "null", "!null",
        "empty", "!empty", "token", "!token",
    }
)  # fmt: skip
NO_VALUE = frozenset({"null", "!null", "empty", "!empty"})
DIRECTIONS = ("asc", "desc", "iasc", "idesc")
MAX_IN_VALUES = 10_000


class QueryError(ValueError):
    """A ``filter`` or ``order`` parameter qicop cannot follow; the message names what is wrong."""


@dataclass(frozen=True, slots=True)
class Filter:
    path: tuple[str, ...]
    operator: str
    value: str | None = None
    #: the members of an ``in``/``!in`` list
    values: tuple[str, ...] | None = None

    @property
    def property(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class Order:
    path: tuple[str, ...]
    direction: str = "asc"

    @property
    def descending(self) -> bool:
        return self.direction in ("desc", "idesc")

    @property
    def ignore_case(self) -> bool:
        return self.direction in ("iasc", "idesc")


def parse_filter(text: str) -> Filter:
    """One ``filter`` parameter, e.g. ``parent.id:eq:ImspTQPwCqd`` or ``code:in:[A,B]``."""
    prop, sep, rest = text.partition(":")
    if not sep or not prop.strip():
        raise QueryError(f"filter {text!r} is not property:operator:value")
    operator, sep, value = rest.partition(":")
    operator = _ALIASES.get(operator, operator)
    if operator not in OPERATORS:
        raise QueryError(
            f"filter {text!r}: {operator!r} is not an operator (one of {', '.join(sorted(OPERATORS))})"
        )
    path = tuple(prop.strip().split("."))
    if any(not part for part in path):
        raise QueryError(f"filter {text!r}: {prop!r} is not a property path")
    if operator in NO_VALUE:
        return Filter(path, operator)
    if not sep:
        raise QueryError(
            f"filter {text!r}: the operator {operator} needs a value (property:{operator}:value)"
        )
    if operator in ("in", "!in"):
        inner = value[1:-1] if value.startswith("[") and value.endswith("]") else value
        values = tuple(v.strip() for v in inner.split(",") if v.strip())
        if not values:
            raise QueryError(f"filter {text!r}: {operator} needs at least one value, as in [a,b]")
        if len(values) > MAX_IN_VALUES:
            raise QueryError(f"filter {text!r}: {operator} takes at most {MAX_IN_VALUES} values")
        return Filter(path, operator, value, values)
    return Filter(path, operator, value)


def parse_order(text: str) -> tuple[Order, ...]:
    """The ``order`` parameter: ``name:asc,code:desc`` (direction ``asc`` by default; ``iasc``/``idesc``
    ignore case)."""
    orders = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        prop, sep, direction = part.partition(":")
        direction = direction.strip().lower() if sep else "asc"
        if direction not in DIRECTIONS:
            raise QueryError(
                f"order {part!r}: {direction!r} is not a direction (one of {', '.join(DIRECTIONS)})"
            )
        path = tuple(prop.strip().split("."))
        if any(not p for p in path):
            raise QueryError(f"order {part!r}: {prop!r} is not a property")
        orders.append(Order(path, direction))
    return tuple(orders)
