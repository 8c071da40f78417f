"""Writes of data values wait for each other where they could touch the same values.

Every change of stored values (imports of every format, /api/dataValues, deletions, DHIS2 pulls — all go
through ``importer.import_data_values``) reads the values it replaces, then writes the new ones, the audit
rows ("previous value") and the analytics deltas computed from what it read. Two such transactions at once
on PostgreSQL (READ COMMITTED) would each read the values from before the other: both audit rows name the
same previous value and the analytics table counts one change twice. So each one first takes, for its whole
transaction, an advisory lock per country it may write (docs/decisions/0018-one-writer-per-country.md):

- a writer for some countries takes the shared "all countries" lock, then each country's lock, in id order;
- a writer for every country (a superuser) takes the "all countries" lock alone, exclusively (a
  coordinator writes the countries of their networks: a lock each);
- rebuilding the whole analytics table takes the "all countries" lock exclusively too.

Every transaction takes its locks at its start, in one order, and takes no other later: two writers can
never wait for each other in a circle. SQLite needs nothing here: qicop opens its transactions with BEGIN
IMMEDIATE, so only one writes at a time.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

# The first half of the two-integer keys of qicop's advisory locks: other applications sharing the database
# may use advisory locks too, and would hardly pick these.
ALL_COUNTRIES = 0x51C0_0001
ONE_COUNTRY = 0x51C0_0002
_INT4 = 2**31


def lock_data_values(country_ids: Iterable[int] | None) -> None:
    """Wait until no other transaction may write values of these countries (None: of any country), and keep
    them so until this transaction ends.

    Precondition: inside ``transaction.atomic``, before reading any stored value the transaction will
    change, and before taking any other lock of this module."""
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        raise RuntimeError("lock_data_values outside a transaction would hold nothing")
    with connection.cursor() as cursor:
        if country_ids is None:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [ALL_COUNTRIES])
            return
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [ALL_COUNTRIES])
        # Keys are 32-bit: ids past that share a lock with another country (slower, never wrong).
        for key in sorted({country_id % _INT4 for country_id in country_ids}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ONE_COUNTRY, key])
