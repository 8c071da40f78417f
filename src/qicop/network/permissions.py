"""Who may do what. Every permission decision of the network lives here, one condition a line.

A ``Viewer`` is loaded once per request (two queries at most) and answers every question from memory,
so that list pages do not ask the database once per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from qicop.network.models import Invitation, Member, Membership, Network, Role


@dataclass(frozen=True)
class Viewer:
    user_id: int | None
    is_superuser: bool = False
    member_id: int | None = None
    country_id: int | None = None
    roles: dict[int, frozenset[str]] = field(default_factory=dict)
    # Answers that need the database, asked at most once per request (coordinated_country_ids).
    _asked: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    def network_ids(self) -> set[int]:
        return set(self.roles)

    def has_role(self, network: Network | int, role: str) -> bool:
        network_id = network if isinstance(network, int) else network.pk
        return role in self.roles.get(network_id, ())

    def is_coordinator(self, network: Network | int) -> bool:
        return self.is_superuser or self.has_role(network, Role.COORDINATOR)

    def is_focal_point_for(self, network: Network | int, country_id: int | None) -> bool:
        return (
            self.has_role(network, Role.FOCAL_POINT)
            and country_id is not None
            and country_id == self.country_id
        )

    def is_coordinator_anywhere(self) -> bool:
        return self.is_superuser or any(Role.COORDINATOR in roles for roles in self.roles.values())

    def coordinated_network_ids(self) -> set[int]:
        return {network_id for network_id, roles in self.roles.items() if Role.COORDINATOR in roles}

    def coordinated_country_ids(self) -> set[int]:
        """The countries of the networks this viewer coordinates: a coordinator of one network answers for
        its countries, not for the countries of every network (one query, once per request)."""
        if "countries" not in self._asked:
            networks = self.coordinated_network_ids()
            self._asked["countries"] = (
                set(
                    Network.countries.through.objects.filter(network_id__in=networks).values_list(
                        "country_id", flat=True
                    )
                )
                if networks
                else set()
            )
        return self._asked["countries"]


ANONYMOUS = Viewer(user_id=None)

PARTICIPANT_ROLES = frozenset(
    {Role.COORDINATOR, Role.FOCAL_POINT, Role.DATA_MANAGER, Role.MEMBER, Role.CERTIFIER}
)


def is_participant(viewer: Viewer, network: Network | int) -> bool:
    """A member of the network in any role but "observer" only: observers read what is published
    (proceedings, case studies, resources) but do not take part in meetings and discussions."""
    network_id = network if isinstance(network, int) else network.pk
    return viewer.is_superuser or bool(viewer.roles.get(network_id, frozenset()) & PARTICIPANT_ROLES)


def viewer_for(user) -> Viewer:
    """The permission view of ``user``, cached on the user object for the rest of the request. A Viewer
    given instead of a user is its own answer (readers that are not people: see indicators.permissions)."""
    if isinstance(user, Viewer):
        return user
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_qicop_viewer", None)
    if cached is not None:
        return cached
    member = Member.objects.filter(user_id=user.pk).only("id", "country_id").order_by().first()
    roles: dict[int, set[str]] = {}
    if member is not None:
        for network_id, role in Membership.objects.filter(member=member).values_list("network_id", "role"):
            roles.setdefault(network_id, set()).add(role)
    viewer = Viewer(
        user_id=user.pk,
        is_superuser=user.is_superuser,
        member_id=member.pk if member else None,
        country_id=member.country_id if member else None,
        roles={network_id: frozenset(r) for network_id, r in roles.items()},
    )
    user._qicop_viewer = viewer
    return viewer


def forget_viewer(user) -> None:
    """Drop the cached permissions after a change of roles within the same request."""
    if hasattr(user, "_qicop_viewer"):
        del user._qicop_viewer


def can_view_network(viewer: Viewer, network: Network) -> bool:
    if viewer.is_superuser:
        return True
    return network.pk in viewer.roles


def can_invite(viewer: Viewer, network: Network, *, country_id: int | None, role: str) -> bool:
    if viewer.is_coordinator(network):
        return True
    if role == Role.COORDINATOR:
        return False
    return viewer.is_focal_point_for(network, country_id)


def invitable_roles(viewer: Viewer, network: Network) -> list[str]:
    if viewer.is_coordinator(network):
        return list(Role.values)
    if viewer.has_role(network, Role.FOCAL_POINT):
        return [r for r in Role.values if r != Role.COORDINATOR]
    return []


def can_manage_invitations(viewer: Viewer, network: Network) -> bool:
    return bool(invitable_roles(viewer, network))


def can_revoke_invitation(viewer: Viewer, invitation: Invitation) -> bool:
    return can_invite(viewer, invitation.network, country_id=invitation.country_id, role=invitation.role)


def can_manage_member(viewer: Viewer, network: Network, member: Member) -> bool:
    """Change a member's roles in a network: coordinators for anyone, focal points for their own country."""
    if viewer.is_coordinator(network):
        return True
    if viewer.member_id == member.pk:
        return False  # nobody promotes themselves
    return viewer.is_focal_point_for(network, member.country_id)


def can_see_email(viewer: Viewer, network: Network, member: Member) -> bool:
    if viewer.member_id is not None and viewer.member_id == member.pk:
        return True
    if viewer.is_coordinator(network):
        return True
    return viewer.is_focal_point_for(network, member.country_id)


def can_use_admin(viewer: Viewer) -> bool:
    return viewer.is_coordinator_anywhere()
