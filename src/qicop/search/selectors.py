"""Running a query against the index: words parsed, matches ranked, excerpts marked, typos widened.

Whom a search is for is decided by the caller through ``query.Filters`` (which networks, which audiences):
the engine knows no permissions and no app.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from qicop.search import query, text
from qicop.search.models import SearchEntry, SearchTerm

PAGE_SIZE = 20
_VOCABULARY: tuple[float, list[str]] = (0.0, [])
VOCABULARY_TTL = 60.0


@dataclass
class Result:
    entry: SearchEntry
    snippet: str  # HTML: escaped text with <mark> around the matches


@dataclass
class SearchPage:
    query: str
    results: list[Result] = field(default_factory=list)
    total: int = 0
    more_than: bool = False
    page: int = 1
    pages: int = 1
    similar_words: list[str] = field(default_factory=list)  # used when the words typed found nothing
    seconds: float = 0.0


def search(q: str, filters: query.Filters, *, page: int = 1) -> SearchPage:
    started = time.perf_counter()
    groups = text.parse_query(q)
    result = SearchPage(query=q, page=max(1, page))
    if not groups:
        return result
    offset = (result.page - 1) * PAGE_SIZE
    hits = query.run(groups, filters, offset=offset, limit=PAGE_SIZE)
    if hits.total == 0 and result.page == 1:
        widened, similar = _with_similar_words(groups)
        if similar:
            # The vocabulary spans what this reader may not see: similar words are said, and used, only
            # when they find something here ("showing results for similar words" over "nothing found"
            # would contradict itself).
            widened_hits = query.run(widened, filters, offset=offset, limit=PAGE_SIZE)
            if widened_hits.total:
                groups, hits = widened, widened_hits
                result.similar_words = similar
    if not hits.ids and hits.total:  # a page past the last (an old link): show the last one
        result.page = -(-min(hits.total, query.COUNT_CAP) // PAGE_SIZE)
        hits = query.run(groups, filters, offset=(result.page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    entries = SearchEntry.objects.defer("terms", "title_terms").in_bulk(hits.ids)
    result.results = [
        Result(entries[i], text.highlight(entries[i].body or entries[i].title, groups))
        for i in hits.ids
        if i in entries
    ]
    if result.similar_words:
        found = [t for r in result.results for t in (r.entry.title, r.entry.body)]
        result.similar_words = [text.as_written(word, found) for word in result.similar_words]
    result.total = min(hits.total, query.COUNT_CAP)
    result.more_than = hits.total > query.COUNT_CAP
    result.pages = max(1, -(-result.total // PAGE_SIZE))
    result.seconds = time.perf_counter() - started
    return result


def _vocabulary() -> list[str]:
    global _VOCABULARY
    loaded_at, terms = _VOCABULARY
    if time.monotonic() - loaded_at > VOCABULARY_TTL:
        terms = list(SearchTerm.objects.values_list("term", flat=True).iterator(chunk_size=5000))
        _VOCABULARY = (time.monotonic(), terms)
    return terms


def forget_vocabulary() -> None:
    global _VOCABULARY
    _VOCABULARY = (0.0, [])


def _with_similar_words(groups: list[tuple[str, ...]]) -> tuple[list[tuple[str, ...]], list[str]]:
    """Each query word widened with the index's most similar terms (typos, missing accents, another
    inflection): "evaluacao" finds "avaliação"."""
    vocabulary = _vocabulary()
    if not vocabulary:
        return groups, []
    widened, similar = [], []
    for group in groups:
        word = max(group, key=len)
        if len(word) < 4:
            widened.append(group)
            continue
        matches = process.extract(word, vocabulary, scorer=fuzz.ratio, score_cutoff=75, limit=3)
        extra = tuple(m[0] for m in matches if m[0] not in group)
        similar.extend(extra)
        widened.append(group + extra)
    return widened, similar
