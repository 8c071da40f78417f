"""The import's writes: compare a checked chunk with what is stored and write the differences in bulk.

New values go in with one multi-row INSERT (SQLite) or COPY (PostgreSQL) per chunk; changes and deletions are
audited. Used by ``importer.import_data_values``.
"""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

import numpy as np
from django.db import connection
from django.utils import timezone

from qicop.indicators.import_types import Counts, PlainRow, PreparedValue
from qicop.indicators.models import (
    DataValue,
    DataValueAudit,
)

if TYPE_CHECKING:
    from qicop.indicators.importer import ImportOptions


@dataclass
class Slices:
    """What one import knows about the (org unit, period) slices its values fall in.

    A slice that held no value at all (not even a deleted one) when the import first met it holds, for the
    rest of the import, only what the import itself wrote, and every key it wrote is in the duplicate check.
    So a checked row of such a slice is new without looking: a first import into a fresh database, or of new
    periods, inserts every value without a lookup per row, whatever the order of the file. Other slices
    compare row by row."""

    empty: set[tuple[int, int]] = field(default_factory=set)
    stored: set[tuple[int, int]] = field(default_factory=set)

    def split(self, rows: list[PlainRow]) -> tuple[list[PlainRow], list[PlainRow]]:
        """The rows of slices known to be empty (new, surely), and the others (to compare)."""
        pairs = set(zip(map(_UNIT, rows), map(_PERIOD, rows), strict=True))
        unknown = pairs - self.empty - self.stored
        if unknown:
            stored = _stored_slices(unknown)
            self.stored |= stored
            self.empty |= unknown - stored
        if pairs <= self.empty:
            return rows, []
        if pairs.isdisjoint(self.empty):
            return [], rows
        empty = self.empty
        new, other = [], []
        for row in rows:
            (new if (row[2], row[1]) in empty else other).append(row)
        return new, other


