"""Case studies and resources in the search index."""


def register_case_studies() -> None:
    """Register "case_study" and "resource" with qicop.search.index.register."""
