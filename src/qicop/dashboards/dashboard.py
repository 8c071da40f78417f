"""The network dashboard: for each indicator, every country's latest value, trend and signal; the cascade."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
from django.utils.translation import gettext_noop

from qicop.analytics.spc import charts
from qicop.charts import cascade_bars, sparkline
from qicop.core.i18n import sort_key
from qicop.dashboards import checks
from qicop.dashboards.indicator_series import network_series
from qicop.dashboards.pipeline import LARGE_DENOMINATOR
from qicop.dashboards.plain_words import in_reader_numbers
from qicop.indicators.models import CategoryOptionCombo, IndicatorMapping, NetworkIndicator, OrgUnit
from qicop.indicators.periods import covered
from qicop.indicators.selectors import published_spans
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression

RECENT = 6  # a signal in the last six periods is news; older ones are history


@in_reader_numbers
def build_dashboard(user, network, periods, *, translate, selected: str = "", combo: str = "") -> dict:
    """An overview of every indicator x country (latest value and signal), the selected indicator in detail
    with each country's trend, and every country's cascade: light enough for a 2G connection."""

    indicators = list(NetworkIndicator.objects.filter(network=network).order_by("order", "name"))
    roots = list(
        OrgUnit.objects.filter(country__networks=network, level=1, children__isnull=False)
        .distinct()
        .select_related("country")
        .order_by("name")
    )
    roots.sort(key=lambda root: sort_key(root.display_name))  # as the reader's language names them
    series, flagged = _plausible(
        indicators,
        network_series(user=user, indicators=indicators, units=roots, periods=periods, combo=combo),
    )
    chosen = next((i for i in indicators if i.code == selected), indicators[0] if indicators else None)
    overview = {root.pk: {"unit": root, "cells": []} for root in roots}
    detail = []
    published = published_spans({root.country_id for root in roots})
    notes = _Notes()
    for indicator in indicators:
        signals = _signals(indicator, roots, series)
        for root in roots:
            s = series[(indicator.pk, root.pk)]
            row = _row(indicator, root, s, signals.get(root.pk, (None, None)))
            row["flagged"] = flagged[(indicator.pk, root.pk)]
            row["published"] = row["period"] is not None and covered(
                published.get(root.country_id, []), s.periods[s.ids.index(row["period"])]
            )
            row["note"] = notes.add(root, indicator, row["differences"]) if row["differences"] else None
            overview[root.pk]["cells"].append({"indicator": indicator, **row})
            if indicator is chosen:
                values = series[(indicator.pk, root.pk)].value(indicator.factor or 1)
                improvement, deterioration = signals.get(root.pk, (None, None))
                row["spark"] = sparkline(
                    [None if math.isnan(v) else float(v) for v in values],
                    title=f"{indicator.name}, {root.display_name}",
                    improvement_index=improvement,
                    deterioration_index=deterioration,
                ).to_svg()
                detail.append({"unit": root, **row})
    rows = list(overview.values())
    return {
        "indicators": indicators,
        "chosen": chosen,
        "overview": rows,
        "overview_period": _shown_periods(rows),
        "notes": notes.notes,
        "detail": detail,
        "countries": roots,
        "combo": combo,
        "combos": _combos(indicators),
        "cascades": [{"unit": root, "svg": _cascade(indicators, root, series, translate)} for root in roots],
        "series": series,
        "roots": roots,
    }


def _shown_periods(rows: list[dict]) -> dict | None:
    """Where the dashboard says which period its values are of, so that a country's own unpublished month
    never sits silently beside others' older published ones: the period most values show, once, in the
    table's caption (None when there are no values); a row whose values all show another period says it
    beside the country; any other value that differs says its own (``cell["own_period"]``)."""
    counts = Counter(
        (cell["period"], cell["published"])
        for row in rows
        for cell in row["cells"]
        if cell["latest"] is not None
    )
    if not counts:
        return None
    # On a tie, the published period, then the later one: what the whole network reads.
    usual = max(counts, key=lambda shown: (counts[shown], shown[1], shown[0]))
    for row in rows:
        shown = {(c["period"], c["published"]) for c in row["cells"] if c["latest"] is not None}
        row["period"] = _period(*next(iter(shown))) if len(shown) == 1 and usual not in shown else None
        for cell in row["cells"]:
            cell["own_period"] = (
                row["period"] is None
                and cell["latest"] is not None
                and (cell["period"], cell["published"]) != usual
            )
    return {**_period(*usual), "mixed": len(counts) > 1}


def _period(period_id: str, published: bool) -> dict:
    return {"id": period_id, "published": published}


class _Notes:
    """The definition differences shown under the dashboard's table, numbered, one note per country and
    text: a cell's ⚠ links to its note, which a reader reaches without a mouse (and on a phone)."""

    def __init__(self):
        self.notes: list[dict] = []
        self._by_key: dict[tuple, dict] = {}

    def add(self, unit, indicator, text: str) -> int:
        note = self._by_key.get((unit.pk, text))
        if note is None:
            note = {"number": len(self.notes) + 1, "unit": unit, "text": text, "indicators": []}
            self._by_key[(unit.pk, text)] = note
            self.notes.append(note)
        if indicator not in note["indicators"]:
            note["indicators"].append(indicator)
        return note["number"]


