"""Template tags that let the meetings app's pages show a case presentation's evidence by including
improvement/presentations/_evidence.html or _since_previous.html: the meetings app never imports
improvement, so the partials fetch what they show through these tags (presentations/selectors.py)."""

from __future__ import annotations

from django import template

from qicop.improvement.presentations import permissions, selectors
from qicop.network.permissions import viewer_for

register = template.Library()


def _user(context):
    request = context.get("request")
    return request.user if request is not None else context.get("user")


def _evidence_by_case(context, meeting_id: int) -> dict:
    """The meeting's evidence, read once per request however many cases the page shows."""
    request = context.get("request")
    cache = getattr(request, "_qicop_case_evidence", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._qicop_case_evidence = cache
    if meeting_id not in cache:
        cache[meeting_id] = selectors.evidence_of_meeting(meeting_id)
    return cache[meeting_id]


@register.simple_tag(takes_context=True)
def case_evidence(context, case, compact=False):
    """The evidence of ``case`` for this page (None when it has none); ``compact``: no charts (lists)."""
    evidence = _evidence_by_case(context, case.meeting_id).get(case.pk)
    if evidence is None:
        return None
    if compact:
        return {"team": evidence.team, "evidence": evidence}
    return selectors.evidence_view(_user(context), case, evidence)


@register.simple_tag(takes_context=True)
def case_evidence_rights(context, case):
    """What the viewer may do here: bind the case to evidence, turn its recommendations into work."""
    viewer = viewer_for(_user(context))
    may = permissions.can_attach_evidence(viewer, case)
    return {
        "attach": may,
        "turn": permissions.can_turn_recommendations(viewer, case) and selectors.is_over(case.meeting),
    }


@register.simple_tag(takes_context=True)
def previous_case_evidence(context, meeting):
    """The cases of the series' previous session that showed evidence, each with what happened since."""
    previous = selectors.previous_session(meeting)
    if previous is None:
        return []
    user = _user(context)
    views = []
    for _case_id, evidence in sorted(_evidence_by_case(context, previous.pk).items()):
        case = evidence.case_presentation
        case.meeting = previous
        views.append(selectors.evidence_view(user, case, evidence))
    return views
