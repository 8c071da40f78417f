"""Benchmark: the answer to a CSV import of millions of rows, each with the same unknown org unit (issue 12:
2.25 million rows answered 38 MB of JSON listing every row number).

    uv run python bench/conflicts.py                    # 2,250,000 rows, SQLite in a temporary folder
    uv run python bench/conflicts.py --rows 200000      # a smaller run
    uv run python bench/conflicts.py --postgres URL     # PostgreSQL (an empty database you can wipe)

Prints the file's size, the size of the JSON answer (DHIS2's WebMessage around the import summary), the
import's peak memory (RSS) and time, and the size of the file of every conflict the import keeps for its
page. Each phase runs in its own process.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from phases import child_env, run_phase, setup_django


def bench(name: str, database_url: str, rows: int, workdir: Path) -> None:
    env = child_env(database_url, str(workdir / name))
    file = workdir / f"conflicts-{rows}.csv"
    run_phase(__file__, "setup", [str(rows), str(file)], env)
    result = run_phase(__file__, "import", [str(file)], env)
    print(f"\n{name}: {rows:,} rows, each with an unknown org unit; file {file.stat().st_size / 1e6:,.0f} MB")
    print(f"  answer        : {result['answer_bytes']:>12,} bytes   ({result['summary']})")
    print(f"  conflicts CSV : {result['kept_bytes']:>12,} bytes   (kept for the import's page)")
    print(f"  import        : {result['seconds']:8.1f} s   peak RSS {result['peak_rss_mb']:,.0f} MB")


def phase_setup(rows: int, path: str) -> dict:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qicop.accounts.models import User
    from qicop.indicators.metadata_import import ensure_default_combo
    from qicop.indicators.models import DataElement, OrgUnit
    from qicop.network.models import Country

    User.objects.create_superuser("bench@example.org", "bench-password-123")
    country = Country.objects.create(iso2="KE", iso3="KEN", name="Kenya", time_zone="Africa/Nairobi")
    combo, _coc = ensure_default_combo()
    OrgUnit.objects.create(uid="BenchRoot01", name="Kenya", country=country, path="/BenchRoot01")
    DataElement.objects.create(
        uid="DataEl00000", code="DE0", name="Data element", category_combo=combo, value_type="INTEGER"
    )
    with open(path, "w") as out:
        out.write("dataelement,period,orgunit,value\n")
        out.writelines("DataEl00000,202401,NoSuchUnit1,5\n" for _ in range(rows))
    return {}


def phase_import(path: str) -> dict:
    setup_django()
    from django.core.files.storage import default_storage  # noqa: F401 - loads storages before timing

    from qicop.accounts.models import User
    from qicop.indicators.models import DataImport
    from qicop.indicators.services import import_file
    from qicop.integrations.dhis2.import_summary import web_message

    user = User.objects.get(email="bench@example.org")
    data_import = DataImport.objects.create(user=user, filename="conflicts.csv", format="csv")
    started = time.perf_counter()
    with open(path, "rb") as fileobj:
        summary = import_file(
            actor=user, fileobj=fileobj, filename=path, content_type="text/csv", data_import=data_import
        )
    seconds = time.perf_counter() - started
    answer = json.dumps(web_message(summary), ensure_ascii=False).encode()
    kept = 0
    try:
        from qicop.core.storage import private_storage

        path_of = getattr(data_import, "conflicts_path", None)
        if path_of and private_storage().exists(path_of):
            kept = private_storage().size(path_of)
    except ImportError:
        pass
    return {
        "seconds": seconds,
        "answer_bytes": len(answer),
        "kept_bytes": kept,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "summary": f"{summary['status']}, {len(summary['conflicts'])} conflicts listed, "
        f"{len(summary['rejectedIndexes']):,} rejected indexes listed",
    }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--phase":
        phase, args = sys.argv[2], sys.argv[3:]
        result = phase_setup(int(args[0]), args[1]) if phase == "setup" else phase_import(args[0])
        print(json.dumps(result))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2_250_000)
    parser.add_argument("--postgres", help="also run on this PostgreSQL database URL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        bench("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", args.rows, workdir)
        if args.postgres:
            bench("PostgreSQL", args.postgres, args.rows, workdir)


if __name__ == "__main__":
    main()
