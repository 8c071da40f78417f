"""Changing a member's roles: coordinators for anyone, focal points for their own country only."""

import pytest
from django.core.exceptions import PermissionDenied

from qicop.network.models import Membership, Role
from qicop.network.services import set_member_roles


def roles_of(world, member):
    return set(Membership.objects.filter(member=member, network=world.network).values_list("role", flat=True))


def test_a_focal_point_makes_a_member_of_their_country_a_data_manager(world):
    response = world.client_for("faith").post(
        f"/n/vln/members/{world.kim.pk}/roles/", {"roles": ["member", "data_manager"]}
    )
    assert response.status_code == 302
    assert roles_of(world, world.kim) == {"member", "data_manager"}


def test_a_focal_point_cannot_change_roles_in_another_country(world):
    response = world.client_for("faith").post(
        f"/n/vln/members/{world.henri.pk}/roles/", {"roles": ["observer"]}
    )
    assert response.status_code == 403
    assert roles_of(world, world.henri) == {"member"}


def test_a_focal_point_cannot_make_anyone_coordinator(world):
    with pytest.raises(PermissionDenied):
        set_member_roles(
            actor=world.faith.user, network=world.network, member=world.kim, roles=[Role.COORDINATOR]
        )
    response = world.client_for("faith").post(
        f"/n/vln/members/{world.kim.pk}/roles/", {"roles": ["coordinator"]}
    )
    assert roles_of(world, world.kim) == {"member"}
    assert response.status_code == 302  # the form refuses the choice and says so


def test_nobody_changes_their_own_roles_unless_coordinator(world):
    assert (
        world.client_for("faith")
        .post(f"/n/vln/members/{world.faith.pk}/roles/", {"roles": ["member"]})
        .status_code
        == 403
    )


def test_a_coordinator_changes_anyones_roles_and_it_is_audited(world):
    from qicop.core.models import AuditEntry

    world.client_for("carla").post(f"/n/vln/members/{world.henri.pk}/roles/", {"roles": ["focal_point"]})
    assert roles_of(world, world.henri) == {"focal_point"}
    entry = AuditEntry.objects.get(verb="membership.set_roles")
    assert entry.data["before"] == ["member"] and entry.data["after"] == ["focal_point"]


def test_members_see_no_role_form_and_cannot_post_one(world):
    assert (
        "Change roles" not in world.client_for("dan").get(f"/n/vln/members/{world.kim.pk}/").content.decode()
    )
    assert (
        world.client_for("dan")
        .post(f"/n/vln/members/{world.kim.pk}/roles/", {"roles": ["observer"]})
        .status_code
        == 403
    )
