"""DHIS2 metadata: organisation units, data elements, disaggregations, indicators, data sets (JSON and CSV).

What is read (spec ``formats.md`` §1.8, DHIS2 Web API "Metadata"):

* **JSON** as ``GET/POST /api/metadata`` writes it: one object whose keys are collections
  (``organisationUnits``, ``dataElements``, ``categoryOptionCombos``, ``categoryCombos``, ``categories``,
  ``categoryOptions``, ``indicators``, ``indicatorTypes``, ``dataSets``, ``organisationUnitLevels``,
  ``constants``). A list response of one type (``/api/indicators`` with or without ``pager``) has the same
  shape. A file holding **one object** (``/api/organisationUnits/{id}``) or a **plain list** of objects is
  also accepted: pass ``kind`` or let the reader recognise the type by its distinctive fields.
  References are ``{"id": uid}`` objects. ``attributeValues``
  (``[{"attribute": {"id": uid}, "value": …}]``) are kept on every type we model but indicator types,
  levels and constants: an ``ATTRIBUTE:<uid>`` id scheme names objects by them. Collections we do not model
  (users, userRoles, validation rules, groups…) are counted in ``Metadata.other`` and otherwise ignored.
* **CSV** as DHIS2's metadata CSV import takes it: one object type per file, columns by position in the
  order DHIS2 documents for that type (``CSV_COLUMNS``); a first row naming the columns is recognised and
  then columns are matched by name, case-insensitively, in any order. DHIS2's metadata CSV has no column for
  attribute values, so objects read from CSV say nothing of them (``attribute_values`` None).

Validation never stops at the first bad object: an object that cannot be used (a malformed UID, a missing
name, an unknown value type, a duplicate UID, an unreadable number or date) is left out and reported in
``Metadata.errors`` as a :class:`FormatError` naming the object type, its position and its UID or name.
Only a file that is not JSON/CSV at all raises :class:`FormatError`, with line and column.

UIDs are ``[A-Za-z][A-Za-z0-9]{10}``. An object **without** a UID is kept (``uid=None``): DHIS2 assigns
one on import (``ou_with_levels.json``), so the importer matches it by code or name or generates one.
Org units without ``path``/``level`` get them from their parents when the parents are in the same file.

A bundle is read whole, so the parsing limits (``qicop.integrations.limits``) apply before it is: at most
``max_document`` bytes, ``max_depth`` levels, ``max_nodes`` JSON values or CSV cells, ``max_text`` bytes in
one string. A file past one raises FormatError (a LimitExceeded) naming the limit.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from qicop.integrations.errors import FormatError, LimitExceeded
from qicop.integrations.limits import current, load_json, not_utf8, read_document

UID_RE = re.compile(r"[A-Za-z][A-Za-z0-9]{10}\Z")

#: DHIS2 ``ValueType`` names (core ``org.hisp.dhis.common.ValueType``).
VALUE_TYPES = frozenset(
    {
        "NUMBER", "INTEGER", "INTEGER_POSITIVE", "INTEGER_NEGATIVE", "INTEGER_ZERO_OR_POSITIVE", "PERCENTAGE",
        "UNIT_INTERVAL", "BOOLEAN", "TRUE_ONLY", "TEXT", "LONG_TEXT", "MULTI_TEXT", "LETTER", "PHONE_NUMBER",
        "EMAIL", "URL", "DATE", "DATETIME", "TIME", "AGE", "USERNAME", "COORDINATE", "ORGANISATION_UNIT",
        "REFERENCE", "TRACKER_ASSOCIATE", "FILE_RESOURCE", "IMAGE", "GEOJSON",
    }
)  # fmt: skip


#: DHIS2 attribute values of an object, (attribute UID, value) pairs; None when the file does not say.
AttributeValues = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class OrgUnitMeta:
    uid: str | None
    name: str
    code: str | None = None
    short_name: str | None = None
    level: int | None = None
    parent: str | None = None
    path: str | None = None
    opening_date: date | None = None
    closed_date: date | None = None
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class DataElementMeta:
    uid: str | None
    name: str
    code: str | None = None
    short_name: str | None = None
    value_type: str = "NUMBER"
    aggregation_type: str | None = None
    domain_type: str | None = None
    category_combo: str | None = None
    zero_is_significant: bool = False
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class CategoryOptionMeta:
    uid: str | None
    name: str
    code: str | None = None
    short_name: str | None = None
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class CategoryMeta:
    uid: str | None
    name: str
    code: str | None = None
    short_name: str | None = None
    data_dimension_type: str | None = None
    category_options: tuple[str, ...] = ()
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class CategoryComboMeta:
    uid: str | None
    name: str
    code: str | None = None
    data_dimension_type: str | None = None
    categories: tuple[str, ...] = ()
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class CategoryOptionComboMeta:
    uid: str | None
    name: str
    code: str | None = None
    category_combo: str | None = None
    category_options: tuple[str, ...] = ()
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class IndicatorTypeMeta:
    uid: str | None
    name: str
    factor: int = 1
    number: bool = False


@dataclass(frozen=True, slots=True)
class IndicatorMeta:
    uid: str | None
    name: str
    code: str | None = None
    short_name: str | None = None
    numerator: str = ""
    denominator: str = ""
    numerator_description: str | None = None
    denominator_description: str | None = None
    indicator_type: str | None = None
    decimals: int | None = None
    annualized: bool = False
    description: str | None = None
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class DataSetMeta:
    uid: str | None
    name: str
    code: str | None = None
    short_name: str | None = None
    period_type: str | None = None
    data_elements: tuple[str, ...] = ()
    open_future_periods: int = 0
    expiry_days: int = 0
    category_combo: str | None = None
    organisation_units: tuple[str, ...] = ()
    attribute_values: AttributeValues | None = None


@dataclass(frozen=True, slots=True)
class OrgUnitLevelMeta:
    uid: str | None
    name: str
    level: int


@dataclass(frozen=True, slots=True)
class ConstantMeta:
    uid: str | None
    name: str
    value: Decimal
    code: str | None = None


@dataclass
class Metadata:
    """Everything read from one file. ``errors`` lists the objects left out, each with its reason."""

    organisation_units: list[OrgUnitMeta] = field(default_factory=list)
    data_elements: list[DataElementMeta] = field(default_factory=list)
    category_options: list[CategoryOptionMeta] = field(default_factory=list)
    categories: list[CategoryMeta] = field(default_factory=list)
    category_combos: list[CategoryComboMeta] = field(default_factory=list)
    category_option_combos: list[CategoryOptionComboMeta] = field(default_factory=list)
    indicator_types: list[IndicatorTypeMeta] = field(default_factory=list)
    indicators: list[IndicatorMeta] = field(default_factory=list)
    data_sets: list[DataSetMeta] = field(default_factory=list)
    organisation_unit_levels: list[OrgUnitLevelMeta] = field(default_factory=list)
    constants: list[ConstantMeta] = field(default_factory=list)
    errors: list[FormatError] = field(default_factory=list)
    #: collections present in the file that qicop does not model, with their sizes (e.g. ``{"users": 1}``)
    other: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Number of objects read per DHIS2 collection name (only non-empty ones)."""
        return {key: len(getattr(self, attr)) for key, (attr, _) in _KINDS.items() if getattr(self, attr)}


