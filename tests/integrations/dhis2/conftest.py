"""Fixtures shared by the DHIS2 tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def shared_formats() -> Path:
    """The folder of real sample files (``shared/formats``), which sits beside the repository, not inside
    it."""
    repository = Path(__file__).resolve().parents[3]
    formats = repository.parent / "shared" / "formats"
    if formats.is_dir():
        return formats
    pytest.skip(
        "shared/formats is absent (a fresh clone): the real DHIS2/ADX sample files live beside the repository"
    )
