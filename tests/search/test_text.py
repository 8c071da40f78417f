"""The words a document is found by: accent-free forms and stems in English, French and Portuguese."""

from qicop.search.text import document_terms, highlight, parse_query


def found(query: str, document: str, language: str) -> bool:
    terms = set(document_terms(document, language).split())
    return all(set(group) & terms for group in parse_query(query))


def test_accents_are_ignored_both_ways():
    assert found("avaliacao", "Relatório de avaliação", "pt")
    assert found("avaliação", "Relatorio de avaliacao", "pt")
    assert found("qualite", "La qualité des soins", "fr")


def test_inflections_meet_at_their_stem_in_each_language():
    assert found("evaluation", "Three evaluations of the programme", "en")
    assert found("évaluations", "une évaluation nationale", "fr")
    assert found("melhorias", "melhoria contínua da qualidade", "pt")
    assert found("suppression", "viral load suppressed", "en")
    assert not found("supply", "viral load suppressed", "en")


def test_every_word_of_the_query_must_be_found():
    assert found("viral load", "Viral load testing coverage", "en")
    assert not found("viral retention", "Viral load testing coverage", "en")


def test_operators_quotes_and_brackets_are_plain_words_or_nothing():
    assert parse_query('"unbalanced (quote * NEAR') == parse_query("unbalanced quote near")
    assert parse_query('*** " ( ) -') == []
    assert parse_query("") == []


def test_highlight_escapes_the_text_and_marks_the_matches():
    snippet = highlight("Le <script>alert(1)</script> taux de suppression virale", parse_query("suppression"))
    assert "&lt;script&gt;" in snippet
    assert "<mark>suppression</mark>" in snippet
    assert "<script>" not in snippet


def test_a_document_of_unknown_language_meets_inflections_in_all_three():
    # Discussions and meetings carry no language: people write them in English, French or Portuguese.
    assert found("avaliação", "Três avaliações da rede", "")
    assert found("évaluations", "Une évaluation nationale", "")
    assert found("evaluation", "Three evaluations", "")
    assert not found("supply", "viral load suppressed", "")