class _Skip(Exception):
    """Why one object is left out; becomes an entry in ``Metadata.errors``."""


# ---------------------------------------------------------------------------------------------- field helpers


def _text(obj: dict, key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    value = str(value).strip()
    _no_nul(value, key)
    return value or None


def _no_nul(value: str, key: str) -> None:
    # No name or code holds one, and PostgreSQL refuses to store text that does.
    if "\x00" in value:
        raise _Skip(f"{key} holds a NUL character, which no text may contain")


def _uid(value: Any, what: str = "uid") -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not UID_RE.match(value):
        raise _Skip(f"{what} {value!r} is not a DHIS2 UID (11 characters, a letter then letters or digits)")
    return value


def _ref(obj: dict, key: str) -> str | None:
    # References are {"id": uid} in JSON and a bare UID in CSV.
    value = obj.get(key)
    if isinstance(value, dict):
        value = value.get("id")
    return _uid(value, f"{key} reference")


def _refs(obj: dict, key: str, inner: str | None = None) -> tuple[str, ...]:
    items = obj.get(key) or []
    if not isinstance(items, list):
        raise _Skip(f"{key} must be a list")
    out = []
    for item in items:
        if inner is not None and isinstance(item, dict):
            item = item.get(inner)  # dataSetElements: [{"dataElement": {"id": …}}]
        if isinstance(item, dict):
            item = item.get("id")
        out.append(_uid(item, f"{key} reference"))
    return tuple(u for u in out if u)


def _int(obj: dict, key: str, default: int | None = None) -> int | None:
    value = obj.get(key)
    if value in (None, ""):
        return default
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    except ValueError:
        raise _Skip(f"{key} {value!r} is not a whole number") from None


def _bool(obj: dict, key: str) -> bool:
    value = obj.get(key)
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "1", "t"} if value is not None else False


