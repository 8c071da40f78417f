"""Benchmark: the dashboard pages on a large network (issue 5).

    uv run python bench/dashboard.py                     # SQLite in a temporary folder
    uv run python bench/dashboard.py --postgres URL      # also PostgreSQL (an empty database you can wipe)
    uv run python bench/dashboard.py --facilities 50     # a smaller network

Builds the demo network's 16 countries with 500 facilities each (in 20 districts), 10 data elements and 60
months — about 4.8 million values — through the importer (which keeps the analytics table current), then
drives the pages with Django's test client and prints server time (p50/p95 over 50 requests) and query counts:
network dashboard (target <= 300 ms p95), one chart page (<= 80 ms), the funnel plot of 500 facilities
(<= 150 ms); the chart page with the SPC step stubbed out, to show where the time goes; and the time to
refresh the aggregates after importing one month for one country (<= 2 s).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from phases import child_env, run_phase, setup_django

MONTHS = 60
REQUESTS = 50


def bench(name: str, database_url: str, facilities: int, workdir: Path) -> None:
    env = child_env(
        database_url,
        str(workdir / name),
        QICOP_DEMO="1",
        ALLOWED_HOSTS="testserver",
        QICOP_REFRESH_SIGNALS_AFTER_IMPORT="0",  # not measured here (bench/signals.py)
    )
    built = run_phase(__file__, "build", [str(facilities)], env)
    pages = run_phase(__file__, "pages", [], env)
    print(
        f"\n{name}: {built['values']:,} values ({built['countries']} countries x {facilities} facilities x "
        f"{built['elements']} data elements x {MONTHS} months), built in {built['seconds']:.0f} s "
        f"({built['values'] / built['seconds']:,.0f} values/s including the aggregates)"
    )
    for label, figures in pages["pages"].items():
        print(
            f"  {label:<38} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms   "
            f"{figures['queries']} queries   {figures['bytes'] / 1000:.0f} KB"
        )
    print(f"  chart page / chart page without SPC: {pages['spc_ratio']:.2f}")
    print(
        f"  aggregates refresh after importing one month for one country: {pages['refresh_seconds']:.2f} s "
        f"({pages['refresh_values']:,} values)"
    )


# ----------------------------------------------------------------------------------------------- phases


def phase_build(facilities: int) -> dict:
    setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from qicop.accounts.models import User
    from qicop.indicators import demo
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.indicators.metadata_import import ensure_default_combo, generate_uid
    from qicop.indicators.models import DataElement, OrgUnit
    from qicop.integrations.dhis2.rows import DataValueRow
    from qicop.network.demo import load_network_demo
    from qicop.network.models import Country, Network

    started = time.perf_counter()
    load_network_demo()
    actor = User.objects.get(email="coordinator@example.org")
    elements = demo._metadata(Network.objects.get(slug="virtual"))
    combo, _ = ensure_default_combo()
    elements["QI_SCORE"] = DataElement.objects.create(
        uid=generate_uid(), code="QI_SCORE", name="QI score", value_type="NUMBER", category_combo=combo
    )
    elements["TB_SCREENED"] = DataElement.objects.create(
        uid=generate_uid(), code="TB_SCREENED", name="People on ART screened for TB", category_combo=combo
    )
    months = demo._months(None)
    while len(months) < MONTHS:
        months.insert(0, _previous_month(months[0]))
    rng = random.Random(5)
    total = 0
    for country in Country.objects.order_by("iso2"):
        units = _hierarchy(country, facilities, generate_uid)
        rows = _rows(rng, elements, units, months, DataValueRow, demo._facility_month, demo.LEVELS)
        summary = import_data_values(actor=actor, rows=rows, options=ImportOptions(atomic=False))
        total += summary["importCount"]["imported"]
    for country in Country.objects.all():
        for month in months[:-1]:
            from qicop.indicators.services import publish_period

            publish_period(actor=actor, country=country, period_id=month)
    return {
        "values": total,
        "seconds": time.perf_counter() - started,
        "countries": Country.objects.count(),
        "elements": len(elements) - 1,
        "org_units": OrgUnit.objects.count(),
    }


def _previous_month(period_id: str) -> str:
    from qicop.integrations.dhis2.periods import parse_period

    return parse_period(period_id).previous().id


def _hierarchy(country, facilities: int, generate_uid) -> list:
    from qicop.indicators.models import OrgUnit

    root = OrgUnit.objects.create(
        uid=generate_uid(), code=country.iso2, name=country.name, country=country, level=1, path=""
    )
    root.path = f"/{root.uid}"
    root.save(update_fields=["path"])
    districts = []
    for d in range(max(1, facilities // 25)):
        uid = generate_uid()
        districts.append(
            OrgUnit(
                uid=uid,
                code=f"{country.iso2}_D{d:02d}",
                name=f"{country.name} district {d + 1}",
                country=country,
                level=2,
                parent=root,
                path=f"{root.path}/{uid}",
            )
        )
    OrgUnit.objects.bulk_create(districts)
    leaves = []
    for f in range(facilities):
        district = districts[f % len(districts)]
        uid = generate_uid()
        leaves.append(
            OrgUnit(
                uid=uid,
                code=f"{country.iso2}_F{f:04d}",
                name=f"Facility {f + 1}",
                country=country,
                level=3,
                parent=district,
                path=f"{district.path}/{uid}",
            )
        )
    OrgUnit.objects.bulk_create(leaves, batch_size=1000)
    return leaves


#: Every facility of the benchmark improves once, in a month of its own: its rates from then on.
IMPROVED = {"coverage": 0.84, "suppression": 0.92, "retention": 0.86, "same_day": 0.75}


def _rows(rng, elements, units, months, row_type, facility_month, levels):
    """Each facility's values month by month, at the demo's ``levels`` and at ``IMPROVED`` from its change."""
    index = 0
    for unit in units:
        size = rng.choice([2500, 1200, 600, 250]) * rng.uniform(0.7, 1.3)
        change = rng.randint(24, 48)
        for m, month in enumerate(months):
            values = facility_month(rng, int(size), m, IMPROVED if m >= change else levels)
            values["QI_SCORE"] = round(rng.uniform(40, 90), 1)
            values["TB_SCREENED"] = int(values["TX_CURR"] * rng.uniform(0.6, 0.95))
            for code, value in values.items():
                yield row_type(elements[code].uid, month, unit.uid, value=str(value), index=index)
                index += 1


def phase_pages() -> dict:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from qicop.indicators.models import OrgUnit

    client = Client()
    assert client.login(username="member.ht@example.org", password="demo")
    kenya = OrgUnit.objects.get(code="KE")
    facility = OrgUnit.objects.filter(country__iso2="KE", level=3).first()
    pages = {
        "network dashboard": "/n/virtual/dashboard/",
        "chart page (a country)": f"/n/virtual/charts/third-95/{kenya.uid}/",
        "chart page (a facility)": f"/n/virtual/charts/third-95/{facility.uid}/",
        "funnel plot of a country's facilities": "/n/virtual/compare/third-95/?country=KE",
    }
    results = {
        label: _measure(client, url, connection, CaptureQueriesContext) for label, url in pages.items()
    }
    import qicop.dashboards.selectors as selectors

    real = selectors.chart

    def no_spc(y, n=None, x=None, **options):
        # A run chart of zeros on a plain index: the result the page needs, with next to no statistics.
        return real([0.0] * len(y), kind="run")

    selectors.chart = no_spc
    try:
        stubbed = _measure(client, pages["chart page (a country)"], connection, CaptureQueriesContext)
    finally:
        selectors.chart = real
    refresh_seconds, refresh_values = _refresh_one_month()
    return {
        "pages": results,
        "spc_ratio": results["chart page (a country)"]["p50"] / stubbed["p50"],
        "refresh_seconds": refresh_seconds,
        "refresh_values": refresh_values,
    }


def _measure(client, url, connection, capture) -> dict:
    client.get(url)
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
    }


def _refresh_one_month() -> tuple[float, int]:
    from qicop.indicators.analytics_table import refresh_aggregates
    from qicop.indicators.models import DataValue, Period
    from qicop.network.models import Country

    kenya = Country.objects.get(iso2="KE")
    period = Period.objects.filter(period_type="Monthly").order_by("-start_date").first()
    values = DataValue.objects.filter(org_unit__country=kenya, period=period).count()
    started = time.perf_counter()
    refresh_aggregates([(kenya.pk, period.pk)])
    return time.perf_counter() - started, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facilities", type=int, default=500)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database that may be wiped")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.phase:
        phase = {"build": lambda: phase_build(int(rest[0])), "pages": phase_pages}[args.phase]
        print(json.dumps(phase()))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bench("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", args.facilities, workdir)
        if args.postgres:
            bench("PostgreSQL", args.postgres, args.facilities, workdir)


if __name__ == "__main__":
    main()
