"""Benchmark of the SPC engine, run on demand: ``uv run python bench/spc.py``.

Prints the per-chart time of ``chart()`` for 60-point I and P charts (1,000 charts
each), the time of ``charts()`` for 10,000 series x 60 points (I and P), and the
ratio of the latter to a bare numpy pass (mean and moving ranges only) over the
same array, the floor a vectorised engine is compared with. A result of
``charts()`` cuts each column from the batch when the column is first read, so
the time of ``charts()`` followed by reading every column of every result is
printed too. Each figure is the best of a few repeats, in wall-clock time and, in
brackets, in CPU time of this process (steadier on a machine shared with other
work). Targets (issue 13): chart() <= 0.05 ms per chart, charts() <= 0.1 s for
10,000 series, I and P.
"""

from __future__ import annotations

import time

import numpy as np

from qicop.analytics.spc import ChartResult, chart, charts

POINTS = 60
SINGLE = 1_000
MANY = 10_000
REPEATS = 5
COLUMNS = [name for name in ChartResult.__dataclass_fields__ if name not in ("kind", "rules", "improvement")]


def best_of(fn, repeats: int = REPEATS) -> tuple[float, float]:
    """Best wall-clock and best CPU time of ``fn`` over a few runs."""
    wall = cpu = float("inf")
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu


def data(rows: int, seed: int):
    rng = np.random.default_rng(seed)
    y_i = np.round(rng.normal(50, 5, size=(rows, POINTS)), 1)
    n = rng.integers(80, 150, size=(rows, POINTS)).astype(float)
    y_p = rng.binomial(n.astype(int), 0.2).astype(float)
    return y_i, y_p, n


def bare_numpy(a: np.ndarray) -> None:
    a.mean(axis=1)
    np.abs(np.diff(a, axis=1)).mean(axis=1)


def read_every_column(results: dict) -> None:
    for result in results.values():
        for name in COLUMNS:
            getattr(result, name)


def main() -> None:
    y_i, y_p, n = data(SINGLE, 1)
    for kind, run in (
        ("I", lambda: [chart(row, kind="i") for row in y_i]),
        ("P", lambda: [chart(yy, nn, kind="p") for yy, nn in zip(y_p, n, strict=True)]),
    ):
        t, c = best_of(run)
        print(
            f"chart()  {kind}, {SINGLE:,} charts x {POINTS} points: {t:.3f} s = {t / SINGLE * 1e3:.3f} ms "
            f"per chart ({c / SINGLE * 1e3:.3f} ms CPU)"
        )

    y_i, y_p, n = data(MANY, 2)
    series_i = {k: y_i[k] for k in range(MANY)}
    series_p = {k: (y_p[k], n[k]) for k in range(MANY)}
    floor_i, _ = best_of(lambda: bare_numpy(y_i))
    floor_p, _ = best_of(lambda: bare_numpy(y_p / n))
    for kind, series, floor in (("I", series_i, floor_i), ("P", series_p, floor_p)):
        t, c = best_of(lambda series=series, kind=kind: charts(series, kind=kind.lower()))
        print(
            f"charts() {kind}, {MANY:,} series x {POINTS} points: {t:.3f} s ({c:.3f} s CPU; "
            f"{t / floor:.0f}x bare numpy pass)"
        )
    t, c = best_of(lambda: read_every_column(charts(series_i, kind="i")))
    print(f"charts() I, then every column of every result read: {t:.3f} s ({c:.3f} s CPU)")
    label = f"bare numpy pass (mean + moving ranges), {MANY:,} x {POINTS}"
    print(f"{label}: I {floor_i * 1e3:.2f} ms, P {floor_p * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
