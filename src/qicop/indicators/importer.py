"""Importing data values: resolve identifiers, check every value, and store them in bulk.

The import is one service, ``import_data_values``, fed by any reader of ``qicop.integrations`` (DHIS2 JSON,
XML, CSV, ADX, FHIR, the spreadsheet template). It works in chunks so that memory stays flat whatever the
file's size, and writes with ``executemany`` so that a million values take seconds, not hours.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.indicators.models import (
    CategoryOptionCombo,
    DataElement,
    DataImport,
    DataSet,
    DataValue,
    DataValueAudit,
    OrgUnit,
    Period,
)
from qicop.indicators.values import NUMERIC_TYPES, ValueRejected, normalise
from qicop.integrations.dhis2.periods import PeriodError, parse_adx_period, parse_period
from qicop.integrations.dhis2.rows import DataValueRow

STRATEGIES = ("CREATE", "UPDATE", "CREATE_AND_UPDATE", "DELETE")
ID_SCHEMES = ("UID", "CODE", "NAME")
CHUNK = 2000  # rows per round trip: 10,000 bound parameters, well under SQLite's limit of 32,766


@dataclass(frozen=True)
class ImportOptions:
    """DHIS2's import parameters (spec 1.5). Specific id schemes win over the general ``id_scheme``."""

    dry_run: bool = False
    strategy: str = "CREATE_AND_UPDATE"
    atomic: bool = True
    id_scheme: str = "UID"
    data_element_id_scheme: str | None = None
    org_unit_id_scheme: str | None = None
    category_option_combo_id_scheme: str | None = None
    attribute_option_combo_id_scheme: str | None = None
    data_set: str | None = None

    def __post_init__(self):
        if self.strategy not in STRATEGIES:
            raise ValueError(
                _("Unknown import strategy %(value)s: use one of %(choices)s.")
                % {"value": self.strategy, "choices": ", ".join(STRATEGIES)}
            )
        for name in (
            "id_scheme",
            "data_element_id_scheme",
            "org_unit_id_scheme",
            "category_option_combo_id_scheme",
            "attribute_option_combo_id_scheme",
        ):
            value = getattr(self, name)
            if value is not None and value not in ID_SCHEMES:
                raise ValueError(
                    _("Unknown id scheme %(value)s for %(name)s: use UID, CODE or NAME.")
                    % {"value": value, "name": name}
                )

    def scheme(self, specific: str | None) -> str:
        return specific or self.id_scheme


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


@dataclass
class Counts:
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0


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
        self.country_of = dict(OrgUnit.objects.values_list("id", "country_id"))
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


def _pack(key: tuple[int, int, int, int, int]) -> int:
    # One exact integer per key: a million of them fit in a set of ~60 MB, tuples would take twice that.
    de, pe, ou, coc, aoc = key
    return (de << 128) | (pe << 96) | (ou << 64) | (coc << 32) | aoc


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
    value, numeric = row.value, None
    if value is not None:
        value = value.strip()
    if not delete and (value is None or value == ""):
        if not row.comment:
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
        comment=row.comment or None,
        follow_up=bool(row.follow_up),
        stored_by=row.stored_by or user_label,
        delete=delete,
    )


# Value types whose every plain ASCII number is valid: the fast path of _prepare_chunk takes them.
_PLAIN_NUMBER_TYPES = frozenset({"NUMBER", "INTEGER", "INTEGER_ZERO_OR_POSITIVE"})