def _plausible(indicators, series: dict) -> tuple[dict, dict]:
    """Each series with its implausible points left out (dashboards.checks), and how many there were: a
    cell shows the latest plausible value, and says that some months were left out."""
    by_pk = {indicator.pk: indicator for indicator in indicators}
    plausible, flagged = {}, {}
    for key, s in series.items():
        plausible[key], bits = s.checked(by_pk[key[0]])
        flagged[key] = int(np.count_nonzero(bits))
    return plausible, flagged


def _row(indicator, root, s, signals) -> dict:
    values = s.value(indicator.factor or 1)
    latest = _latest(values)
    improvement, deterioration = signals
    return {
        "unit": root,
        "mapped": s.mapping is not None,
        "differences": s.mapping.definition_differences if s.mapping else "",
        "latest": None if latest is None else float(values[latest]),
        "period": None if latest is None else s.ids[latest],
        "meets_target": None
        if latest is None or indicator.target is None
        else ((values[latest] >= float(indicator.target)) == (indicator.improvement == "up")),
        "signal": "improvement"
        if improvement is not None
        else ("deterioration" if deterioration is not None else ""),
    }


def _latest(values) -> int | None:
    present = np.flatnonzero(~np.isnan(values))
    return int(present[-1]) if present.size else None


def _signals(indicator, roots, series) -> dict:
    """Per country: index of the latest recent improvement and deterioration signal, computed in one batch."""
    kind = indicator.chart_kind if indicator.chart_kind in ("p", "pp", "u", "up") else "p"
    data = {}
    for root in roots:
        s = series[(indicator.pk, root.pk)]
        # The series are plausible for the indicator's own chart; a p chart stands in for charts without
        # denominators (counts, I charts), and refuses what a proportion cannot be.
        keep = checks.reasons(s.numerator, s.denominator, proportion=kind in ("p", "pp"), counts=True) == 0
        numerator, denominator = np.where(keep, s.numerator, np.nan), np.where(keep, s.denominator, np.nan)
        if np.count_nonzero(~np.isnan(numerator) & ~np.isnan(denominator)) >= 8:
            data[root.pk] = (list(numerator), list(denominator))
    if not data:
        return {}
    mean_n = np.nanmean([np.nanmean(n) for _y, n in data.values()])
    if kind in ("p", "u") and mean_n > LARGE_DENOMINATOR:
        kind = {"p": "pp", "u": "up"}[kind]
    results = charts(data, kind=kind, improvement=indicator.improvement, multiply=indicator.factor or 1)
    found = {}
    for unit_id, result in results.items():
        found[unit_id] = (_last_signal(result, "improvement"), _last_signal(result, "deterioration"))
    return found


