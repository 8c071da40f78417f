"""A chart in plain words, as a QI coach would tell it, in the reader's language.

The SPC engine (``qicop.analytics``) answers the facts (:meth:`ChartResult.story`): the phases, how each
moved the centre line from the one before, and the signals within each. This module writes them: first
what changed between phases (from what centre to what, by how much, and whether that is the direction of
improvement), then the signals within each phase, with periods named as people name them ("Mar 2026",
never "2026-03-01"), numbers in the reader's language, and counts with their plurals.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from django.conf import settings
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qicop.analytics.spc import MDC_MIN_POINTS, ChartResult, Finding, PhaseStory
from qicop.charts import _text as chart_text
from qicop.charts.axes import axis_labels, number_separators
from qicop.core.when import locale_for


def reader_numbers():
    """The charts' numbers written with the reader's separators (charts.axes.number_separators), as a
    context manager: "85,2" and "15 000" in French, "85.2" and "15,000" in English."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = locale_for((translation.get_language() or settings.LANGUAGE_CODE).split("-")[0])
    return number_separators(get_group_symbol(locale), get_decimal_symbol(locale))


def in_reader_numbers(function):
    """``function`` drawing its charts with the reader's separators, read when it is called."""

    @functools.wraps(function)
    def drawn(*args, **kwargs):
        with reader_numbers():
            return function(*args, **kwargs)

    return drawn


def period_names(period_ids: Sequence[str]) -> list[str]:
    """Each period as people write it in running text, year included: "Mar 2026", "2026 Q1"."""
    return [axis_labels([str(period_id)], translate=_)[0] for period_id in period_ids]


def amount(value: float, percent: bool) -> str:
    """A centre line's value in the reader's language: "85.2%" (English), "85,2 %" (French)."""
    text = number_format(round(value, 1), decimal_pos=1, use_l10n=True)
    return _("%(value)s%%") % {"value": text} if percent else text


def difference(value: float, percent: bool) -> str:
    """How far a centre line moved, signed: "+7.2 percentage points", "−3.0"."""
    sign = "+" if value > 0 else "−" if value < 0 else ""
    text = sign + number_format(round(abs(value), 1), decimal_pos=1, use_l10n=True)
    if percent:
        # "1.0 percentage point", "0.4 percentage points", "6.5 percentage points"
        count = 1 if round(abs(value), 1) == 1 else max(2, math.ceil(abs(value)))
        return ngettext("%(change)s percentage point", "%(change)s percentage points", count) % {
            "change": text
        }
    return text


def story(result: ChartResult, period_ids: Sequence[str], *, percent: bool = False) -> list[tuple[str, str]]:
    """The chart's reading as paragraphs, each (lead, text): what changed between phases first, then the
    signals within each phase (the lead names the phase when there are several), then what "Other signal"
    marks, when the chart shows one. :func:`text` joins them into one paragraph."""
    phases = result.story()
    if not phases:
        return [("", _("Not enough data to look for signals."))]
    names = period_names(period_ids) if len(period_ids) == len(result) else [str(x) for x in result.x]
    paragraphs = [("", _phase_change(phase, names, percent)) for phase in phases[1:]]
    several = len(phases) > 1
    for phase in phases:
        # In the order they happened, as a story is told.
        findings = sorted(phase.findings, key=lambda f: (f.first, f.last))
        within = [_lagging(phase, f, names) or _finding(f, names) for f in findings]
        if not within:
            within.append(_("No signal: only common-cause variation."))
        if phase.trial_limits:
            within.append(
                _("Limits are provisional: fewer than %(minimum)d points.") % {"minimum": MDC_MIN_POINTS}
            )
        lead = ""
        if several:
            lead = _("Within phase %(phase)d (%(start)s – %(end)s):") % {
                "phase": phase.number,
                "start": names[phase.first],
                "end": names[phase.last],
            }
        paragraphs.append((lead, " ".join(within)))
    other = sorted({f.rule for phase in phases for f in phase.findings if f.classification == "neutral"})
    if other:
        paragraphs.append(
            (
                "",
                _("“Other signal” on the chart marks a signal with no direction of improvement: %(rules)s.")
                % {"rules": "; ".join(rule_words(rule) for rule in other)},
            )
        )
    return paragraphs


def text(paragraphs: list[tuple[str, str]]) -> str:
    """The paragraphs of :func:`story` as one text (an SVG's description, a caption in plain text)."""
    return " ".join(f"{lead} {body}" if lead else body for lead, body in paragraphs)


def rule_words(rule: str) -> str:
    """A signal rule named in words: "a run of points on one side of the centre line"."""
    return _(chart_text.RULE_WORDS[rule]) if rule in chart_text.RULE_WORDS else rule


