"""The import's checks: resolve every identifier from preloaded maps and check every value, row by row.

Each refusal becomes a conflict shaped like DHIS2's (E76xx codes); the common row takes a fast path of
dictionary lookups only. Used by ``importer.import_data_values``.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext_noop

from qicop.indicators import import_messages as english
from qicop.indicators.import_conflicts import ConflictLog
from qicop.indicators.import_types import PlainRow, PreparedValue
from qicop.indicators.models import (
    CategoryOptionCombo,
    DataElement,
    DataSet,
    OrgUnit,
)
from qicop.indicators.periods import parsed_period, period_for
from qicop.indicators.values import NUMERIC_TYPES, ValueRejected, normalise
from qicop.integrations.dhis2.periods import PeriodError, parse_period, period_of
from qicop.integrations.dhis2.rows import DataValueRow, ValueColumns

if TYPE_CHECKING:
    from qicop.indicators.id_schemes import IdScheme
    from qicop.indicators.importer import ImportOptions


MAX_CANDIDATES = 5  # candidates a conflict names; the rest are counted


class Keys:
    """The identifiers of one object type under one id scheme, preloaded.

    ``found`` maps each key that names exactly one object the import may use to that object's row (the
    fast path looks only there). The slow path explains the others: keys that name several objects
    (``ambiguous``, key → ids) and, for org units, keys that name only objects outside the actor's countries
    (``outside``). A key is never resolved by picking one of several objects: that wrote into another
    country's facility when names repeat across countries. Objects without a value under the scheme are
    known by their UID instead, as exports write them (id_schemes.py).
    """

    __slots__ = ("ambiguous", "found", "outside", "scheme")

    def __init__(self, model, scheme: IdScheme, payload: tuple[str, ...], *, inside=None):
        self.scheme = scheme
        self.found: dict[str, tuple] = {}
        self.ambiguous: dict[str, list[int]] = {}
        self.outside: dict[str, list[int]] = {}
        found, ambiguous, outside = self.found, self.ambiguous, self.outside
        if scheme.kind == "UID":
            columns: tuple[str, ...] = ("uid",)
        elif scheme.kind == "ATTRIBUTE":
            columns = ("uid", "attribute_values")
        else:
            columns = ("uid", scheme.kind.lower())
        width = len(columns)
        attribute = scheme.attribute
        for row in model.objects.order_by().values_list(*columns, *payload).iterator(chunk_size=5000):
            if width == 1:
                key = row[0]
            else:
                raw = row[1]
                if attribute is not None:
                    raw = (raw or {}).get(attribute)
                key = str(raw) if raw is not None and raw != "" else row[0]
            value = row[width:]
            if inside is not None and not inside(value):
                outside.setdefault(key, []).append(value[0])
            elif key in ambiguous:
                ambiguous[key].append(value[0])
            elif key in found:
                ambiguous[key] = [found.pop(key)[0], value[0]]
            else:
                found[key] = value


class Resolver:
    """Turns the file's identifiers into row ids, with everything preloaded into dictionaries."""

    def __init__(self, options: ImportOptions, *, allowed_country_ids: set[int] | None):
        self.options = options
        self.allowed_country_ids = allowed_country_ids
        schemes = options.schemes
        self.data_element_keys = Keys(
            DataElement,
            schemes.data_elements,
            ("id", "value_type", "category_combo_id", "zero_is_significant"),
        )
        self.data_elements = self.data_element_keys.found
        self.ancestors_of = _ancestors_with_children()
        # Org units are looked up only among those the actor may change: a name that repeats across
        # countries names one facility for a country's data manager, and several for a coordinator.
        allowed = allowed_country_ids
        self.org_unit_keys = Keys(
            OrgUnit,
            schemes.org_units,
            ("id", "country_id"),
            inside=None if allowed is None else (lambda unit: unit[1] in allowed),
        )
        self.org_units = self.org_unit_keys.found
        self.option_combo_keys = Keys(
            CategoryOptionCombo, schemes.category_option_combos, ("id", "category_combo_id")
        )
        self.option_combos = self.option_combo_keys.found
        if schemes.attribute_option_combos == schemes.category_option_combos:
            self.attribute_combo_keys = self.option_combo_keys
        else:
            self.attribute_combo_keys = Keys(
                CategoryOptionCombo, schemes.attribute_option_combos, ("id", "category_combo_id")
            )
        self.attribute_combos = self.attribute_combo_keys.found
        default = (
            CategoryOptionCombo.objects.filter(name="default").values_list("id", "category_combo_id").first()
        )
        self.default_combo = default
        self.periods: dict[str, tuple[int | None, date] | None] = {}
        self.period_errors: dict[str, str] = {}
        self.latest_open = self._latest_open_date(options.data_set)
        self._adx_combos: dict | None = None
        self._explained: dict[tuple[str, str], tuple[str, str]] = {}

    def explain(self, prop: str, key: str) -> tuple[str, str]:
        """Why ``key`` names no single usable object of the type ``prop`` (a DHIS2 property name): the
        conflict's error code and message, naming the candidates when there are several. Computed once per
        key: a file repeats its identifiers on every row."""
        explained = self._explained.get((prop, key))
        if explained is None:
            explained = self._explained[(prop, key)] = _explain(self, prop, key)
        return explained

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

    def period_start(self, raw: str) -> date | None:
        """The first day of a period id, or None when it is not valid (``period_errors`` says why); no
        period row is made: a value refused for another reason leaves none behind."""
        found = self.periods.get(raw, False)
        if found is not False:
            return None if found is None else found[1]
        if raw in self.period_errors:
            return None
        try:
            return parsed_period(raw).start
        except PeriodError as error:
            self.period_errors[raw] = str(error)
            self.periods[raw] = None
            return None

    def period(self, raw: str) -> tuple[int | None, date] | None:
        """(Period row id, first day) for a DHIS2 (or ADX) period id; None when invalid. The row is created
        on first sight (``period_for``), but not for a period that is not open yet: its values are refused
        (E7641) before the id is used, and a refused value leaves no period behind (the id is None)."""
        if raw in self.periods:
            return self.periods[raw]
        try:
            parsed = parsed_period(raw)
        except PeriodError as error:
            self.period_errors[raw] = str(error)
            self.periods[raw] = None
            return None
        if parsed.start > self.latest_open:
            self.periods[raw] = (None, parsed.start)
        else:
            self.periods[raw] = (period_for(parsed).pk, parsed.start)
        return self.periods[raw]

    def adx_combos(self, options: tuple[tuple[str, str], ...]) -> list[tuple[int, int]]:
        """The option combos whose options are exactly those of the given (category code, option code)
        pairs: one, several (combos of different category combos with the same options) or none."""
        if self._adx_combos is None:
            self._adx_combos = _combos_by_option_codes()
        return self._adx_combos.get(frozenset(code for _category, code in options), [])


