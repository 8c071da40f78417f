"""Fixtures shared by the whole suite; the personas themselves are described in personas.py."""

from pathlib import Path

import pytest

import qicop
from personas import World
from qicop.core.i18n import compile_catalogs


def pytest_configure(config):
    # Translations must work from a fresh clone: compile the catalogs the same way `qicop` does,
    # before Django loads any of them.
    compile_catalogs(Path(qicop.__file__).parent / "locale")


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture(autouse=True)
def _run_on_commit_at_once(monkeypatch):
    """Tests run inside a transaction that is rolled back, so "after commit" never comes: run such
    follow-up work (e-mails, background tasks) at once instead, as the demo's immediate task backend does."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request leaves its language active in the thread: start every test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _private_files_of_its_own(tmp_path, settings):
    """Each test keeps uploaded files in a folder of its own: runs side by side never see, or clean up,
    each other's files."""
    settings.PRIVATE_ROOT = tmp_path / "private"
