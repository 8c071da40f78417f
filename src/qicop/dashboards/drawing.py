"""How the dashboards draw an indicator's chart: shared by the chart page and by case studies."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from qicop.charts import FlaggedPoint, spc_chart
from qicop.charts.axes import axis_labels

# Period types the chart page offers, and how many periods each shows.
PERIOD_CHOICES = {"Monthly": 36, "Quarterly": 12}


def chart_drawing(drawn, indicator, unit, annotations, *, width: int = 720, height: int = 320):
    """The SPC chart of an indicator at an org unit (an ``IndicatorChart``), as the chart page draws it:
    phases, notes, target, and the points flagged as implausible apart from the rest."""
    series, spc = drawn.plausible, drawn.spc
    ids = series.ids
    notes = [(ids.index(a.period), a.text) for a in annotations if a.period in ids]
    factor = indicator.factor or 1
    flagged = [
        FlaggedPoint(flag.index, _flagged_value(flag, factor), f"{flag.numbers}: {flag.why}")
        for flag in drawn.flags
    ]
    return spc_chart(
        spc.result,
        labels=axis_labels(ids, translate=_),
        title=f"{indicator.name} — {unit.name}",
        description=spc.result.summary(translate=_),
        y_label=indicator.name,
        numerators=list(series.numerator) if spc.ratio else None,
        denominators=list(series.denominator) if spc.ratio else None,
        annotations=notes,
        target=float(indicator.target) if indicator.target is not None else None,
        percent=False,  # values are already multiplied by the factor (x 100 for percentages)
        width=width,
        height=height,
        translate=_,
        flagged=flagged,
    )


def _flagged_value(flag, factor: float) -> float | None:
    """Where a flagged point is drawn: its value as the chart would show it, when there is one."""
    if not (math.isfinite(flag.numerator) and math.isfinite(flag.denominator)) or flag.denominator == 0:
        return None
    return flag.numerator / flag.denominator * factor