def _prepare_chunk(
    chunk: list[DataValueRow],
    resolver: Resolver,
    conflicts: ConflictLog,
    options: ImportOptions,
    user_label: str,
) -> list[_Prepared]:
    """Check a chunk of rows. The common row (known ids, default combos, a plain whole number) is checked
    inline with dictionary lookups only; anything else goes through _prepare, which explains every refusal.
    This keeps a million-row import within a few times the cost of the bare inserts."""
    data_elements, org_units, periods = resolver.data_elements, resolver.org_units, resolver.periods
    allowed, latest = resolver.allowed_country_ids, resolver.latest_open
    default_pair = resolver.default_combo
    default = default_pair[0] if default_pair else None
    option_combos = resolver.option_combos
    fast = options.strategy != "DELETE" and default is not None
    prepared: list[_Prepared] = []
    append = prepared.append
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
                key = (de[0], pe[0], ou[0], coc[0], default)
                append(
                    _Prepared(
                        row.index,
                        key,
                        row.data_element,
                        value,
                        float(value),
                        None,
                        False,
                        row.stored_by or user_label,
                        False,
                    )
                )
                continue
        slow = _prepare(row, resolver, conflicts, options, user_label)
        if slow is not None:
            append(slow)
    return prepared


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


_COLUMNS = (
    "data_element_id",
    "period_id",
    "org_unit_id",
    "category_option_combo_id",
    "attribute_option_combo_id",
)


def _existing(keys: list[tuple[int, int, int, int, int]]) -> dict[tuple, tuple]:
    """Stored values for these keys: key → (id, value, comment, follow_up, deleted). One query per chunk.

    The query asks for the chunk's org units × periods × data elements, which the (org_unit, period) index
    answers directly, and keeps the exact keys in Python: a row-value ``IN (VALUES …)`` list makes SQLite
    scan the whole table for every chunk.
    """
    if not keys:
        return {}
    wanted = set(keys)
    org_units = sorted({k[2] for k in keys})
    periods = sorted({k[1] for k in keys})
    elements = sorted({k[0] for k in keys})
    table = DataValue._meta.db_table
    found = {}
    with connection.cursor() as cursor:
        for start in range(0, len(org_units), 5000):
            units = org_units[start : start + 5000]
            sql = (
                f"SELECT {', '.join(_COLUMNS)}, id, value, comment, follow_up, deleted FROM {table} "
                f"WHERE org_unit_id IN ({', '.join(['%s'] * len(units))}) "
                f"AND period_id IN ({', '.join(['%s'] * len(periods))}) "
                f"AND data_element_id IN ({', '.join(['%s'] * len(elements))})"
            )
            cursor.execute(sql, [*units, *periods, *elements])
            for row in cursor.fetchall():
                key = tuple(row[:5])
                if key in wanted:
                    found[key] = row[5:]
    return found


def _store_chunk(
    prepared: list[_Prepared],
    *,
    options: ImportOptions,
    counts: Counts,
    conflicts: ConflictLog,
    seen: set[int],
    user_id: int | None,
    import_id: int | None,
    user_label: str = "",
    touched: set[tuple[int, int]] | None = None,
    country_of: dict[int, int] | None = None,
) -> None:
    """Compare a chunk with what is stored and write the differences with one statement per kind.

    ``touched`` collects the (country, period) of every change, for the aggregates refresh."""
    fresh: list[_Prepared] = []
    add_seen = seen.add
    for item in prepared:
        de, pe, ou, coc, aoc = item.key
        packed = (de << 128) | (pe << 96) | (ou << 64) | (coc << 32) | aoc  # see _pack
        if packed in seen:
            conflicts.add(
                item.index,
                obj=item.element,
                code="E7644",
                prop="dataValue",
                blocking=False,
                message=_(
                    "Duplicate data value: the same data element, period, organisation unit "
                    "and combinations appear more than once; only the first was used"
                ),
            )
            counts.ignored += 1
            continue
        add_seen(packed)
        fresh.append(item)
    existing = _existing([item.key for item in fresh])
    # Adapted once per chunk: the SQLite driver would otherwise format the same datetime twice a row.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    plain, inserts, updates, deletes, audits = [], [], [], [], []
    changed_keys: list[tuple[int, int, int, int, int]] = []
    for item in fresh:
        stored = existing.get(item.key) if existing else None
        if item.delete:
            if stored is None or stored[4]:
                counts.ignored += 1
            else:
                deletes.append((now, import_id, stored[0]))
                changed_keys.append(item.key)
                audits.append((stored[0], "DELETE", stored[1], None, stored[2], user_id, now, import_id))
                counts.deleted += 1
            continue
        if stored is None:
            if options.strategy == "UPDATE":
                counts.ignored += 1
                continue
            if item.comment is None and not item.follow_up and item.stored_by == user_label:
                plain.append((*item.key, item.value, item.numeric))
                counts.imported += 1
                continue
            inserts.append(
                (
                    *item.key,
                    item.value,
                    item.numeric,
                    item.stored_by,
                    item.comment,
                    item.follow_up,
                )
            )
            counts.imported += 1
            continue
        unchanged = (
            stored[1] == item.value
            and (stored[2] or None) == item.comment
            and bool(stored[3]) == item.follow_up
            and not stored[4]
        )
        if unchanged or options.strategy == "CREATE":
            counts.ignored += 1
            continue
        updates.append(
            (
                item.value,
                item.numeric,
                item.comment,
                item.follow_up,
                item.stored_by,
                now,
                import_id,
                stored[0],
            )
        )
        action = "RESTORE" if stored[4] else "UPDATE"
        audits.append((stored[0], action, stored[1], item.value, stored[2], user_id, now, import_id))
        changed_keys.append(item.key)
        counts.updated += 1
    _write(plain, inserts, updates, deletes, audits, now=now, import_id=import_id, user_label=user_label)
    if touched is not None and country_of is not None:
        # Only what changed: a re-import of unchanged values refreshes nothing.
        touched.update({(country_of[row[2]], row[1]) for rows in (plain, inserts) for row in rows})
        touched.update({(country_of[key[2]], key[1]) for key in changed_keys})


