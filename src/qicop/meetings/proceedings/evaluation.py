"""The short survey after a meeting: who may answer and when, the one write, and the results.

A member of the network (in any role but observer) answers once per meeting and may change the answer;
the survey opens when the meeting starts and never for a cancelled meeting. Coordinators read every
answer (without names, so that people write freely); everyone sees the count and the mean rating.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings.models import Evaluation, Meeting
from qicop.meetings.proceedings.permissions import can_evaluate
from qicop.network.permissions import viewer_for

SCALE = (1, 2, 3, 4, 5)


# Reads.


def evaluation_of(meeting: Meeting, member_id: int | None) -> Evaluation | None:
    if member_id is None:
        return None
    return Evaluation.objects.filter(meeting=meeting, member_id=member_id).first()


@dataclass(frozen=True)
class Summary:
    """Responses and mean scores of one meeting's survey (means are None without responses)."""

    responses: int
    mean_rating: float | None
    mean_relevance: float | None


@dataclass(frozen=True)
class Bar:
    value: int
    count: int
    percent: int


def summaries(meeting_ids) -> dict[int, Summary]:
    """The summary of each meeting in ``meeting_ids``, in one query (meetings without answers left out)."""
    rows = (
        Evaluation.objects.filter(meeting_id__in=list(meeting_ids))
        .values("meeting_id")
        .annotate(responses=Count("id"), rating=Avg("rating"), relevance=Avg("relevance"))
        .order_by()
    )
    return {row["meeting_id"]: Summary(row["responses"], row["rating"], row["relevance"]) for row in rows}


def summary(meeting: Meeting) -> Summary:
    return summaries([meeting.pk]).get(meeting.pk, Summary(0, None, None))


def distribution(meeting: Meeting, field: str) -> list[Bar]:
    """How many answered 1, 2, … 5 to ``field`` ("rating" or "relevance"), in one query."""
    counts = Evaluation.objects.filter(meeting=meeting).aggregate(
        **{f"v{value}": Count("id", filter=Q(**{field: value})) for value in SCALE}
    )
    total = sum(counts.values())
    return [
        Bar(value, counts[f"v{value}"], round(100 * counts[f"v{value}"] / total) if total else 0)
        for value in SCALE
    ]


def written_answers(meeting: Meeting):
    """Answers with something written in them, newest first (paginate: a big network writes a lot)."""
    return (
        Evaluation.objects.filter(meeting=meeting)
        .exclude(most_useful="", improve="", next_topics="")
        .only("rating", "relevance", "most_useful", "improve", "next_topics", "updated_at")
        .order_by("-updated_at", "-id")
    )


# The one write.


@transaction.atomic
def save_evaluation(
    *,
    actor,
    meeting: Meeting,
    rating: int,
    relevance: int | None = None,
    most_useful: str = "",
    improve: str = "",
    next_topics: str = "",
) -> Evaluation:
    """Record (or replace) the actor's answer to ``meeting``'s survey.

    Preconditions: the actor may evaluate (``can_evaluate``) — else PermissionDenied; the values are
    already validated (the form does it). Effect: one Evaluation row per member and meeting, audited.
    """
    viewer = viewer_for(actor)
    if not can_evaluate(viewer, meeting):
        raise PermissionDenied(_("This survey is not open to you."))
    evaluation, created = Evaluation.objects.update_or_create(
        meeting=meeting,
        member_id=viewer.member_id,
        defaults={
            "rating": rating,
            "relevance": relevance,
            "most_useful": most_useful.strip(),
            "improve": improve.strip(),
            "next_topics": next_topics.strip(),
        },
    )
    audit(actor=actor, verb="meeting.evaluate", target=meeting, created=created, rating=rating)
    return evaluation
