"""Reads of meetings, scoped to the networks the viewer belongs to."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from qicop.meetings.models import ActionItem, Meeting, Registration


def meetings_of_network(network) -> QuerySet[Meeting]:
    return Meeting.objects.filter(network=network).select_related("series", "host_country")


def meetings_for_list(network) -> QuerySet[Meeting]:
    """The meetings list's rows: series and host country joined, topics in one query per table."""
    return meetings_of_network(network).prefetch_related("topics")


def upcoming(network, limit: int = 3) -> list[Meeting]:
    return list(
        meetings_of_network(network)
        .filter(end__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("start")[:limit]
    )


def meeting_in_network(network, meeting_id: int) -> Meeting:
    meeting = meetings_of_network(network).prefetch_related("countries").filter(pk=meeting_id).first()
    if meeting is None:
        raise Http404("No such meeting")
    return meeting


def registration_of(meeting: Meeting, member_id: int | None) -> Registration | None:
    if member_id is None:
        return None
    return Registration.objects.filter(meeting=meeting, member_id=member_id).first()


def carried_forward_actions(meeting: Meeting):
    """Open actions of the series' earlier meetings: the next meeting opens with them."""

    if meeting.series_id is None:
        return ActionItem.objects.none()
    return (
        ActionItem.objects.filter(
            meeting__series_id=meeting.series_id,
            meeting__start__lt=meeting.start,
            status=ActionItem.Status.OPEN,
        )
        .select_related("owner", "country", "meeting")
        .order_by("due", "id")[:100]
    )
