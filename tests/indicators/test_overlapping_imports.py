"""Imports that overlap in time wait for each other where they touch the same values, so the analytics
table (AggregateValue) and the audit chain (DataValueAudit) stay exact, whatever writes the values: a data
value set, a single value of /api/dataValues, a deletion.

Each write runs in a thread of its own, with its own database connection, as two requests or two workers
would. The first import stops after writing its first chunk, inside its transaction; the second starts then,
and the first goes on only once the second is waiting on a lock (or done). On PostgreSQL, without the locks
of qicop.indicators.locks, the second read the first chunk's values before the first import committed them
and counted from those stale values.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from data_world import DataWorld
from personas import make_member
from qicop.accounts.services import create_api_token
from qicop.indicators import importer
from qicop.indicators.analytics_table import rebuild_all
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import AggregateValue, DataValue, DataValueAudit, Period
from qicop.integrations.dhis2.periods import parse_period, period_of
from qicop.integrations.dhis2.rows import DataValueRow
from qicop.network.models import Role

pytestmark = [
    # Threads commit on connections of their own: the test cannot run inside one rolled-back transaction.
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite runs one writing transaction at a time (BEGIN IMMEDIATE): writes cannot overlap there",
    ),
]

UNITS = ("NakuruHosp1", "NaivashaHC1", "NakuruCnty1")
ELEMENTS = ("VlTested01a", "VlSupp0001a", "QiScore001a")


@pytest.fixture
def data(world):
    return DataWorld(world)


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch):
    """Several chunks per import, so the first import can stop between two of them."""
    monkeypatch.setattr(importer, "CHUNK", 50)


def months(count: int = 24) -> list[str]:
    month = period_of("Monthly", timezone.localdate()).previous()
    found = []
    for _step in range(count):
        found.append(month.id)
        month = month.previous()
    return found


def rows(value: str | None) -> list[DataValueRow]:
    """The same 216 values (3 org units x 24 months x 3 data elements), all set to ``value``."""
    keys = [(de, pe, ou) for ou in UNITS for pe in months() for de in ELEMENTS]
    return [DataValueRow(de, pe, ou, value=value, index=i) for i, (de, pe, ou) in enumerate(keys)]


def create_the_periods() -> None:
    """As they mostly are: an import that creates a period makes any other creating it wait until it ends."""
    for month in months():
        parsed = parse_period(month)
        Period.objects.create(
            dhis2_id=parsed.id, period_type=parsed.period_type, start_date=parsed.start, end_date=parsed.end
        )


def store(member, value: str | None, *, strategy: str = "CREATE_AND_UPDATE", progress=None) -> dict:
    return import_data_values(
        actor=member.user, rows=rows(value), options=ImportOptions(strategy=strategy), progress=progress
    )


@dataclass
class Overlap:
    first: Any
    second: Any
    second_ended_while_first_held_its_chunk: bool


def overlapping(first: Callable[[Callable[[int], None]], object], second: Callable[[], object]) -> Overlap:
    """Run ``first`` (given a progress callback) and ``second`` at once, each on its own connection, so that
    ``second`` starts while ``first`` holds its first chunk uncommitted."""
    wrote, go = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def pause_after_the_first_chunk(read: int) -> None:
        if not wrote.is_set():
            wrote.set()
            go.wait(timeout=60)

    def run(name: str, work: Callable[[], object]) -> None:
        try:
            results[name] = work()
        except BaseException as error:  # handed back to the test
            results[name] = error
        finally:
            connection.close()

    one = threading.Thread(target=run, args=("first", lambda: first(pause_after_the_first_chunk)))
    two = threading.Thread(target=run, args=("second", second))
    one.start()
    assert wrote.wait(timeout=60), "the first import never wrote its first chunk"
    two.start()
    _wait_until_blocked_or_done(two)
    second_ended_first = not two.is_alive()
    go.set()
    one.join(timeout=120)
    two.join(timeout=120)
    for name in ("first", "second"):
        if isinstance(results.get(name), BaseException):
            raise AssertionError(f"the {name} write failed: {results[name]!r}") from results[name]
    return Overlap(results["first"], results["second"], second_ended_first)


def _wait_until_blocked_or_done(thread: threading.Thread, timeout: float = 30) -> None:
    """Until another session of this database waits on a lock (a row, or an advisory lock), or ``thread``
    ended: then the second write has read whatever it reads before the first import commits."""
    deadline = time.monotonic() + timeout
    while thread.is_alive() and time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)


def aggregates() -> dict[tuple, tuple[float, int]]:
    return {
        (a.org_unit_id, a.period_id, a.data_element_id, a.category_option_combo_id): (a.total, a.count)
        for a in AggregateValue.objects.all()
    }


def analytics_rows_off() -> dict[tuple, tuple]:
    """The analytics rows that differ from a full recompute: key → (kept, recomputed)."""
    kept = aggregates()
    rebuild_all()
    recomputed = aggregates()
    pairs = {key: (kept.get(key), recomputed.get(key)) for key in kept.keys() | recomputed.keys()}
    return {key: pair for key, pair in pairs.items() if pair[0] != pair[1]}


def breaks_in_the_audit_chain() -> int:
    """Audit rows whose previous value is not the value the change before them wrote, and values whose last
    change did not write what is stored now."""
    broken = 0
    for value in DataValue.objects.prefetch_related("audits"):
        chain = sorted(value.audits.all(), key=lambda audit: audit.pk)
        for before, after in itertools.pairwise(chain):
            broken += before.new_value != after.previous_value
        last_written = None if value.deleted else value.value
        broken += bool(chain) and chain[-1].new_value != last_written
    return broken


def assert_sums_and_audit_chain_exact() -> None:
    off, broken = analytics_rows_off(), breaks_in_the_audit_chain()
    excess = sum((kept or (0, 0))[0] - (recomputed or (0, 0))[0] for kept, recomputed in off.values())
    print(
        f"analytics rows off: {len(off)} of {AggregateValue.objects.count()} (sums {excess:+}); "
        f"audit rows: {DataValueAudit.objects.count()}, breaks in the chain: {broken}"
    )
    assert (len(off), broken) == (0, 0), (
        f"e.g. analytics row {next(iter(off.items()), None)} (kept, recomputed)"
    )


@pytest.mark.parametrize("second_importer", ["dan", "carla"])
def test_two_overlapping_imports_of_changed_values_keep_the_sums_and_the_audit_chain_exact(
    data, second_importer
):
    store(data.world.dan, "1")
    overlap = overlapping(
        lambda progress: store(data.world.dan, "100", progress=progress),
        lambda: store(getattr(data.world, second_importer), "250"),
    )
    assert (overlap.first["status"], overlap.first["importCount"]["updated"]) == ("SUCCESS", 216)
    assert (overlap.second["status"], overlap.second["importCount"]["updated"]) == ("SUCCESS", 216)
    assert set(DataValue.objects.values_list("value", flat=True)) == {"250"}
    assert DataValueAudit.objects.count() == 2 * 216
    assert_sums_and_audit_chain_exact()


def test_two_overlapping_imports_of_new_values_both_succeed_and_the_later_one_updates(data):
    create_the_periods()
    overlap = overlapping(
        lambda progress: store(data.world.dan, "7", progress=progress),
        lambda: store(data.world.faith, "9"),
    )
    assert (overlap.first["status"], overlap.first["importCount"]["imported"]) == ("SUCCESS", 216)
    assert (overlap.second["status"], overlap.second["importCount"]["updated"]) == ("SUCCESS", 216)
    assert DataValue.objects.count() == 216
    assert_sums_and_audit_chain_exact()


def test_a_deletion_overlapping_an_import_keeps_the_sums_and_the_audit_chain_exact(data):
    store(data.world.dan, "1")
    overlap = overlapping(
        lambda progress: store(data.world.dan, "100", progress=progress),
        lambda: store(data.world.faith, None, strategy="DELETE"),
    )
    assert overlap.first["importCount"]["updated"] == 216
    assert overlap.second["importCount"]["deleted"] == 216
    assert not AggregateValue.objects.exists()
    assert_sums_and_audit_chain_exact()


def test_a_single_value_written_through_the_api_during_an_import_waits_for_it(data):
    store(data.world.dan, "1")
    secret = create_api_token(user=data.world.faith.user, name="script")[1]
    key = {"de": ELEMENTS[0], "pe": months()[0], "ou": UNITS[0]}
    query = "&".join(f"{name}={value}" for name, value in key.items())

    def post_one_value():
        return Client(HTTP_AUTHORIZATION=f"ApiToken {secret}").post(f"/api/dataValues?{query}&value=5")

    overlap = overlapping(lambda progress: store(data.world.dan, "100", progress=progress), post_one_value)
    assert overlap.second.status_code == 201
    value = DataValue.objects.get(
        data_element__uid=key["de"], period__dhis2_id=key["pe"], org_unit__uid=key["ou"]
    )
    audits = [(audit.previous_value, audit.new_value) for audit in value.audits.order_by("pk")]
    assert audits == [("1", "100"), ("100", "5")]
    assert_sums_and_audit_chain_exact()


def test_an_import_of_another_country_does_not_wait(data):
    haitian = make_member(
        "hugo@example.org",
        "Hugo Data",
        data.world.haiti,
        network=data.world.network,
        roles=[Role.DATA_MANAGER],
    )
    create_the_periods()
    haitian_rows = [DataValueRow(de, pe, "JacmelHosp1", value="3") for pe in months() for de in ELEMENTS]
    overlap = overlapping(
        lambda progress: store(data.world.dan, "100", progress=progress),
        lambda: import_data_values(actor=haitian.user, rows=haitian_rows, options=ImportOptions()),
    )
    assert overlap.second_ended_while_first_held_its_chunk
    assert overlap.second["importCount"]["imported"] == len(haitian_rows)
    assert_sums_and_audit_chain_exact()