def _date(obj: dict, key: str) -> date | None:
    value = _text(obj, key)
    if value is None:
        return None
    # DHIS2 writes dates as timestamps ("1970-01-01T00:00:00.000", "…+0000"); the day is what matters.
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise _Skip(f"{key} {value!r} is not a date (YYYY-MM-DD)") from None


def _attribute_values(obj: dict) -> AttributeValues | None:
    """``attributeValues: [{"attribute": {"id": uid}, "value": "…"}]``, as DHIS2 writes them."""
    items = obj.get("attributeValues")
    if items is None:
        return None
    if not isinstance(items, list):
        raise _Skip("attributeValues must be a list")
    pairs = {}
    for item in items:
        if not isinstance(item, dict):
            raise _Skip("each of attributeValues must be an object with attribute and value")
        uid = _ref(item, "attribute")
        if uid is None:
            raise _Skip("an attribute value names no attribute")
        value = item.get("value")
        if value is None or isinstance(value, dict | list):
            raise _Skip(f"attribute {uid}: the value must be text or a number")
        if uid in pairs:
            raise _Skip(f"attribute {uid} has two values")
        text = str(value).strip() if not isinstance(value, bool) else str(value).lower()
        _no_nul(text, f"attribute {uid}")
        if text:
            pairs[uid] = text
    return tuple(sorted(pairs.items()))


def _name(obj: dict) -> str:
    name = _text(obj, "name")
    if name is None:
        raise _Skip("name is missing")
    return name


# --------------------------------------------------------------------------------------------- object parsers


def _org_unit(o: dict) -> OrgUnitMeta:
    return OrgUnitMeta(
        uid=_uid(o.get("id")), name=_name(o), code=_text(o, "code"), short_name=_text(o, "shortName"),
        level=_int(o, "level"), parent=_ref(o, "parent"), path=_text(o, "path"),
        opening_date=_date(o, "openingDate"), closed_date=_date(o, "closedDate"),
        attribute_values=_attribute_values(o),
    )  # fmt: skip


def _data_element(o: dict) -> DataElementMeta:
    value_type = (_text(o, "valueType") or "NUMBER").upper()
    if value_type not in VALUE_TYPES:
        raise _Skip(f"valueType {value_type!r} is not a DHIS2 value type")
    return DataElementMeta(
        uid=_uid(o.get("id")), name=_name(o), code=_text(o, "code"), short_name=_text(o, "shortName"),
        value_type=value_type, aggregation_type=_text(o, "aggregationType"),
        domain_type=_text(o, "domainType"),
        category_combo=_ref(o, "categoryCombo"), zero_is_significant=_bool(o, "zeroIsSignificant"),
        attribute_values=_attribute_values(o),
    )  # fmt: skip


def _category_option(o: dict) -> CategoryOptionMeta:
    return CategoryOptionMeta(
        _uid(o.get("id")), _name(o), _text(o, "code"), _text(o, "shortName"), _attribute_values(o)
    )


def _category(o: dict) -> CategoryMeta:
    return CategoryMeta(
        uid=_uid(o.get("id")), name=_name(o), code=_text(o, "code"), short_name=_text(o, "shortName"),
        data_dimension_type=_text(o, "dataDimensionType"), category_options=_refs(o, "categoryOptions"),
        attribute_values=_attribute_values(o),
    )  # fmt: skip


def _category_combo(o: dict) -> CategoryComboMeta:
    return CategoryComboMeta(
        uid=_uid(o.get("id")), name=_name(o), code=_text(o, "code"),
        data_dimension_type=_text(o, "dataDimensionType"), categories=_refs(o, "categories"),
        attribute_values=_attribute_values(o),
    )  # fmt: skip


