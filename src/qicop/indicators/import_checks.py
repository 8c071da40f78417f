"""The import's checks: resolve every identifier from preloaded maps and check every value, row by row.

Each refusal becomes a conflict shaped like DHIS2's (E76xx codes); the common row takes a fast path of
dictionary lookups only. Used by ``importer.import_data_values``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.indicators.models import (
    CategoryOptionCombo,
    DataElement,
    DataSet,
    OrgUnit,
    Period,
)
from qicop.indicators.values import NUMERIC_TYPES, ValueRejected, normalise
from qicop.integrations.dhis2.periods import PeriodError, parse_adx_period, parse_period
from qicop.integrations.dhis2.rows import DataValueRow

if TYPE_CHECKING:
    from qicop.indicators.importer import ImportOptions


@dataclass
class ConflictLog:
    """Conflicts merged as DHIS2 does: one entry per (object, message, code, property) with its indexes."""

    entries: dict[tuple[str, str, str, str], list[int]] = field(default_factory=dict)
    blocking_indexes: set[int] = field(default_factory=set)
    limit: int = 10_000

    def add(self, index: int, *, obj: str, message: str, code: str, prop: str, blocking: bool = True) -> None:
        key = (obj, message, code, prop)
        indexes = self.entries.get(key)
        if indexes is None:
            if len(self.entries) >= self.limit:
                key = ("", _("More conflicts than can be listed"), code, prop)
                indexes = self.entries.setdefault(key, [])
            else:
                indexes = self.entries[key] = []
        indexes.append(index)
        if blocking:
            self.blocking_indexes.add(index)

    def as_dicts(self) -> list[dict]:
        return [
            {"object": obj, "value": message, "errorCode": code, "property": prop, "indexes": indexes}
            for (obj, message, code, prop), indexes in self.entries.items()
        ]


class Resolver:
    """Turns the file's identifiers into row ids, with everything preloaded into dictionaries."""

    def __init__(self, options: ImportOptions, *, allowed_country_ids: set[int] | None):
        self.options = options
        self.allowed_country_ids = allowed_country_ids
        de_field = _FIELDS[options.scheme(options.data_element_id_scheme)]
        self.data_elements = {
            key: (pk, value_type, combo, zero)
            for key, pk, value_type, combo, zero in DataElement.objects.values_list(
                de_field, "id", "value_type", "category_combo_id", "zero_is_significant"
            )
            if key is not None
        }
        ou_field = _FIELDS[options.scheme(options.org_unit_id_scheme)]
        self.ancestors_of = _ancestors_with_children()
        self.org_units = {
            key: (pk, country)
            for key, pk, country in OrgUnit.objects.values_list(ou_field, "id", "country_id")
            if key is not None
        }
        self.option_combos = self._combos(options.scheme(options.category_option_combo_id_scheme))
        # As in DHIS2, attribute combos fall back on the category option combo scheme, then the general one.
        self.attribute_combos = self._combos(
            options.attribute_option_combo_id_scheme
            or options.category_option_combo_id_scheme
            or options.id_scheme
        )
        default = (
            CategoryOptionCombo.objects.filter(name="default").values_list("id", "category_combo_id").first()
        )
        self.default_combo = default
        self.periods: dict[str, tuple[int, date] | None] = {}
        self.period_errors: dict[str, str] = {}
        self.latest_open = self._latest_open_date(options.data_set)
        self._adx_combos: dict | None = None

    @staticmethod
    def _combos(scheme: str) -> dict[str, tuple[int, int]]:
        return {
            key: (pk, combo)
            for key, pk, combo in CategoryOptionCombo.objects.values_list(
                _FIELDS[scheme], "id", "category_combo_id"
            )
            if key is not None
        }

    @staticmethod
    def _latest_open_date(data_set: str | None) -> date:
        """Values may be stored up to today, or further when the data set opens future periods."""
        today = timezone.localdate()
        ds = DataSet.objects.filter(uid=data_set).first() if data_set else None
        if ds is None or not ds.open_future_periods:
            return today
        period = parse_period(_period_id_for(ds.period_type, today))
        for _step in range(ds.open_future_periods):
            period = period.next()
        return period.start

    def period(self, raw: str) -> tuple[int, date] | None:
        """The Period row for a DHIS2 (or ADX) period id, created on first sight. None when invalid."""
        if raw in self.periods:
            return self.periods[raw]
        try:
            parsed = parse_adx_period(raw) if "/" in raw else parse_period(raw)
        except PeriodError as error:
            self.period_errors[raw] = str(error)
            self.periods[raw] = None
            return None
        row, _created = Period.objects.get_or_create(
            dhis2_id=parsed.id,
            defaults={"period_type": parsed.period_type, "start_date": parsed.start, "end_date": parsed.end},
        )
        self.periods[raw] = (row.pk, row.start_date)
        return self.periods[raw]

    def adx_combo(self, options: tuple[tuple[str, str], ...]) -> tuple[int, int] | None:
        """The option combo whose options are exactly the given (category code, option code) pairs."""
        if self._adx_combos is None:
            self._adx_combos = _combos_by_option_codes()
        return self._adx_combos.get(frozenset(code for _category, code in options))


