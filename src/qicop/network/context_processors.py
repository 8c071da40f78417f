"""The main menu's view of the viewer's roles in the current network (a template context processor)."""

from functools import cached_property

from qicop.network.models import Role
from qicop.network.permissions import viewer_for


class _Every:
    """Every network: a superuser's answer to "which networks?"."""

    def __contains__(self, network_id) -> bool:
        return True


class Navigation:
    """What the main menu offers in the current network, by the viewer's roles.

    Read by base.html as ``{% if network.pk in nav.member_of %}``. Nothing is computed until a page of a
    network asks, and then from the permissions the view already loaded for the request (viewer_for
    keeps them on the user): the menu adds no query to a page.
    """

    def __init__(self, request):
        self._request = request

    @cached_property
    def _viewer(self):
        return viewer_for(getattr(self._request, "user", None))

    @cached_property
    def member_of(self):
        """The networks where the viewer has a role (all of them for a superuser)."""
        viewer = self._viewer
        return _Every() if viewer.is_superuser else frozenset(viewer.roles)

    @cached_property
    def observer_only_in(self) -> frozenset[int]:
        """The networks where the viewer is an observer and nothing else: they read the published
        proceedings, case studies and resources, and take no part in meetings and discussions."""
        viewer = self._viewer
        if viewer.is_superuser:
            return frozenset()
        return frozenset(n for n, roles in viewer.roles.items() if roles and roles <= {Role.OBSERVER})


def navigation(request):
    return {"nav": Navigation(request)}