def _category_option_combo(o: dict) -> CategoryOptionComboMeta:
    return CategoryOptionComboMeta(
        uid=_uid(o.get("id")), name=_name(o), code=_text(o, "code"),
        category_combo=_ref(o, "categoryCombo"), category_options=_refs(o, "categoryOptions"),
        attribute_values=_attribute_values(o),
    )  # fmt: skip


def _indicator_type(o: dict) -> IndicatorTypeMeta:
    factor = _int(o, "factor", 1)
    if factor is None or factor <= 0:
        raise _Skip(f"factor {o.get('factor')!r} must be a positive whole number")
    return IndicatorTypeMeta(_uid(o.get("id")), _name(o), factor, _bool(o, "number"))


def _indicator(o: dict) -> IndicatorMeta:
    numerator, denominator = _text(o, "numerator"), _text(o, "denominator")
    if numerator is None or denominator is None:
        raise _Skip("numerator and denominator are required")
    return IndicatorMeta(
        uid=_uid(o.get("id")), name=_name(o), code=_text(o, "code"), short_name=_text(o, "shortName"),
        numerator=numerator, denominator=denominator,
        numerator_description=_text(o, "numeratorDescription"),
        denominator_description=_text(o, "denominatorDescription"),
        indicator_type=_ref(o, "indicatorType"), decimals=_int(o, "decimals"),
        annualized=_bool(o, "annualized"),
        description=_text(o, "description"),
        attribute_values=_attribute_values(o),
    )  # fmt: skip


def _data_set(o: dict) -> DataSetMeta:
    # Current DHIS2 lists members as dataSetElements[].dataElement; versions before 2.25 used dataElements[].
    elements = _refs(o, "dataSetElements", inner="dataElement") or _refs(o, "dataElements")
    return DataSetMeta(
        uid=_uid(o.get("id")), name=_name(o), code=_text(o, "code"), short_name=_text(o, "shortName"),
        period_type=_text(o, "periodType"), data_elements=elements,
        open_future_periods=_int(o, "openFuturePeriods", 0) or 0, expiry_days=_int(o, "expiryDays", 0) or 0,
        category_combo=_ref(o, "categoryCombo"), organisation_units=_refs(o, "organisationUnits"),
        attribute_values=_attribute_values(o),
    )  # fmt: skip


def _org_unit_level(o: dict) -> OrgUnitLevelMeta:
    level = _int(o, "level")
    if level is None or level < 1:
        raise _Skip("level must be a whole number from 1 (the root)")
    return OrgUnitLevelMeta(_uid(o.get("id")), _name(o), level)


def _constant(o: dict) -> ConstantMeta:
    try:
        value = Decimal(str(o.get("value")).strip())
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise _Skip(f"value {o.get('value')!r} is not a number") from None
    return ConstantMeta(_uid(o.get("id")), _name(o), value, _text(o, "code"))


#: DHIS2 collection name → (Metadata attribute, parser)
_KINDS: dict[str, tuple[str, Callable[[dict], Any]]] = {
    "organisationUnits": ("organisation_units", _org_unit),
    "dataElements": ("data_elements", _data_element),
    "categoryOptions": ("category_options", _category_option),
    "categories": ("categories", _category),
    "categoryCombos": ("category_combos", _category_combo),
    "categoryOptionCombos": ("category_option_combos", _category_option_combo),
    "indicatorTypes": ("indicator_types", _indicator_type),
    "indicators": ("indicators", _indicator),
    "dataSets": ("data_sets", _data_set),
    "organisationUnitLevels": ("organisation_unit_levels", _org_unit_level),
    "constants": ("constants", _constant),
}
KINDS = tuple(_KINDS)

# Top-level keys of an /api/metadata or list response that are not collections.
_NOT_COLLECTIONS = {"date", "system", "pager", "version"}


def _singular(kind: str) -> str:
    return {"categories": "category"}.get(kind, kind[:-1])


def guess_kind(obj: dict) -> str | None:
    """The collection a lone DHIS2 object belongs to, from the fields only that type has (None if unsure)."""
    keys = set(obj)
    if {"numerator", "denominator"} <= keys:
        return "indicators"
    if "valueType" in keys:
        return "dataElements"
    if "periodType" in keys or "dataSetElements" in keys:
        return "dataSets"
    if "factor" in keys:
        return "indicatorTypes"
    if "categoryCombo" in keys and "categoryOptions" in keys:
        return "categoryOptionCombos"
    if "categories" in keys:
        return "categoryCombos"
    if "categoryOptions" in keys:
        return "categories"
    if keys & {"path", "parent", "openingDate", "closedDate"}:
        return "organisationUnits"
    if "level" in keys:
        return "organisationUnitLevels"
    if "value" in keys:
        return "constants"
    return None