_FIELDS = {"UID": "uid", "CODE": "code", "NAME": "name"}


def _period_id_for(period_type: str, day: date) -> str:
    from qicop.integrations.dhis2.periods import period_of

    return period_of(period_type, day).id


def _combos_by_option_codes() -> dict[frozenset[str], tuple[int, int]]:
    combos: dict[tuple[int, int], set[str]] = {}
    for combo_id, category_combo_id, code in CategoryOptionCombo.options.through.objects.values_list(
        "categoryoptioncombo_id", "categoryoptioncombo__category_combo_id", "categoryoption__code"
    ):
        combos.setdefault((combo_id, category_combo_id), set()).add(code)
    return {frozenset(codes): combo for combo, codes in combos.items()}


@dataclass(slots=True)
class _Prepared:
    """A row that passed every check, ready to be compared with what is stored."""

    index: int
    key: tuple[int, int, int, int, int]
    element: str
    value: str | None
    numeric: float | None
    comment: str | None
    follow_up: bool
    stored_by: str
    delete: bool


def _prepare(
    row: DataValueRow, resolver: Resolver, conflicts: ConflictLog, options: ImportOptions, user_label: str
) -> _Prepared | None:
    """Check one row; record its conflicts and return None when it cannot be stored."""
    index = row.index
    de = resolver.data_elements.get(row.data_element)
    if de is None:
        conflicts.add(
            index,
            obj=row.data_element,
            code="E7610",
            prop="dataElement",
            message=_("Data element not found or not accessible: %(id)s") % {"id": row.data_element},
        )
        return None
    ou = resolver.org_units.get(row.org_unit)
    if ou is None:
        conflicts.add(
            index,
            obj=row.org_unit,
            code="E7612",
            prop="orgUnit",
            message=_("Organisation unit not found or not accessible: %(id)s") % {"id": row.org_unit},
        )
        return None
    if resolver.allowed_country_ids is not None and ou[1] not in resolver.allowed_country_ids:
        conflicts.add(
            index,
            obj=row.org_unit,
            code="E7617",
            prop="orgUnit",
            message=_("Organisation unit %(id)s is outside the countries whose data you may change")
            % {"id": row.org_unit},
        )
        return None
    period = resolver.period(row.period)
    if period is None:
        conflicts.add(
            index,
            obj=row.period,
            code="E7611",
            prop="period",
            message=_("Period not valid: %(id)s (%(reason)s)")
            % {"id": row.period, "reason": resolver.period_errors.get(row.period, "")},
        )
        return None
    if period[1] > resolver.latest_open:
        conflicts.add(
            index,
            obj=row.period,
            code="E7641",
            prop="period",
            message=_("Period %(id)s is not open yet: values can be stored up to %(date)s")
            % {"id": row.period, "date": resolver.latest_open.isoformat()},
        )
        return None
    coc = _combo(row, resolver, conflicts, attribute=False)
    aoc = _combo(row, resolver, conflicts, attribute=True)
    if coc is None or aoc is None:
        return None
    if coc[1] != de[2] and coc[0] != resolver.default_combo[0]:
        conflicts.add(
            index,
            obj=_combo_label(row),
            code="E7634",
            prop="categoryOptionCombo",
            message=_("Category option combo %(coc)s is not a disaggregation of data element %(de)s")
            % {"coc": _combo_label(row), "de": row.data_element},
        )
        return None
    delete = bool(row.deleted) or options.strategy == "DELETE"
    value, numeric, comment = row.value, None, row.comment
    if options.values_in_annotations and de[1] not in NUMERIC_TYPES and not delete:
        # ADX carries a text, yes/no or date value in <annotation>, with a placeholder value (DHIS2 does so).
        if row.annotation is None:
            conflicts.add(
                index,
                obj=row.data_element,
                code="E7619",
                prop="value",
                message=_(
                    "Data element %(id)s is not numeric: ADX gives its value in an <annotation>, "
                    "and this dataValue has none"
                )
                % {"id": row.data_element},
            )
            return None
        value = row.annotation
        if comment == row.annotation:
            comment = None
    if value is not None:
        value = value.strip()
    if not delete and (value is None or value == ""):
        if not comment:
            conflicts.add(
                index,
                obj=row.data_element,
                code="E7618",
                prop="value",
                message=_("Data value or comment not specified for data element: %(id)s")
                % {"id": row.data_element},
            )
            return None
        value = None
    elif not delete:
        try:
            value, numeric = normalise(de[1], value)
            if numeric == 0 and not de[3] and de[1] in NUMERIC_TYPES:
                # DHIS2 keeps no zeros of elements whose zeros are not significant: a zero clears the value.
                delete = True
        except ValueRejected as reason:
            conflicts.add(
                index,
                obj=row.data_element,
                code="E7619",
                prop="value",
                message=_("Value must match data element %(id)s's type constraints: %(reason)s")
                % {"id": row.data_element, "reason": reason},
            )
            return None
    return _Prepared(
        index=index,
        key=(de[0], period[0], ou[0], coc[0], aoc[0]),
        element=row.data_element,
        value=value,
        numeric=numeric,
        comment=comment or None,
        follow_up=bool(row.follow_up),
        stored_by=row.stored_by or user_label,
        delete=delete,
    )


