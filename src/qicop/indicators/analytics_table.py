"""Keeping the analytics table (AggregateValue) up to date: subtree sums per stored period.

``refresh_aggregates`` recomputes, for the given countries and periods, every non-leaf org unit's sums in
one INSERT … SELECT per country: each value joins the few ancestors whose path prefixes its own. The
importer calls it for what it touched, inside its own transaction, so the dashboards are right the moment
an import commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, transaction

from qicop.indicators.locks import lock_data_values
from qicop.indicators.models import AggregateValue, DataValue, OrgUnit

CHUNK = 400  # periods per statement: bound parameters stay well under SQLite's limit


@transaction.atomic
def refresh_aggregates(pairs: Iterable[tuple[int, int]]) -> int:
    """Recompute the aggregates of these (country id, period id) pairs; returns the rows written."""
    by_country: dict[int, set[int]] = {}
    for country_id, period_id in pairs:
        by_country.setdefault(country_id, set()).add(period_id)
    written = 0
    for country_id, period_ids in by_country.items():
        ordered = sorted(period_ids)
        for start in range(0, len(ordered), CHUNK):
            written += _refresh(country_id, ordered[start : start + CHUNK])
    return written


def _refresh(country_id: int, period_ids: list[int]) -> int:
    aggregates, values, units = (
        AggregateValue._meta.db_table,
        DataValue._meta.db_table,
        OrgUnit._meta.db_table,
    )
    marks = ", ".join(["%s"] * len(period_ids))
    concat = "a.path || '%%'"  # %% because the statement has parameters
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {aggregates} WHERE period_id IN ({marks}) AND org_unit_id IN "
            f"(SELECT id FROM {units} WHERE country_id = %s)",
            [*period_ids, country_id],
        )
        # Ancestors are the country's org units that have children; a value counts for every ancestor whose
        # path prefixes the path of the value's org unit (itself included). UIDs have a fixed length, so a
        # path prefix is always a real ancestor.
        cursor.execute(
            f"INSERT INTO {aggregates} (org_unit_id, period_id, data_element_id, category_option_combo_id, "
            f"total, count) "
            f"SELECT a.id, v.period_id, v.data_element_id, v.category_option_combo_id, "
            f"SUM(v.numeric), COUNT(*) "
            f"FROM {values} v JOIN {units} o ON o.id = v.org_unit_id "
            f"JOIN {units} a ON a.country_id = %s AND o.path LIKE {concat} "
            f"AND EXISTS (SELECT 1 FROM {units} c WHERE c.parent_id = a.id) "
            f"WHERE v.period_id IN ({marks}) AND o.country_id = %s AND v.deleted = FALSE "
            f"AND v.numeric IS NOT NULL "
            f"GROUP BY a.id, v.period_id, v.data_element_id, v.category_option_combo_id",
            [country_id, *period_ids, country_id],
        )
        return cursor.rowcount


@transaction.atomic
def rebuild_all() -> int:
    """Recompute every aggregate from scratch (the `qicop refresh_aggregates` command), while no import
    writes: one committing in between would be counted twice, or not at all."""
    lock_data_values(None)
    AggregateValue.objects.all().delete()
    pairs = (
        DataValue.objects.filter(deleted=False)
        .values_list("org_unit__country_id", "period_id")
        .distinct()
        .order_by()
    )
    return refresh_aggregates(pairs)


def apply_deltas(deltas: dict) -> None:
    """Add an import's deltas to the analytics table, creating rows as needed and dropping emptied ones.

    The importer collects what each change adds (a new value) or takes away (a value replaced or deleted), so
    a refresh costs as much as the changes, not as much as every value of the periods they touch."""
    if not deltas:
        return
    table = AggregateValue._meta.db_table
    # In key order: two imports adding to the same rows (an org unit above two countries) then lock them in
    # the same order, and cannot deadlock.
    rows = sorted((*key, total, count) for key, (total, count) in deltas.items() if count or total)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} "
            f"(org_unit_id, period_id, data_element_id, category_option_combo_id, total, count) "
            f"VALUES (%s, %s, %s, %s, %s, %s) "
            f"ON CONFLICT (org_unit_id, period_id, data_element_id, category_option_combo_id) DO UPDATE SET "
            f"total = {table}.total + excluded.total, count = {table}.count + excluded.count",
            rows,
        )
        cursor.execute(f"DELETE FROM {table} WHERE count <= 0")