_INSERT_COLUMNS = (
    f"{', '.join(_COLUMNS)}, value, numeric, stored_by, comment, follow_up, created, last_updated, deleted, "
    "data_import_id"
)


def _write(plain, inserts, updates, deletes, audits, *, now, import_id, user_label) -> None:
    """Write a chunk. New values come in two lists: ``plain`` (no comment, no follow-up, stored by the
    importing user: most of them) and ``inserts``. What is the same for the whole chunk (timestamp, import,
    and for plain rows the empty comment and the user) goes into the statement once, as literals, instead of
    being bound on every row."""
    table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        if (plain or inserts) and connection.vendor == "postgresql":
            # COPY: PostgreSQL's bulk path, several times faster than row-by-row INSERTs.
            shared = (now, now, False, import_id)
            with cursor.cursor.copy(f"COPY {table} ({_INSERT_COLUMNS}) FROM STDIN") as copy:
                for row in plain:
                    copy.write_row((*row, user_label, None, False, *shared))
                for row in inserts:
                    copy.write_row(row + shared)
        elif plain or inserts:
            # ``now`` is the driver's own text form of a datetime and import_id an int: safe as literals.
            literals = f"'{now}', '{now}', 0, {int(import_id) if import_id else 'NULL'}"
            statement = f"INSERT INTO {table} ({_INSERT_COLUMNS}) VALUES ({{params}}, {literals})"
            if plain:
                # Quoted for SQL, and % doubled because the driver wrapper reads %s as a placeholder.
                user = "'" + user_label.replace("'", "''").replace("%", "%%") + "'"
                cursor.executemany(
                    statement.format(params=", ".join(["%s"] * 7) + f", {user}, NULL, 0"), plain
                )
            if inserts:
                cursor.executemany(statement.format(params=", ".join(["%s"] * 10)), inserts)
        if updates:
            cursor.executemany(
                f"UPDATE {table} SET value=%s, numeric=%s, comment=%s, follow_up=%s, stored_by=%s, "
                f"last_updated=%s, deleted=FALSE, data_import_id=%s WHERE id=%s",
                updates,
            )
        if deletes:
            cursor.executemany(
                f"UPDATE {table} SET deleted=TRUE, last_updated=%s, data_import_id=%s WHERE id=%s", deletes
            )
        if audits:
            cursor.executemany(
                f"INSERT INTO {DataValueAudit._meta.db_table} "
                f"(data_value_id, action, previous_value, new_value, "
                f"previous_comment, changed_by_id, changed_at, data_import_id) "
                f"VALUES (%s,%s,%s,%s,%s,%s,%s,%s)",
                audits,
            )


