"""Fixtures shared by the DHIS2 tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def shared_formats() -> Path:
    """The folder of real sample files (``shared/formats``), which sits beside the repository, not inside it."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent.parent / "shared" / "formats"
        if candidate.is_dir():
            return candidate
    pytest.skip(
        "shared/formats is absent (a fresh clone): the real DHIS2/ADX sample files live beside the repository"
    )
