"""Charts drawn on the server: one drawing model, rendered as inline SVG or as PNG.

Pure Python (numpy, Pillow, :mod:`qicop.analytics`); no Django, so it can be used from
views, the CLI and exports alike. Every user-facing word goes through a ``translate``
callable (the caller's ``gettext``).
"""

from qicop.charts._model import Drawing, Primitive, Style
from qicop.charts.axes import axis_labels
from qicop.charts.cascade import cascade_bars
from qicop.charts.funnel import funnel_plot
from qicop.charts.small import small_multiples, sparkline
from qicop.charts.spc import FlaggedPoint, spc_chart

__all__ = [
    "Drawing",
    "FlaggedPoint",
    "Primitive",
    "Style",
    "axis_labels",
    "cascade_bars",
    "funnel_plot",
    "small_multiples",
    "sparkline",
    "spc_chart",
]
