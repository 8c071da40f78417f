"""User-facing words of the charts, marked for Django's ``makemessages``.

The charts package may not import Django, so, as in :mod:`qicop.analytics._text`, a local
no-op ``gettext_noop`` marks the English defaults and callers pass their ``gettext`` as
``translate``. Placeholders are named so that translators can reorder them.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it (same name as Django's)."""
    return message


MONTHS = (
    gettext_noop("Jan"),
    gettext_noop("Feb"),
    gettext_noop("Mar"),
    gettext_noop("Apr"),
    gettext_noop("May"),
    gettext_noop("Jun"),
    gettext_noop("Jul"),
    gettext_noop("Aug"),
    gettext_noop("Sep"),
    gettext_noop("Oct"),
    gettext_noop("Nov"),
    gettext_noop("Dec"),
)
QUARTER = gettext_noop("%(year)s Q%(quarter)s")
WEEK = gettext_noop("%(year)s W%(week)s")
HALF = gettext_noop("%(year)s S%(half)s")

DATA = gettext_noop("Data")
CENTRE_LINE = gettext_noop("Centre line")
LIMITS = gettext_noop("Control limits")
TRIAL_LIMITS = gettext_noop("Trial limits")
IMPROVEMENT = gettext_noop("Improvement")
DETERIORATION = gettext_noop("Deterioration")
OTHER_SIGNAL = gettext_noop("Other signal")
EXCLUDED = gettext_noop("Excluded")
FLAGGED = gettext_noop("Implausible, left out")
TARGET = gettext_noop("Target")
TARGET_VALUE = gettext_noop("Target %(value)s")
BASELINE = gettext_noop("Baseline")
PHASE = gettext_noop("Phase %(phase)d")
LIMITS_95 = gettext_noop("95% limits")
LIMITS_99 = gettext_noop("99.7% limits")
DENOMINATOR = gettext_noop("Denominator")
NO_DATA = gettext_noop("No data")
NOTE = gettext_noop("Note %(number)d: %(text)s")
OF_PREVIOUS = gettext_noop("%(ratio)s of previous")

#: Each SPC signal rule in words, for readers who do not know the rules' names.
RULE_WORDS = {
    "outside limits": gettext_noop("a point outside the control limits"),
    "shift": gettext_noop("a run of points on one side of the centre line"),
    "trend": gettext_noop("points going steadily up or down"),
    "few crossings": gettext_noop("too few crossings of the centre line"),
    "too few runs": gettext_noop("too few runs around the centre line"),
    "too many runs": gettext_noop("too many runs around the centre line"),
    "2 of 3 near limit": gettext_noop("two of three points near a control limit"),
    "15 near centre line": gettext_noop("15 points in a row close to the centre line"),
}