class _Rollback(Exception):
    """Raised inside the import's transaction to undo it: dry runs, all-or-nothing imports with conflicts."""


def import_data_values(
    *,
    actor,
    rows: Iterable[DataValueRow],
    options: ImportOptions,
    data_import: DataImport | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict:
    """Import data values and return a DHIS2-shaped import summary (as a dict, ready for JSON).

    Preconditions: ``rows`` yields ``DataValueRow`` (any reader); the actor may change data of the countries
    ``data_countries_for`` gives. Effects: values created, updated or soft-deleted in one transaction, each
    change audited; nothing at all is written when ``options.dry_run``, or when ``options.atomic`` and any
    value has a blocking conflict. A file that cannot be read (FormatError) gives an ERROR summary.
    """
    from qicop.indicators.permissions import data_countries_for
    from qicop.integrations.errors import FormatError

    resolver = Resolver(options, allowed_country_ids=data_countries_for(actor))
    conflicts, counts, seen = ConflictLog(), Counts(), set()
    touched: set[tuple[int, int]] = set()
    user_label = getattr(actor, "email", "") or ""
    read = 0
    error: str | None = None
    try:
        with transaction.atomic():
            rows_iter = iter(rows)
            while chunk := list(itertools.islice(rows_iter, CHUNK)):
                read += len(chunk)
                prepared = _prepare_chunk(chunk, resolver, conflicts, options, user_label)
                counts.ignored += len(chunk) - len(prepared)
                _store_chunk(
                    prepared,
                    options=options,
                    counts=counts,
                    conflicts=conflicts,
                    seen=seen,
                    user_id=getattr(actor, "pk", None),
                    import_id=data_import.pk if data_import else None,
                    user_label=user_label,
                    touched=touched,
                    country_of=resolver.country_of,
                )
                if progress:
                    progress(read)
            if options.dry_run or (options.atomic and conflicts.blocking_indexes):
                raise _Rollback
            if touched:
                from qicop.indicators.aggregates import refresh_aggregates

                refresh_aggregates(touched)
    except _Rollback:
        pass
    except FormatError as format_error:
        error = str(format_error)
    return _summary(options, counts, conflicts, read=read, error=error)


def _summary(
    options: ImportOptions, counts: Counts, conflicts: ConflictLog, *, read: int, error: str | None
) -> dict:
    rolled_back = error is not None or (options.atomic and bool(conflicts.blocking_indexes))
    if rolled_back:
        counts = Counts(ignored=read)
    stored = counts.imported + counts.updated + counts.deleted
    if error is not None:
        status, description = (
            "ERROR",
            _("The file could not be read: %(error)s. Nothing was stored.") % {"error": error},
        )
    elif rolled_back:
        status = "ERROR"
        description = _(
            "%(count)d values have conflicts, so nothing was stored (all or nothing). Correct them, "
            "or import with “store what is valid”."
        ) % {"count": len(conflicts.blocking_indexes)}
    elif conflicts.entries:
        status = "WARNING" if stored or not conflicts.blocking_indexes else "ERROR"
        description = _("Import completed with conflicts.")
    else:
        status, description = "SUCCESS", _("Import process completed successfully")
    if options.dry_run and error is None and not rolled_back:
        description = _("Dry run: nothing was stored. %(description)s") % {"description": description}
    return {
        "responseType": "ImportSummary",
        "status": status,
        "importOptions": {
            "dryRun": options.dry_run,
            "importStrategy": options.strategy,
            "atomicMode": "ALL" if options.atomic else "NONE",
            "idSchemes": {"idScheme": options.id_scheme},
        },
        "description": description,
        "importCount": {
            "imported": counts.imported,
            "updated": counts.updated,
            "ignored": counts.ignored,
            "deleted": counts.deleted,
        },
        "conflicts": conflicts.as_dicts(),
        "rejectedIndexes": sorted(conflicts.blocking_indexes),
    }
