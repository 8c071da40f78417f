"""Fixtures shared by the whole suite; the personas themselves are described in personas.py."""

from pathlib import Path

import pytest
from django.db import transaction

import qicop
from personas import World
from qicop.core.i18n import compile_catalogs

SHARED_DEMO = "shared_demo"
#: Django's own, before any test replaces it (``_run_on_commit_at_once``).
REAL_ON_COMMIT = transaction.on_commit

pytest_plugins = ["clock"]


def pytest_configure(config):
    # Translations must work from a fresh clone: compile the catalogs the same way `qicop` does,
    # before Django loads any of them.
    compile_catalogs(Path(qicop.__file__).parent / "locale")


def pytest_sessionfinish(session):
    """The run's main process stops the qicop server the live tests started, once every worker is done."""
    if not hasattr(session.config, "workerinput"):
        from live_qicop import stop_shared_server

        stop_shared_server(session.config._tmp_path_factory.getbasetemp())


def pytest_collection_modifyitems(session, config, items):
    """Tests of the shared demo run last, together: the demo is loaded once for all of them, and no
    other test ever sees it."""
    items.sort(key=lambda item: SHARED_DEMO in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def shared_demo(clock, django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (networks, meetings, knowledge and three years of data), loaded once per run in a
    transaction that is rolled back at the end. Each test that uses it runs in a savepoint of its own, so
    what a test changes is undone before the next one; tests must still not commit (no transactional_db).

    Loading it once instead of once per test saves about two seconds a test (more on PostgreSQL).

    The clock stands still at the pinned moment while the demo loads, so the demo's months and dates are
    those the tests compute, and nothing in it is later than the moment each test starts at."""
    from django.test import override_settings

    from qicop.demo import load_demo

    private_root = tmp_path_factory.mktemp("demo-private")
    files = override_settings(PRIVATE_ROOT=private_root)
    files.enable()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            clock.freeze()
            load_demo()
            clock.reset()
            _check_what_the_demo_wrote()
            _analyze_what_the_demo_wrote()
    yield private_root
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)
    files.disable()


def _check_what_the_demo_wrote():
    """Check the demo's foreign keys now, once. PostgreSQL checks them at commit, which never comes; until
    then it keeps one pending check per row written. Each test's teardown checks the constraints
    (``SET CONSTRAINTS ALL IMMEDIATE``) inside the test's savepoint, whose rollback puts the demo's checks
    back in the queue: every test of the demo re-checked its 300,000 rows, about three seconds a test."""
    from django.db import connection

    connection.check_constraints()


def _analyze_what_the_demo_wrote():
    """PostgreSQL plans queries by its statistics of each table, which autovacuum gathers only from
    committed rows: the demo is never committed, so without this its 300,000 values look like an empty
    table, and a query that checks publication value by value can run for many minutes instead of
    milliseconds. ANALYZE in the demo's own transaction sees its rows, as a served demo's statistics would."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


@pytest.fixture
def demo(shared_demo, db, settings):
    """The shared demo, in demo mode (the fixed logins sign in with the password "demo")."""
    settings.DEMO_MODE = True
    settings.PRIVATE_ROOT = shared_demo


@pytest.fixture
def world(db) -> World:
    return World()


@pytest.fixture(autouse=True)
def _run_on_commit_at_once(monkeypatch):
    """Tests run inside a transaction that is rolled back, so "after commit" never comes: run such
    follow-up work (e-mails, background tasks) at once instead, as the demo's immediate task backend does."""
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def after_commit_for_real(monkeypatch):
    """Call it to undo ``_run_on_commit_at_once`` from then on in the test: what waits for the commit waits,
    as in production. A rolled-back block drops it, and ``django_capture_on_commit_callbacks(execute=True)``
    runs what a block committed. (Call it after the set-up whose e-mails the test reads.)"""

    def wait_for_commits() -> None:
        monkeypatch.setattr(transaction, "on_commit", REAL_ON_COMMIT)

    return wait_for_commits


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request leaves its language active in the thread: start every test in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _private_files_of_its_own(request, tmp_path, settings):
    """Each test keeps uploaded files in a folder of its own: runs side by side never see, or clean up,
    each other's files. (Tests of the shared demo read the demo's folder instead.)"""
    if SHARED_DEMO not in request.fixturenames:
        settings.PRIVATE_ROOT = tmp_path / "private"
    # and nothing kept by an earlier refresh of the signals (deviance/kept.py): the shared demo's countries
    # have the same versions in every test, whatever a test wrote around the services
    settings.SIGNAL_INPUTS_DIR = tmp_path / "signal-inputs"


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no page kept (dashboards/page_cache.py): a test's database is rolled back, and
    countries of another test's world would have the same ids and versions."""
    from django.core.cache import caches

    caches["pages"].clear()
