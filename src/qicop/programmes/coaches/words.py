"""A portfolio's requirements in words: the sentences the portfolio's checklist, the candidates page and the
decision's refusal all use, so that what the certifying body reads is what the refusal names."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qicop.programmes.coaches.portfolio import Requirement
from qicop.programmes.models import CompetencyRating


def rating_label(value: int | None) -> str:
    return str(CompetencyRating.Rating(value).label) if value in CompetencyRating.Rating.values else ""


def short(requirement: Requirement) -> str:
    """What the requirement asks, in a few words ("2 teams coached")."""
    need = requirement.need
    return {
        "teams": lambda: ngettext("%(n)s team coached", "%(n)s teams coached", need),
        "cycles": lambda: ngettext(
            "%(n)s PDSA cycle completed by those teams", "%(n)s PDSA cycles completed by those teams", need
        ),
        "assessments": lambda: ngettext(
            "%(n)s assessment taken part in", "%(n)s assessments taken part in", need
        ),
        "sessions": lambda: ngettext(
            "%(n)s network session attended", "%(n)s network sessions attended", need
        ),
        "knowledge": lambda: _("the knowledge check passed (%(n)s %% or more)"),
        "observations": lambda: ngettext("%(n)s mentor observation", "%(n)s mentor observations", need),
        "ratings": lambda: _("every competency rated at least “%(rating)s” in the latest observation"),
    }[requirement.code]() % {"n": need, "rating": rating_label(need)}


def sentence(requirement: Requirement) -> str:
    """What the portfolio has against what the standard asks, as a sentence."""
    have, need = requirement.have, requirement.need
    code = requirement.code
    if code == "knowledge":
        if have is None:
            return _("No knowledge check recorded yet; the pass mark is %(need)s %%.") % {"need": need}
        return _("Knowledge check: %(have)s %%; the pass mark is %(need)s %%.") % {"have": have, "need": need}
    if code == "ratings":
        if have is None:
            return _(
                "No observation rated yet; every competency of the latest observation must be rated at "
                "least “%(need)s”."
            ) % {"need": rating_label(need)}
        return _(
            "The lowest rating of the latest observation is “%(have)s”; the standard asks for at least "
            "“%(need)s”."
        ) % {"have": rating_label(have), "need": rating_label(need)}
    has = {
        "teams": lambda: ngettext("Coaches %(have)s team", "Coaches %(have)s teams", have or 0),
        "cycles": lambda: ngettext(
            "Their teams completed %(have)s PDSA cycle",
            "Their teams completed %(have)s PDSA cycles",
            have or 0,
        ),
        "assessments": lambda: ngettext(
            "Took part in %(have)s assessment", "Took part in %(have)s assessments", have or 0
        ),
        "sessions": lambda: ngettext(
            "Attended %(have)s network session", "Attended %(have)s network sessions", have or 0
        ),
        "observations": lambda: ngettext(
            "Observed %(have)s time by a mentor", "Observed %(have)s times by a mentor", have or 0
        ),
    }[code]() % {"have": have or 0}
    # Translators: "Coaches 1 team; the standard asks for 2."
    return _("%(has)s; the standard asks for %(need)s.") % {"has": has, "need": need}


def missing(requirements: list[Requirement]) -> list[str]:
    """The requirements not met, each in a few words."""
    return [short(r) for r in requirements if not r.met]
