"""Benchmark: does the password-reset answer take longer for an address that has an account? (issue 12)

    uv run python bench/password_reset.py                 # SQLite in a temporary folder
    uv run python bench/password_reset.py --requests 500

Posts the reset form for an existing account and for an unknown address, alternately, through Django's
test client on the production settings with the database task queue (the request only queues the mail, as
in production; nothing is sent, no worker runs), and prints the median and p95 of each and their ratio.
Issue 12 measured 15.7 ms against 4.1 ms when the mail was sent inside the request; the figures to look
for are a ratio near 1.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from phases import child_env, run_phase, setup_django


def measure(requests: int) -> dict:
    setup_django()
    from django.core.management import call_command
    from django.test import Client

    from qicop.accounts.models import User

    call_command("migrate", verbosity=0)
    User.objects.create_user("someone@example.org", "a-Strong-passw0rd-for-bench")
    client = Client()
    times: dict[str, list[float]] = {"existing": [], "unknown": []}
    for i in range(requests * 2 + 20):
        kind = "existing" if i % 2 else "unknown"
        email = "someone@example.org" if kind == "existing" else f"nobody-{i}@example.org"
        start = time.perf_counter()
        response = client.post("/accounts/password/reset/", {"email": email}, HTTP_HOST="127.0.0.1")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 302, response.status_code
        if i >= 20:  # the first requests warm the caches up
            times[kind].append(elapsed)
    return {
        kind: {"p50": statistics.median(values), "p95": statistics.quantiles(values, n=20)[-1]}
        for kind, values in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="requests per kind of address")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.phase == "measure":
        print(json.dumps(measure(int(rest[0]))))
        return
    with tempfile.TemporaryDirectory() as workdir:
        env = child_env(
            f"sqlite:///{Path(workdir) / 'bench.sqlite3'}",
            workdir,
            QICOP_TASKS_IMMEDIATE="0",
            ALLOWED_HOSTS="127.0.0.1",
        )
        figures = run_phase(__file__, "measure", [str(args.requests)], env)
    existing, unknown = figures["existing"], figures["unknown"]
    print(f"password reset, {args.requests} requests each (SQLite, mail queued for the worker):")
    for name, f in (("existing account", existing), ("unknown address", unknown)):
        print(f"  {name:17} p50 {f['p50']:6.2f} ms   p95 {f['p95']:6.2f} ms")
    print(f"  ratio of medians (existing / unknown): {existing['p50'] / unknown['p50']:.2f}")


if __name__ == "__main__":
    main()
