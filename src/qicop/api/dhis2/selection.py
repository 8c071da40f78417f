"""DHIS2's ``fields``, ``filter`` and ``order`` applied to our metadata (types described in ``schemas``).

``plan()`` turns a parsed ``fields`` expression into the properties to render; ``load()`` fetches what the
plan needs for a whole page at once (one query per relation, whatever the page size); ``render()`` writes the
JSON objects. ``filter_q()`` and ``order_by()`` turn DHIS2 filters and orders into ORM conditions;
``matches()`` does the same in Python for the types qicop derives rather than stores. Every problem raises
:class:`QueryError` with a message naming the property or operator at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.db.models.functions import Lower

from qicop.api.dhis2.schemas import SCHEMAS, Prop, Schema, preset_names
from qicop.indicators.metadata_selectors import visible_metadata
from qicop.indicators.models import CategoryCombo, OrgUnit
from qicop.integrations.dhis2.fields import Exclude, Field, Item, Preset, Transform
from qicop.integrations.dhis2.query import Filter, Order, QueryError

#: what a reference or collection shows when the expression does not say (DHIS2 shows {"id": …})
_ID_ONLY = (Field("id"),)


@dataclass(frozen=True)
class Node:
    key: str  # the name in the answer (after rename)
    prop: Prop
    children: tuple[Node, ...] | None  # None for simple properties
    transforms: tuple[Transform, ...] = ()


@dataclass(frozen=True)
class Context:
    user: Any
    base_url: str
    _read: dict = field(default_factory=dict, compare=False, repr=False)

    def default_combo(self) -> CategoryCombo | None:
        """The "default" category combo, which DHIS2 gives every data set that names none; read once."""
        if "default_combo" not in self._read:
            self._read["default_combo"] = CategoryCombo.objects.filter(name="default").order_by("pk").first()
        return self._read["default_combo"]


def plan(items: tuple[Item, ...], schema: Schema, *, depth: int = 0) -> tuple[Node, ...]:
    """The properties of ``schema`` that ``items`` select, in the order the expression names them.

    Names the type does not have are left out, as DHIS2 does; presets expand to their properties; an
    exclusion removes a property wherever in the list it stands."""
    chosen: dict[str, Field] = {}  # output key → selection
    excluded = {item.name for item in items if isinstance(item, Exclude)}
    for item in items:
        if isinstance(item, Preset):
            for name in preset_names(schema, item.name):
                chosen.setdefault(name, Field(name))
        elif isinstance(item, Field) and item.name in schema.props:
            # An explicit selection wins over a preset's plain one; renamed, a property may come twice.
            renames = [t.args[0] for t in item.transforms if t.name == "rename"]
            chosen[renames[-1] if renames else item.name] = item
    nodes = []
    for key, item in chosen.items():
        if item.name in excluded:
            continue
        prop = schema.props[item.name]
        children = None
        if prop.kind != "simple":
            target = SCHEMAS[prop.target]
            selection = item.children
            plucked = [t.args[0] if t.args else "id" for t in item.transforms if t.name == "pluck"]
            if not selection and plucked:
                selection = (Field(plucked[0]),)
            elif not selection:
                selection = (Preset("all"),) if target.embedded else _ID_ONLY
            children = plan(selection, target, depth=depth + 1) if depth < 10 else ()
        nodes.append(Node(key, prop, children, item.transforms))
    return tuple(nodes)


def load(objects: list, nodes: tuple[Node, ...], ctx: Context) -> None:
    """Fetch the relations ``nodes`` render, for all ``objects`` at once (one query per relation)."""
    if not objects:
        return
    lookups = []
    for node in nodes:
        prop = node.prop
        if prop.prefetch and prop.visible_model is not None:
            lookups.append(Prefetch(prop.prefetch, queryset=visible_metadata(ctx.user, prop.visible_model)))
        elif prop.prefetch:
            lookups.append(prop.prefetch)
        elif prop.name == "ancestors" and node.children is not None:
            _load_ancestors(objects)
    if lookups:
        prefetch_related_objects(objects, *lookups)
    for node in nodes:
        if node.children:
            load(_related(objects, node, ctx), node.children, ctx)


def _related(objects: list, node: Node, ctx: Context) -> list:
    found = []
    for obj in objects:
        value = node.prop.get(obj, ctx)
        if value is not None:
            found.extend(value if node.prop.kind == "collection" else [value])
    return found


def _load_ancestors(units: list) -> None:
    wanted = {uid for unit in units for uid in unit.path.strip("/").split("/")[:-1]}
    by_uid = {unit.uid: unit for unit in OrgUnit.objects.filter(uid__in=wanted)} if wanted else {}
    for unit in units:
        unit._ancestors = [by_uid[u] for u in unit.path.strip("/").split("/")[:-1] if u in by_uid]


def render(obj: Any, nodes: tuple[Node, ...], ctx: Context) -> dict:
    """The JSON object for ``obj``; absent (None) values are left out, as DHIS2 leaves them out."""
    out = {}
    for node in nodes:
        prop = node.prop
        if prop.kind == "simple":
            value = prop.get(obj, ctx)
        elif prop.kind == "reference":
            related = prop.get(obj, ctx)
            value = None if related is None else render(related, node.children, ctx)
        else:
            value = [render(item, node.children, ctx) for item in prop.get(obj, ctx)]
        for transform in node.transforms:
            value = _transform(value, transform)
        if value is not None:
            out[node.key] = value
    return out


def _transform(value: Any, transform: Transform) -> Any:
    if transform.name == "size":
        return len(value) if isinstance(value, list | str) else 0
    if transform.name == "isEmpty":
        return not value
    if transform.name == "isNotEmpty":
        return bool(value)
    if transform.name == "pluck":
        key = transform.args[0] if transform.args else "id"
        if isinstance(value, list):
            return [item.get(key) for item in value if isinstance(item, dict)]
        return value.get(key) if isinstance(value, dict) else value
    return value  # rename: applied to the key


# ------------------------------------------------------------------------------------------------ filters


def _convert(prop: Prop, raw: str, text: str) -> Any:
    try:
        if prop.value_type == "int":
            return int(raw)
        if prop.value_type == "bool":
            if raw.lower() not in ("true", "false"):
                raise ValueError
            return raw.lower() == "true"
        if prop.value_type == "date":
            return date.fromisoformat(raw[:10])
        if prop.value_type == "datetime":
            return datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)
    except ValueError:
        kind = {"int": "a whole number", "bool": "true or false", "date": "a date", "datetime": "a date"}
        raise QueryError(f"filter {text!r}: {raw!r} is not {kind[prop.value_type]}") from None
    return raw


_LOOKUPS = {
    "eq": "exact", "ieq": "iexact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte",
    "like": "contains", "$like": "startswith", "like$": "endswith",
    "ilike": "icontains", "$ilike": "istartswith", "ilike$": "iendswith",
}  # fmt: skip


def _resolve(schema: Schema, path: tuple[str, ...], text: str) -> tuple[str, Prop, bool]:
    """The ORM lookup, the final property and whether the path crosses a collection."""
    prefix = ""
    crosses = False
    current = schema
    for index, name in enumerate(path):
        prop = current.props.get(name)
        if prop is None:
            raise QueryError(f"filter {text!r}: {current.singular} has no property {name!r}")
        if prop.lookup is None:
            raise QueryError(f"filter {text!r}: {current.singular}.{name} cannot be filtered on")
        last = index == len(path) - 1
        if prop.kind == "simple":
            if not last:
                raise QueryError(f"filter {text!r}: {name} has no properties of its own")
            return prefix + prop.lookup, prop, crosses
        if prop.kind == "collection" and last:
            return prefix + prop.lookup, prop, crosses
        crosses = crosses or prop.kind == "collection"
        prefix += f"{prop.lookup}__" if prop.lookup else ""
        current = SCHEMAS[prop.target]
        if last:  # a reference compared as a whole: by its id
            return prefix + current.props["id"].lookup, current.props["id"], crosses
    raise QueryError(f"filter {text!r} names no property")  # pragma: no cover - path is never empty


def filter_q(schema: Schema, flt: Filter, text: str) -> Q:
    """The ORM condition for one DHIS2 filter on ``schema``'s model."""
    if flt.path == ("identifiable",):
        return _identifiable_q(flt, text)
    constant = schema.props.get(flt.path[0]) if len(flt.path) == 1 else None
    if constant is not None and constant.constant:
        # The same for every row: the filter keeps them all or none (an empty Q would vanish in an OR).
        return Q(pk__isnull=False) if _holds(constant, constant.get(None, None), flt, text) else Q(pk__in=[])
    lookup, prop, crosses = _resolve(schema, flt.path, text)
    op = flt.operator
    if prop.kind == "collection":
        return _size_q(schema, lookup, flt, text)
    if op in ("empty", "!empty"):
        raise QueryError(f"filter {text!r}: {op} applies to collections, and {flt.property} is not one")
    positive = op.lstrip("!")
    negate = op.startswith("!") and op != "!eq"
    if op == "!eq":
        positive, negate = "eq", True
    if positive == "null":
        condition = Q(**{f"{lookup}__isnull": True})
    elif positive == "in":
        condition = Q(**{f"{lookup}__in": [_convert(prop, v, text) for v in flt.values]})
    elif positive == "token":
        condition = Q()
        for word in (flt.value or "").split():
            condition &= Q(**{f"{lookup}__istartswith": word}) | Q(**{f"{lookup}__icontains": f" {word}"})
    else:
        if positive in ("gt", "ge", "lt", "le", "like", "$like", "like$") and prop.value_type == "bool":
            raise QueryError(f"filter {text!r}: {op} does not apply to true/false properties")
        if positive in ("like", "$like", "like$", "ilike", "$ilike", "ilike$") and prop.value_type != "text":
            raise QueryError(f"filter {text!r}: {op} applies to text, and {flt.property} is not text")
        condition = Q(**{f"{lookup}__{_LOOKUPS[positive]}": _convert(prop, flt.value or "", text)})
    if negate:
        condition = ~condition
    if crosses:  # any member of the collection matches; one row per object all the same
        return Q(pk__in=schema.model.objects.filter(condition).values("pk"))
    return condition


