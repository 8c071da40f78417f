"""Invitations: who may invite whom, the single-use expiring link, and accepting it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone, translation

from qicop.accounts.models import User
from qicop.core.models import AuditEntry
from qicop.network import services
from qicop.network.models import Invitation, Membership, Role


def invite(world, actor, *, email="new@example.org", role=Role.MEMBER, country=None, **extra):
    return services.invite_member(
        actor=actor.user if hasattr(actor, "user") else actor,
        network=world.network,
        email=email,
        full_name="New Person",
        role=role,
        country=country or world.kenya,
        **extra,
    )


def link_from_last_email() -> str:
    return re.search(r"http://\S+/invite/\S+/", mail.outbox[-1].body).group(0)


def test_a_coordinator_invites_a_focal_point_of_any_country(world):
    invitation = invite(world, world.carla, role=Role.FOCAL_POINT, country=world.haiti)
    assert invitation.status == "pending"
    assert mail.outbox[-1].to == ["new@example.org"]


def test_a_focal_point_invites_members_of_their_own_country(world):
    invitation = invite(world, world.faith, role=Role.DATA_MANAGER, country=world.kenya)
    assert invitation.country == world.kenya


def test_a_focal_point_cannot_invite_into_another_country(world):
    with pytest.raises(PermissionDenied):
        invite(world, world.faith, country=world.haiti)
    assert not Invitation.objects.exists()


def test_a_focal_point_cannot_invite_a_coordinator(world):
    with pytest.raises(PermissionDenied):
        invite(world, world.faith, role=Role.COORDINATOR)


@pytest.mark.parametrize("persona", ["dan", "kim", "henri", "olga"])
def test_members_without_a_managing_role_cannot_invite(world, persona):
    with pytest.raises(PermissionDenied):
        invite(world, getattr(world, persona))


def test_an_address_already_in_the_network_is_refused_whatever_its_case(world):
    with pytest.raises(ValidationError) as error:
        invite(world, world.carla, email="KIM@Example.org")
    assert "already a member" in str(error.value.message_dict["email"])


def test_a_second_pending_invitation_to_the_same_address_is_refused(world):
    invite(world, world.carla)
    with pytest.raises(ValidationError) as error:
        invite(world, world.carla, email="New@example.org")
    assert "pending invitation" in str(error.value.message_dict["email"])
    assert Invitation.objects.count() == 1


def test_the_invitation_email_is_written_in_the_language_chosen_for_the_invitee(world):
    invite(world, world.carla, country=world.haiti, language="fr")
    with translation.override("fr"):
        french = translation.gettext("Invitation to join %(network)s") % {"network": world.network.name}
    assert french.startswith("Invitation à")
    assert mail.outbox[-1].subject == french


def test_the_subject_is_plain_text_not_html(world):
    world.network.name = "Care & Treatment Network"
    world.network.save()
    invite(world, world.carla)
    assert mail.outbox[-1].subject == "Invitation to join Care & Treatment Network"


def test_accepting_creates_the_account_the_profile_and_the_membership(world):
    invite(world, world.faith, role=Role.DATA_MANAGER, email="grace@example.org")
    client = Client()
    response = client.post(
        link_from_last_email(),
        {
            "full_name": "Grace Wanjiku",
            "password1": "Kenya-Data-2026!",
            "password2": "Kenya-Data-2026!",
            "language": "en",
            "time_zone": "Africa/Nairobi",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="grace@example.org")
    assert user.member.full_name == "Grace Wanjiku"
    assert user.member.country == world.kenya
    assert Membership.objects.filter(
        member=user.member, network=world.network, role=Role.DATA_MANAGER
    ).exists()
    assert client.get("/n/vln/").status_code == 200  # signed in straight away
    assert AuditEntry.objects.filter(verb="invitation.accept").exists()


def test_a_link_works_only_once(world):
    invite(world, world.carla, email="once@example.org")
    link = link_from_last_email()
    data = {
        "full_name": "Once",
        "password1": "Only-Once-2026!",
        "password2": "Only-Once-2026!",
        "language": "en",
        "time_zone": "UTC",
    }
    assert Client().post(link, data).status_code == 302
    response = Client().get(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_an_expired_link_says_so(world):
    invitation = invite(world, world.carla)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().get(link_from_last_email())
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_withdrawn_link_says_so(world):
    invitation = invite(world, world.carla)
    services.revoke_invitation(actor=world.carla.user, invitation=invitation)
    response = Client().get(link_from_last_email())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_tampered_link_is_rejected(world):
    invite(world, world.carla)
    link = link_from_last_email()
    response = Client().get(link[:-6] + "XXXXX/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_a_weak_password_is_refused_with_the_reason_and_nothing_is_created(world):
    invite(world, world.carla, email="weak@example.org")
    response = Client().post(
        link_from_last_email(),
        {
            "full_name": "Weak Password",
            "password1": "password",
            "password2": "password",
            "language": "en",
            "time_zone": "UTC",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "too common" in page or "too short" in page
    assert 'value="Weak Password"' in page  # what the user typed is kept
    assert not User.objects.filter(email="weak@example.org").exists()


def test_an_unknown_time_zone_is_refused_specifically(world):
    invite(world, world.carla, email="tz@example.org")
    response = Client().post(
        link_from_last_email(),
        {
            "full_name": "Tz",
            "password1": "Good-Password-2026!",
            "password2": "Good-Password-2026!",
            "language": "en",
            "time_zone": "Mars/Olympus_Mons",
        },
    )
    assert response.status_code == 400
    assert "Unknown time zone: Mars/Olympus_Mons" in response.content.decode()
    assert not User.objects.filter(email="tz@example.org").exists()


def test_someone_with_an_account_signs_in_and_joins_another_network(world):
    Membership.objects.create(member=world.carla, network=world.other_network, role=Role.COORDINATOR)
    services.invite_member(
        actor=world.carla.user,
        network=world.other_network,
        email="kim@example.org",
        full_name="Kim Member",
        role=Role.MEMBER,
        country=world.kenya,
    )
    link = link_from_last_email()
    assert "Sign in" in Client().get(link).content.decode()
    client = world.client_for("kim")
    assert client.post(link).status_code == 302
    assert Membership.objects.filter(member=world.kim, network=world.other_network).exists()


def test_a_signed_in_user_cannot_accept_an_invitation_meant_for_someone_else(world):
    invite(world, world.carla, email="someone@example.org")
    client = world.client_for("henri")
    response = client.post(link_from_last_email(), follow=True)
    assert "This invitation is for someone@example.org" in response.content.decode()
    assert not Invitation.objects.get(email="someone@example.org").accepted_at


def test_the_invitations_page_sends_an_invitation_and_redisplays_errors(world):
    client = world.client_for("faith")
    response = client.post(
        "/n/vln/invitations/",
        {"full_name": "", "email": "not-an-address", "role": "member", "country": "KE", "language": "en"},
    )
    assert response.status_code == 400
    assert 'value="not-an-address"' in response.content.decode()
    response = client.post(
        "/n/vln/invitations/",
        {
            "full_name": "Peter Otieno",
            "email": "peter@example.org",
            "role": "member",
            "country": "KE",
            "language": "en",
        },
    )
    assert response.status_code == 302
    assert Invitation.objects.get(email="peter@example.org").invited_by == world.faith.user


def test_the_invitations_page_offers_a_focal_point_only_their_country(world):
    page = world.client_for("faith").get("/n/vln/invitations/").content.decode()
    assert '<option value="KE"' in page
    assert '<option value="HT"' not in page
    assert 'value="coordinator"' not in page
    response = world.client_for("faith").post(
        "/n/vln/invitations/",
        {"full_name": "X", "email": "x@example.org", "role": "member", "country": "HT", "language": "en"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_a_focal_point_sees_and_withdraws_only_their_countrys_invitations(world):
    haiti = invite(world, world.carla, email="ht@example.org", country=world.haiti)
    kenya = invite(world, world.carla, email="ke@example.org")
    page = world.client_for("faith").get("/n/vln/invitations/").content.decode()
    assert "ke@example.org" in page
    assert "ht@example.org" not in page
    assert world.client_for("faith").post(f"/n/vln/invitations/{haiti.pk}/withdraw/").status_code == 404
    assert world.client_for("faith").post(f"/n/vln/invitations/{kenya.pk}/withdraw/").status_code == 302
    kenya.refresh_from_db()
    assert kenya.status == "revoked"
