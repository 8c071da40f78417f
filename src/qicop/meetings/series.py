"""Meeting series: the reads of the series pages and the writes (create, edit), each audited.

A series (e.g. the virtual network's sessions) holds meetings; carrying actions forward, the proposed
interval of a copy and the rotation of the inconvenience in "find a time" all work per series.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings.models import Meeting, MeetingSeries
from qicop.network.models import Network


def series_of_network(network: Network) -> QuerySet[MeetingSeries]:
    """The network's series, each with its number of meetings and its next and last (not cancelled)
    meeting annotated as ``next_id``/``next_title``/``next_start`` and ``last_id``/``last_title``/
    ``last_start``: one query however many series and meetings there are."""
    now = timezone.now()
    alive = Meeting.objects.filter(series=OuterRef("pk")).exclude(status=Meeting.Status.CANCELLED)
    coming = alive.filter(start__gte=now).order_by("start", "pk")
    past = alive.filter(start__lt=now).order_by("-start", "-pk")
    return (
        MeetingSeries.objects.filter(network=network)
        .annotate(
            meeting_count=Count("meetings", distinct=True),
            cancelled_count=Count(
                "meetings", filter=Q(meetings__status=Meeting.Status.CANCELLED), distinct=True
            ),
            next_id=Subquery(coming.values("pk")[:1]),
            next_title=Subquery(coming.values("title")[:1]),
            next_start=Subquery(coming.values("start")[:1]),
            last_id=Subquery(past.values("pk")[:1]),
            last_title=Subquery(past.values("title")[:1]),
            last_start=Subquery(past.values("start")[:1]),
        )
        .order_by("title", "pk")
    )


def series_in_network(network: Network, series_id: int) -> MeetingSeries:
    """One series of the network; 404 alike for a missing series and one of another network."""
    series = series_of_network(network).filter(pk=series_id).first()
    if series is None:
        raise Http404("No such series")
    return series


def meetings_of_series(series: MeetingSeries) -> QuerySet[Meeting]:
    """The series' meetings, latest first (what the series page lists, a page at a time)."""
    return Meeting.objects.filter(series=series).order_by("-start", "-pk")


def title_taken(network: Network, title: str, *, exclude: MeetingSeries | None = None) -> bool:
    """Whether another series of the network already has this title (ignoring case and outer spaces)."""
    others = MeetingSeries.objects.filter(network=network, title__iexact=title.strip())
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    return others.exists()


def _refuse_duplicate(network: Network, title: str, exclude: MeetingSeries | None = None) -> None:
    if title_taken(network, title, exclude=exclude):
        raise ValidationError(
            {
                "title": _(
                    "This network already has a series called “%(title)s”. Choose another title, "
                    "or add the meetings to that series."
                )
                % {"title": title.strip()}
            }
        )


@transaction.atomic
def create_series(*, actor, network: Network, title: str, description: str = "") -> MeetingSeries:
    """A new series of the network. Raises ValidationError (on "title") when the title is taken."""
    # Lock the network row so that two coordinators creating the same title at once cannot both pass the
    # check (the model has no unique constraint on the title).
    Network.objects.select_for_update().filter(pk=network.pk).first()
    _refuse_duplicate(network, title)
    series = MeetingSeries.objects.create(network=network, title=title.strip(), description=description)
    audit(actor=actor, verb="series.create", target=series, title=series.title)
    return series


@transaction.atomic
def update_series(*, actor, series: MeetingSeries, title: str, description: str = "") -> MeetingSeries:
    """Rename or re-describe a series. Raises ValidationError (on "title") when the title is taken."""
    Network.objects.select_for_update().filter(pk=series.network_id).first()
    _refuse_duplicate(series.network, title, exclude=series)
    changed = {}
    if series.title != title.strip():
        changed["title"] = [series.title, title.strip()]
    if series.description != description:
        changed["description"] = True
    series.title, series.description = title.strip(), description
    series.save(update_fields=["title", "description", "updated_at"])
    if changed:
        audit(actor=actor, verb="series.update", target=series, **changed)
    return series
