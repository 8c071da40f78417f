"""Reads for the dashboards: which indicators and org units a viewer may chart, the notes on a chart.

The chart itself (series, SPC, drawing) is computed by the chart pipeline, ``pipeline.py``."""

from __future__ import annotations

from django.db.models import F
from django.http import Http404

from qicop.dashboards.models import Annotation
from qicop.indicators.models import NetworkIndicator, OrgUnit, Publication
from qicop.indicators.permissions import ReadScope, quality_countries
from qicop.integrations.dhis2.periods import PeriodError, parse_period


def indicator_in_network(network, code: str) -> NetworkIndicator:
    indicator = NetworkIndicator.objects.filter(network=network, code=code).first()
    if indicator is None:
        raise Http404("No such indicator")
    return indicator


def org_unit_in_network(network, uid: str) -> OrgUnit:
    """The org unit, with its country's data version (``data_version``, None if never written): read in the
    same query, before the data, for the page cache (page_cache.py)."""
    unit = (
        OrgUnit.objects.filter(uid=uid, country__networks=network)
        .select_related("country", "parent")
        .annotate(data_version=F("country__data_version__token"))
        .first()
    )
    if unit is None:
        raise Http404("No such organisation unit")
    return unit


def annotations_for(indicator, org_unit, user):
    """The notes on the chart that ``user`` may read: a note on a month follows that month's values, so
    readers who see only what is published (other countries, observers) see notes on published periods
    only."""

    notes = list(
        Annotation.objects.filter(indicator=indicator, org_unit=org_unit).select_related("author__member")
    )
    scope = ReadScope(user)
    if scope.everything or org_unit.country_id in scope.countries or not notes:
        return notes
    published = list(
        Publication.objects.filter(country_id=org_unit.country_id).values_list(
            "period__start_date", "period__end_date"
        )
    )

    def is_published(note) -> bool:
        try:
            period = parse_period(note.period)
        except PeriodError:
            return False
        return any(start <= period.start and period.end <= end for start, end in published)

    return [note for note in notes if is_published(note)]


def quality_url(user, network, unit) -> str | None:
    """The data-quality view of the unit's country, for readers who may see it (None for the others)."""
    from django.urls import reverse

    countries = quality_countries(user)
    if countries is not None and unit.country_id not in countries:
        return None
    return f"{reverse('dashboards:data_quality', args=[network.slug])}?country={unit.country.iso2}"
