"""Statistical analytics for qicop: run and control charts (SPC).

A plain Python package on numpy only: it imports nothing from Django or from the
rest of qicop, so it can be used from a task worker, a notebook or a script.
Start with :mod:`qicop.analytics.spc`.
"""

from qicop.analytics.spc import ChartResult, Signal, chart, charts

__all__ = ["ChartResult", "Signal", "chart", "charts"]
