"""Writes of the proceedings: the year's introduction and its publication, each atomic and audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings.models import Proceedings
from qicop.meetings.proceedings.permissions import can_edit_proceedings
from qicop.network.models import Network
from qicop.network.permissions import viewer_for


def _coordinator(actor, network: Network) -> None:
    if not can_edit_proceedings(viewer_for(actor), network):
        raise PermissionDenied(_("Only coordinators edit the proceedings."))


@transaction.atomic
def save_introduction(*, actor, network: Network, year: int, introduction: str) -> Proceedings:
    """Write the year's introduction (Markdown), creating the year's proceedings if need be."""
    _coordinator(actor, network)
    proceedings, _created = Proceedings.objects.get_or_create(network=network, year=year)
    proceedings.introduction = introduction.strip()
    proceedings.save(update_fields=["introduction", "updated_at"])
    audit(actor=actor, verb="proceedings.introduction", target=proceedings, year=year)
    return proceedings


@transaction.atomic
def set_published(*, actor, network: Network, year: int, published: bool) -> Proceedings:
    """Publish the year's proceedings (observers can read them from then on) or take them back to draft.
    Publishing again keeps the first publication date."""
    _coordinator(actor, network)
    proceedings, _created = Proceedings.objects.get_or_create(network=network, year=year)
    if published and proceedings.published_at is None:
        proceedings.published_at = timezone.now()
    elif not published:
        proceedings.published_at = None
    proceedings.save(update_fields=["published_at", "updated_at"])
    verb = "proceedings.publish" if published else "proceedings.unpublish"
    audit(actor=actor, verb=verb, target=proceedings)
    return proceedings
