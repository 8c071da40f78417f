"""The chart pipeline: everything a page needs to show a network indicator's SPC chart at an org unit.

Every page with an indicator chart calls ``indicator_chart`` (the chart page, a case study's charts, and
pages to come): it runs, once,

    options → last periods → series (``indicator_series``, by the indicator arithmetic) → plausibility
    checks (implausible points flagged and left out) → the chart's saved baseline and phases → chart kind
    (Laney p′/u′ for large denominators, a run chart for short series) → SPC → notes the viewer may read

and answers a ``ChartResult``: the numbers, the SPC result, the flags, the notes, whether there is anything
to show, and the drawing (made once per size asked for). The choices a reader has (rule sets, period types,
with their labels) live here too, as does the one way a drawing is answered as an SVG or PNG download.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import numpy as np
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qicop.analytics.spc import ChartResult as SpcResult
from qicop.analytics.spc import chart
from qicop.charts import FlaggedPoint, spc_chart
from qicop.charts.axes import axis_labels
from qicop.dashboards import plain_words, selectors
from qicop.dashboards.checks import Flag
from qicop.dashboards.indicator_series import Series, disaggregations, indicator_series, last_periods
from qicop.dashboards.models import ChartSettings

#: Period types a chart offers, with how many periods each shows, and their names for readers.
PERIOD_CHOICES = {"Monthly": 36, "Quarterly": 12}
PERIOD_LABELS = {"Monthly": gettext_lazy("Months"), "Quarterly": gettext_lazy("Quarters")}
#: SPC rule sets (analytics.spc), with their names for readers.
RULE_SETS = {
    "anhoej": gettext_lazy("Anhøj (qicharts2)"),
    "ihi": gettext_lazy("IHI / Health Care Data Guide"),
    "mdc": gettext_lazy("NHS Making Data Count"),
}
LARGE_DENOMINATOR = 1000  # above this mean, p and u charts become p′ and u′ (Laney): see docs/analytics.md
#: The query parameters (or case-study chart options) a chart reads.
OPTION_NAMES = ("periods", "rules", "kind", "combo")


@dataclass(frozen=True)
class ChartOptions:
    """What a reader chose to see of a chart: from the chart page's query string, or a case study's saved
    options. Unknown values fall back to the defaults."""

    period_type: str = "Monthly"
    rules: str = "anhoej"
    kind: str = ""  # "run", or empty for the indicator's own chart
    combo: str = ""  # a category option combo UID: the numerator narrowed to that disaggregation
    #: the options as given, for the page's links: nothing else of a query string is echoed
    query: str = ""

    @classmethod
    def of(cls, params: Mapping) -> ChartOptions:
        period_type = params.get("periods")
        rules = params.get("rules")
        return cls(
            period_type=period_type if period_type in PERIOD_CHOICES else "Monthly",
            rules=rules if rules in RULE_SETS else "anhoej",
            kind=params.get("kind") or "",
            combo=params.get("combo") or "",
            query=urlencode([(name, params[name]) for name in OPTION_NAMES if name in params]),
        )

    def periods(self, today: date):
        """The periods the chart shows: the last complete ones of its type before ``today``."""
        return last_periods(self.period_type, PERIOD_CHOICES[self.period_type], today)


def rule_set_choices() -> list[tuple[str, str]]:
    """(code, name) of each rule set, for a form's or a page's list."""
    return [(code, str(label)) for code, label in RULE_SETS.items()]


def period_choices() -> list[tuple[str, str]]:
    """(period type, name) of each period type a chart offers."""
    return [(code, str(PERIOD_LABELS[code])) for code in PERIOD_CHOICES]


# --- the steps -------------------------------------------------------------------------------------------


def chart_kind(indicator, series: Series, asked: str = "") -> str:
    """The chart that fits: the indicator's, made Laney-adjusted for large denominators, or a run chart."""
    if asked == "run" or np.count_nonzero(~np.isnan(series.numerator)) < 8:
        return "run"
    kind = indicator.chart_kind
    mean_n = np.nanmean(series.denominator) if np.any(~np.isnan(series.denominator)) else 0
    if kind in ("p", "u") and mean_n > LARGE_DENOMINATOR:
        return {"p": "pp", "u": "up"}[kind]
    return kind


@dataclass(frozen=True)
class SpcView:
    result: SpcResult
    kind: str
    ratio: bool  # numerator/denominator charts (p, pp, u, up, run of a ratio) versus plain values