def _last_signal(result, classification: str) -> int | None:
    count = len(result.signals)
    for index in range(count - 1, max(-1, count - 1 - RECENT), -1):
        if any(s.classification == classification for s in result.signals[index]):
            return index
    return None


def cascade_steps(indicators, root, series, translate) -> list[tuple[str, float | None]] | None:
    """One country's cascade: people living with HIV, diagnosed, on treatment, suppressed (latest values)."""
    steps = [i for i in indicators if i.topic.startswith("Cascade step")][:3]
    if len(steps) < 3:
        return None
    first = series[(steps[0].pk, root.pk)]
    numbers = [_last_value(first.denominator)] + [
        _last_value(series[(s.pk, root.pk)].numerator) for s in steps
    ]
    labels = [
        translate(gettext_noop("People living with HIV")),
        translate(gettext_noop("Diagnosed")),
        translate(gettext_noop("On treatment")),
        translate(gettext_noop("Virally suppressed")),
    ]
    return list(zip(labels, numbers, strict=True))


@in_reader_numbers
def cascade_drawing(indicators, root, series, translate):

    steps = cascade_steps(indicators, root, series, translate)
    if steps is None:
        return None
    cascade_indicators = [i for i in indicators if i.topic.startswith("Cascade step")][:3]
    # Targets of a cascade step are ratios to the step before (0.95 for 95-95-95).
    targets = [None] + [float(s.target) / 100 if s.target is not None else None for s in cascade_indicators]
    return cascade_bars(
        steps,
        title=root.display_name,
        description=translate(gettext_noop("The HIV cascade of %(country)s"))
        % {"country": root.display_name},
        targets=targets,
        translate=translate,
    )


def _cascade(indicators, root, series, translate) -> str | None:
    drawing = cascade_drawing(indicators, root, series, translate)
    return None if drawing is None else drawing.to_svg()


def _last_value(values) -> float | None:
    index = _latest(values)
    return None if index is None else float(values[index])


def country_panel(user, network, country, periods) -> dict | None:
    """For a country page: each indicator's latest value and signal, and recent months reported."""
    root = OrgUnit.objects.filter(country=country, level=1).first()
    if root is None:
        return None
    indicators = list(NetworkIndicator.objects.filter(network=network).order_by("order", "name"))
    series = network_series(user=user, indicators=indicators, units=[root], periods=periods)
    plausible, flagged = _plausible(indicators, series)
    rows = []
    for indicator in indicators:
        key = (indicator.pk, root.pk)
        signals = _signals(indicator, [root], plausible)
        rows.append(
            {
                "indicator": indicator,
                **_row(indicator, root, plausible[key], signals.get(root.pk, (None, None))),
                "flagged": flagged[key],
            }
        )
    recent = periods[-12:]
    reported = {
        pid
        for indicator in indicators
        for pid, v in zip(
            series[(indicator.pk, root.pk)].ids, series[(indicator.pk, root.pk)].numerator, strict=True
        )
        if not math.isnan(v)
    }
    return {
        "root": root,
        "rows": rows,
        "reported": len(reported & {p.id for p in recent}),
        "months": len(recent),
    }


def _combos(indicators) -> list[tuple[str, str]]:
    """Disaggregations (uid, name) reported for the indicators' numerators anywhere in the network."""

    elements = set()
    for mapping in IndicatorMapping.objects.filter(network_indicator__in=indicators).only("numerator"):
        try:
            elements |= {o.data_element for o in parse_expression(mapping.numerator).operands()}
        except ExpressionError:
            continue
    combos = CategoryOptionCombo.objects.filter(category_combo__data_elements__uid__in=elements)
    return list(combos.exclude(name="default").distinct().order_by("name").values_list("uid", "name")[:50])
