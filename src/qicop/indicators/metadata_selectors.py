"""Which metadata (org units, data elements, disaggregations, data sets, indicators) a user may read.

Metadata is structure, not data, so one rule serves pages, the DHIS2 API and exports alike:

- coordinators (and superusers) read everything;
- any member of a network, observers included, reads the org units and indicators of the countries of their
  networks (the chart and export pages show those same org units to them), and every shared object: data
  elements, categories and their options and combinations, data sets;
- an account with no membership reads nothing (lists are empty, an object by UID is "not found").

Values are another matter: what a viewer may read of them is ``permissions.ReadScope``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from qicop.indicators.models import (
    Category,
    CategoryCombo,
    CategoryOption,
    CategoryOptionCombo,
    DataElement,
    DataSet,
    Indicator,
    OrgUnit,
)
from qicop.network.models import Country
from qicop.network.permissions import viewer_for

SHARED_MODELS = (Category, CategoryCombo, CategoryOption, CategoryOptionCombo, DataElement, DataSet)


def metadata_countries(user) -> QuerySet[Country] | None:
    """Countries whose org units and indicators ``user`` reads: None means all; an empty queryset, none."""
    viewer = viewer_for(user)
    if viewer.is_coordinator_anywhere():
        return None
    return Country.objects.filter(networks__in=viewer.network_ids()).values("pk")


def visible_metadata(user, model) -> QuerySet:
    """Every row of ``model`` (one of the metadata models) that ``user`` may read."""
    rows = model.objects.all()
    countries = metadata_countries(user)
    if countries is None:
        return rows
    if model is OrgUnit:
        return rows.filter(country_id__in=countries)
    if model is Indicator:
        return rows.filter(Q(country__isnull=True) | Q(country_id__in=countries))
    if model in SHARED_MODELS:
        return rows if viewer_for(user).network_ids() else rows.none()
    raise ValueError(f"{model.__name__} is not metadata")