def spc_for(indicator, series: Series, *, rules: str, kind: str, settings: ChartSettings | None) -> SpcView:
    ratio = kind in ("p", "pp", "u", "up") or (kind == "run" and np.any(~np.isnan(series.denominator)))
    ids = series.ids
    part = None
    if settings and settings.phase_starts:
        part = sorted({ids.index(p) for p in settings.phase_starts if p in ids and ids.index(p) > 0}) or None
    freeze = settings.freeze if settings and settings.freeze and settings.freeze < len(ids) else None
    factor = indicator.factor or 1
    if ratio and kind == "run":
        y, n = series.value(factor), None
    elif ratio:
        y, n = series.numerator, series.denominator
    else:
        y, n = series.value(factor), None
    result = chart(
        list(y),
        n=None if n is None else list(n),
        x=[p.start for p in series.periods],
        kind=kind,
        freeze=freeze,
        part=part,
        rules=rules,
        improvement=indicator.improvement,
        multiply=factor if kind in ("p", "pp", "u", "up") else 1,
    )
    return SpcView(result, kind, ratio)


def _flags(series: Series, bits: np.ndarray) -> list[Flag]:
    # "112 of 100" where the mapping has a denominator; the count alone where it is the default "1".
    ratio = series.mapping is not None and series.mapping.denominator.strip() != "1"
    return [
        Flag(
            int(i),
            series.ids[i],
            int(bits[i]),
            float(series.numerator[i]),
            float(series.denominator[i]),
            ratio,
        )
        for i in np.flatnonzero(bits)
    ]


# --- the result ------------------------------------------------------------------------------------------

RECENT_POINTS = 6  # as the dashboard: a signal in the last six periods is news, older ones are history
FAR_FROM_TARGET = 0.10  # a latest value that misses its target by more than a tenth of it is far from it


