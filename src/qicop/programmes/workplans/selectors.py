"""Reads of work plans: a round's plan, the domains it proposes first, its open steps, the steps a member
owns (their home page), and last year's plan beside this year's domains."""

from __future__ import annotations

from django.db.models import Prefetch

from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant
from qicop.programmes.assessments.selectors import visible_rounds
from qicop.programmes.models import AssessmentRound, WorkPlan, WorkPlanAction, WorkPlanObjective
from qicop.programmes.scores import DomainResult, domain_results

#: The most steps a list shows: the round page's open steps, a member's home.
ACTIONS_SHOWN = 8


def plan_of(round_: AssessmentRound) -> WorkPlan | None:
    """The round's plan with its objectives and their steps (and owners): three queries. Bounded by the
    services' MAX_OBJECTIVES and MAX_ACTIONS."""
    return (
        WorkPlan.objects.filter(round=round_)
        .prefetch_related(
            "objectives",
            Prefetch(
                "objectives__actions", WorkPlanAction.objects.select_related("owner").order_by("due", "pk")
            ),
        )
        .first()
    )


def proposal(round_: AssessmentRound) -> list[DomainResult]:
    """The round's domains, lowest level first (domains not yet assessed last), in the instrument's order
    between equals: the ones the plan proposes to work on first."""
    results = domain_results([round_]).get(round_.pk, [])
    return sorted(results, key=lambda d: (d.level is None, d.level or 0, d.order))


def open_actions(round_: AssessmentRound) -> list[WorkPlanAction]:
    """The plan's open steps, most urgent first (the first ACTIONS_SHOWN + 1, to tell there are more)."""
    return list(
        WorkPlanAction.objects.filter(objective__plan__round=round_, status=WorkPlanAction.Status.OPEN)
        .select_related("owner", "objective")
        .order_by("due", "pk")[: ACTIONS_SHOWN + 1]
    )


def actions_owned(viewer: Viewer, network: Network) -> list[WorkPlanAction]:
    """The open steps the viewer owns in ``network``'s work plans, most urgent first (the first
    ACTIONS_SHOWN + 1, to tell there are more). One query; none for observers and non-members."""
    if viewer.member_id is None or not is_participant(viewer, network):
        return []
    return list(
        WorkPlanAction.objects.filter(
            owner_id=viewer.member_id,
            status=WorkPlanAction.Status.OPEN,
            objective__plan__round__network=network,
        )
        .select_related("objective__plan__round__country", "objective__plan__round__instrument")
        .order_by("due", "pk")[: ACTIONS_SHOWN + 1]
    )


def previous_plan_by_domain(viewer: Viewer, round_: AssessmentRound) -> dict[str, list[WorkPlanObjective]]:
    """The objectives (with their steps) of the country's latest earlier plan of the same instrument that
    the viewer may see, by domain code: what served each domain since the last round. Two queries at most."""
    earlier = (
        WorkPlan.objects.filter(
            round__in=visible_rounds(viewer, round_.network).filter(
                country_id=round_.country_id, instrument__slug=round_.instrument.slug, year__lt=round_.year
            )
        )
        .select_related("round")
        .order_by("-round__year")
        .first()
    )
    if earlier is None:
        return {}
    out: dict[str, list[WorkPlanObjective]] = {}
    objectives = earlier.objectives.prefetch_related(
        Prefetch("actions", WorkPlanAction.objects.select_related("owner").order_by("due", "pk"))
    )
    for objective in objectives:
        objective.plan = earlier
        out.setdefault(objective.domain_code, []).append(objective)
    return out
