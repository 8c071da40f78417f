"""import_data_values' fast path: plain values of slices with nothing stored go in without a lookup per row.

Whatever path a value takes (plain or not, slice empty or not, one chunk or many, one statement or several),
what is stored, counted, audited and summed must be what the row-by-row comparison would give.
"""

import gc
import sqlite3

import pytest
from django.db import connection

from qicop.indicators import importer
from qicop.indicators.analytics_table import rebuild_all
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import AggregateValue, DataValue, DataValueAudit
from qicop.integrations.dhis2.rows import DataValueRow


def run(data, values, **options):
    return import_data_values(actor=data.world.carla.user, rows=values, options=ImportOptions(**options))


def rows(*specs, **fields):
    return [
        DataValueRow(data_element=de, period=pe, org_unit=ou, value=value, index=i, **fields)
        for i, (de, pe, ou, value) in enumerate(specs)
    ]


def stored():
    return {
        (v.data_element.uid, v.period.dhis2_id, v.org_unit.uid): (v.value, v.numeric, v.deleted)
        for v in DataValue.objects.select_related("data_element", "period", "org_unit")
    }


def sums():
    return sorted(
        AggregateValue.objects.values_list(
            "org_unit_id", "period_id", "data_element_id", "category_option_combo_id", "total", "count"
        )
    )


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of three rows, so that one file spans several chunks and slices."""
    monkeypatch.setattr(importer, "CHUNK", 3)


def test_a_first_import_stores_plain_values_as_stored_by_the_importer(data):
    summary = run(
        data,
        rows(("VlTested01a", "202401", "NakuruHosp1", "120"), ("QiScore001a", "202401", "NakuruHosp1", "7")),
    )
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 0, "deleted": 0}
    value = DataValue.objects.get(data_element=data.vl_tested)
    assert (value.value, value.numeric, value.comment, value.follow_up, value.deleted) == (
        "120",
        120.0,
        None,
        False,
        False,
    )
    assert value.stored_by == data.world.carla.user.email
    assert value.created == value.last_updated
    assert not DataValueAudit.objects.exists()


def test_values_keep_who_stored_them_as_the_file_says(data):
    # DHIS2 exports name who stored every value; a new value or a changed one takes that name.
    run(
        data,
        rows(
            ("VlTested01a", "202401", "NakuruHosp1", "10"),
            ("VlSupp0001a", "202401", "NakuruHosp1", "8"),
            stored_by="admin",
        ),
    )
    summary = run(
        data,
        rows(
            ("VlTested01a", "202401", "NakuruHosp1", "10"),
            ("VlSupp0001a", "202401", "NakuruHosp1", "9"),
            stored_by="district",
        ),
    )
    assert summary["importCount"] == {"imported": 0, "updated": 1, "ignored": 1, "deleted": 0}
    assert dict(DataValue.objects.values_list("data_element__uid", "stored_by")) == {
        "VlTested01a": "admin",
        "VlSupp0001a": "district",
    }


def test_one_file_can_add_new_slices_change_stored_values_and_leave_others_alone(data, small_chunks):
    run(
        data,
        rows(
            ("VlTested01a", "202401", "NakuruHosp1", "10"),
            ("VlSupp0001a", "202401", "NakuruHosp1", "8"),
            ("VlTested01a", "202402", "NakuruHosp1", "11"),
        ),
    )
    summary = run(
        data,
        rows(
            ("VlTested01a", "202401", "NakuruHosp1", "10"),  # unchanged
            ("VlSupp0001a", "202401", "NakuruHosp1", "9"),  # changed
            ("QiScore001a", "202401", "NakuruHosp1", "4"),  # new, in a slice with values
            ("VlTested01a", "202403", "NakuruHosp1", "12"),  # new, in a new slice
            ("VlTested01a", "202402", "NaivashaHC1", "13"),  # new, in a new slice
            ("VlTested01a", "202402", "NakuruHosp1", "11"),  # unchanged
        ),
    )
    assert summary["importCount"] == {"imported": 3, "updated": 1, "ignored": 2, "deleted": 0}
    assert stored() == {
        ("VlTested01a", "202401", "NakuruHosp1"): ("10", 10.0, False),
        ("VlSupp0001a", "202401", "NakuruHosp1"): ("9", 9.0, False),
        ("VlTested01a", "202402", "NakuruHosp1"): ("11", 11.0, False),
        ("QiScore001a", "202401", "NakuruHosp1"): ("4", 4.0, False),
        ("VlTested01a", "202403", "NakuruHosp1"): ("12", 12.0, False),
        ("VlTested01a", "202402", "NaivashaHC1"): ("13", 13.0, False),
    }
    audit = DataValueAudit.objects.get()
    assert (audit.action, audit.previous_value, audit.new_value) == ("UPDATE", "8", "9")


def test_values_of_one_slice_spread_over_many_chunks_are_all_new_once(data, small_chunks):
    # Ordered by data element: every chunk meets the same slices again, after the import wrote into them.
    elements = ["VlTested01a", "VlSupp0001a", "QiScore001a"]
    specs = [
        (de, pe, ou, "5")
        for de in elements
        for pe in ("202401", "202402")
        for ou in ("NakuruHosp1", "NaivashaHC1")
    ]
    summary = run(data, rows(*specs, ("VlSupp0001a", "202402", "NaivashaHC1", "6")))
    assert summary["importCount"] == {"imported": 12, "updated": 0, "ignored": 1, "deleted": 0}
    assert summary["conflicts"][0]["errorCode"] == "E7644"
    assert summary["conflicts"][0]["indexes"] == [12]
    assert stored()[("VlSupp0001a", "202402", "NaivashaHC1")] == ("5", 5.0, False)


def test_the_first_of_repeated_values_wins_whichever_path_each_takes(data):
    first_with_comment = [
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="10", comment="checked", index=0),
        DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="11", index=1),
    ]
    summary = run(data, first_with_comment)
    assert summary["importCount"]["imported"] == 1
    assert summary["conflicts"][0]["indexes"] == [1]
    assert DataValue.objects.get().comment == "checked"
    plain_first = [
        DataValueRow("VlTested01a", "202402", "NakuruHosp1", value="12", index=0),
        DataValueRow("VlTested01a", "202402", "NakuruHosp1", value="13", comment="late", index=1),
    ]
    summary = run(data, plain_first)
    assert summary["conflicts"][0]["indexes"] == [1]
    assert stored()[("VlTested01a", "202402", "NakuruHosp1")] == ("12", 12.0, False)


def test_repeated_disaggregated_values_are_found_whichever_path_each_takes(data):
    values = [
        DataValueRow("TxCurr0001a", "202401", "NakuruHosp1", "CocFemale01", value="5", comment="x", index=0),
        DataValueRow("TxCurr0001a", "202401", "NakuruHosp1", "CocFemale01", value="6", index=1),
        DataValueRow("TxCurr0001a", "202401", "NakuruHosp1", "CocMale0001", value="7", index=2),
        DataValueRow(
            "TxCurr0001a", "202401", "NakuruHosp1", "CocMale0001", value="8", follow_up=True, index=3
        ),
    ]
    summary = run(data, values)
    assert summary["importCount"] == {"imported": 2, "updated": 0, "ignored": 2, "deleted": 0}
    assert summary["conflicts"][0]["indexes"] == [1, 3]
    assert sorted(DataValue.objects.values_list("value", flat=True)) == ["5", "7"]


def test_values_the_fast_check_leaves_are_stored_and_compared_as_plain_values(data):
    # Spaces, a decimal and a yes/no are checked one by one, then stored like any plain value.
    specs = (
        ("VlTested01a", "202401", "NakuruHosp1", " 12 "),
        ("QiScore001a", "202401", "NakuruHosp1", "2.5"),
        ("Committee1a", "202401", "NakuruHosp1", "True"),
    )
    assert run(data, rows(*specs))["importCount"]["imported"] == 3
    assert stored() == {
        ("VlTested01a", "202401", "NakuruHosp1"): ("12", 12.0, False),
        ("QiScore001a", "202401", "NakuruHosp1"): ("2.5", 2.5, False),
        ("Committee1a", "202401", "NakuruHosp1"): ("true", 1.0, False),
    }
    assert run(data, rows(*specs))["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}


def test_a_plain_value_replaces_a_comment_and_restores_a_deleted_value(data):
    run(data, [DataValueRow("VlTested01a", "202401", "NakuruHosp1", value="10", comment="estimated")])
    run(data, rows(("VlSupp0001a", "202401", "NakuruHosp1", None)), strategy="DELETE")
    run(data, rows(("VlSupp0001a", "202401", "NakuruHosp1", "3")))
    run(data, rows(("VlSupp0001a", "202401", "NakuruHosp1", None)), strategy="DELETE")
    summary = run(
        data,
        rows(("VlTested01a", "202401", "NakuruHosp1", "10"), ("VlSupp0001a", "202401", "NakuruHosp1", "3")),
    )
    assert summary["importCount"] == {"imported": 0, "updated": 2, "ignored": 0, "deleted": 0}
    assert DataValue.objects.get(data_element=data.vl_tested).comment is None
    assert sorted(DataValueAudit.objects.values_list("data_value__data_element__uid", "action")) == [
        ("VlSupp0001a", "DELETE"),
        ("VlSupp0001a", "RESTORE"),
        ("VlTested01a", "UPDATE"),
    ]


def test_create_and_update_only_hold_for_slices_with_nothing_stored(data):
    summary = run(data, rows(("VlTested01a", "202401", "NakuruHosp1", "10")), strategy="UPDATE")
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}
    assert not DataValue.objects.exists()
    run(data, rows(("VlTested01a", "202401", "NakuruHosp1", "10")))
    summary = run(data, rows(("VlTested01a", "202401", "NakuruHosp1", "11")), strategy="CREATE")
    assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 1, "deleted": 0}


def test_a_rolled_back_import_leaves_no_slice_behind(data):
    summary = run(
        data,
        rows(("VlTested01a", "202401", "NakuruHosp1", "10"), ("NoSuchElem1", "202401", "NakuruHosp1", "1")),
    )
    assert summary["status"] == "ERROR"
    assert not DataValue.objects.exists()
    summary = run(data, rows(("VlTested01a", "202401", "NakuruHosp1", "10")))
    assert summary["importCount"]["imported"] == 1


def test_the_sums_kept_by_imports_match_a_rebuild(data, small_chunks):
    run(
        data,
        rows(("VlTested01a", "202401", "NakuruHosp1", "10"), ("VlTested01a", "202401", "NaivashaHC1", "20")),
    )
    run(
        data,
        rows(
            ("VlTested01a", "202401", "NakuruHosp1", "15"),
            ("VlTested01a", "202401", "NaivashaHC1", "20"),
            ("VlTested01a", "202402", "NaivashaHC1", "1"),
            ("VlTested01a", "202401", "JacmelHosp1", "4"),
            ("QiScore001a", "202401", "NakuruHosp1", "2.5"),
        ),
    )
    run(data, rows(("VlTested01a", "202401", "NaivashaHC1", None)), strategy="DELETE")
    kept = sums()
    rebuild_all()
    assert kept == sums()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's limit on bound parameters")
def test_chunks_larger_than_one_statement_allows_are_split(data):
    raw = connection.connection if connection.connection else None
    if raw is None:
        connection.ensure_connection()
        raw = connection.connection
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    specs = [
        (de, f"2024{m:02d}", ou, str(m))
        for de in ("VlTested01a", "VlSupp0001a")
        for m in range(1, 4)
        for ou in ("NakuruHosp1", "NaivashaHC1")
    ]
    raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 30)  # four rows a comparison, three an insert
    try:
        assert run(data, rows(*specs))["importCount"]["imported"] == 12
        changed = [(de, pe, ou, value if pe != "202402" else "99") for de, pe, ou, value in specs]
        assert run(data, rows(*changed))["importCount"] == {
            "imported": 0,
            "updated": 4,
            "ignored": 8,
            "deleted": 0,
        }
    finally:
        raw.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    assert stored()[("VlSupp0001a", "202402", "NaivashaHC1")] == ("99", 99.0, False)
    assert DataValueAudit.objects.count() == 4


def test_the_cycle_collector_is_paused_during_an_import_and_resumes_after(data, monkeypatch):
    states = []
    monkeypatch.setattr(
        importer, "_prepare_chunk", _spy(importer._prepare_chunk, lambda: states.append(gc.isenabled()))
    )
    assert gc.isenabled()
    run(data, rows(("VlTested01a", "202401", "NakuruHosp1", "10")))
    run(data, rows(("NoSuchElem1", "202401", "NakuruHosp1", "1")))
    assert states == [False, False]
    assert gc.isenabled()
    gc.disable()
    try:
        run(data, rows(("VlTested01a", "202402", "NakuruHosp1", "10")))
        assert not gc.isenabled()  # as the caller left it
    finally:
        gc.enable()


def _spy(function, before):
    def spied(*args, **kwargs):
        before()
        return function(*args, **kwargs)

    return spied
