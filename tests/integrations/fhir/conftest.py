"""Fixtures shared by the FHIR tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def shared_formats() -> Path:
    """The real sample files (``shared/formats``), which sit beside the repository, not inside it."""
    repository = Path(__file__).resolve().parents[3]
    formats = repository.parent / "shared" / "formats"
    if formats.is_dir():
        return formats
    pytest.skip(
        "shared/formats is absent (a fresh clone): the real FHIR sample files live beside the repository"
    )
