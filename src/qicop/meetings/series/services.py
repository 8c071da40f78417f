"""Writes of meeting series: create and edit, each atomic and audited; two series of a network never
share a title."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings.models import MeetingSeries
from qicop.meetings.series.selectors import title_taken
from qicop.network.models import Network


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