def _explain(resolver: Resolver, prop: str, key: str) -> tuple[str, str]:
    keys, model, code = {
        "dataElement": (resolver.data_element_keys, DataElement, "E7610"),
        "orgUnit": (resolver.org_unit_keys, OrgUnit, "E7612"),
        "categoryOptionCombo": (resolver.option_combo_keys, CategoryOptionCombo, "E7613"),
        "attributeOptionCombo": (resolver.attribute_combo_keys, CategoryOptionCombo, "E7615"),
    }[prop]
    several = keys.ambiguous.get(key)
    if several:
        return code, _ambiguous(prop, key, str(keys.scheme), _candidates(model, several), len(several))
    if key in keys.outside:
        return "E7617", english.gettext(
            "Organisation unit %(id)s is outside the countries whose data you may change", id=key
        )
    message = {
        "dataElement": gettext_noop("Data element not found or not accessible: %(id)s"),
        "orgUnit": gettext_noop("Organisation unit not found or not accessible: %(id)s"),
        "categoryOptionCombo": gettext_noop("Category option combo not found or not accessible: %(id)s"),
        "attributeOptionCombo": gettext_noop("Attribute option combo not found or not accessible: %(id)s"),
    }[prop]
    return code, english.gettext(message, id=key)


def _ambiguous(prop: str, key: str, scheme: str, candidates: str, count: int) -> str:
    # DHIS2 has no code of its own for an identifier that names several objects: the conflict keeps the
    # type's "not found" code, which its clients already treat as "this identifier cannot be used".
    message = {
        "dataElement": gettext_noop(
            "Data element %(id)s is ambiguous under id scheme %(scheme)s: it names %(count)d data "
            "elements: %(candidates)s. Use an identifier that names one, such as the UID."
        ),
        "orgUnit": gettext_noop(
            "Organisation unit %(id)s is ambiguous under id scheme %(scheme)s: it names %(count)d "
            "organisation units whose data you may change: %(candidates)s. Use an identifier that "
            "names one, such as the UID."
        ),
        "categoryOptionCombo": gettext_noop(
            "Category option combo %(id)s is ambiguous under id scheme %(scheme)s: it names "
            "%(count)d category option combos: %(candidates)s. Use an identifier that names one, "
            "such as the UID."
        ),
        "attributeOptionCombo": gettext_noop(
            "Attribute option combo %(id)s is ambiguous under id scheme %(scheme)s: it names "
            "%(count)d category option combos: %(candidates)s. Use an identifier that names one, "
            "such as the UID."
        ),
    }[prop]
    return english.gettext(message, id=key, scheme=scheme, count=count, candidates=candidates)


