"""Benchmark: the positive-deviance refresh (issue 17, item 3).

    uv run python bench/signals.py                   # SQLite in a temporary folder
    uv run python bench/signals.py --facilities 50   # a smaller network
    uv run python bench/signals.py --postgres URL    # also PostgreSQL (an empty database you can wipe)

Builds the dashboard benchmark's network (bench/dashboard.py: 16 countries x 500 facilities x 10 data
elements x 60 months, through the importer), then times the refreshes a network goes through:

- the whole network's first refresh: nothing stored, nothing kept, every row read, every series charted,
  every signal written (target <= 5 s: it is the whole network too, although it happens once per server);
- the whole network on the first day of a month (target <= 5 s): every chart window moves by a month, so
  every series is charted again and every signal written again; what was kept is read again only for the
  new month;
- the whole network after a change that gives every country a new data version and leaves the values as
  they were (a metadata import renaming org units): everything read again and charted again, nothing
  written but what was computed from; printed against the same target;
- the whole network on an ordinary night, nothing changed since the last refresh;
- after importing one country's month (target <= 0.5 s): that country charted and written again, what it
  kept read again only for the month the import changed (the import tells its refresh which periods it
  changed, receivers.py);

each with its ratio to the bare ``analytics.spc.charts()`` calls on the same series (the SPC alone: the time
the refresh spends in the engine, measured by wrapping it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import tempfile
import time
from pathlib import Path

from phases import child_env, run_phase, setup_django

TARGET_NETWORK, TARGET_COUNTRY = 5.0, 0.5


def bench(name: str, database_url: str, facilities: int, workdir: Path) -> None:
    env = child_env(
        database_url,
        str(workdir / name),
        QICOP_DEMO="1",
        ALLOWED_HOSTS="testserver",
        QICOP_REFRESH_SIGNALS_AFTER_IMPORT="0",  # the build publishes 944 months: refreshed once, below
    )
    built = run_phase(str(Path(__file__).with_name("dashboard.py")), "build", [str(facilities)], env)
    done = run_phase(__file__, "refresh", [], env)
    print(
        f"\n{name}: {built['values']:,} values ({built['countries']} countries x {facilities} facilities x "
        f"{built['elements']} data elements), built in {built['seconds']:.0f} s"
    )
    for label, target in SCENARIOS:
        f = done[label]
        goal = f"target <= {target} s" if target else "no target"
        ratio = f"ratio {f['seconds'] / f['spc']:.1f}" if f["spc"] else "no series charted"
        print(
            f"  {label:<40} {f['seconds']:6.2f} s ({goal})   {f['series']:,} series, "
            f"{f['signals']:,} signals, {f['unchanged']} countries unchanged   bare charts() "
            f"{f['spc']:.2f} s, {ratio}"
        )
        print(
            f"      reading {f['read']:.2f} s, charts() {f['spc']:.2f} s, writing {f['write']:.2f} s, "
            f"the rest {f['seconds'] - f['read'] - f['spc'] - f['write']:.2f} s"
        )


FIRST = "whole network, first refresh"
NEW_MONTH = "whole network, first day of a month"
EVERY_COUNTRY = "whole network, every country changed"
NOTHING = "whole network, nothing changed"
ONE_COUNTRY = "one country's month"
SCENARIOS = (
    (FIRST, TARGET_NETWORK),
    (NEW_MONTH, TARGET_NETWORK),
    (EVERY_COUNTRY, TARGET_NETWORK),
    (NOTHING, None),
    (ONE_COUNTRY, TARGET_COUNTRY),
)


def phase_refresh() -> dict:
    setup_django()
    from django.utils import timezone

    from qicop.accounts.models import User
    from qicop.deviance import engine, services
    from qicop.indicators.data_versions import bump_data_versions
    from qicop.indicators.importer import ImportOptions, import_data_values
    from qicop.indicators.models import DataElement, OrgUnit, Period
    from qicop.indicators.signals import data_changed
    from qicop.integrations.dhis2.rows import DataValueRow
    from qicop.network.models import Country, Network

    spent = {"spc": 0.0, "read": 0.0, "write": 0.0}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    engine.charts = timed("spc", engine.charts)
    services._read_countries = timed("read", services._read_countries)
    services._replace = timed("write", services._replace)
    network = Network.objects.get(slug="virtual")
    countries = list(network.countries.values_list("pk", flat=True))

    def measure(**scope) -> dict:
        for key in spent:
            spent[key] = 0.0
        done = services.refresh_signals(network_ids=[network.pk], **scope)
        return {**done, **spent}

    today = timezone.localdate()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    out = {FIRST: measure(today=today)}
    out[NEW_MONTH] = measure(today=next_month)
    bump_data_versions(countries)  # as a metadata import does
    out[EVERY_COUNTRY] = measure(today=next_month)
    out[NOTHING] = measure(today=next_month)
    kenya = Country.objects.get(iso2="KE")
    month = Period.objects.filter(period_type="Monthly").order_by("-start_date").first()
    rng = random.Random(17)
    elements = list(DataElement.objects.filter(code__in=["TX_CURR", "VL_TESTED", "VL_SUPPRESSED"]))
    rows = [
        DataValueRow(element.uid, month.dhis2_id, uid, value=str(rng.randint(200, 2000)), index=i)
        for i, (element, uid) in enumerate(
            (element, uid)
            for uid in OrgUnit.objects.filter(country=kenya, level=3).values_list("uid", flat=True)
            for element in elements
        )
    ]
    actor = User.objects.get(email="coordinator@example.org")
    told = {}  # what the import tells its refresh (receivers.py), here run by hand
    data_changed.connect(lambda sender, changes, **kw: told.update(changes), weak=False, dispatch_uid="bench")
    import_data_values(actor=actor, rows=rows, options=ImportOptions(atomic=True))
    out[ONE_COUNTRY] = measure(country_ids=[kenya.pk], today=next_month, changes=told)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facilities", type=int, default=500)
    parser.add_argument("--postgres", help="URL of an empty PostgreSQL database that may be wiped")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args, _rest = parser.parse_known_args()
    if args.phase:
        print(json.dumps({"refresh": phase_refresh}[args.phase]()))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bench("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}", args.facilities, workdir)
        if args.postgres:
            bench("PostgreSQL", args.postgres, args.facilities, workdir)


if __name__ == "__main__":
    main()
