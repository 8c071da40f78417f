"""Text for the search index: words, stems and snippets. Pure Python: no Django, no database.

The same processing serves SQLite (FTS5) and PostgreSQL (tsvector): the database only matches the
terms produced here, so both behave alike.

A document is indexed under, for every word, its accent-free form and its stem in the document's
language (snowball stemmers for English, French and Portuguese), also accent-free; a document whose
language is not known (a discussion, a meeting: people write them in any of the three) under its stems in
all three. A query word is looked up under its accent-free form and its stems in all three languages, so
"avaliacao" finds "avaliação" and "évaluations" finds "evaluation".
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import snowballstemmer

LANGUAGES = {"en": "english", "fr": "french", "pt": "portuguese"}
WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits; "_" separates, as in FTS5 and tsvector
MAX_WORD = 40  # longer "words" (hashes, base64) are not worth indexing
MAX_QUERY_WORDS = 12

_stemmers: dict[str, snowballstemmer.stemmer] = {}


def _stemmer(language: str):
    if language not in _stemmers:
        _stemmers[language] = snowballstemmer.stemmer(LANGUAGES[language])
    return _stemmers[language]


def unaccent(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-cased words of ``text``, accents kept (the stemmers want them)."""
    return [w for w in WORD.findall(text.casefold()) if len(w) <= MAX_WORD and not w.isspace()]


@lru_cache(maxsize=200_000)
def _word_terms(word: str, language: str) -> tuple[str, ...]:
    plain = unaccent(word)
    terms = {plain}
    if language in LANGUAGES and not word.isdigit():
        stemmer = _stemmer(language)
        terms.add(unaccent(stemmer.stemWord(word)))
        terms.add(stemmer.stemWord(plain))
    return tuple(sorted(t for t in terms if t))


def document_terms(text: str, language: str) -> str:
    """The terms a document is indexed under, space-separated (duplicates kept: they weigh in ranking).
    ``language`` is "en", "fr" or "pt"; anything else (unknown) stems in all three."""
    out: list[str] = []
    if language in LANGUAGES:
        for word in words(text):
            out.extend(_word_terms(word, language))
    else:
        for word in words(text):
            out.extend(query_variants(word))
    return " ".join(out)


@lru_cache(maxsize=20_000)
def query_variants(word: str) -> tuple[str, ...]:
    """Every term a query word may be indexed under, in any of the three languages."""
    variants: set[str] = set()
    for language in LANGUAGES:
        variants.update(_word_terms(word, language))
    return tuple(sorted(variants))


def parse_query(query: str) -> list[tuple[str, ...]]:
    """A query as a list of words, each with its variants. Operators, quotes and brackets typed by the
    user are ignored: only words reach the database, so no input can break the FTS syntax."""
    seen: list[str] = []
    for word in words(query):
        if word not in seen:
            seen.append(word)
    return [query_variants(w) for w in seen[:MAX_QUERY_WORDS]]


def highlight(text: str, query_words: list[tuple[str, ...]], *, length: int = 240, scan: int = 8000) -> str:
    """An HTML-escaped excerpt of ``text`` around the first matching word, matches wrapped in <mark>.

    Only the first ``scan`` characters are searched for a match: an excerpt is a pointer, not a report.
    """
    if not text:
        return ""
    wanted = {v for variants in query_words for v in variants}
    prefixes = {v[:3] for v in wanted}
    positions: list[tuple[int, int]] = []
    for match in WORD.finditer(text, 0, scan):
        word = match.group().casefold()
        plain = unaccent(word)
        if plain[:3] in prefixes and (plain in wanted or set(query_variants(word)) & wanted):
            positions.append(match.span())
            if len(positions) > 20:
                break
    start = 0
    if positions:
        start = max(0, positions[0][0] - length // 4)
        while start > 0 and not text[start - 1].isspace():  # begin at a word boundary
            start -= 1
    end = min(len(text), start + length)
    while end < len(text) and not text[end - 1].isspace() and end - start < length + 30:
        end += 1
    parts: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for a, b in positions:
        if a < start or b > end:
            continue
        parts.append(html.escape(text[cursor:a]))
        parts.append(f"<mark>{html.escape(text[a:b])}</mark>")
        cursor = b
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)


def filter_terms(
    *, kind: str = "", country_id=None, topic_ids=(), year=None, language: str = ""
) -> list[str]:
    """Terms that carry an entry's filters into the full-text index ("qfk" + kind, "qfy" + year…), so that
    a filtered search is one intersection of the index's lists instead of a check of every match. Made of
    letters and digits only, like every term, and never produced from text (no word starts "qf" and
    continues with these codes in the three languages)."""
    terms = []
    if kind:
        terms.append("qfk" + "".join(c for c in kind if c.isalnum()))
    if country_id:
        terms.append(f"qfc{int(country_id)}")
    terms.extend(f"qft{int(t)}" for t in topic_ids)
    if year:
        terms.append(f"qfy{int(year)}")
    if language:
        terms.append("qfl" + language)
    return terms


def as_written(term: str, texts, *, scan: int = 8000) -> str:
    """``term`` (an index term: folded to lower case, without accents) as the texts write it — "QI", not
    "qi"; "avaliação", not "avaliacao" — or as it is when none of them has it."""
    for text in texts:
        for match in WORD.finditer(text or "", 0, scan):
            if unaccent(match.group().casefold()) == term:
                return match.group()
    return term