def _size_q(schema: Schema, lookup: str, flt: Filter, text: str) -> Q:
    op = flt.operator
    sizes = {"eq": "exact", "!eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}
    if op in ("empty", "!empty"):
        condition, negate = Q(size=0), op == "!empty"
    elif op in sizes:
        condition, negate = Q(**{f"size__{sizes[op]}": _convert_size(flt.value, text)}), op == "!eq"
    else:
        raise QueryError(f"filter {text!r}: on the collection {flt.property} only its size can be compared")
    counted = schema.model.objects.annotate(size=Count(lookup, distinct=True)).filter(condition).values("pk")
    return ~Q(pk__in=counted) if negate else Q(pk__in=counted)


def _convert_size(raw: str | None, text: str) -> int:
    try:
        return int(raw or "")
    except ValueError:
        raise QueryError(f"filter {text!r}: the size of a collection is a whole number") from None


def _identifiable_q(flt: Filter, text: str) -> Q:
    if flt.operator not in ("token", "!token"):
        raise QueryError(f"filter {text!r}: identifiable takes only the token and !token operators")
    condition = Q()
    for word in (flt.value or "").split():
        condition &= (
            Q(uid__istartswith=word)
            | Q(code__istartswith=word)
            | Q(name__istartswith=word)
            | Q(name__icontains=f" {word}")
        )
    return ~condition if flt.operator == "!token" else condition


def order_by(schema: Schema, orders: tuple[Order, ...], text: str) -> list:
    """ORM ordering for DHIS2's ``order``: simple properties of the type itself."""
    fields = []
    for order in orders:
        name = ".".join(order.path)
        prop = schema.props.get(name) if len(order.path) == 1 else None
        if prop is None or prop.kind != "simple" or not prop.lookup:
            raise QueryError(f"order {text!r}: {schema.singular} cannot be ordered by {name!r}")
        expression = Lower(prop.lookup) if order.ignore_case else prop.lookup
        if isinstance(expression, str):
            fields.append(f"-{expression}" if order.descending else expression)
        else:
            fields.append(expression.desc() if order.descending else expression.asc())
    return fields


# ------------------------------------------------------------------------- derived types, in Python


def matches(obj: Any, schema: Schema, flt: Filter, text: str, ctx: Context) -> bool:
    """Whether a derived object (org unit level…) passes a filter; only simple properties can be tested."""
    prop = schema.props.get(flt.path[0]) if len(flt.path) == 1 else None
    if prop is None or prop.kind != "simple":
        raise QueryError(f"filter {text!r}: {schema.singular} has no property {flt.property!r} to filter on")
    return _holds(prop, prop.get(obj, ctx), flt, text)


def _holds(prop: Prop, value: Any, flt: Filter, text: str) -> bool:
    """Whether ``value`` of ``prop`` passes the filter."""
    op = flt.operator
    negate = op.startswith("!")
    positive = op.lstrip("!")
    if positive == "null":
        result = value is None
    elif positive == "in":
        result = value in [_convert(prop, v, text) for v in flt.values]
    elif positive in ("empty",):
        raise QueryError(f"filter {text!r}: {op} applies to collections, and {flt.property} is not one")
    else:
        wanted = _convert(prop, flt.value or "", text)
        result = _compare(positive, value, wanted, text)
    return not result if negate else result


def _compare(op: str, value: Any, wanted: Any, text: str) -> bool:
    if value is None:
        return False
    if op in ("ilike", "$ilike", "ilike$", "ieq", "token"):
        value, wanted = str(value).lower(), str(wanted).lower()
    comparisons = {
        "eq": lambda: value == wanted, "ieq": lambda: value == wanted,
        "gt": lambda: value > wanted, "ge": lambda: value >= wanted,
        "lt": lambda: value < wanted, "le": lambda: value <= wanted,
        "like": lambda: str(wanted) in str(value), "ilike": lambda: wanted in value,
        "$like": lambda: str(value).startswith(str(wanted)), "$ilike": lambda: value.startswith(wanted),
        "like$": lambda: str(value).endswith(str(wanted)), "ilike$": lambda: value.endswith(wanted),
        "token": lambda: all(any(w.startswith(t) for w in value.split()) for t in wanted.split()),
    }  # fmt: skip
    try:
        return comparisons[op]()
    except TypeError:
        raise QueryError(f"filter {text!r} cannot compare {value!r} with {wanted!r}") from None
