"""Shared series for the chart tests: built with the real SPC engine, so shapes match its signals."""

import numpy as np
import pytest

from qicop.analytics.spc import chart
from qicop.charts import axis_labels


def month_ids(count: int, start_year: int = 2020) -> list[str]:
    return [f"{start_year + i // 12}{i % 12 + 1:02d}" for i in range(count)]


@pytest.fixture
def shifted_p_chart():
    """60 months of a proportion that rises at month 40, with a new phase at month 24."""
    rng = np.random.default_rng(11)
    n = rng.integers(80, 160, 60)
    y = rng.binomial(n, np.where(np.arange(60) < 40, 0.6, 0.75)).astype(float)
    result = chart(y, n=n, kind="p", part=[24], improvement="up")
    return result, y, n.astype(float), axis_labels(month_ids(60))