def _phase_change(phase: PhaseStory, names: list[str], percent: bool) -> str:
    values = {
        "phase": phase.number,
        "period": names[phase.first],
        "after": amount(phase.centre, percent) if math.isfinite(phase.centre) else "—",
    }
    if phase.change is None:
        return _("Phase %(phase)d starts in %(period)s, with a centre line of %(after)s.") % values
    values["before"] = amount(phase.centre - phase.change, percent)
    values["change"] = difference(phase.change, percent)
    if phase.change > 0:
        text = _(
            "Phase %(phase)d starts in %(period)s: the centre line moved up from %(before)s to %(after)s "
            "(%(change)s)."
        )
    elif phase.change < 0:
        text = _(
            "Phase %(phase)d starts in %(period)s: the centre line moved down from %(before)s to %(after)s "
            "(%(change)s)."
        )
    else:
        return _("Phase %(phase)d starts in %(period)s: the centre line stayed at %(after)s.") % values
    text %= values
    if phase.classification == "improvement":
        text += " " + _("That is an improvement.")
    elif phase.classification == "deterioration":
        text += " " + _("That is a deterioration.")
    return text


def _lagging(phase: PhaseStory, finding: Finding, names: list[str]) -> str:
    """The first point of a new phase beyond its new limits on the side the phase moved away from: the
    change had not taken hold yet. Told as such, not as a deterioration (or an improvement) within the
    phase, which is what a coach would say of a step up whose first month is still at the old level."""
    if finding.rule != "outside limits" or phase.change is None or not phase.change:
        return ""
    if not (finding.count == 1 and finding.first == finding.last == phase.first):
        return ""
    if (finding.direction == "up") == (phase.change > 0):
        return ""
    values = {"period": names[phase.first]}
    if finding.direction == "down":
        return (
            _(
                "%(period)s, the first point of the phase, is still below its new lower limit: the change "
                "took hold after it (the phase might start one period later)."
            )
            % values
        )
    return (
        _(
            "%(period)s, the first point of the phase, is still above its new upper limit: the change took "
            "hold after it (the phase might start one period later)."
        )
        % values
    )


def _finding(finding: Finding, names: list[str]) -> str:
    values = {
        "count": finding.count,
        "last": names[finding.last],
        "start": names[finding.first],
        "crossings": finding.crossings,
        "runs": finding.runs,
        "minimum": finding.minimum,
        "maximum": finding.maximum,
    }
    words = _words(finding) % values
    if finding.classification == "improvement":
        return _("Improvement: %(finding)s") % {"finding": words}
    if finding.classification == "deterioration":
        return _("Deterioration: %(finding)s") % {"finding": words}
    return words[:1].upper() + words[1:]


def _words(finding: Finding) -> str:
    rule, up, count = finding.rule, finding.direction == "up", finding.count
    if rule == "outside limits" and up:
        return ngettext(
            "%(count)d point above the upper control limit, in %(last)s — special-cause variation.",
            "%(count)d points above the upper control limit, the latest in %(last)s "
            "— special-cause variation.",
            count,
        )
    if rule == "outside limits":
        return ngettext(
            "%(count)d point below the lower control limit, in %(last)s — special-cause variation.",
            "%(count)d points below the lower control limit, the latest in %(last)s "
            "— special-cause variation.",
            count,
        )
    if rule == "shift" and up:
        return _("a run of %(count)d points above the centre line since %(start)s — unlikely to be chance.")
    if rule == "shift":
        return _("a run of %(count)d points below the centre line since %(start)s — unlikely to be chance.")
    if rule == "trend" and up:
        return _("%(count)d points in a row going up since %(start)s — unlikely to be chance.")
    if rule == "trend":
        return _("%(count)d points in a row going down since %(start)s — unlikely to be chance.")
    if rule == "few crossings":
        return ngettext(
            "the data cross the centre line %(crossings)d time where at least %(minimum)d crossings are "
            "expected by chance — the process is probably changing.",
            "the data cross the centre line %(crossings)d times where at least %(minimum)d are expected by "
            "chance — the process is probably changing.",
            finding.crossings,
        )
    if rule == "too few runs":
        return _(
            "too few runs: %(runs)d where at least %(minimum)d are expected by chance — the process is "
            "probably changing."
        )
    if rule == "too many runs":
        return _(
            "too many runs: %(runs)d where at most %(maximum)d are expected by chance — the data may mix "
            "different processes."
        )
    if rule == "2 of 3 near limit" and up:
        return _(
            "two of three points close to the upper limit, the latest in %(last)s — an early warning of "
            "special-cause variation."
        )
    if rule == "2 of 3 near limit":
        return _(
            "two of three points close to the lower limit, the latest in %(last)s — an early warning of "
            "special-cause variation."
        )
    return _(
        "%(count)d points in a row close to the centre line since %(start)s — the limits may be too wide; "
        "check how the data are grouped."
    )
