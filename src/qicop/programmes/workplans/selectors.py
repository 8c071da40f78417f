"""Reads of work plans: a round's plan, the domains it proposes first, its open steps, the steps a member
owns (their home page), and last year's plan beside this year's domains."""

from __future__ import annotations

from django.db.models import Prefetch

from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant
from qicop.programmes.models import AssessmentRound, WorkPlan, WorkPlanAction, WorkPlanObjective
from qicop.programmes.permissions import VISIBLE_TO_OTHERS
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


def started_from_visible(viewer: Viewer, round_: AssessmentRound) -> AssessmentRound | None:
    """The earlier round ``round_`` started from, when the viewer may see it (no query: ``started_from`` is
    selected with the round). Named assessors of that round from elsewhere are left out."""
    started = round_.started_from
    if started is None or started.year >= round_.year or started.network_id != round_.network_id:
        return None
    network = round_.network
    if viewer.is_coordinator(network):
        return started
    if not is_participant(viewer, network):
        return None
    if viewer.country_id == started.country_id:
        return started
    return started if started.shared and started.status in VISIBLE_TO_OTHERS else None


def plan_by_domain(previous: AssessmentRound) -> dict[str, list[WorkPlanObjective]]:
    """The objectives (with their steps and owners) of ``previous``'s plan by domain code: what served each
    domain since that round. Two queries (one when it has no plan); each objective carries
    ``served_round``."""
    out: dict[str, list[WorkPlanObjective]] = {}
    objectives = WorkPlanObjective.objects.filter(plan__round=previous).prefetch_related(
        Prefetch("actions", WorkPlanAction.objects.select_related("owner").order_by("due", "pk"))
    )
    for objective in objectives:
        objective.served_round = previous
        out.setdefault(objective.domain_code, []).append(objective)
    return out