# Value types whose every plain ASCII number is valid: the fast path of _prepare_chunk takes them.
_PLAIN_NUMBER_TYPES = frozenset({"NUMBER", "INTEGER", "INTEGER_ZERO_OR_POSITIVE"})

# A value as the store inserts it: (data element, period, org unit, combo, attribute combo, value, numeric,
# stored by), with no comment and no follow-up. DHIS2 exports name who stored each value, so stored_by varies.
PlainRow = tuple[int, int, int, int, int, str, float | None, str]


def _prepare_chunk(
    chunk: list[DataValueRow],
    resolver: Resolver,
    conflicts: ConflictLog,
    options: ImportOptions,
    user_label: str,
    seen: set[tuple[int, ...]],
) -> tuple[list[PlainRow], list[_Prepared]]:
    """Check a chunk of rows and drop repeated keys (the first in the file wins); returns the rows to store.

    The common row (known ids, default combos, a plain whole number, no comment or flag) is checked
    inline with dictionary lookups only and comes back as a ``PlainRow`` tuple, ready to be bound as it is;
    anything else goes through _prepare, which explains every refusal, and comes back as a ``PlainRow`` too
    when it is neither a deletion nor carries a comment or a follow-up, else as a ``_Prepared``.
    Duplicates are found here, in file order across both kinds, so "the first" means the first in the file.
    ``seen`` holds the keys as tuples, without the combos when both are the default (most values): packing
    them into one int each would take less memory, but the big-int arithmetic and hashing made the whole
    check twice as slow.
    This keeps a million-row import within a few times the cost of the bare inserts."""
    data_elements, org_units, periods = resolver.data_elements, resolver.org_units, resolver.periods
    allowed, latest = resolver.allowed_country_ids, resolver.latest_open
    default_pair = resolver.default_combo
    default = default_pair[0] if default_pair else None
    option_combos = resolver.option_combos
    fast = options.strategy != "DELETE" and default is not None
    plain: list[PlainRow] = []
    prepared: list[_Prepared] = []
    add_plain, add_prepared, add_seen = plain.append, prepared.append, seen.add
    for row in chunk:
        value = row.value
        if (
            fast
            and value
            and value.isascii()
            and value.isdigit()
            and not (row.attribute_option_combo or row.category_options or row.attribute_options)
            and not (row.deleted or row.comment or row.follow_up)
        ):
            de = data_elements.get(row.data_element)
            ou = org_units.get(row.org_unit)
            pe = periods.get(row.period)
            coc = option_combos.get(row.category_option_combo) if row.category_option_combo else default_pair
            if (
                de is not None
                and ou is not None
                and pe is not None
                and coc is not None
                and (coc[0] == default or coc[1] == de[2])
                and de[1] in _PLAIN_NUMBER_TYPES
                and (
                    value[0] != "0" or (value == "0" and de[3])
                )  # leading zeros, insignificant zeros: slow path
                and (allowed is None or ou[1] in allowed)
                and pe[1] <= latest
            ):
                de_id, pe_id, ou_id, coc_id = de[0], pe[0], ou[0], coc[0]
                seen_key = (
                    (de_id, pe_id, ou_id) if coc_id == default else (de_id, pe_id, ou_id, coc_id, default)
                )
                if seen_key in seen:
                    _duplicate(conflicts, row)
                    continue
                add_seen(seen_key)
                stored_by = row.stored_by or user_label
                add_plain((de_id, pe_id, ou_id, coc_id, default, value, float(value), stored_by))
                continue
        slow = _prepare(row, resolver, conflicts, options, user_label)
        if slow is None:
            continue
        key = slow.key
        seen_key = key[:3] if key[3] == default and key[4] == default else key
        if seen_key in seen:
            _duplicate(conflicts, row)
            continue
        add_seen(seen_key)
        if not slow.delete and slow.comment is None and not slow.follow_up:
            # Spaces, a decimal, a yes/no, a period met for the first time: plain all the same.
            add_plain((*key, slow.value, slow.numeric, slow.stored_by))
        else:
            add_prepared(slow)
    return plain, prepared


