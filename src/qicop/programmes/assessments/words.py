"""The words of a domain's change since the previous round ("+1.0 since 2025")."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def level_words(level: float | None) -> str:
    return "" if level is None else number_format(level, 1)


def change_words(change, previous) -> str:
    """``change`` a selectors.DomainChange (or None), ``previous`` the round compared with (or None)."""
    if previous is None or change is None:
        return ""
    year = previous.year
    if change.result.level is None:
        return ""
    if change.before is None:
        return _("not assessed in %(year)s") % {"year": year}
    if abs(change.change) < 0.05:
        return _("no change since %(year)s") % {"year": year}
    sign = "+" if change.change > 0 else "\u2212"
    return _("%(change)s since %(year)s") % {
        "change": sign + number_format(abs(change.change), 1),
        "year": year,
    }