def _candidates(model, ids: list[int]) -> str:
    """The first few objects a key names (name, country for org units, UID), and how many more."""
    first = sorted(ids)[:MAX_CANDIDATES]
    if model is OrgUnit:
        rows = OrgUnit.objects.filter(pk__in=first).order_by("country__name", "name", "uid")
        described = [
            english.gettext("%(name)s (%(country)s, UID %(uid)s)", name=name, country=country, uid=uid)
            for name, country, uid in rows.values_list("name", "country__name", "uid")
        ]
    else:
        rows = model.objects.filter(pk__in=first).order_by("name", "uid")
        described = [
            english.gettext("%(name)s (UID %(uid)s)", name=name, uid=uid)
            for name, uid in rows.values_list("name", "uid")
        ]
    text = "; ".join(described)
    if len(ids) > MAX_CANDIDATES:
        more = len(ids) - MAX_CANDIDATES
        return english.ngettext("%(list)s and %(count)d more", "%(list)s and %(count)d more", more, list=text)
    return text


def _period_id_for(period_type: str, day: date) -> str:

    return period_of(period_type, day).id


def _combos_by_option_codes() -> dict[frozenset[str], list[tuple[int, int]]]:
    combos: dict[tuple[int, int], set[str]] = {}
    for combo_id, category_combo_id, code in CategoryOptionCombo.options.through.objects.values_list(
        "categoryoptioncombo_id", "categoryoptioncombo__category_combo_id", "categoryoption__code"
    ):
        combos.setdefault((combo_id, category_combo_id), set()).add(code)
    by_codes: dict[frozenset[str], list[tuple[int, int]]] = {}
    for combo, codes in sorted(combos.items()):
        by_codes.setdefault(frozenset(codes), []).append(combo)
    return by_codes


