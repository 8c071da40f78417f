"""The stage of a coach certification as people read it, from its stored status and its dates.

candidate (no mentor observation yet) → observed → certified → expiring (within EXPIRING_DAYS of the end of
its validity) → lapsed (past it); or not certified, or withdrawn. Pure: no database, no clock (``today`` is
given: the day in the country concerned).
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

#: A certificate this close to its end is "expiring": its coach is reminded (90 and 30 days before).
EXPIRING_DAYS = 90
REMINDER_DAYS = (90, 30)


class Stage(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    OBSERVED = "observed", _("Observed")
    CERTIFIED = "certified", _("Certified")
    EXPIRING = "expiring", _("Expiring")
    LAPSED = "lapsed", _("Lapsed")
    NOT_CERTIFIED = "not_certified", _("Not certified")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def stage_of(status: str, valid_until: date | None, observations: int, today: date) -> Stage:
    if status == "candidate":
        return Stage.OBSERVED if observations else Stage.CANDIDATE
    if status == "certified":
        if valid_until is None or valid_until < today:
            return Stage.LAPSED
        if (valid_until - today).days <= EXPIRING_DAYS:
            return Stage.EXPIRING
        return Stage.CERTIFIED
    if status == "not_certified":
        return Stage.NOT_CERTIFIED
    return Stage.WITHDRAWN


def is_valid_on(status: str, valid_until: date | None, today: date) -> bool:
    """Whether a certification is in force on ``today`` (certified, and not past its end)."""
    return status == "certified" and valid_until is not None and valid_until >= today


def valid_until_for(decided_on: date, years: int) -> date:
    """The last day a certificate decided on ``decided_on`` is valid: the day before the same date
    ``years`` later (29 February gives 28 February in a year without it)."""
    try:
        end = decided_on.replace(year=decided_on.year + years)
    except ValueError:  # 29 February, in a year without it: the period ends on 28 February
        end = date(decided_on.year + years, 3, 1)
    return date.fromordinal(end.toordinal() - 1)