def _add(meta: Metadata, kind: str, objects: Iterable[Any], *, first_line: int | None = None) -> None:
    attr, parse = _KINDS[kind]
    target = getattr(meta, attr)
    seen = {obj.uid for obj in target if obj.uid}
    for index, raw in enumerate(objects):
        line = None if first_line is None else first_line + index
        label = f"{_singular(kind)} #{index}"
        if not isinstance(raw, dict):
            meta.errors.append(FormatError(f"{label}: not an object", index=index, line=line, kind=kind))
            continue
        ident = raw.get("id") or raw.get("name") or raw.get("code")
        if ident:
            label += f" ({ident})"
        try:
            obj = parse(raw)
        except _Skip as reason:
            meta.errors.append(FormatError(f"{label}: {reason}", index=index, line=line, kind=kind))
            continue
        if obj.uid and obj.uid in seen:
            meta.errors.append(
                FormatError(f"{label}: duplicate uid {obj.uid}", index=index, line=line, kind=kind)
            )
            continue
        if obj.uid:
            seen.add(obj.uid)
        target.append(obj)


def _complete_hierarchy(meta: Metadata) -> None:
    """Fill ``path`` and ``level`` of org units from their parents in the same file, when missing."""
    by_uid = {ou.uid: ou for ou in meta.organisation_units if ou.uid}
    done: dict[str, OrgUnitMeta] = {}

    def resolve(ou: OrgUnitMeta, depth: int = 0) -> OrgUnitMeta:
        if ou.uid in done:
            return done[ou.uid]
        path, level = ou.path, ou.level
        if (path is None or level is None) and depth < 100:  # depth guards against a parent cycle
            if ou.parent is None:
                path, level = path or (f"/{ou.uid}" if ou.uid else None), level or 1
            elif ou.parent in by_uid:
                parent = resolve(by_uid[ou.parent], depth + 1)
                if parent.path is not None and path is None and ou.uid:
                    path = f"{parent.path}/{ou.uid}"
                if parent.level is not None and level is None:
                    level = parent.level + 1
        result = ou if (path, level) == (ou.path, ou.level) else replace(ou, path=path, level=level)
        if ou.uid:
            done[ou.uid] = result
        return result

    meta.organisation_units[:] = [resolve(ou) for ou in meta.organisation_units]


# ----------------------------------------------------------------------------------------------------- JSON


def _read_text(fileobj: IO) -> str:
    """The whole file as text (a metadata bundle is read at once), refused past the document size limit."""
    data = read_document(fileobj)
    if isinstance(data, bytes):
        data = data.removeprefix(b"\xef\xbb\xbf")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise not_utf8(data, exc) from None
    return data.removeprefix("\ufeff")


def read_json(fileobj: IO, kind: str | None = None) -> Metadata:
    """Read DHIS2 metadata JSON (bundle, one-type list response, single object or plain list).

    ``kind`` (a collection name such as ``"organisationUnits"``) says what a single object or plain list
    holds; without it the type is recognised by ``guess_kind``. Raises :class:`FormatError` with line and
    column when the text is not JSON, or when the top level is neither an object nor a list.
    """
    if kind is not None and kind not in _KINDS:
        raise ValueError(f"unknown metadata kind {kind!r}; one of {', '.join(KINDS)}")
    doc = load_json(fileobj, parse_float=Decimal)
    meta = Metadata()
    if isinstance(doc, list):
        _read_loose(meta, doc, kind)
    elif isinstance(doc, dict):
        collections = [k for k, v in doc.items() if isinstance(v, list)]
        # A lone object has its own "id" and may hold lists named like collections (an org unit's dataSets);
        # /api/metadata and list responses never have a top-level "id".
        if kind is None and "id" not in doc and any(k in _KINDS for k in collections):
            for key in collections:
                if key in _KINDS:
                    _add(meta, key, doc[key])
                elif key not in _NOT_COLLECTIONS:
                    meta.other[key] = len(doc[key])
        elif kind is not None and isinstance(doc.get(kind), list):
            _add(meta, kind, doc[kind])
        else:
            _read_loose(meta, [doc], kind)
    else:
        raise FormatError("DHIS2 metadata JSON must be an object or a list of objects", line=1, column=1)
    _complete_hierarchy(meta)
    return meta