def _prepare(
    row: DataValueRow, resolver: Resolver, conflicts: ConflictLog, options: ImportOptions, user_label: str
) -> PreparedValue | None:
    """Check one row; record its conflicts and return None when it cannot be stored. Every identifier of
    the row is checked before it is refused, so that a data manager learns of every problem of a line at
    once (an unknown data element and an unknown org unit beside it), not one per import."""
    index = row.index
    refused = False
    de = resolver.data_elements.get(row.data_element)
    if de is None:
        code, message = resolver.explain("dataElement", row.data_element)
        conflicts.add(
            index, line=row.line, obj=row.data_element, code=code, prop="dataElement", message=message
        )
        refused = True
    ou = resolver.org_units.get(row.org_unit)  # only org units the actor may change are there
    if ou is None:
        code, message = resolver.explain("orgUnit", row.org_unit)
        conflicts.add(index, line=row.line, obj=row.org_unit, code=code, prop="orgUnit", message=message)
        refused = True
    start = resolver.period_start(row.period)
    if start is None:
        conflicts.add(
            index,
            line=row.line,
            obj=row.period,
            code="E7611",
            prop="period",
            message=english.gettext(
                "Period not valid: %(id)s (%(reason)s)",
                id=row.period,
                reason=resolver.period_errors.get(row.period, ""),
            ),
        )
        refused = True
    elif start > resolver.latest_open:
        conflicts.add(
            index,
            line=row.line,
            obj=row.period,
            code="E7641",
            prop="period",
            message=english.gettext(
                "Period %(id)s is not open yet: values can be stored up to %(date)s",
                id=row.period,
                date=resolver.latest_open,
            ),
        )
        refused = True
    # A combo given by its identifier is checked whatever else is wrong; one given as ADX's
    # category=option pairs is found through its data element, so only when the element is known.
    coc = aoc = None
    if de is not None or row.category_option_combo:
        coc = _combo(row, resolver, conflicts, attribute=False, category_combo=de[2] if de else None)
    if de is not None or row.attribute_option_combo:
        aoc = _combo(row, resolver, conflicts, attribute=True)
    if refused or coc is None or aoc is None:
        return None
    period = resolver.period(row.period)  # its row is made only for a value that may be stored
    if coc[1] != de[2] and coc[0] != resolver.default_combo[0]:
        conflicts.add(
            index,
            line=row.line,
            obj=_combo_label(row),
            code="E7634",
            prop="categoryOptionCombo",
            message=english.gettext(
                "Category option combo %(coc)s is not a disaggregation of data element %(de)s",
                coc=_combo_label(row),
                de=row.data_element,
            ),
        )
        return None
    if _holds_nul(row, conflicts):
        return None
    delete = bool(row.deleted) or options.strategy == "DELETE"
    value, numeric, comment = row.value, None, row.comment
    if options.values_in_annotations and de[1] not in NUMERIC_TYPES and not delete:
        # ADX carries a text, yes/no or date value in <annotation>, with a placeholder value (DHIS2 does so).
        if row.annotation is None:
            conflicts.add(
                index,
                line=row.line,
                obj=row.data_element,
                code="E7619",
                prop="value",
                message=english.gettext(
                    "Data element %(id)s is not numeric: ADX gives its value in an <annotation>, "
                    "and this dataValue has none",
                    id=row.data_element,
                ),
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
                line=row.line,
                obj=row.data_element,
                code="E7618",
                prop="value",
                message=english.gettext(
                    "Data value or comment not specified for data element: %(id)s", id=row.data_element
                ),
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
                line=row.line,
                obj=row.data_element,
                code="E7619",
                prop="value",
                message=english.gettext(
                    "Value must match data element %(id)s's type constraints: %(reason)s",
                    id=row.data_element,
                    reason=reason.args[0] if reason.args else str(reason),
                ),
            )
            return None
    return PreparedValue(
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


_FIRST, _THIRD = itemgetter(0), itemgetter(2)
_LEADING_ZERO = re.compile(r"^0[0-9]", re.MULTILINE)

# Value types whose every plain ASCII number is valid: the fast path of _prepare_chunk takes them.
_PLAIN_NUMBER_TYPES = frozenset({"NUMBER", "INTEGER", "INTEGER_ZERO_OR_POSITIVE"})


def _prepare_chunk(
    chunk: list[DataValueRow],
    resolver: Resolver,
    conflicts: ConflictLog,
    options: ImportOptions,
    user_label: str,
    seen: set[tuple[int, ...]],
) -> tuple[list[PlainRow], list[PreparedValue]]:
    """Check a chunk of rows and drop repeated keys (the first in the file wins); returns the rows to store.

    The common row (known ids, default combos, a plain whole number, no comment or flag) is checked
    inline with dictionary lookups only and comes back as a ``PlainRow`` tuple, ready to be bound as it is;
    anything else goes through _prepare, which explains every refusal, and comes back as a ``PlainRow`` too
    when it is neither a deletion nor carries a comment or a follow-up, else as a ``PreparedValue``.
    Duplicates are found here, in file order across both kinds, so "the first" means the first in the file.
    ``seen`` holds the keys as tuples, without the combos when both are the default (most values): packing
    them into one int each would take less memory, but the big-int arithmetic and hashing made the whole
    check twice as slow.
    This keeps a million-row import within a few times the cost of the bare inserts."""
    data_elements, org_units, periods = resolver.data_elements, resolver.org_units, resolver.periods
    latest = resolver.latest_open
    default_pair = resolver.default_combo
    default = default_pair[0] if default_pair else None
    option_combos = resolver.option_combos
    fast = options.strategy != "DELETE" and default is not None
    plain: list[PlainRow] = []
    prepared: list[PreparedValue] = []
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
            and not (row.stored_by and "\x00" in row.stored_by)
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


def prepare_columns(
    columns: ValueColumns,
    resolver: Resolver,
    options: ImportOptions,
    user_label: str,
    seen: set[tuple[int, ...]],
) -> list[PlainRow] | None:
    """The fast path of ``_prepare_chunk`` on whole columns: the rows to store when every value of the run
    is a plain whole number of known ids, default combos and no comment, follow-up or deletion, and no key
    repeats; else None, having changed nothing (but periods met for the first time), and the run is checked
    row by row. Each condition is the fast path's, tested on a column at once (C-level joins, maps and
    sets), so a plain file costs no Python work per value here."""
    default_pair = resolver.default_combo
    if options.strategy == "DELETE" or default_pair is None:
        return None
    count = len(columns)
    values = columns.value
    if (
        columns.attribute_option_combo.count(None) != count
        or columns.comment.count(None) + columns.comment.count("") != count
        or columns.follow_up.count(True)
        or columns.deleted.count(True)
        or None in values
        or "" in values
    ):
        return None
    digits = "".join(values)
    if not (digits.isascii() and digits.isdigit()):
        return None
    stored_by = columns.stored_by
    if "\x00" in "".join(filter(None, stored_by)):
        return None
    elements = list(map(resolver.data_elements.get, columns.data_element))
    if None in elements:
        return None
    units = list(map(resolver.org_units.get, columns.org_unit))
    if None in units:
        return None
    periods = resolver.periods
    for raw in set(columns.period) - periods.keys():
        resolver.period(raw)
    found = list(map(periods.get, columns.period))
    latest = resolver.latest_open
    if None in found or any(period[1] > latest for period in set(found)):
        return None
    kinds = set(elements)
    if not {element[1] for element in kinds} <= _PLAIN_NUMBER_TYPES:
        return None
    # Leading zeros, zeros of elements whose zeros do not count: the row path says what becomes of them.
    if "0" in digits:
        if _LEADING_ZERO.search("\n".join(values)):
            return None
        insignificant = "0" in values and not all(kind[3] for kind in kinds)
        if insignificant and any(
            value == "0" and not element[3] for value, element in zip(values, elements, strict=True)
        ):
            return None
    default = default_pair[0]
    element_ids = list(map(_FIRST, elements))
    period_ids = list(map(_FIRST, found))
    unit_ids = list(map(_FIRST, units))
    combos = columns.category_option_combo
    if combos.count(None) == count:
        combo_ids = [default] * count
    else:
        option_combos = resolver.option_combos
        if None in combos or "" in combos:
            pairs = [option_combos.get(combo) if combo else default_pair for combo in combos]
        else:
            pairs = list(map(option_combos.get, combos))
        if None in pairs:
            return None
        # A combo of another disaggregation than its element's: the row path explains (E7634).
        if any(
            pair[0] != default and pair[1] != combo
            for pair, combo in set(zip(pairs, map(_THIRD, elements), strict=True))
        ):
            return None
        combo_ids = list(map(_FIRST, pairs))
    if combo_ids.count(default) == count:
        keys = list(zip(element_ids, period_ids, unit_ids, strict=True))
    else:
        keys = [
            (de, pe, ou) if coc == default else (de, pe, ou, coc, default)
            for de, pe, ou, coc in zip(element_ids, period_ids, unit_ids, combo_ids, strict=True)
        ]
    new = set(keys)  # hashed once: the set operations below reuse the hashes
    if len(new) != count or not seen.isdisjoint(new):
        return None  # a repeated key: the row path keeps the first and says so of the others
    seen |= new
    if stored_by.count(None) + stored_by.count("") == count:
        stored_by = [user_label] * count
    elif None in stored_by or "" in stored_by:
        stored_by = [label or user_label for label in stored_by]
    return list(
        zip(
            element_ids,
            period_ids,
            unit_ids,
            combo_ids,
            repeat(default, count),
            values,
            map(float, values),
            stored_by,
            strict=False,
        )
    )


def _holds_nul(row: DataValueRow, conflicts: ConflictLog) -> bool:
    """Whether a text of the value holds a NUL character (a conflict): no text may, and PostgreSQL
    refuses to store one (the whole import ended in a 500)."""
    for text, prop, code in (
        (row.value, "value", "E7619"),
        (row.annotation, "value", "E7619"),
        (row.comment, "comment", "E7620"),
        (row.stored_by, "storedBy", "E7619"),
    ):
        if text and "\x00" in text:
            conflicts.add(
                row.index,
                line=row.line,
                obj=row.data_element,
                code=code,
                prop=prop,
                message=english.gettext(
                    "The %(property)s holds a NUL character, which no text may contain", property=prop
                ),
            )
            return True
    return False


def _duplicate(conflicts: ConflictLog, row: DataValueRow) -> None:
    conflicts.add(
        row.index,
        line=row.line,
        obj=row.data_element,
        code="E7644",
        prop="dataValue",
        blocking=False,
        message=english.gettext(
            "Duplicate data value: the same data element, period, organisation unit "
            "and combinations appear more than once; only the first was used"
        ),
    )


def _combo_label(row: DataValueRow) -> str:
    """The disaggregation as the file gives it: a combo id, or ADX/FHIR category=option pairs."""
    if row.category_option_combo:
        return row.category_option_combo
    return ", ".join(f"{category}={option}" for category, option in row.category_options)


def _combo(
    row: DataValueRow,
    resolver: Resolver,
    conflicts: ConflictLog,
    *,
    attribute: bool,
    category_combo: int | None = None,
):
    raw = row.attribute_option_combo if attribute else row.category_option_combo
    pairs = row.attribute_options if attribute else row.category_options
    if not raw and pairs:
        candidates = resolver.adx_combos(pairs)
        if len(candidates) > 1 and category_combo is not None:
            # The data element's own disaggregation decides between combos with the same options.
            candidates = [c for c in candidates if c[1] == category_combo] or candidates
        if len(candidates) == 1:
            return candidates[0]
        raw = ", ".join(f"{category}={option}" for category, option in pairs)
        if candidates:
            prop = "attributeOptionCombo" if attribute else "categoryOptionCombo"
            described = _candidates(CategoryOptionCombo, [c[0] for c in candidates])
            message = _ambiguous(prop, raw, "CODE", described, len(candidates))
            conflicts.add(
                row.index,
                line=row.line,
                obj=raw,
                code="E7615" if attribute else "E7613",
                prop=prop,
                message=message,
            )
            return None
    elif not raw:
        return resolver.default_combo
    else:
        found = (resolver.attribute_combos if attribute else resolver.option_combos).get(raw)
        if found is not None:
            return found
        prop = "attributeOptionCombo" if attribute else "categoryOptionCombo"
        code, message = resolver.explain(prop, raw)
        conflicts.add(row.index, line=row.line, obj=raw, code=code, prop=prop, message=message)
        return None
    code, prop = ("E7615", "attributeOptionCombo") if attribute else ("E7613", "categoryOptionCombo")
    message = (
        gettext_noop("Attribute option combo not found or not accessible: %(id)s")
        if attribute
        else gettext_noop("Category option combo not found or not accessible: %(id)s")
    )
    conflicts.add(
        row.index, line=row.line, obj=raw, code=code, prop=prop, message=english.gettext(message, id=raw)
    )
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
