"""Running a search on the database at hand: FTS5 on SQLite, tsvector on PostgreSQL, same results.

Only terms made by ``qicop.search.text`` reach the full-text syntax (letters and digits, quoted), so
nothing a user types — quotes, ``*``, ``NEAR``, brackets — can break it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection

from qicop.search.models import SearchEntry

COUNT_CAP = 1000  # beyond this, the page says "more than 1,000 results"


@dataclass
class Filters:
    member_networks: list[int]
    participant_networks: list[int]
    kind: str = ""
    country_id: int | None = None
    topic_id: int | None = None
    year: int | None = None
    language: str = ""


@dataclass
class Hits:
    ids: list[int] = field(default_factory=list)
    total: int = 0  # capped at COUNT_CAP + 1
    seconds: float = 0.0


def _where(filters: Filters) -> tuple[list[str], list]:
    if not filters.member_networks:
        return ["1 = 0"], []
    clauses = [f"e.network_id IN ({', '.join(['%s'] * len(filters.member_networks))})"]
    params: list = list(filters.member_networks)
    if filters.participant_networks:
        marks = ", ".join(["%s"] * len(filters.participant_networks))
        clauses.append(f"(e.audience = 'members' OR e.network_id IN ({marks}))")
        params += filters.participant_networks
    else:
        clauses.append("e.audience = 'members'")
    if filters.kind:
        clauses.append("e.kind = %s")
        params.append(filters.kind)
    if filters.country_id:
        clauses.append("e.country_id = %s")
        params.append(filters.country_id)
    if filters.topic_id:
        clauses.append("e.topic_ids LIKE %s")
        params.append(f"% {int(filters.topic_id)} %")
    if filters.year:
        clauses.append("e.year = %s")
        params.append(filters.year)
    if filters.language:
        clauses.append("e.language = %s")
        params.append(filters.language)
    return clauses, params


def fts5_expression(groups: list[tuple[str, ...]]) -> str:
    return " AND ".join("(" + " OR ".join(f'"{t}"' for t in group) + ")" for group in groups)


def tsquery_expression(groups: list[tuple[str, ...]]) -> str:
    return " & ".join("(" + " | ".join(group) + ")" for group in groups)


def run(groups: list[tuple[str, ...]], filters: Filters, *, offset: int, limit: int) -> Hits:
    """Ids of the matching entries, best first, and how many there are (capped)."""
    started = time.perf_counter()
    if not groups:
        return Hits()
    clauses, params = _where(filters)
    where = " AND ".join(clauses)
    table = SearchEntry._meta.db_table
    if connection.vendor == "postgresql":
        match = "e.document @@ q"
        source = f"{table} e, to_tsquery('simple', %s) q"
        rank = "ts_rank_cd(e.document, q) DESC"
        match_params = [tsquery_expression(groups)]
    else:
        match = "search_fts MATCH %s"
        source = f"search_fts JOIN {table} e ON e.id = search_fts.rowid"
        rank = "bm25(search_fts, 5.0, 1.0)"
        match_params = [fts5_expression(groups)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.id FROM {source} WHERE {match} AND {where} ORDER BY {rank}, e.id LIMIT %s OFFSET %s",
            [*match_params, *params, limit, offset],
        )
        ids = [row[0] for row in cursor.fetchall()]
        if offset == 0 and len(ids) < limit:
            total = len(ids)
        else:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT e.id FROM {source} WHERE {match} AND {where} LIMIT %s) t",
                [*match_params, *params, COUNT_CAP + 1],
            )
            total = cursor.fetchone()[0]
    return Hits(ids=ids, total=total, seconds=time.perf_counter() - started)
