"""The work plan on pages of the assessments room (their partials load this): the round's open steps, and
beside each domain what last year's plan did for it. Each asks its queries once per page, whatever the
number of domains (the answer is kept on the round)."""

from __future__ import annotations

from django import template

from qicop.network.permissions import viewer_for
from qicop.programmes.workplans import permissions as rules
from qicop.programmes.workplans import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def round_work_plan(context, round_) -> dict:
    """What the round page shows of the round's own plan: may the viewer read or edit it, its open steps."""
    viewer = viewer_for(context["request"].user)
    if not rules.can_read_plan(viewer, round_) or round_.status not in rules.PLANNED_FROM:
        return {"readable": False}
    actions = selectors.open_actions(round_)
    return {
        "readable": True,
        "can_edit": rules.can_edit_plan(viewer, round_),
        "actions": actions[: selectors.ACTIONS_SHOWN],
        "more": len(actions) > selectors.ACTIONS_SHOWN,
    }


@register.simple_tag(takes_context=True)
def served_domain(context, round_, domain_code) -> list:
    """The objectives of the previous round's plan for this domain (matched by code), with their steps. The
    previous round is the page's ``previous`` (the round page compares with it), else the round this one
    started from."""
    if not hasattr(round_, "_previous_plan"):
        viewer = viewer_for(context["request"].user)
        previous = context.get("previous", False)
        if previous is False:
            previous = selectors.started_from_visible(viewer, round_)
        readable = previous is not None and previous.status in rules.PLANNED_FROM
        readable = readable and rules.can_read_plan(viewer, round_)
        round_._previous_plan = selectors.plan_by_domain(previous) if readable else {}
    return round_._previous_plan.get(domain_code, [])
