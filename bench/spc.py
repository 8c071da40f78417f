"""Benchmark of the SPC engine, run on demand: ``uv run python bench/spc.py``.

Prints the per-chart time of ``chart()`` for 60-point I and P charts (1,000 charts
each), the time of ``charts()`` for 10,000 series x 60 points (I and P), and the
ratio of the latter to a bare numpy pass (mean and moving ranges only) over the
same array, the floor a vectorised engine is compared with. Each figure is the
best of a few repeats. Targets (issue 3): chart() <= 0.1 ms per chart, charts()
<= 0.2 s for 10,000 series.
"""

from __future__ import annotations

import time

import numpy as np

from qicop.analytics.spc import chart, charts

POINTS = 60
SINGLE = 1_000
MANY = 10_000
REPEATS = 3


def best_of(fn, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def data(rows: int, seed: int):
    rng = np.random.default_rng(seed)
    y_i = np.round(rng.normal(50, 5, size=(rows, POINTS)), 1)
    n = rng.integers(80, 150, size=(rows, POINTS)).astype(float)
    y_p = rng.binomial(n.astype(int), 0.2).astype(float)
    return y_i, y_p, n


def bare_numpy(a: np.ndarray) -> None:
    a.mean(axis=1)
    np.abs(np.diff(a, axis=1)).mean(axis=1)


def main() -> None:
    y_i, y_p, n = data(SINGLE, 1)
    t = best_of(lambda: [chart(row, kind="i") for row in y_i])
    print(f"chart()  I, {SINGLE:,} charts x {POINTS} points: {t:.3f} s = {t / SINGLE * 1e3:.3f} ms per chart")
    t = best_of(lambda: [chart(yy, nn, kind="p") for yy, nn in zip(y_p, n, strict=True)])
    print(f"chart()  P, {SINGLE:,} charts x {POINTS} points: {t:.3f} s = {t / SINGLE * 1e3:.3f} ms per chart")

    y_i, y_p, n = data(MANY, 2)
    series_i = {k: y_i[k] for k in range(MANY)}
    series_p = {k: (y_p[k], n[k]) for k in range(MANY)}
    floor_i = best_of(lambda: bare_numpy(y_i))
    floor_p = best_of(lambda: bare_numpy(y_p / n))
    t_i = best_of(lambda: charts(series_i, kind="i"))
    t_p = best_of(lambda: charts(series_p, kind="p"))
    print(
        f"charts() I, {MANY:,} series x {POINTS} points: {t_i:.3f} s ({t_i / floor_i:.0f}x bare numpy pass)"
    )
    print(
        f"charts() P, {MANY:,} series x {POINTS} points: {t_p:.3f} s ({t_p / floor_p:.0f}x bare numpy pass)"
    )
    label = f"bare numpy pass (mean + moving ranges), {MANY:,} x {POINTS}"
    print(f"{label}: I {floor_i * 1e3:.2f} ms, P {floor_p * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
