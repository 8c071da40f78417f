"""The DHIS2 metadata types qicop serves, property by property: what each is called in DHIS2, how it is read
from our rows, how it is filtered and ordered, and which presets (``:owner``, ``:identifiable``…) hold it.

Reading the properties is ``selection.py``'s job; this module only describes them. Three types are derived
rather than stored: data set elements (a data set's data elements, as DHIS2 ≥ 2.29 lists them), indicator
types (one per indicator factor, since an indicator keeps its factor itself) and organisation unit levels
(one per level present, named "Level N" as DHIS2 names levels nobody named).
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from qicop.indicators import models as m


@dataclass(frozen=True)
class Prop:
    """One DHIS2 property. ``kind`` is ``simple``, ``reference`` (one object) or ``collection``.

    ``get(obj, ctx)`` reads it (for references and collections: the related object(s)); ``lookup`` is the
    ORM path filters and orders use (None: not filterable; "" for a reference that is the object itself);
    ``prefetch`` the ORM relation loaded in one query per page when the property is rendered.
    """

    name: str
    kind: str
    get: Callable[[Any, Any], Any]
    target: str | None = None
    lookup: str | None = None
    value_type: str = "text"
    owner: bool = True
    persisted: bool = True
    prefetch: str | None = None
    #: a model whose rows are shown only if visible to the reader (prefetched through the metadata selector)
    visible_model: type | None = None
    #: the same for every object (``get`` ignores its arguments): filters on it keep all objects or none
    constant: bool = False


@dataclass(frozen=True)
class Schema:
    key: str  # collection name in DHIS2's JSON, and the path under /api/
    singular: str
    klass: str
    model: type | None
    props: dict[str, Prop] = field(default_factory=dict)
    #: rendered whole (not as {"id"}) when selected without a nested selection
    embedded: bool = False


def _stamp(value: datetime | None) -> str | None:
    # DHIS2 writes timestamps in UTC without an offset, to the millisecond.
    if value is None:
        return None
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="milliseconds")


def _day(value: date | None) -> str | None:
    return f"{value.isoformat()}T00:00:00.000" if value else None


def derived_uid(seed: str) -> str:
    """A stable DHIS2-shaped UID for an object qicop derives rather than stores (levels, indicator types)."""
    digest = int.from_bytes(hashlib.sha256(f"qicop:{seed}".encode()).digest(), "big")
    alphabet = string.ascii_letters + string.digits
    chars = [string.ascii_letters[digest % 52]]
    digest //= 52
    for _ in range(10):
        chars.append(alphabet[digest % 62])
        digest //= 62
    return "".join(chars)


def _simple(name, getter, lookup=None, value_type="text", owner=True, persisted=True) -> Prop:
    return Prop(
        name, "simple", getter, lookup=lookup, value_type=value_type, owner=owner, persisted=persisted
    )


def _constant(name, value, value_type="text") -> Prop:
    """A property qicop holds the same for every object, as DHIS2 would (every data element is aggregate)."""
    return Prop(name, "simple", lambda o, c: value, value_type=value_type, constant=True)


def _attribute_values(obj, ctx) -> list[dict]:
    # DHIS2's metadata attribute values: what an ATTRIBUTE:<uid> id scheme names the object by.
    return [
        {"attribute": {"id": uid}, "value": value}
        for uid, value in sorted((obj.attribute_values or {}).items())
    ]


def _identifiable(key: str) -> dict[str, Prop]:
    props = [
        _simple("id", lambda o, c: o.uid, "uid"),
        _simple("code", lambda o, c: o.code, "code"),
        _simple("name", lambda o, c: o.name, "name"),
        _simple("shortName", lambda o, c: o.short_name or None, "short_name"),
        _simple("displayName", lambda o, c: o.name, "name", owner=False, persisted=False),
        _simple(
            "displayShortName",
            lambda o, c: o.short_name or o.name,
            "short_name",
            owner=False,
            persisted=False,
        ),
        _simple("created", lambda o, c: _stamp(o.created_at), "created_at", "datetime"),
        _simple("lastUpdated", lambda o, c: _stamp(o.updated_at), "updated_at", "datetime"),
        _simple("href", lambda o, c: f"{c.base_url}/api/{key}/{o.uid}", owner=False, persisted=False),
        _simple("attributeValues", _attribute_values),
    ]
    return {p.name: p for p in props}


def _ref(name, target, attr, lookup, *, owner=True) -> Prop:
    return Prop(name, "reference", lambda o, c: getattr(o, attr), target=target, lookup=lookup, owner=owner,
                prefetch=attr)  # fmt: skip


def _many(name, target, attr, *, owner=True, visible_model=None) -> Prop:
    return Prop(name, "collection", lambda o, c: list(getattr(o, attr).all()), target=target, lookup=attr,
                owner=owner, persisted=True, prefetch=attr, visible_model=visible_model)  # fmt: skip


def _schema(key, singular, klass, model, *props: Prop, embedded=False) -> Schema:
    base = _identifiable(key) if model is not None else {}
    return Schema(key, singular, klass, model, base | {p.name: p for p in props}, embedded)


class DataSetElement:
    """A data set's data element, as DHIS2 ≥ 2.29 lists a data set's members."""

    def __init__(self, data_set, data_element):
        self.data_set = data_set
        self.data_element = data_element


class IndicatorType:
    """The indicator type DHIS2 wants for an indicator's factor."""

    NAMES = {
        1: "Number",
        100: "Per cent",
        1000: "Per thousand",
        10000: "Per ten thousand",
        100000: "Per 100 000",
    }

    def __init__(self, factor: int):
        self.factor = factor
        self.uid = derived_uid(f"indicator-type:{factor}")
        self.name = self.NAMES.get(factor, f"Factor {factor}")


