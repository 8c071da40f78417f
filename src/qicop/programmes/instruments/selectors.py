"""Reads of the shared instruments for the coordinators' pages: every version with its counts, one version
with its domains and items, and what changed since the version before."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from qicop.network.models import Network
from qicop.programmes.models import AssessmentRound, Domain, Instrument, Item

#: The most versions the list shows (three instruments shipped, a new version a year or so).
VERSIONS_LIMIT = 300


def _count(queryset, by: str):
    return Coalesce(
        Subquery(queryset.values(by).annotate(n=Count("pk")).values("n")[:1], output_field=IntegerField()),
        Value(0),
    )


def instrument_versions(network: Network) -> list[Instrument]:
    """Every version of every instrument with its numbers of domains, items and rounds of ``network``
    (one query), the newest version of each instrument first."""
    return list(
        Instrument.objects.annotate(
            domain_count=_count(Domain.objects.filter(instrument=OuterRef("pk")), "instrument"),
            item_count=_count(Item.objects.filter(domain__instrument=OuterRef("pk")), "domain__instrument"),
            round_count=_count(
                AssessmentRound.objects.filter(network=network, instrument=OuterRef("pk")), "instrument"
            ),
        ).order_by("kind", "slug", "-version")[:VERSIONS_LIMIT]
    )


def instrument_version(slug: str, version: int) -> Instrument:
    """One version; 404 when there is none."""
    instrument = Instrument.objects.filter(slug=slug, version=version).first()
    if instrument is None:
        raise Http404("No such version of an instrument")
    return instrument


def current_version(slug: str) -> Instrument:
    instrument = Instrument.objects.filter(slug=slug, current=True).first()
    if instrument is None:
        raise Http404("No such instrument")
    return instrument


@dataclass(frozen=True)
class VersionReading:
    """One version to read: its domains with their items, whether each item carried over from the
    version before (by lineage), the items of that version that did not, and the rounds on it."""

    instrument: Instrument
    domains: list[Domain]
    previous: Instrument | None
    carried: frozenset[int]  # ids of this version's items that continue one of the previous version
    dropped: list[Item]  # items of the previous version with no continuation here
    round_count: int


def read_version(instrument: Instrument, network: Network) -> VersionReading:
    """``instrument`` with what a reader needs (five queries, whatever its size)."""
    domains = list(Domain.objects.filter(instrument=instrument).prefetch_related("items"))
    previous = (
        Instrument.objects.filter(slug=instrument.slug, version__lt=instrument.version)
        .order_by("-version")
        .first()
    )
    before: dict[str, Item] = {}
    if previous is not None:
        before = {
            item.lineage: item
            for item in Item.objects.filter(domain__instrument=previous).select_related("domain")
        }
    lineages = {item.lineage: item.pk for domain in domains for item in domain.items.all()}
    return VersionReading(
        instrument=instrument,
        domains=domains,
        previous=previous,
        carried=frozenset(pk for lineage, pk in lineages.items() if lineage in before),
        dropped=[item for lineage, item in before.items() if lineage not in lineages],
        round_count=AssessmentRound.objects.filter(network=network, instrument=instrument).count(),
    )