def _duplicate(conflicts: ConflictLog, row: DataValueRow) -> None:
    conflicts.add(
        row.index,
        obj=row.data_element,
        code="E7644",
        prop="dataValue",
        blocking=False,
        message=_(
            "Duplicate data value: the same data element, period, organisation unit "
            "and combinations appear more than once; only the first was used"
        ),
    )


def _combo_label(row: DataValueRow) -> str:
    """The disaggregation as the file gives it: a combo id, or ADX/FHIR category=option pairs."""
    if row.category_option_combo:
        return row.category_option_combo
    return ", ".join(f"{category}={option}" for category, option in row.category_options)


def _combo(row: DataValueRow, resolver: Resolver, conflicts: ConflictLog, *, attribute: bool):
    raw = row.attribute_option_combo if attribute else row.category_option_combo
    pairs = row.attribute_options if attribute else row.category_options
    if not raw and pairs:
        combo_id = resolver.adx_combo(pairs)
        if combo_id is not None:
            return combo_id
        raw = ", ".join(f"{category}={option}" for category, option in pairs)
    elif not raw:
        return resolver.default_combo
    else:
        found = (resolver.attribute_combos if attribute else resolver.option_combos).get(raw)
        if found is not None:
            return found
    code, prop = ("E7615", "attributeOptionCombo") if attribute else ("E7613", "categoryOptionCombo")
    message = (
        _("Attribute option combo not found or not accessible: %(id)s")
        if attribute
        else _("Category option combo not found or not accessible: %(id)s")
    )
    conflicts.add(row.index, obj=raw, code=code, prop=prop, message=message % {"id": raw})
    return None


def _ancestors_with_children() -> dict[int, tuple[int, ...]]:
    """For each org unit, the org units with children on its path (itself included): those whose
    subtree sums in the analytics table its values count toward."""
    units = list(OrgUnit.objects.values_list("id", "uid", "path", "parent_id"))
    by_uid = {uid: pk for pk, uid, _path, _parent in units}
    parents = {parent for _pk, _uid, _path, parent in units if parent is not None}
    return {
        pk: tuple(by_uid[uid] for uid in path.strip("/").split("/") if by_uid.get(uid) in parents)
        for pk, _uid, path, _parent in units
    }
