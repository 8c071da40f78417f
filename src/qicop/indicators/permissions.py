"""Who may read and change which data values. The network's roles decide (network/permissions.py).

- coordinators: read and change everything;
- focal points and data managers: change their own country's values; read as members do;
- members: read every country's published values and all of their own country's;
- observers: read published national totals only.
"""

from __future__ import annotations

from qicop.network.models import Role
from qicop.network.permissions import Viewer, viewer_for

DATA_EDITOR_ROLES = {Role.FOCAL_POINT, Role.DATA_MANAGER}
READER_ROLES = {Role.FOCAL_POINT, Role.DATA_MANAGER, Role.MEMBER, Role.COORDINATOR}


def _roles(viewer: Viewer) -> set[str]:
    return {role for roles in viewer.roles.values() for role in roles}


def data_countries_for(user) -> set[int] | None:
    """Countries whose values ``user`` may change: None means every country; an empty set, none."""
    viewer = viewer_for(user)
    if viewer.is_coordinator_anywhere():
        return None
    if _roles(viewer) & DATA_EDITOR_ROLES and viewer.country_id is not None:
        return {viewer.country_id}
    return set()


def can_import(user) -> bool:
    return data_countries_for(user) != set()


def quality_countries(user) -> set[int] | None:
    """Countries whose data-quality findings ``user`` may read: None means every country; an empty set,
    none. The findings name values before they are published, so they follow the unpublished-data rule:
    coordinators see every country, the country's focal points, data managers and members their own;
    observers read published national totals only, and so see no findings."""
    viewer = viewer_for(user)
    if viewer.is_coordinator_anywhere():
        return None
    if _roles(viewer) & READER_ROLES and viewer.country_id is not None:
        return {viewer.country_id}
    return set()


def can_publish(user, country_id: int) -> bool:
    viewer = viewer_for(user)
    if viewer.is_coordinator_anywhere():
        return True
    return Role.FOCAL_POINT in _roles(viewer) and viewer.country_id == country_id


class ReadScope:
    """What a viewer may read: ``all`` values, plus ``own_country`` unpublished ones, plus published ones
    (all levels, or national totals only for observers)."""

    def __init__(self, user):
        viewer = viewer_for(user)
        roles = _roles(viewer)
        self.everything = viewer.is_coordinator_anywhere()
        self.own_country_id = viewer.country_id if roles & READER_ROLES else None
        self.published = bool(roles)
        self.national_only = bool(roles) and not roles & READER_ROLES


def published_data_reader(network_id: int) -> Viewer:
    """Reads as a member of no country would: every country's published values, nothing unpublished.
    What a published case study keeps of its charts, whoever pressed "publish"."""
    return Viewer(user_id=-1, roles={network_id: frozenset({Role.MEMBER})})
