"""Benchmark: the importer's checks alone (``import_checks._prepare_chunk``), without reading or writing.

    uv run python bench/import_checks.py                    # 1,000,000 rows, best of 5
    uv run python bench/import_checks.py --facilities 400   # 200,000 rows
    uv run python bench/import_checks.py --repeat 9

The whole import (bench/import.py) is dominated by parsing and inserting, and on a shared machine its
figures move by tens of per cent from run to run; the checks are pure Python on preloaded dictionaries,
so their figure is steady enough to show whether a change to identifier resolution slowed the common row.
Prints rows per CPU-second of the checks (CPU time: other processes on a shared machine slow the elapsed
time, much less this process's own) for a coordinator (every country) and for a country's data manager (one
country, with a second country's org units in the database), each the best of ``--repeat`` passes over
the same rows (2,000 facilities x 25 data elements x 20 months by default, as bench/import.py), and the
time to preload the resolver's dictionaries. Runs in one fresh process on a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from phases import child_env, run_phase, setup_django

DATA_ELEMENTS = 25
MONTHS = 20


def phase_checks(facilities: int, repeat: int) -> dict:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qicop.accounts.models import User
    from qicop.indicators.import_checks import ConflictLog, Resolver, _prepare_chunk
    from qicop.indicators.importer import CHUNK, ImportOptions
    from qicop.indicators.metadata_import import ensure_default_combo
    from qicop.indicators.models import DataElement, OrgUnit
    from qicop.integrations.dhis2.rows import DataValueRow
    from qicop.network.models import Country

    User.objects.create_superuser("bench@example.org", "bench-password-123")
    combo, _coc = ensure_default_combo()
    countries = [
        Country.objects.create(iso2="KE", iso3="KEN", name="Kenya", time_zone="Africa/Nairobi"),
        Country.objects.create(iso2="ZW", iso3="ZWE", name="Zimbabwe", time_zone="Africa/Harare"),
    ]
    for number, country in enumerate(countries):
        root_uid = f"BenchRoot{number:02d}"
        root = OrgUnit.objects.create(uid=root_uid, name=country.name, country=country, path=f"/{root_uid}")
        # Both countries have facilities of the same names, as the demo's countries do.
        OrgUnit.objects.bulk_create(
            [
                OrgUnit(
                    uid=f"F{number}c{i:08d}",
                    code=f"{country.iso2}_FAC{i}",
                    name=f"Facility {i}",
                    country=country,
                    level=2,
                    parent=root,
                    path=f"/{root_uid}/F{number}c{i:08d}",
                )
                for i in range(facilities)
            ],
            batch_size=2000,
        )
    DataElement.objects.bulk_create(
        [
            DataElement(
                uid=f"DataEl{i:05d}",
                code=f"DE{i}",
                name=f"Data element {i}",
                category_combo=combo,
                value_type="INTEGER_ZERO_OR_POSITIVE",
                zero_is_significant=True,
            )
            for i in range(DATA_ELEMENTS)
        ]
    )
    months = [f"{2023 + (m // 12)}{m % 12 + 1:02d}" for m in range(MONTHS)]
    rows = [
        DataValueRow(
            f"DataEl{d:05d}",
            month,
            f"F0c{i:08d}",  # Kenya's facilities
            "HllvX50cXC0",
            value=str((i * 7 + d * 13) % 997 + 1),
            index=index,
        )
        for index, (i, month, d) in enumerate(
            (i, month, d) for i in range(facilities) for month in months for d in range(DATA_ELEMENTS)
        )
    ]
    chunks = [rows[start : start + CHUNK] for start in range(0, len(rows), CHUNK)]
    options = ImportOptions()
    results = {"rows": len(rows)}
    for label, allowed in (("coordinator", None), ("data manager", {countries[0].pk})):
        started = time.perf_counter()
        resolver = Resolver(options, allowed_country_ids=allowed)
        preload = time.perf_counter() - started
        for month in months:
            resolver.period(month)  # as the first chunk does, once per period
        best = best_cpu = float("inf")
        for _pass in range(repeat):
            conflicts, seen = ConflictLog(), set()
            started, started_cpu = time.perf_counter(), time.process_time()
            for chunk in chunks:
                _prepare_chunk(chunk, resolver, conflicts, options, "bench", seen)
            best = min(best, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - started_cpu)
            assert not conflicts.entries, conflicts.as_dicts()[:3]
        results[label] = {"seconds": best, "cpu_seconds": best_cpu, "preload_seconds": preload}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--facilities", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.phase == "checks":
        print(json.dumps(phase_checks(int(options.args[0]), int(options.args[1]))))
        return
    with tempfile.TemporaryDirectory() as workdir:
        env = child_env(f"sqlite:///{Path(workdir) / 'bench.sqlite3'}", workdir)
        result = run_phase(__file__, "checks", [str(options.facilities), str(options.repeat)], env)
    rows = result["rows"]
    print(f"\nimport checks, {rows:,} rows ({options.facilities:,} facilities x {DATA_ELEMENTS} x {MONTHS}):")
    for label in ("coordinator", "data manager"):
        figures = result[label]
        preload_ms = figures["preload_seconds"] * 1000
        print(
            f"  {label:13}: {rows / figures['cpu_seconds']:>10,.0f} rows/CPU-second "
            f"({figures['cpu_seconds']:.2f} s CPU, {figures['seconds']:.2f} s elapsed, "
            f"best of {options.repeat}); preloading the dictionaries {preload_ms:,.0f} ms"
        )


if __name__ == "__main__":
    main()
