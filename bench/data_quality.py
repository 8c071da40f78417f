"""Benchmark: the data-quality view (issue 11, item 9), which checks values on request.

    uv run python bench/data_quality.py                  # the demo, SQLite in a temporary folder
    uv run python bench/data_quality.py --postgres URL   # also PostgreSQL (an empty database you can wipe)
    uv run python bench/data_quality.py --facilities 100 # a larger network: 16 countries x 100 facilities
                                                         # x 10 elements x 60 months (bench/dashboard.py's)

Loads the data (the demo: three years of monthly values of 16 countries, through the importer), stores a
few implausible values through the importer as well (a numerator above its denominator, a spike, a stock
that jumps, a month left out), then drives the page with Django's test client and prints server time
(p50/p95 over 20 requests), query counts and page weight: a coordinator's view of every country, of one
country, and its second page; a country member's view of their own country. No pass/fail: figures only.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from phases import child_env, run_phase, setup_django

REQUESTS = 20


def bench(name: str, database_url: str, facilities: int | None, workdir: Path) -> None:
    env = child_env(database_url, str(workdir / name), QICOP_DEMO="1", ALLOWED_HOSTS="testserver")
    built = run_phase(__file__, "build", [str(facilities or 0)], env)
    pages = run_phase(__file__, "pages", [], env)
    print(
        f"\n{name}: {built['values']:,} values in {built['countries']} countries, "
        f"built in {built['seconds']:.0f} s"
    )
    for label, figures in pages.items():
        print(
            f"  {label:<44} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   "
            f"{figures['queries']} queries   {figures['bytes'] / 1000:.0f} KB   "
            f"{figures['findings']} findings"
        )


# ----------------------------------------------------------------------------------------------- phases


def phase_build(facilities: int) -> dict:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if facilities:
        import dashboard

        dashboard.phase_build(facilities)
    else:
        from qicop.demo import load_demo

        load_demo()
    _implausible_values()
    from qicop.indicators.models import DataValue
    from qicop.network.models import Country

    return {
        "values": DataValue.objects.count(),
        "countries": Country.objects.count(),
        "seconds": time.perf_counter() - started,
    }


def _implausible_values() -> None:
    """What a bad file leaves: in Kenya, a numerator above its denominator, a typo ten times too large, a
    stock that doubles, and a facility's month deleted; all through the importer."""
    from qicop.accounts.models import User
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.indicators.models import DataElement, DataValue, OrgUnit, Period
    from qicop.integrations.dhis2.rows import DataValueRow

    actor = User.objects.get(email="coordinator@example.org")
    facilities = list(OrgUnit.objects.filter(country__iso2="KE", children__isnull=True).order_by("code")[:3])
    months = list(
        Period.objects.filter(period_type="Monthly")
        .order_by("-start_date")
        .values_list("dhis2_id", flat=True)[:6]
    )
    uid = dict(DataElement.objects.values_list("code", "uid"))
    rows = [
        DataValueRow(uid["VL_SUPPRESSED"], months[1], facilities[0].uid, value="900"),
        DataValueRow(uid["VL_TESTED"], months[1], facilities[0].uid, value="800", index=1),
        DataValueRow(uid["NEW_DIAGNOSED"], months[2], facilities[1].uid, value="9000", index=2),
        DataValueRow(uid["TX_CURR"], months[3], facilities[2].uid, value="99999", index=3),
    ]
    import_data_values(actor=actor, rows=rows, options=ImportOptions())
    rows = [DataValueRow(uid["RET_12M_N"], months[4], facilities[1].uid, value="0", deleted=True)]
    import_data_values(actor=actor, rows=rows, options=ImportOptions(strategy="DELETE"))
    assert DataValue.objects.exists()


def phase_pages() -> dict:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    coordinator, member = Client(), Client()
    assert coordinator.login(username="coordinator@example.org", password="demo")
    assert member.login(username="member.ht@example.org", password="demo")
    pages = {
        "coordinator, every country": (coordinator, "/n/virtual/data/quality/"),
        "coordinator, one country (Kenya)": (coordinator, "/n/virtual/data/quality/?country=KE"),
        "coordinator, every country, page 2": (coordinator, "/n/virtual/data/quality/?page=2"),
        "member of Haiti (own country)": (member, "/n/virtual/data/quality/"),
    }
    return {
        label: _measure(client, url, connection, CaptureQueriesContext)
        for label, (client, url) in pages.items()
    }


def _measure(client, url, connection, capture) -> dict:
    response = client.get(url)
    times = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with capture(connection) as queries:
        response = client.get(url)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "queries": len(queries),
        "bytes": len(response.content),
        "findings": _findings(response.content.decode()),
    }


def _findings(page: str) -> int:
    found = re.search(r"([\d,]+) findings?<", page)
    return int(found.group(1).replace(",", "")) if found else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--facilities", type=int, default=0, help="build bench/dashboard.py's network instead"
    )
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database that may be wiped")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.phase:
        phase = {"build": lambda: phase_build(int(rest[0])), "pages": phase_pages}[args.phase]
        print(json.dumps(phase()))
        return
    with tempfile.TemporaryDirectory() as workdir:
        bench("SQLite", f"sqlite:///{workdir}/bench.sqlite3", args.facilities, Path(workdir))
        if args.postgres:
            bench("PostgreSQL", args.postgres, args.facilities, Path(workdir))


if __name__ == "__main__":
    main()