def _read_loose(meta: Metadata, objects: list, kind: str | None) -> None:
    for index, obj in enumerate(objects):
        obj_kind = kind or (guess_kind(obj) if isinstance(obj, dict) else None)
        if obj_kind is None:
            meta.errors.append(
                FormatError(f"object #{index}: cannot tell which metadata type it is", index=index)
            )
            continue
        before = len(meta.errors)
        _add(meta, obj_kind, [obj])
        for err in meta.errors[before:]:  # report the position in the file, not in the one-object batch
            err.index = index


# ------------------------------------------------------------------------------------------------------ CSV

#: Column order of DHIS2's metadata CSV import per type (DHIS2 docs "Metadata import — CSV"; the indicator
#: order is the one dhis2-core's own fixture ``indicators.csv`` uses). Names are the JSON property names.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisationUnits": (
        "name", "id", "code", "parent", "shortName", "description", "openingDate", "closedDate", "comment",
        "featureType", "coordinates", "url", "contactPerson", "address", "email", "phoneNumber",
    ),
    "dataElements": (
        "name", "id", "code", "shortName", "description", "formName", "domainType", "valueType",
        "aggregationType", "categoryCombo", "url", "zeroIsSignificant", "optionSet", "commentOptionSet",
    ),
    "indicators": (
        "name", "id", "code", "description", "shortName", "denominator", "denominatorDescription",
        "numerator", "numeratorDescription", "annualized", "decimals", "indicatorType",
    ),
    "categoryOptions": ("name", "id", "code", "shortName", "description"),
    "organisationUnitLevels": ("name", "id", "level"),
    "constants": ("name", "id", "code", "value"),
}  # fmt: skip

# Header spellings that are not the property name itself (compared lower-cased, without spaces/underscores).
_CSV_ALIASES = {"uid": "id", "parentuid": "parent", "categorycombination": "categoryCombo"}


def _header_key(cell: str) -> str:
    return re.sub(r"[\s_]", "", cell.strip().lower())


def read_csv(fileobj: IO, kind: str) -> Metadata:
    """Read one DHIS2 metadata CSV file of type ``kind`` (a key of ``CSV_COLUMNS``).

    Columns are positional as in ``CSV_COLUMNS[kind]`` unless the first row is a header (its first two cells
    are ``name`` and ``uid``/``id``), in which case every column is matched by name. Blank cells are absent
    values; short rows are allowed. Raises :class:`FormatError` (with line) for broken CSV quoting.
    """
    if kind not in CSV_COLUMNS:
        raise ValueError(f"no CSV layout for {kind!r}; one of {', '.join(CSV_COLUMNS)}")
    columns = CSV_COLUMNS[kind]
    known = {_header_key(c): c for c in columns} | _CSV_ALIASES
    reader = csv.reader(io.StringIO(_read_text(fileobj), newline=""), strict=True)
    meta = Metadata()
    objects: list[dict] = []
    first_line = 1
    cells, most = 0, current().max_nodes
    try:
        for row in reader:
            cells += len(row) + 1
            if cells > most:
                raise LimitExceeded(
                    f"The file holds more than {most:,} cells (the limit)", line=reader.line_num
                )
            if not any(cell.strip() for cell in row):
                continue
            if not objects and first_line == 1 and _looks_like_header(row, known):
                columns = tuple(known.get(_header_key(cell), cell.strip()) for cell in row)
                first_line = reader.line_num + 1
                continue
            objects.append(
                {col: cell.strip() for col, cell in zip(columns, row, strict=False) if cell.strip()}
            )
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", line=reader.line_num) from None
    _add(meta, kind, objects, first_line=first_line)
    _complete_hierarchy(meta)
    return meta


def _looks_like_header(row: list[str], known: dict[str, str]) -> bool:
    keys = [known.get(_header_key(cell)) for cell in row[:2]]
    return keys == ["name", "id"]


# ---------------------------------------------------------------------------------------------------- write


