"""The import's writes: compare a checked chunk with what is stored and write the differences in bulk.

New values go in with one executemany (SQLite) or COPY (PostgreSQL) per chunk; changes and deletions are
audited. Used by ``importer.import_data_values``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.indicators.models import (
    DataValue,
    DataValueAudit,
)

if TYPE_CHECKING:
    from qicop.indicators.importer import ImportOptions

from qicop.indicators.import_checks import ConflictLog, _Prepared


@dataclass
class Counts:
    imported: int = 0
    updated: int = 0
    ignored: int = 0
    deleted: int = 0


_COLUMNS = (
    "data_element_id",
    "period_id",
    "org_unit_id",
    "category_option_combo_id",
    "attribute_option_combo_id",
)


def _existing(keys: list[tuple[int, int, int, int, int]]) -> dict[tuple, tuple]:
    """Stored values: key → (id, value, comment, follow_up, deleted, numeric). One query per chunk.

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
                f"SELECT {', '.join(_COLUMNS)}, id, value, comment, follow_up, deleted, numeric FROM {table} "
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
    deltas: dict | None = None,
    ancestors_of: dict[int, tuple[int, ...]] | None = None,
) -> None:
    """Compare a chunk with what is stored and write the differences with one statement per kind.

    ``deltas`` collects, per (ancestor org unit, period, data element, combo), what the changes add to the
    analytics table's sums and counts (see aggregates.apply_deltas)."""
    fresh: list[_Prepared] = []
    add_seen = seen.add
    for item in prepared:
        de, pe, ou, coc, aoc = item.key
        # One exact int per key: a million of them take half the memory of tuples.
        packed = (de << 128) | (pe << 96) | (ou << 64) | (coc << 32) | aoc
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
    changes: list[tuple[tuple[int, int, int, int, int], float | None, float | None]] = []  # key, old, new
    for item in fresh:
        stored = existing.get(item.key) if existing else None
        if item.delete:
            if stored is None or stored[4]:
                counts.ignored += 1
            else:
                deletes.append((now, import_id, stored[0]))
                changes.append((item.key, stored[5], None))
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
        changes.append((item.key, None if stored[4] else stored[5], item.numeric))
        counts.updated += 1
    _write(plain, inserts, updates, deletes, audits, now=now, import_id=import_id, user_label=user_label)
    if deltas is not None and ancestors_of is not None:
        _collect_deltas(deltas, ancestors_of, plain, inserts, changes)


def _collect_deltas(deltas: dict, ancestors_of: dict, plain, inserts, changes) -> None:
    """What this chunk adds to each ancestor's sum and count: new values, less the old ones they replace."""

    def add(key, amount: float, count: int) -> None:
        de, pe, ou, coc, _aoc = key
        for ancestor in ancestors_of.get(ou, ()):
            slot = (ancestor, pe, de, coc)
            found = deltas.get(slot)
            if found is None:
                deltas[slot] = [amount, count]
            else:
                found[0] += amount
                found[1] += count

    for rows in (plain, inserts):
        for row in rows:
            if row[6] is not None:  # (*key, value, numeric, …): text values have no sum
                add(row[:5], row[6], 1)
    for key, old, new in changes:
        if old is not None:
            add(key, -old, -1)
        if new is not None:
            add(key, new, 1)


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
