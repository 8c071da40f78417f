"""User-facing text of the SPC engine.

The analytics package may not import Django, so strings are marked with a local
no-op ``gettext_noop``: Django's ``makemessages`` finds calls by name in every
.py file and extracts them, and the caller translates at run time by passing its
``gettext`` to :meth:`ChartResult.summary`. Placeholders are named so that
translators can reorder them.
"""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without translating it (same name as Django's)."""
    return message


RULE_LABELS = {
    "outside limits": gettext_noop("outside limits"),
    "shift": gettext_noop("shift"),
    "trend": gettext_noop("trend"),
    "few crossings": gettext_noop("few crossings"),
    "too few runs": gettext_noop("too few runs"),
    "too many runs": gettext_noop("too many runs"),
    "2 of 3 near limit": gettext_noop("2 of 3 near limit"),
    "15 near centre line": gettext_noop("15 near centre line"),
}

CLASS_LABELS = {
    "improvement": gettext_noop("improvement"),
    "deterioration": gettext_noop("deterioration"),
    "neutral": gettext_noop("neutral"),
}

NO_SIGNAL = gettext_noop("No signal: only common-cause variation.")
NO_DATA = gettext_noop("Not enough data to look for signals.")
PHASE = gettext_noop("Phase %(phase)d: %(finding)s")
IMPROVEMENT = gettext_noop("Improvement. %(finding)s")
DETERIORATION = gettext_noop("Deterioration. %(finding)s")
#: Making Data Count trial limits (``ChartResult.trial_limits``); minimum is 12.
TRIAL_LIMITS = gettext_noop("Limits are provisional: fewer than %(minimum)d points.")

FINDINGS = {
    ("outside limits", 1): gettext_noop(
        "Outside the limits: %(count)d point(s) above the upper control limit, the latest at %(last)s "
        "— special-cause variation."
    ),
    ("outside limits", -1): gettext_noop(
        "Outside the limits: %(count)d point(s) below the lower control limit, the latest at %(last)s "
        "— special-cause variation."
    ),
    ("shift", 1): gettext_noop(
        "Shift: %(count)d points above the centre line since %(start)s — unlikely to be chance."
    ),
    ("shift", -1): gettext_noop(
        "Shift: %(count)d points below the centre line since %(start)s — unlikely to be chance."
    ),
    ("trend", 1): gettext_noop(
        "Trend: %(count)d points in a row going up since %(start)s — unlikely to be chance."
    ),
    ("trend", -1): gettext_noop(
        "Trend: %(count)d points in a row going down since %(start)s — unlikely to be chance."
    ),
    ("few crossings", 2): gettext_noop(
        "Few crossings: the data cross the centre line %(crossings)d times where at least %(minimum)d "
        "are expected by chance — the process is probably changing."
    ),
    ("too few runs", 2): gettext_noop(
        "Too few runs: %(runs)d runs where at least %(minimum)d are expected by chance "
        "— the process is probably changing."
    ),
    ("too many runs", 2): gettext_noop(
        "Too many runs: %(runs)d runs where at most %(maximum)d are expected by chance "
        "— the data may mix different processes."
    ),
    ("2 of 3 near limit", 1): gettext_noop(
        "Two of three points close to the upper limit, the latest at %(last)s — an early warning of "
        "special-cause variation."
    ),
    ("2 of 3 near limit", -1): gettext_noop(
        "Two of three points close to the lower limit, the latest at %(last)s — an early warning of "
        "special-cause variation."
    ),
    ("15 near centre line", 2): gettext_noop(
        "%(count)d points in a row close to the centre line since %(start)s — the limits may be too "
        "wide; check how the data are grouped."
    ),
}
