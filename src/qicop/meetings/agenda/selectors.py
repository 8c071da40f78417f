"""Reads of meeting planning: a meeting's agenda and its warnings, the people to choose presenters from,
what carries a topic, and the case presentations with what the pages say about each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.meetings.models import AgendaItem, CasePresentation, Material, Meeting
from qicop.network.models import Member, Network, Topic

MEMBER_PICKER_LIMIT = 300


def agenda_of(meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda with everything the panel and the editing page show, in five queries."""
    return list(
        meeting.agenda.select_related("country", "moderator", "case_presentation")
        .prefetch_related(
            Prefetch("presenters", queryset=Member.objects.order_by("full_name")),
            Prefetch("panellists", queryset=Member.objects.order_by("full_name")),
            Prefetch("materials", queryset=Material.objects.order_by("title", "id")),
        )
        .order_by("start", "id")[:200]
    )


def agenda_warnings(meeting: Meeting, items: list[AgendaItem]) -> dict[int, list[str]]:
    """Item id → what is wrong with its time: overlapping another item, or outside the meeting."""
    warnings: dict[int, list[str]] = {}
    ordered = sorted(items, key=lambda i: (i.start, i.pk))
    for index, item in enumerate(ordered):
        if item.start < meeting.start or item.end > meeting.end:
            warnings.setdefault(item.pk, []).append(_("Outside the meeting's time."))
        for other in ordered[index + 1 :]:
            if other.start >= item.end:
                break  # sorted by start: nothing later can overlap this item
            warnings.setdefault(item.pk, []).append(_("Overlaps “%(title)s”.") % {"title": other.title})
            warnings.setdefault(other.pk, []).append(_("Overlaps “%(title)s”.") % {"title": item.title})
    return warnings


def members_for_picker(network: Network, *, include=()) -> QuerySet[Member] | list[Member]:
    """The network's members to choose presenters and moderators from: ordered by country and name,
    capped, and always with the people already chosen."""
    members = list(
        Member.objects.filter(memberships__network=network)
        .distinct()
        .select_related("country")
        .order_by("country__name", "full_name", "id")[:MEMBER_PICKER_LIMIT]
    )
    missing = {m.pk for m in include} - {m.pk for m in members}
    if missing:
        members += list(Member.objects.filter(pk__in=missing).select_related("country"))
    return members


def topic_usage(topic: Topic) -> dict[str, int]:
    """How many items of each kind carry ``topic`` (what deleting it would untag)."""
    return {
        "case_studies": topic.case_studies.count(),
        "resources": topic.resources.count(),
        "meetings": topic.meetings.count(),
        "discussions": topic.threads.count(),
    }


@dataclass(frozen=True)
class CaseState:
    """What the pages say about a case presentation at this moment."""

    late: bool  # submitted after the deadline
    overdue: bool  # not submitted yet, and the deadline has passed
    awaiting_country: bool  # the country's focal point has something to do


def case_state(case: CasePresentation, now: datetime | None = None) -> CaseState:
    now = now or timezone.now()
    waiting = case.status in (CasePresentation.Status.ASSIGNED, CasePresentation.Status.CHANGES_REQUESTED)
    return CaseState(
        late=case.submitted_at is not None and case.submitted_at > case.deadline,
        overdue=waiting and now > case.deadline,
        awaiting_country=waiting,
    )


def cases_of(meeting: Meeting) -> list[CasePresentation]:
    return list(
        meeting.case_presentations.select_related("country", "agenda_item", "presentation").order_by(
            "deadline", "id"
        )[:50]
    )