def _stored_slices(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Which of these (org unit, period) slices hold any stored row: one probe of the unique index's prefix
    per slice. (Asking for the distinct slices of the org units × periods instead reads every stored row of
    them: on PostgreSQL a re-import spent a tenth of its time there.)"""
    table = DataValue._meta.db_table
    found = set()
    with connection.cursor() as cursor:
        for batch in _batches(sorted(pairs), width=2, spare=0):
            cursor.execute(
                f"WITH v (org_unit_id, period_id) AS (VALUES {', '.join(['(%s, %s)'] * len(batch))}) "
                f"SELECT v.org_unit_id, v.period_id FROM v WHERE EXISTS (SELECT 1 FROM {table} d "
                f"WHERE d.org_unit_id = v.org_unit_id AND d.period_id = v.period_id)",
                list(itertools.chain.from_iterable(batch)),
            )
            found.update(cursor.fetchall())
    return found


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


def _changed_plain(rows: list[PlainRow]) -> list[tuple[PlainRow, tuple | None]]:
    """The rows that differ from what is stored, each with the stored value (id, value, comment, follow_up,
    deleted, numeric), or None when nothing is stored. Rows left out are stored exactly so: unchanged."""
    if connection.vendor == "sqlite":
        return _changed_plain_sqlite(rows)
    keys = [row[:5] for row in rows]
    found = _existing(keys).get
    changed = []
    for row, key in zip(rows, keys, strict=True):
        stored = found(key)
        if stored is None or stored[1] != row[5] or stored[2] or stored[3] or stored[4]:
            changed.append((row, stored))
    return changed


def _changed_plain_sqlite(rows: list[PlainRow]) -> list[tuple[PlainRow, tuple | None]]:
    """SQLite compares: the chunk goes in as a VALUES list, looked up key by key in the unique index, and
    only new or changed rows come back, so a re-import of unchanged values builds nothing in Python."""
    table = DataValue._meta.db_table
    on = " AND ".join(f"d.{column} = v.{column}" for column in _COLUMNS)
    changed = []
    raw = connection.connection
    for batch in _batches(rows, width=8, spare=0):
        sql = (
            f"WITH v({', '.join(_COLUMNS)}, value, numeric, stored_by) AS (VALUES {_marks(len(batch), 8)}) "
            f"SELECT v.*, d.id, d.value, d.comment, d.follow_up, d.deleted, d.numeric "
            f"FROM v LEFT JOIN {table} d ON {on} "
            f"WHERE d.id IS NULL OR d.value IS NOT v.value OR COALESCE(d.comment, '') <> '' OR d.follow_up "
            f"OR d.deleted"
        )
        for found in raw.execute(sql, list(itertools.chain.from_iterable(batch))):
            changed.append((found[:8], None if found[8] is None else found[8:]))
    return changed


def _batches(rows: list, *, width: int, spare: int):
    """Slices of ``rows`` that fit one statement of ``width`` parameters a row (plus ``spare``): SQLite's
    limit is set when it is built (32,766 since 3.32, 999 before), PostgreSQL's is 65,535."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = 65_535
    size = max(1, min(5000, (limit - spare) // width))
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _marks(count: int, width: int) -> str:
    one = "(" + ", ".join(["?"] * width) + ")"
    return ", ".join([one] * count)


def _store_chunk(
    plain: list[PlainRow],
    prepared: list[PreparedValue],
    *,
    options: ImportOptions,
    counts: Counts,
    slices: Slices,
    user_id: int | None,
    import_id: int | None,
    deltas: dict | None = None,
    ancestors_of: dict[int, tuple[int, ...]] | None = None,
) -> None:
    """Compare a chunk with what is stored and write the differences with one statement per kind.

    The rows are those _prepare_chunk kept: checked, and each key once; ``plain`` the values with nothing
    but a value (and who stored it), ``prepared`` the rest (deletions, comments, follow-ups). ``deltas``
    collects, per (ancestor org unit, period, data element, combo), what the changes add to the analytics
    table's sums and counts (see analytics_table.apply_deltas)."""
    # Adapted once per chunk: the SQLite driver would otherwise format the same datetime twice a row.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    new_plain, updates, deletes, audits = [], [], [], []
    changes: list[tuple[tuple[int, int, int, int, int], float | None, float | None]] = []  # key, old, new
    if plain:
        new_plain, to_compare = slices.split(plain)
        changed = _changed_plain(to_compare) if to_compare else []
        counts.ignored += len(to_compare) - len(changed)  # the rest are stored exactly so
        for row, stored in changed:
            if stored is None:
                new_plain.append(row)
            elif options.strategy == "CREATE":
                counts.ignored += 1
            else:
                updates.append((row[5], row[6], None, False, row[7], now, import_id, stored[0]))
                action = "RESTORE" if stored[4] else "UPDATE"
                audits.append((stored[0], action, stored[1], row[5], stored[2], user_id, now, import_id))
                changes.append((row[:5], None if stored[4] else stored[5], row[6]))
                counts.updated += 1
        if options.strategy == "UPDATE":
            counts.ignored += len(new_plain)
            new_plain = []
        counts.imported += len(new_plain)
    inserts = _compare_others(
        prepared,
        options=options,
        counts=counts,
        written=(updates, deletes, audits, changes),
        now=now,
        user_id=user_id,
        import_id=import_id,
    )
    _write(new_plain, inserts, updates, deletes, audits, now=now, import_id=import_id)
    if deltas is not None and ancestors_of is not None:
        _collect_deltas(deltas, ancestors_of, new_plain, inserts, changes)


def _compare_others(
    others: list[PreparedValue],
    *,
    options: ImportOptions,
    counts: Counts,
    written: tuple[list, list, list, list],
    now,
    user_id: int | None,
    import_id: int | None,
) -> list[tuple]:
    """Deletions, values with a comment or a follow-up: compared in Python, one by one.
    Appends to the ``written`` lists (updates, deletes, audits, changes); returns the new values to insert."""
    updates, deletes, audits, changes = written
    existing = _existing([item.key for item in others])
    inserts = []
    for item in others:
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
    return inserts


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

    # New values, the bulk of a first import: plain ones in bulk when they can be, the others inline
    # (slicing out the key and calling add() cost as much).
    get = deltas.get
    for rows in (inserts,) if _add_in_bulk(deltas, ancestors_of, plain) else (plain, inserts):
        for row in rows:
            numeric = row[6]  # (*key, value, numeric, …): text values have no sum
            if numeric is None:
                continue
            for ancestor in ancestors_of.get(row[2], ()):
                slot = (ancestor, row[1], row[0], row[3])
                found = get(slot)
                if found is None:
                    deltas[slot] = [numeric, 1]
                else:
                    found[0] += numeric
                    found[1] += 1
    for key, old, new in changes:
        if old is not None:
            add(key, -old, -1)
        if new is not None:
            add(key, new, 1)


_ELEMENT, _PERIOD, _UNIT, _COMBO, _NUMERIC = (itemgetter(i) for i in (0, 1, 2, 3, 6))


def _add_in_bulk(deltas: dict, ancestors_of: dict, rows: list[PlainRow]) -> bool:
    """Add what new plain values add to their ancestors' sums, grouped by slot with numpy, so that Python
    works once a slot (an ancestor, period, element and combo) rather than once a value and ancestor.
    Only for whole numbers, whose sums are exact in any order (the row-by-row loop adds them in file
    order, and a decimal's sum could differ in its last bit); False, having added nothing, otherwise."""
    count = len(rows)
    if count < 100:
        return False
    numerics = list(map(_NUMERIC, rows))
    if None in numerics:
        return False
    amounts = np.array(numerics, dtype=np.float64)
    if not (np.array_equal(amounts, np.floor(amounts)) and float(np.abs(amounts).sum()) < 2.0**52):
        return False
    units, unit_at = np.unique(np.fromiter(map(_UNIT, rows), np.int64, count), return_inverse=True)
    chains = [ancestors_of.get(unit, ()) for unit in units.tolist()]
    depth = max(map(len, chains))
    if depth == 0:
        return True
    table = np.full((len(chains), depth), -1, dtype=np.int64)
    for position, chain in enumerate(chains):
        table[position, : len(chain)] = chain
    ancestors = table[unit_at.reshape(-1)]  # a row per value, a column per level
    row_at, level = np.nonzero(ancestors >= 0)
    columns = (
        ancestors[row_at, level],
        np.fromiter(map(_PERIOD, rows), np.int64, count)[row_at],
        np.fromiter(map(_ELEMENT, rows), np.int64, count)[row_at],
        np.fromiter(map(_COMBO, rows), np.int64, count)[row_at],
    )
    # One integer per slot (mixed radix over each column's range): a plain sort groups them.
    lows = [int(column.min()) for column in columns]
    spans = [int(column.max()) - low + 1 for column, low in zip(columns, lows, strict=True)]
    if spans[0] * spans[1] * spans[2] * spans[3] >= 2**62:
        return False
    code = np.zeros(len(row_at), dtype=np.int64)
    for column, low, span in zip(columns, lows, spans, strict=True):
        code = code * span + (column - low)
    codes, slot_at = np.unique(code, return_inverse=True)
    parts = []
    for low, span in zip(reversed(lows), reversed(spans), strict=True):
        codes, part = np.divmod(codes, span)
        parts.append((part + low).tolist())
    slots = list(zip(*reversed(parts), strict=True))
    totals = np.bincount(slot_at, weights=amounts[row_at], minlength=len(slots))
    counts = np.bincount(slot_at, minlength=len(slots))
    get = deltas.get
    for slot, total, added in zip(slots, totals.tolist(), counts.tolist(), strict=True):
        found = get(slot)
        if found is None:
            deltas[slot] = [total, added]
        else:
            found[0] += total
            found[1] += added
    return True


_INSERT_COLUMNS = (
    f"{', '.join(_COLUMNS)}, value, numeric, stored_by, comment, follow_up, created, last_updated, deleted, "
    "data_import_id"
)


def _write(plain, inserts, updates, deletes, audits, *, now, import_id) -> None:
    """Write a chunk. New values come in two lists: ``plain`` (no comment, no follow-up: most of them) and
    ``inserts``. What is the same for the whole chunk (timestamp, import, and for plain rows the empty comment
    and follow-up) is bound once per statement, not on every row."""
    table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        if (plain or inserts) and connection.vendor == "postgresql":
            # COPY: PostgreSQL's bulk path, several times faster than row-by-row INSERTs.
            shared = (now, now, False, import_id)
            with cursor.cursor.copy(f"COPY {table} ({_INSERT_COLUMNS}) FROM STDIN") as copy:
                for row in plain:
                    copy.write_row((*row, None, False, *shared))
                for row in inserts:
                    copy.write_row(row + shared)
        elif plain or inserts:
            if plain:
                _insert_plain_sqlite(plain, now=now, import_id=import_id)
            if inserts:
                cursor.executemany(
                    f"INSERT INTO {table} ({_INSERT_COLUMNS}) VALUES ({', '.join(['%s'] * 14)})",
                    [(*row, now, now, False, import_id) for row in inserts],
                )
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


def _insert_plain_sqlite(rows: list[PlainRow], *, now, import_id) -> None:
    """One multi-row INSERT per batch: SQLite runs it about twice as fast as ``executemany`` of the same rows,
    which steps and resets the statement once a row. Sent to the driver as it is (``?`` marks, no Django
    placeholder rewriting): the rewriting alone would cost a tenth of the import."""
    shared = (now, now, import_id)
    raw = connection.connection
    for batch in _batches(rows, width=8, spare=len(shared)):
        params = list(shared)
        params.extend(itertools.chain.from_iterable(batch))
        raw.execute(
            f"INSERT INTO {DataValue._meta.db_table} ({_INSERT_COLUMNS}) "
            f"SELECT column1, column2, column3, column4, column5, column6, column7, column8, "
            f"NULL, FALSE, ?, ?, FALSE, ? "
            f"FROM (VALUES {_marks(len(batch), 8)})",
            params,
        )