class OrgUnitLevel:
    def __init__(self, level: int):
        self.level = level
        self.uid = derived_uid(f"org-unit-level:{level}")
        self.name = f"Level {level}"


def _ancestors(unit, ctx) -> list:
    # Loaded for a whole page at once by selection.load (one query), root first.
    return getattr(unit, "_ancestors", [])


SCHEMAS: dict[str, Schema] = {}


def _add(schema: Schema) -> None:
    SCHEMAS[schema.key] = schema


_add(_schema(
    "organisationUnits", "organisationUnit", "org.hisp.dhis.organisationunit.OrganisationUnit", m.OrgUnit,
    _simple("level", lambda o, c: o.level, "level", "int"),
    _simple("path", lambda o, c: o.path, "path"),
    _simple("openingDate", lambda o, c: _day(o.opening_date), "opening_date", "date"),
    _simple("closedDate", lambda o, c: _day(o.closed_date), "closed_date", "date"),
    _ref("parent", "organisationUnits", "parent", "parent"),
    _many("children", "organisationUnits", "children", owner=False),
    Prop("ancestors", "collection", _ancestors, target="organisationUnits", owner=False, persisted=False),
    _many("dataSets", "dataSets", "data_sets", owner=False),
))  # fmt: skip
_add(_schema(
    "dataElements", "dataElement", "org.hisp.dhis.dataelement.DataElement", m.DataElement,
    _simple("valueType", lambda o, c: o.value_type, "value_type"),
    _simple("aggregationType", lambda o, c: o.aggregation_type, "aggregation_type"),
    _constant("domainType", "AGGREGATE"),
    _simple("zeroIsSignificant", lambda o, c: o.zero_is_significant, "zero_is_significant", "bool"),
    _ref("categoryCombo", "categoryCombos", "category_combo", "category_combo"),
    _many("dataSets", "dataSets", "data_sets", owner=False),
))  # fmt: skip
_add(_schema(
    "dataSets", "dataSet", "org.hisp.dhis.dataset.DataSet", m.DataSet,
    _simple("periodType", lambda o, c: o.period_type, "period_type"),
    _simple("openFuturePeriods", lambda o, c: o.open_future_periods, "open_future_periods", "int"),
    # Every DHIS2 data set has an attribute combo, "default" when it has no attributes (clients read it).
    Prop("categoryCombo", "reference", lambda o, c: o.category_combo or c.default_combo(),
         target="categoryCombos", lookup="category_combo", prefetch="category_combo"),
    Prop("dataSetElements", "collection",
         lambda o, c: [DataSetElement(o, de) for de in o.data_elements.all()],
         target="dataSetElements", lookup="data_elements", prefetch="data_elements"),
    # Versions before 2.29 listed members directly; old clients still read it.
    _many("dataElements", "dataElements", "data_elements", owner=False),
    _many("organisationUnits", "organisationUnits", "organisation_units", visible_model=m.OrgUnit),
))  # fmt: skip
_add(_schema(
    "dataSetElements", "dataSetElement", "org.hisp.dhis.dataset.DataSetElement", None,
    Prop("dataSet", "reference", lambda o, c: o.data_set, target="dataSets", owner=False),
    Prop("dataElement", "reference", lambda o, c: o.data_element, target="dataElements", lookup=""),
    embedded=True,
))  # fmt: skip
_add(_schema(
    "categoryCombos", "categoryCombo", "org.hisp.dhis.category.CategoryCombo", m.CategoryCombo,
    _simple("dataDimensionType", lambda o, c: o.data_dimension_type, "data_dimension_type"),
    _simple("isDefault", lambda o, c: o.name == "default", owner=False, persisted=False),
    _many("categories", "categories", "categories"),
    _many("categoryOptionCombos", "categoryOptionCombos", "option_combos", owner=False),
))  # fmt: skip
_add(_schema(
    "categories", "category", "org.hisp.dhis.category.Category", m.Category,
    _simple("dataDimensionType", lambda o, c: o.data_dimension_type, "data_dimension_type"),
    _many("categoryOptions", "categoryOptions", "options"),
    _many("categoryCombos", "categoryCombos", "category_combos", owner=False),
))  # fmt: skip
_add(_schema(
    "categoryOptions", "categoryOption", "org.hisp.dhis.category.CategoryOption", m.CategoryOption,
    _many("categories", "categories", "categories", owner=False),
    _many("categoryOptionCombos", "categoryOptionCombos", "option_combos", owner=False),
))  # fmt: skip
_add(_schema(
    "categoryOptionCombos", "categoryOptionCombo", "org.hisp.dhis.category.CategoryOptionCombo",
    m.CategoryOptionCombo,
    _ref("categoryCombo", "categoryCombos", "category_combo", "category_combo"),
    _many("categoryOptions", "categoryOptions", "options"),
))  # fmt: skip
_add(_schema(
    "indicators", "indicator", "org.hisp.dhis.indicator.Indicator", m.Indicator,
    _simple("numerator", lambda o, c: o.numerator, "numerator"),
    _simple("numeratorDescription", lambda o, c: o.numerator_description or None, "numerator_description"),
    _simple("denominator", lambda o, c: o.denominator, "denominator"),
    _simple("denominatorDescription", lambda o, c: o.denominator_description or None,
            "denominator_description"),
    _simple("decimals", lambda o, c: o.decimals, "decimals", "int"),
    _constant("annualized", False, "bool"),
    Prop("indicatorType", "reference", lambda o, c: IndicatorType(o.factor or 1), target="indicatorTypes"),
))  # fmt: skip
_add(_schema(
    "indicatorTypes", "indicatorType", "org.hisp.dhis.indicator.IndicatorType", None,
    _simple("id", lambda o, c: o.uid),
    _simple("name", lambda o, c: o.name),
    _simple("displayName", lambda o, c: o.name, owner=False, persisted=False),
    _simple("factor", lambda o, c: o.factor, value_type="int"),
    _simple("number", lambda o, c: o.factor == 1, value_type="bool"),
))  # fmt: skip
_add(_schema(
    "organisationUnitLevels", "organisationUnitLevel", "org.hisp.dhis.organisationunit.OrganisationUnitLevel",
    None,
    _simple("id", lambda o, c: o.uid, "id"),
    _simple("name", lambda o, c: o.name, "name"),
    _simple("displayName", lambda o, c: o.name, "name", owner=False, persisted=False),
    _simple("level", lambda o, c: o.level, "level", "int"),
    _simple("href", lambda o, c: f"{c.base_url}/api/organisationUnitLevels/{o.uid}", owner=False,
            persisted=False),
))  # fmt: skip

#: the types served at /api/<type> and /api/<type>/<uid>
SERVED = (
    "organisationUnits", "dataElements", "dataSets", "categoryCombos", "categoryOptionCombos", "categories",
    "categoryOptions", "indicators", "organisationUnitLevels",
)  # fmt: skip

#: preset → property names it holds beyond those chosen by flag (DHIS2's FieldPreset)
IDENTIFIABLE = ("id", "name", "code", "created", "lastUpdated")
NAMEABLE = (*IDENTIFIABLE, "shortName", "description")


def preset_names(schema: Schema, preset: str) -> list[str]:
    props = schema.props.values()
    if preset == "all":
        return [p.name for p in props]
    if preset == "owner":
        return [p.name for p in props if p.owner and p.persisted]
    if preset == "persisted":
        return [p.name for p in props if p.persisted]
    if preset == "simple":
        return [p.name for p in props if p.kind == "simple"]
    names = IDENTIFIABLE if preset == "identifiable" else NAMEABLE
    return [n for n in names if n in schema.props]
