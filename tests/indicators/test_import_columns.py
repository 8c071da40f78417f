"""Values read in bulk are checked a column at a time (``prepare_columns``); whatever a file holds, the
import stores, counts, refuses and sums exactly what the row-by-row checks do with the same values."""

from __future__ import annotations

import io
import json

import pytest
from django.db import transaction
from django.utils import timezone

from qicop.indicators import importer
from qicop.indicators.importer import ImportOptions, import_data_values
from qicop.indicators.models import AggregateValue, DataValue, Period
from qicop.integrations.dhis2 import datavalueset_json
from qicop.integrations.dhis2.rows import ValueColumns

UNITS = ("NakuruHosp1", "NaivashaHC1", "NakuruCnty1", "KenyaRoot01")
# (data element, disaggregation): five series per org unit and period
SERIES = (
    ("VlTested01a", None),
    ("VlSupp0001a", None),
    ("TxCurr0001a", "CocFemale01"),
    ("TxCurr0001a", "CocMale0001"),
    ("QiScore001a", None),
)


def plain(i: int) -> dict:
    """The i-th of a file's plain values, each key once: months of the last eighteen years."""
    element, combo = SERIES[i % 5]
    month = i // 20
    value = {
        "dataElement": element,
        "period": f"{timezone.now().year - 18 + month // 12}{month % 12 + 1:02d}",
        "orgUnit": UNITS[i // 5 % 4],
        "value": str(i % 50),
    }
    if combo:
        value["categoryOptionCombo"] = combo
    return value


def imported(actor, data: bytes, *, through_rows: bool, options: ImportOptions) -> tuple:
    """What an import of ``data`` answers and leaves stored (rolled back afterwards)."""
    _header, rows = datavalueset_json.read(io.BytesIO(data))
    with transaction.atomic():
        summary = import_data_values(actor=actor, rows=list(rows) if through_rows else rows, options=options)
        stored = sorted(
            DataValue.objects.values_list(
                "data_element__uid",
                "period__dhis2_id",
                "org_unit__uid",
                "category_option_combo__uid",
                "value",
                "numeric",
                "stored_by",
                "deleted",
            )
        )
        sums = sorted(
            AggregateValue.objects.values_list(
                "org_unit__uid", "data_element__uid", "period__dhis2_id", "total", "count"
            )
        )
        periods = sorted(Period.objects.values_list("dhis2_id", flat=True))
        transaction.set_rollback(True)
    return summary, stored, sums, periods


ODD = {
    "a repeated value": lambda values: values.insert(2500, dict(values[10])),
    "a leading zero": lambda values: values[2600].update(value="007"),
    "an unknown data element": lambda values: values[2700].update(dataElement="NoSuchDe01"),
    "an unknown org unit": lambda values: values[2800].update(orgUnit="Nowhere0001"),
    "an org unit of another country": lambda values: values[2800].update(orgUnit="JacmelHosp1"),
    "a period not valid": lambda values: values[2900].update(period="2024Q9"),
    "a period not open yet": lambda values: values[2900].update(period="2999Q1"),
    "a combo of another disaggregation": lambda values: values[2999].update(
        categoryOptionCombo="CocFemale01"
    ),
    "a decimal": lambda values: values[3100].update(value="1.5"),
    "a comment": lambda values: values[3200].update(comment="checked"),
    "a deletion": lambda values: values[3300].update(deleted=True),
    "a follow-up": lambda values: values[3400].update(followup=True),
    "who stored it": lambda values: values[3500].update(storedBy="someone@example.org"),
    "nothing odd": lambda values: None,
}


@pytest.mark.parametrize("atomic", [True, False])
@pytest.mark.parametrize("odd", ODD)
def test_values_checked_by_column_are_stored_as_the_row_checks_store_them(data, monkeypatch, odd, atomic):
    monkeypatch.setattr(importer, "CHUNK", 1000)
    values = [plain(i) for i in range(4000)]
    ODD[odd](values)
    body = json.dumps({"dataValues": values}).encode()
    options = ImportOptions(atomic=atomic)
    actor = data.world.dan.user

    by_columns = imported(actor, body, through_rows=False, options=options)
    by_rows = imported(actor, body, through_rows=True, options=options)

    assert by_columns == by_rows
    assert by_columns[1] or (atomic and by_columns[0]["status"] == "ERROR")


def test_a_plain_file_is_checked_by_column(data, monkeypatch):
    """The fast path is taken (else the test above compares the row checks with themselves)."""
    calls = []
    original = importer.prepare_columns

    def counted(columns, *args):
        result = original(columns, *args)
        calls.append((isinstance(columns, ValueColumns), result is not None))
        return result

    monkeypatch.setattr(importer, "prepare_columns", counted)
    body = json.dumps({"dataValues": [plain(i) for i in range(4000)]}).encode()
    summary = imported(data.world.dan.user, body, through_rows=False, options=ImportOptions())[0]
    assert summary["importCount"]["imported"] == 4000
    assert calls and all(calls[1:])  # the first run meets its periods for the first time


def test_sums_added_in_bulk_are_those_added_value_by_value(monkeypatch):
    """The analytics deltas of plain values, grouped with numpy, equal the row-by-row loop's."""
    import random

    from qicop.indicators import import_store

    rng = random.Random(13)
    ancestors_of = {unit: tuple(rng.sample(range(1000, 1010), rng.randint(0, 3))) for unit in range(40)}
    rows = [
        (rng.randint(1, 30), rng.randint(1, 24), rng.randint(0, 39), rng.choice((1, 7)), 1, "v",
         float(rng.randint(0, 10**6)), "x")
        for _ in range(3000)
    ]  # fmt: skip
    in_bulk, one_by_one = {}, {}
    import_store._collect_deltas(in_bulk, ancestors_of, rows, [], [])
    monkeypatch.setattr(import_store, "_add_in_bulk", lambda *args: False)
    import_store._collect_deltas(one_by_one, ancestors_of, rows, [], [])
    assert in_bulk == one_by_one and len(in_bulk) > 100


def test_zeros_of_an_element_whose_zeros_do_not_count_are_cleared_as_by_the_row_checks(data):
    from qicop.indicators.models import DataElement

    DataElement.objects.filter(uid="VlSupp0001a").update(zero_is_significant=False)
    values = [plain(i) for i in range(4000)]
    for i in range(1, 4000, 50):
        values[i]["value"] = "0"  # VlSupp0001a, every 50th value
    body = json.dumps({"dataValues": values}).encode()
    by_columns = imported(data.world.dan.user, body, through_rows=False, options=ImportOptions())
    by_rows = imported(data.world.dan.user, body, through_rows=True, options=ImportOptions())
    assert by_columns == by_rows
    assert not [row for row in by_columns[1] if row[0] == "VlSupp0001a" and row[4] == "0"]