@dataclass(frozen=True)
class ChartResult:
    """An indicator's chart at an org unit as one viewer may see it."""

    indicator: object
    unit: object
    options: ChartOptions
    series: Series  # as stored
    plausible: Series  # flagged points blanked out: what the SPC saw
    flags: list[Flag]
    spc: SpcView
    annotations: list
    settings: ChartSettings | None
    #: (period id, text) notes a page adds to the chart's own (a team's PDSA cycles, a collaborative's start)
    extra_notes: tuple[tuple[str, str], ...] = ()
    _drawings: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def periods(self):
        return self.series.periods

    @property
    def values(self) -> np.ndarray:
        """The indicator's value per period (numerator / denominator x factor), NaN where there is none."""
        return self.series.value(self.indicator.factor or 1)

    @property
    def has_data(self) -> bool:
        """Whether there is anything to draw: a value in some period, or a point flagged as implausible."""
        return bool(self.flags) or bool(np.any(~np.isnan(self.values)))

    @property
    def falls_short(self) -> bool:
        """Whether the chart calls for help from those who solved it: the latest signal among the last
        RECENT_POINTS points is a deterioration, or the latest value misses the target by more than
        FAR_FROM_TARGET of it (90 % against a target of 95 %: within; 81 %: far)."""
        signals = self.spc.result.signals
        for index in range(len(signals) - 1, max(-1, len(signals) - 1 - RECENT_POINTS), -1):
            kinds = {signal.classification for signal in signals[index]}
            if kinds:
                if "deterioration" in kinds and "improvement" not in kinds:
                    return True
                break
        target, better = self.indicator.target, self.indicator.improvement
        present = np.flatnonzero(~np.isnan(self.plausible.value(self.indicator.factor or 1)))
        if target is None or better not in ("up", "down") or not present.size:
            return False
        latest = float(self.plausible.value(self.indicator.factor or 1)[present[-1]])
        gap = (float(target) - latest) if better == "up" else (latest - float(target))
        return gap > abs(float(target)) * FAR_FROM_TARGET

    @property
    def story(self) -> list[tuple[str, str]]:
        """The chart in plain words, as paragraphs (lead, text): plain_words.py."""
        percent = (self.indicator.factor or 1) == 100
        return plain_words.story(self.spc.result, self.plausible.ids, percent=percent)

    @property
    def summary(self) -> str:
        """The chart in plain words as one text: an SVG's description, a case study's caption."""
        return plain_words.text(self.story)

    def drawing(self, *, width: int = 720, height: int = 320):
        """The SPC chart (phases, notes, target, and the points flagged as implausible apart from the
        rest), drawn once per size however often it is asked for."""
        if (width, height) not in self._drawings:
            with plain_words.reader_numbers():
                self._drawings[(width, height)] = self._draw(width, height)
        return self._drawings[(width, height)]

    def _draw(self, width: int, height: int):
        indicator, series, spc = self.indicator, self.plausible, self.spc
        ids = series.ids
        notes = [(ids.index(a.period), a.text) for a in self.annotations if a.period in ids]
        notes += [(ids.index(period), text) for period, text in self.extra_notes if period in ids]
        factor = indicator.factor or 1
        flagged = [
            FlaggedPoint(flag.index, _flagged_value(flag, factor), f"{flag.numbers}: {flag.why}")
            for flag in self.flags
        ]
        return spc_chart(
            spc.result,
            labels=axis_labels(ids, translate=_),
            names=plain_words.period_names(ids),
            title=f"{indicator.name} — {self.unit.display_name}",
            description=self.summary,
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

    def rows(self) -> list[dict]:
        """The numbers beneath the chart, per period: as stored, the value, the centre line and limits."""
        series, result = self.series, self.spc.result
        flags = {flag.index: flag for flag in self.flags}
        columns = zip(
            series.ids,
            series.numerator,
            series.denominator,
            self.values,
            result.cl,
            result.lcl,
            result.ucl,
            strict=True,
        )
        return [
            {
                "period": p,
                "numerator": _number(n),
                "denominator": _number(d),
                "value": _number(v),
                "cl": _number(c),
                "lcl": _number(lo),
                "ucl": _number(hi),
                "flag": flags.get(i),
            }
            for i, (p, n, d, v, c, lo, hi) in enumerate(columns)
        ]

    def disaggregation_choices(self) -> list[tuple[str, str]]:
        """(uid, name) of the disaggregations a reader may narrow the numerator to; one query."""
        return disaggregations(self.series.mapping)

    @property
    def file_name(self) -> str:
        """The name of a download of this chart, without its extension."""
        return f"{self.indicator.code}-{self.unit.code or self.unit.uid}"


def _number(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _flagged_value(flag, factor: float) -> float | None:
    """Where a flagged point is drawn: its value as the chart would show it, when there is one."""
    if not (math.isfinite(flag.numerator) and math.isfinite(flag.denominator)) or flag.denominator == 0:
        return None
    return flag.numerator / flag.denominator * factor


#: ``settings`` not given to ``indicator_chart``: it reads them
UNREAD = object()


def indicator_chart(
    user,
    indicator,
    unit,
    options: ChartOptions,
    *,
    today: date | None = None,
    settings=UNREAD,
    extra_notes: tuple[tuple[str, str], ...] = (),
    mapping=None,
) -> ChartResult:
    """The chart of ``indicator`` at ``unit`` as ``user`` may see it, with ``options``: the one computation
    behind every drawing of an indicator's chart. ``today`` (the reader's date) decides the last complete
    period; ``settings`` (a ChartSettings or None), where the caller already read them, saves their query;
    ``extra_notes`` ((period id, text) pairs) are drawn with the chart's own notes.
    ``mapping`` (an ``arithmetic.Mapping``) charts those expressions instead of the country's mapping of
    ``indicator``, which then only needs what a chart reads of an indicator (code, name, factor, improvement,
    target, chart_kind): a collaborative's measure on its country's data elements. Such a chart has no saved
    settings or notes of its own (they belong to network indicators).
    Six or seven queries."""
    periods = options.periods(today or timezone.localdate())
    if settings is UNREAD:
        settings = (
            None
            if mapping is not None
            else ChartSettings.objects.filter(indicator=indicator, org_unit=unit).first()
        )
    series = indicator_series(
        user=user, indicator=indicator, org_unit=unit, periods=periods, combo=options.combo, mapping=mapping
    )
    plausible, bits = series.checked(indicator)
    kind = chart_kind(indicator, plausible, options.kind)
    spc = spc_for(indicator, plausible, rules=options.rules, kind=kind, settings=settings)
    annotations = [] if mapping is not None else selectors.annotations_for(indicator, unit, user)
    return ChartResult(
        indicator,
        unit,
        options,
        series,
        plausible,
        _flags(series, bits),
        spc,
        annotations,
        settings,
        tuple(extra_notes),
    )


# --- downloads -------------------------------------------------------------------------------------------


def drawing_download(drawing, fmt: str, name: str) -> HttpResponse:
    """A drawing (qicop.charts) as a download: ``fmt`` "svg" or "png"; ``name`` without its extension."""
    if fmt == "svg":
        response = HttpResponse(drawing.to_svg(), content_type="image/svg+xml; charset=utf-8")
    elif fmt == "png":
        response = HttpResponse(drawing.to_png(), content_type="image/png")
    else:
        raise ValueError(f"not a drawing format: {fmt}")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
