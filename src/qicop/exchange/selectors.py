"""Reads of DHIS2 connections, always scoped to what the viewer may manage."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from qicop.core.i18n import by_display_name
from qicop.exchange import permissions
from qicop.exchange.models import Dhis2Connection, Pull
from qicop.network.models import Country, Role
from qicop.network.permissions import Viewer

MAX_OWNERS = 200


def manageable_countries(viewer: Viewer, network) -> list[Country]:
    """The network's countries whose connection the viewer manages, each with its connection (or None), in
    the order of their names in the reader's language."""
    countries = network.countries.order_by("name").select_related("dhis2_connection")[:500]
    return by_display_name(c for c in countries if permissions.can_manage_connection(viewer, network, c.pk))


def country_for_connection(viewer: Viewer, network, iso2: str) -> tuple[Country, Dhis2Connection | None]:
    """The country of the network named ``iso2`` and its connection; 404 when it is not in the network,
    403 when the viewer may not manage it."""
    country = network.countries.filter(iso2=iso2.upper()).first()
    if country is None:
        raise Http404
    if not permissions.can_manage_connection(viewer, network, country.pk):
        raise PermissionDenied
    connection = (
        Dhis2Connection.objects.select_related("owner__member", "country").filter(country=country).first()
    )
    return country, connection


def pulls_of(connection: Dhis2Connection) -> QuerySet[Pull]:
    return Pull.objects.filter(connection=connection).select_related("data_import", "requested_by__member")


def possible_owners(country: Country) -> list:
    """The country's focal points and data managers who may own its pulls (bounded)."""
    users = (
        get_user_model()
        .objects.filter(
            is_active=True,
            member__country=country,
            member__memberships__role__in=[Role.FOCAL_POINT, Role.DATA_MANAGER],
        )
        .exclude(member__memberships__role=Role.COORDINATOR)
        .exclude(is_superuser=True)
        .select_related("member")
        .distinct()
        .order_by("member__full_name")[:MAX_OWNERS]
    )
    return list(users)
