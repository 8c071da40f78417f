"""The score qicop suggests for a team's month on the IHI assessment scale, from the evidence: its PDSA
activity, whether its charts show a signal of improvement, whether the aim is reached and for how long.

Pure: no Django, no database. ``reports.services.gather_evidence`` reads the Evidence from the database and
the charts; ``reports.reasons`` writes each Reason in the reader's language. The suggestion follows the
scale's logic, one step at a time, and stops at the first step the evidence does not reach — so every
suggestion can say why it is not higher.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Evidence:
    """What a team had done and shown by the end of the month reported on."""

    aim_set: bool  # the team wrote its aim
    cycles_planned: int  # PDSA cycles started (or planned to start) by the end of the month
    cycles_done: int  # of those, cycles that reached Study: a change tested to the end
    changes_adopted: int  # changes the team decided to adopt
    improvement_signal: bool  # a shift or a trend in the direction of improvement on some measure's chart
    aim_reached: bool  # the key measure's latest value reaches the aim's target
    months_at_aim: int = 0  # for how many months in a row, up to the latest, it has
    all_at_goal_months: int = 0  # for how many months in a row every measure with a goal has been at it


@dataclass(frozen=True)
class Reason:
    """One fact behind a suggestion: ``code`` names the sentence, ``count`` fills it."""

    code: str
    count: int = 0


@dataclass(frozen=True)
class Suggestion:
    score: Decimal
    reasons: tuple[Reason, ...]


SUSTAINED_MONTHS = 3  # 4.5: the aim held this long
OUTSTANDING_MONTHS = 6  # 5.0: every measure at its goal this long


def suggest(evidence: Evidence) -> Suggestion:
    """The highest level of the scale the evidence supports, with the facts that place it there."""
    e = evidence
    if e.cycles_planned == 0:
        if not e.aim_set:
            return Suggestion(Decimal("1.0"), (Reason("no_aim"), Reason("no_cycles")))
        return Suggestion(Decimal("1.5"), (Reason("aim_set"), Reason("no_cycles")))
    if e.cycles_done == 0:
        return Suggestion(Decimal("2.0"), (Reason("cycles_planned", e.cycles_planned), Reason("none_tested")))
    tested = Reason("cycles_done", e.cycles_done)
    if not e.improvement_signal:
        reasons = [tested, Reason("no_signal")]
        if e.aim_reached:  # at the target without a signal: it was there before the changes
            reasons.append(Reason("aim_reached_without_signal"))
        return Suggestion(Decimal("2.5"), tuple(reasons))
    if e.changes_adopted == 0:
        return Suggestion(Decimal("3.0"), (tested, Reason("signal"), Reason("none_adopted")))
    adopted = Reason("changes_adopted", e.changes_adopted)
    if not e.aim_reached:
        return Suggestion(Decimal("3.5"), (tested, Reason("signal"), adopted, Reason("aim_not_reached")))
    if e.months_at_aim < SUSTAINED_MONTHS:
        return Suggestion(
            Decimal("4.0"),
            (Reason("signal"), adopted, Reason("aim_reached", e.months_at_aim), Reason("not_sustained")),
        )
    if e.all_at_goal_months < OUTSTANDING_MONTHS:
        return Suggestion(
            Decimal("4.5"),
            (Reason("signal"), adopted, Reason("aim_sustained", e.months_at_aim), Reason("not_all_at_goal")),
        )
    return Suggestion(
        Decimal("5.0"), (Reason("signal"), adopted, Reason("all_at_goal", e.all_at_goal_months))
    )


def months_in_a_row(values, reached) -> int:
    """How many of ``values`` in a row, counting back from the latest one there is (None or NaN: no value,
    skipped at the end, ending the run within), satisfy ``reached(value)``."""
    count, started = 0, False
    for value in reversed(list(values)):
        missing = value is None or value != value  # NaN is not equal to itself
        if missing:
            if started:
                break
            continue
        started = True
        if not reached(value):
            break
        count += 1
    return count
