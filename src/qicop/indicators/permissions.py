"""Who may read and change which data values and metadata. The network's roles decide
(network/permissions.py).

- coordinators: read and change everything of the countries of the networks they coordinate, and the
  metadata the network shares;
- focal points and data managers: change their own country's values, org units and the metadata their
  country keeps; read as members do;
- members: read every country's published values and all of their own country's;
- observers: read published national totals only.

The one rule for writes is ``WriteScope``: data import, metadata import, the DHIS2 API and the pages all
ask it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from qicop.indicators.models import DataImport, OrgUnit
from qicop.network.models import Role
from qicop.network.permissions import Viewer, viewer_for

DATA_EDITOR_ROLES = {Role.FOCAL_POINT, Role.DATA_MANAGER}
READER_ROLES = {Role.FOCAL_POINT, Role.DATA_MANAGER, Role.MEMBER, Role.COORDINATOR}


def _roles(viewer: Viewer) -> set[str]:
    return {role for roles in viewer.roles.values() for role in roles}


@dataclass(frozen=True)
class WriteScope:
    """What a user may create or change.

    ``countries``: the countries whose values and org units the user writes (None: every country, for a
    superuser). An org unit is written only when both where it is now and where it would be are in them.
    ``shared``: whether the user changes the metadata the countries share (data elements, disaggregations,
    data sets and indicators that no one country keeps) — coordinators of every country that has org
    units. ``own_country_id``: the country that keeps the metadata this user creates (None for
    coordinators: theirs is shared).
    """

    countries: frozenset[int] | None
    own_country_id: int | None
    viewer: Viewer | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(cls, user) -> WriteScope:
        viewer = viewer_for(user)
        if viewer.is_superuser:
            return cls(countries=None, own_country_id=None, viewer=viewer)
        countries = set(viewer.coordinated_country_ids())
        editor = bool(_roles(viewer) & DATA_EDITOR_ROLES) and viewer.country_id is not None
        if editor:
            countries.add(viewer.country_id)
        coordinator = bool(viewer.coordinated_network_ids())
        return cls(
            countries=frozenset(countries),
            own_country_id=None if coordinator or not editor else viewer.country_id,
            viewer=viewer,
        )

    @cached_property
    def shared(self) -> bool:
        if self.countries is None:
            return True
        return bool(
            self.viewer and self.viewer.coordinated_network_ids()
        ) and _coordinates_every_country_with_data(self.viewer)

    @property
    def writes_anything(self) -> bool:
        return self.countries is None or bool(self.countries)

    def writes_country(self, country_id: int | None) -> bool:
        return country_id is not None and (self.countries is None or country_id in self.countries)

    def may_place_org_unit(self, now_in: int | None, moving_to: int) -> bool:
        """An org unit is changed only by someone who writes for the country it is in now (None: a new one)
        and for the country it would be in."""
        return (now_in is None or self.writes_country(now_in)) and self.writes_country(moving_to)

    def may_change_metadata(self, kept_by: int | None) -> bool:
        """A data element, disaggregation, data set or indicator: shared ones (``kept_by`` None) by
        coordinators only; a country's own by whoever writes for that country."""
        if kept_by is None:
            return self.shared
        return self.writes_country(kept_by)


def _coordinates_every_country_with_data(viewer: Viewer) -> bool:
    """Shared metadata is what every country's data is read by: it is changed by those who coordinate
    every country that has org units, not by the coordinator of a network of a few."""

    with_data = set(
        OrgUnit.objects.filter(level=1).values_list("country_id", flat=True).distinct().order_by()
    )
    return with_data <= viewer.coordinated_country_ids()


def data_countries_for(user) -> set[int] | None:
    """Countries whose values ``user`` may change: None means every country; an empty set, none."""
    scope = WriteScope.of(user)
    return None if scope.countries is None else set(scope.countries)


def can_import(user) -> bool:
    return WriteScope.of(user).writes_anything


def _full_reader_countries(viewer: Viewer) -> set[int]:
    """The countries whose every value (published or not) the viewer reads: those of the networks they
    coordinate, and their own for the country's focal points, data managers and members."""
    countries = set(viewer.coordinated_country_ids())
    if _roles(viewer) & READER_ROLES and viewer.country_id is not None:
        countries.add(viewer.country_id)
    return countries


def quality_countries(user) -> set[int] | None:
    """Countries whose data-quality findings ``user`` may read: None means every country; an empty set,
    none. The findings name values before they are published, so they follow the unpublished-data rule:
    coordinators see the countries of their networks, the country's focal points, data managers and members
    their own; observers read published national totals only, and so see no findings."""
    viewer = viewer_for(user)
    if viewer.is_superuser:
        return None
    return _full_reader_countries(viewer)


def can_publish(user, country_id: int) -> bool:
    viewer = viewer_for(user)
    if viewer.is_superuser or country_id in viewer.coordinated_country_ids():
        return True
    return Role.FOCAL_POINT in _roles(viewer) and viewer.country_id == country_id


class ReadScope:
    """What a viewer may read: ``everything`` (a superuser), else every value of ``countries`` (those of
    the networks they coordinate and their own), plus published ones (all levels, or national totals only
    for observers)."""

    def __init__(self, user):
        viewer = viewer_for(user)
        roles = _roles(viewer)
        self.everything = viewer.is_superuser
        self.own_country_id = viewer.country_id if roles & READER_ROLES else None
        self.countries = _full_reader_countries(viewer)
        self.published = bool(roles)
        self.national_only = bool(roles) and not roles & READER_ROLES


def published_data_reader(network_id: int) -> Viewer:
    """Reads as a member of no country would: every country's published values, nothing unpublished.
    What a published case study keeps of its charts, whoever pressed "publish"."""
    return Viewer(user_id=-1, roles={network_id: frozenset({Role.MEMBER})})


def can_run_again(user, data_import) -> bool:
    """Whether ``user`` may run this import again: their own failed import of data values, not run again
    yet, whose file is still kept."""
    return (
        data_import.status == DataImport.Status.FAILED
        and data_import.job_type == DataImport.JobType.DATAVALUE_IMPORT
        and data_import.user_id == user.pk
        and can_import(user)
        and bool(data_import.file)
        and data_import.file.storage.exists(data_import.file.name)
        and not data_import.reruns.exists()
    )
