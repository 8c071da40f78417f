"""Reads of delegations."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from qicop.meetings.models import Delegate, Meeting


def delegates_of(meeting: Meeting) -> QuerySet[Delegate]:
    """The meeting's delegates by country, each head of delegation first."""
    head_first = Case(
        When(role=Delegate.Role.HEAD, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Delegate.objects.filter(meeting=meeting)
        .select_related("country", "member__user")
        .order_by("country__name", head_first, "full_name", "id")
    )
