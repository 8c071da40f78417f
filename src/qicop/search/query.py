"""Running a search on the database at hand: FTS5 on SQLite, tsvector on PostgreSQL, same results.

Only terms made by ``qicop.search.text`` reach the full-text syntax (letters and digits, quoted), so
nothing a user types — quotes, ``*``, ``NEAR``, brackets — can break it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection

from qicop.search import text
from qicop.search.models import SearchEntry

# Ranking reads each candidate's statistics; a word found in most documents would make every search rank
# them all. Candidates are therefore the most recent matches (both full-text indexes walk their ids
# backwards cheaply), ranked among themselves: a community's newer writing first among equals. Beyond
# them the page says "more than 1,000 results".
CANDIDATES = 1000
COUNT_CAP = CANDIDATES


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
    # The chosen filters are terms of the index too: the full-text match narrows to them first.
    groups = groups + [
        (term,)
        for term in text.filter_terms(
            kind=filters.kind,
            country_id=filters.country_id,
            topic_ids=[filters.topic_id] if filters.topic_id else [],
            year=filters.year,
            language=filters.language,
        )
    ]
    clauses, params = _where(filters)
    where = " AND ".join(clauses)
    table = SearchEntry._meta.db_table
    if connection.vendor == "postgresql":
        match = "e.document @@ to_tsquery('simple', %s)"
        source = f"{table} e"
        match_params = [tsquery_expression(groups)]
        # Rank only the candidates: PostgreSQL would otherwise compute the rank of every match before
        # keeping the most recent ones. ts_rank_cd costs twice as much per candidate as ts_rank.
        statement = (
            f"SELECT c.id, COUNT(*) OVER () FROM (SELECT e.id FROM {source} WHERE {match} AND {where} "
            f"ORDER BY e.id DESC LIMIT %s) c JOIN {table} r ON r.id = c.id, to_tsquery('simple', %s) q "
            f"ORDER BY ts_rank(r.document, q) DESC, c.id DESC LIMIT %s OFFSET %s"
        )
        statement_params = [*match_params, *params, CANDIDATES + 1, *match_params, limit, offset]
    else:
        match = "search_fts MATCH %s"
        # CROSS JOIN fixes the order: SQLite must walk the full-text matches, not every entry of the network.
        source = f"search_fts CROSS JOIN {table} e ON e.id = search_fts.rowid"
        match_params = [fts5_expression(groups)]
        # bm25() is only known inside the full-text query, over the candidates it walks.
        statement = (
            f"SELECT id, COUNT(*) OVER () FROM (SELECT e.id AS id, bm25(search_fts, 5.0, 1.0) AS score "
            f"FROM {source} WHERE {match} AND {where} ORDER BY search_fts.rowid DESC LIMIT %s) candidates "
            f"ORDER BY score, id DESC LIMIT %s OFFSET %s"
        )
        statement_params = [*match_params, *params, CANDIDATES + 1, limit, offset]
    with connection.cursor() as cursor:
        # One statement: the candidates (one more than the cap, to know there are more), ranked, the page
        # cut from them, and their number alongside each row.
        cursor.execute(statement, statement_params)
        rows = cursor.fetchall()
        if not rows and offset:  # a page past the end: still say how many there are
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT e.id FROM {source} WHERE {match} AND {where} LIMIT %s) t",
                [*match_params, *params, CANDIDATES + 1],
            )
            return Hits(ids=[], total=cursor.fetchone()[0], seconds=time.perf_counter() - started)
    ids = [row[0] for row in rows]
    total = rows[0][1] if rows else 0
    if ids and len(ids) + offset > CANDIDATES:  # the extra candidate only says "more"
        ids = ids[: max(0, CANDIDATES - offset)]
    return Hits(ids=ids, total=total, seconds=time.perf_counter() - started)
