"""Discussions in the search index."""


def register_discussions() -> None:
    """Register "discussion" with qicop.search.index.register."""
