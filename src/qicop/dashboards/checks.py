"""Sense checks of an indicator's numerators and denominators: which points a chart must flag, and why.

Values the importer accepted can still be implausible together: a numerator above its denominator, a zero or
missing denominator, a negative count, a value that is not a finite number, text where a number is needed
(see docs/decisions/0011-implausible-values-are-stored-and-flagged.md). A chart draws such a point as
flagged and leaves it out of its centre line and limits: to the SPC engine a flagged point is a missing
value, so the engine stays as it is and never meets data it would refuse. The same checks, on arrays of
org units x periods, give the data-quality view its rows.

The checks are numpy only; the words that explain them are marked for translation here and translated by
the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

# Reasons, as bits: one point may fail several checks.
OVER = 1  # numerator larger than the denominator (proportions only)
ZERO_DENOMINATOR = 2
NO_DENOMINATOR = 4  # a numerator, but no denominator reported
NEGATIVE = 8  # a count below zero
NOT_FINITE = 16  # a stored number that is infinite (or not a number)
TEXT = 32  # a value stored as text (or yes/no text) in an element the indicator needs as a number

REASONS = (OVER, ZERO_DENOMINATOR, NO_DENOMINATOR, NEGATIVE, NOT_FINITE, TEXT)

# Proportions (p, p′) cannot pass 1; rates (u, u′) can, but their counts and exposures cannot be negative.
PROPORTION_KINDS = ("p", "pp")
COUNT_KINDS = ("p", "pp", "u", "up", "c")


def reasons(
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    proportion: bool,
    counts: bool,
    text: np.ndarray | None = None,
) -> np.ndarray:
    """The reasons (bits) each point fails, 0 where it passes. Arrays of any shape, compared element-wise.

    ``proportion``: the indicator is a share of its denominator (p charts); ``counts``: its numerator and
    denominator count people or events (p, u, c charts); ``text``: where a value needed as a number was text.
    The last axis is time: a missing denominator is flagged only in a series that has one in other periods.
    """
    num = np.asarray(numerator, dtype=float)
    den = np.asarray(denominator, dtype=float)
    out = np.zeros(np.broadcast(num, den).shape, dtype=np.int64)
    with np.errstate(invalid="ignore"):
        has_num, has_den = ~np.isnan(num), ~np.isnan(den)
        out |= np.where(np.isinf(num) | np.isinf(den), NOT_FINITE, 0)
        finite_num, finite_den = np.isfinite(num), np.isfinite(den)
        out |= np.where(finite_den & (den == 0) & has_num, ZERO_DENOMINATOR, 0)
        # Only where the series has a denominator in other periods: a national estimate has none at a
        # facility, in any month, and that is no error of the month's.
        usual = has_den.any(axis=-1, keepdims=True) if has_den.ndim else has_den
        out |= np.where(has_num & ~has_den & usual, NO_DENOMINATOR, 0)
        # A denominator is a count or an exposure whatever the chart; a numerator only for counting charts.
        negative = (finite_den & (den < 0)) | ((finite_num & (num < 0)) if counts else False)
        out |= np.where(negative, NEGATIVE, 0)
        if proportion:
            out |= np.where(finite_num & finite_den & (den > 0) & (num > den), OVER, 0)
    if text is not None:
        out |= np.where(np.asarray(text, dtype=bool), TEXT, 0)
    return out


def kinds_of(indicator) -> dict[str, bool]:
    """The keyword arguments of :func:`reasons` for a network indicator (its chart kind says its nature)."""
    return {
        "proportion": indicator.chart_kind in PROPORTION_KINDS,
        "counts": indicator.chart_kind in COUNT_KINDS,
    }


# --- words ---------------------------------------------------------------------------------------------

_WORDS = {
    OVER: _("the numerator is larger than the denominator"),
    ZERO_DENOMINATOR: _("the denominator is zero"),
    NO_DENOMINATOR: _("there is a numerator but no denominator, though other periods have one"),
    NEGATIVE: _("a count cannot be negative"),
    NOT_FINITE: _("a stored value is not a finite number"),
    TEXT: _("a value is stored as text, not as a number"),
}


def reason_words(bits: int) -> str:
    """The reasons a point is flagged, in plain words, joined: "the denominator is zero"."""
    return "; ".join(str(_WORDS[bit]) for bit in REASONS if bits & bit)


def number_words(value: float | None) -> str:
    """A stored count as people write it (no ".0"); "—" when there is none."""
    if value is None or np.isnan(value):
        return "—"
    if np.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Flag:
    """One flagged point of a chart: its position, the raw numbers and why."""

    index: int
    period_id: str
    bits: int
    numerator: float
    denominator: float
    ratio: bool  # whether the chart shows numerator/denominator (else the numerator alone)

    @property
    def numbers(self) -> str:
        """ "112 of 100", or the lone value of a chart without denominators."""
        if not self.ratio:
            return number_words(self.numerator)
        return str(_("%(numerator)s of %(denominator)s")) % {
            "numerator": number_words(self.numerator),
            "denominator": number_words(self.denominator),
        }

    @property
    def why(self) -> str:
        return reason_words(self.bits)
