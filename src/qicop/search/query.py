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
# Ranking reads each candidate's statistics; a word found in most documents would make every search rank
# them all. Candidates are therefore the most recent matches (both full-text indexes walk their ids
# backwards cheaply), ranked among themselves: a community's newer writing first among equals.
CANDIDATES = 2000


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
        score = "ts_rank_cd(e.document, q)"
        recent = "e.id DESC"
        best = "score DESC"
        match_params = [tsquery_expression(groups)]
    else:
        match = "search_fts MATCH %s"
        # CROSS JOIN fixes the order: SQLite must walk the full-text matches, not every entry of the network.
        source = f"search_fts CROSS JOIN {table} e ON e.id = search_fts.rowid"
        score = "bm25(search_fts, 5.0, 1.0)"
        recent = "search_fts.rowid DESC"
        best = "score"
        match_params = [fts5_expression(groups)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM (SELECT e.id AS id, {score} AS score FROM {source} WHERE {match} AND {where} "
            f"ORDER BY {recent} LIMIT %s) candidates ORDER BY {best}, id DESC LIMIT %s OFFSET %s",
            [*match_params, *params, CANDIDATES, limit, offset],
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
