"""The benchmarks in bench/ run on demand, never in the suite, so nothing else notices when a change of the
code they drive breaks them (bench/dashboard.py once called the demo's data generator with an argument it
no longer took). This reads each the way it will run: every script compiles and imports, and the dashboard
benchmark's rows, which build the network of the dashboard and signals benchmarks, come out of the demo's
generator as the importer expects them."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from qicop.indicators import demo
from qicop.integrations.dhis2.rows import DataValueRow

BENCH = Path(__file__).resolve().parents[1] / "bench"
pytestmark = pytest.mark.pure


def _load(name: str):
    sys.path.insert(0, str(BENCH))  # the scripts import their neighbour ``phases``
    try:
        spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(BENCH))


@pytest.mark.parametrize("script", sorted(p.stem for p in BENCH.glob("*.py")))
def test_every_benchmark_imports(script):
    assert callable(getattr(_load(script), "main", None)) or script == "phases"


def test_the_dashboard_benchmarks_rows_come_from_the_demos_generator():
    dashboard = _load("dashboard")
    codes = ["HIV_DIAGNOSED", "TX_CURR", "VL_TESTED", "VL_SUPPRESSED", "RET_12M_D", "RET_12M_N"]
    codes += ["NEW_DIAGNOSED", "SAME_DAY_ART", "QI_SCORE", "TB_SCREENED"]
    elements = {code: SimpleNamespace(uid=f"El{i:09d}") for i, code in enumerate(codes)}
    units = [SimpleNamespace(uid="Facility001")]
    months = [f"2026{m:02d}" for m in range(1, 13)]
    rows = list(
        dashboard._rows(
            random.Random(1), elements, units, months, DataValueRow, demo._facility_month, demo.LEVELS
        )
    )
    assert len(rows) == len(codes) * len(months)
    assert {row.period for row in rows} == set(months)
    tested = [float(r.value) for r in rows if r.data_element == elements["VL_TESTED"].uid]
    on_art = [float(r.value) for r in rows if r.data_element == elements["TX_CURR"].uid]
    assert all(0 < t <= n for t, n in zip(tested, on_art, strict=True))
