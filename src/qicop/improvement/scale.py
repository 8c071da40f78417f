"""The IHI assessment scale for collaborative teams: 1.0 (forming) to 5.0 (outstanding sustainable results),
in half points. Teams rate themselves each month; the coach confirms or changes the score.

The names and definitions are ours (written from the scale's logic, not copied from IHI's text), in plain
words a team can check itself against; each level assumes the ones below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from qicop.improvement.models import SCORES


@dataclass(frozen=True)
class Level:
    score: Decimal
    name: str  # lazy: read in the reader's language
    definition: str

    @property
    def label(self) -> str:
        """ "2.5 — Changes tested, no improvement yet" ("2,5 — …" in French), as a list names the level."""
        return f"{score_text(self.score)} — {self.name}"


LEVELS: tuple[Level, ...] = (
    Level(
        Decimal("1.0"),
        _("Forming"),
        _("The team has met and knows whose care it wants to improve, but it has not yet agreed on its aim."),
    ),
    Level(
        Decimal("1.5"),
        _("Planning"),
        _("The team has set its aim, chosen how it will measure progress and made its first plans."),
    ),
    Level(
        Decimal("2.0"),
        _("Working, no changes tested yet"),
        _(
            "The team is meeting and has planned or started PDSA cycles, but no change has been tested to "
            "the end yet."
        ),
    ),
    Level(
        Decimal("2.5"),
        _("Changes tested, no improvement yet"),
        _("The team has tested changes and collected data, but its measures do not show an improvement yet."),
    ),
    Level(
        Decimal("3.0"),
        _("Modest improvement"),
        _("The first tests are done and some measures show a real improvement (a signal on their charts)."),
    ),
    Level(
        Decimal("3.5"),
        _("Improvement"),
        _(
            "Tests are done, some changes are now part of the daily work, and the measures are moving "
            "towards the aim."
        ),
    ),
    Level(
        Decimal("4.0"),
        _("Significant improvement"),
        _(
            "The measures show a clear improvement and the key measure reaches the aim; the changes are "
            "in place across the team's service."
        ),
    ),
    Level(
        Decimal("4.5"),
        _("Sustainable improvement"),
        _(
            "Most measures are at their goal and have stayed there for at least three months; the team is "
            "spreading the changes to other services."
        ),
    ),
    Level(
        Decimal("5.0"),
        _("Outstanding sustainable results"),
        _(
            "Every measure is at its goal and has stayed there for six months or more; the changes are "
            "part of how the whole facility works and have spread."
        ),
    ),
)

_BY_SCORE = {level.score: level for level in LEVELS}
assert list(_BY_SCORE) == SCORES, "the scale's levels are the scores models.SCORES allows"


def level_of(score) -> Level | None:
    """The level of ``score`` (a Decimal, a number or its text), or None when it is not on the scale."""
    if score is None or score == "":
        return None
    try:
        return _BY_SCORE.get(Decimal(str(score)).quantize(Decimal("0.1")))
    except ArithmeticError:
        return None


def score_text(score) -> str:
    """A score as the reader writes numbers: "2.5", "2,5"."""
    return number_format(Decimal(str(score)), decimal_pos=1, use_l10n=True)
