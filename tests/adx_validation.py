"""Validating ADX documents against the IHE ADX schema (``adx_loose.xsd``, which validates any ADX message
whatever its data structure definition) with the ``xmlschema`` package.

The schema and the SDMX schemas it imports are in ``../shared/schemas/adx/IHE2017`` (unmodified copies from
the dhis2/adx repository, see ``../shared/formats/SOURCES.md``); a test that needs them skips where that
folder is absent.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

SCHEMA = (
    Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / "adx" / "IHE2017" / "adx_loose.xsd"
)


@cache
def _schema():
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMA))


def errors(document: str | bytes) -> list[str]:
    if not SCHEMA.is_file():
        pytest.skip("the ADX schema (../shared/schemas/adx next to the repository) is absent")
    text = document.decode("utf-8") if isinstance(document, bytes) else document
    return [f"{error.path}: {error.reason}" for error in _schema().iter_errors(text)]


def assert_valid(document: str | bytes) -> None:
    found = errors(document)
    assert found == [], "\n".join(found)