def _ref_out(uid: str | None) -> dict | None:
    return {"id": uid} if uid else None


def _to_json(kind: str, obj: Any) -> dict:
    def d(value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value

    if kind == "organisationUnits":
        out = {"id": obj.uid, "code": obj.code, "name": obj.name, "shortName": obj.short_name,
               "level": obj.level, "parent": _ref_out(obj.parent), "path": obj.path,
               "openingDate": d(obj.opening_date), "closedDate": d(obj.closed_date)}  # fmt: skip
    elif kind == "dataElements":
        out = {"id": obj.uid, "code": obj.code, "name": obj.name, "shortName": obj.short_name,
               "valueType": obj.value_type, "aggregationType": obj.aggregation_type,
               "domainType": obj.domain_type, "categoryCombo": _ref_out(obj.category_combo),
               "zeroIsSignificant": obj.zero_is_significant}  # fmt: skip
    elif kind in ("categoryOptions",):
        out = {"id": obj.uid, "code": obj.code, "name": obj.name, "shortName": obj.short_name}
    elif kind == "categories":
        out = {"id": obj.uid, "code": obj.code, "name": obj.name, "shortName": obj.short_name,
               "dataDimensionType": obj.data_dimension_type,
               "categoryOptions": [{"id": u} for u in obj.category_options]}  # fmt: skip
    elif kind == "categoryCombos":
        out = {"id": obj.uid, "code": obj.code, "name": obj.name,
               "dataDimensionType": obj.data_dimension_type,
               "categories": [{"id": u} for u in obj.categories]}  # fmt: skip
    elif kind == "categoryOptionCombos":
        out = {"id": obj.uid, "code": obj.code, "name": obj.name,
               "categoryCombo": _ref_out(obj.category_combo),
               "categoryOptions": [{"id": u} for u in obj.category_options]}  # fmt: skip
    elif kind == "indicatorTypes":
        out = {"id": obj.uid, "name": obj.name, "factor": obj.factor, "number": obj.number}
    elif kind == "indicators":
        out = {"id": obj.uid, "code": obj.code, "name": obj.name, "shortName": obj.short_name,
               "description": obj.description, "numerator": obj.numerator, "denominator": obj.denominator,
               "numeratorDescription": obj.numerator_description,
               "denominatorDescription": obj.denominator_description,
               "indicatorType": _ref_out(obj.indicator_type), "decimals": obj.decimals,
               "annualized": obj.annualized}  # fmt: skip
    elif kind == "dataSets":
        out = {"id": obj.uid, "code": obj.code, "name": obj.name, "shortName": obj.short_name,
               "periodType": obj.period_type, "openFuturePeriods": obj.open_future_periods,
               "expiryDays": obj.expiry_days, "categoryCombo": _ref_out(obj.category_combo),
               "dataSetElements": [{"dataElement": {"id": u}} for u in obj.data_elements],
               "organisationUnits": [{"id": u} for u in obj.organisation_units]}  # fmt: skip
    elif kind == "organisationUnitLevels":
        out = {"id": obj.uid, "name": obj.name, "level": obj.level}
    else:  # constants: a JSON number; int when whole so "100" does not come back as "100.0"
        value = int(obj.value) if obj.value == obj.value.to_integral_value() else float(obj.value)
        out = {"id": obj.uid, "code": obj.code, "name": obj.name, "value": value}
    if getattr(obj, "attribute_values", None) is not None:
        out["attributeValues"] = [{"attribute": {"id": uid}, "value": v} for uid, v in obj.attribute_values]
    # DHIS2 omits absent properties rather than writing null.
    return {k: v for k, v in out.items() if v is not None}


def to_dict(metadata: Metadata) -> dict[str, list[dict]]:
    """The ``/api/metadata`` JSON document for ``metadata`` (only non-empty collections)."""
    doc = {}
    for kind, (attr, _) in _KINDS.items():
        objects = getattr(metadata, attr)
        if objects:
            doc[kind] = [_to_json(kind, obj) for obj in objects]
    return doc


def write_json(metadata: Metadata, out: IO[str]) -> None:
    """Write ``metadata`` as DHIS2 ``/api/metadata`` JSON to the text stream ``out``."""
    json.dump(to_dict(metadata), out, ensure_ascii=False, indent=2)
    out.write("\n")
