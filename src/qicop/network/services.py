"""Every write of the network app. Each service is atomic and leaves an audit entry."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.accounts.models import normalize_email
from qicop.accounts.services import create_user
from qicop.core.audit import audit
from qicop.core.i18n import is_valid_time_zone, language_codes
from qicop.network import permissions
from qicop.network.models import (
    Country,
    Invitation,
    LastVisit,
    Member,
    Membership,
    Network,
    Organisation,
    Role,
)
from qicop.network.tasks import send_invitation_email

#: Hits of a network's home closer together than this are one visit: "what changed" counts from the visit
#: before, and the stored moment is written again at most this often.
VISIT_GAP = timedelta(minutes=30)
#: A first visit (or one after a long absence) looks back this far, no further.
VISIT_LOOK_BACK = timedelta(days=30)


def record_visit(*, member_id: int | None, network: Network, now: datetime | None = None) -> datetime:
    """Note that ``member_id`` opened ``network``'s home at ``now`` and return the moment "what changed
    since my last visit" counts from: the end of their previous visit (30 days back at most, and on a first
    visit). Hits within VISIT_GAP of the last one written belong to the same visit and write nothing, so
    a page read often seldom writes. Not audited: a page view is not an act on the network's data.
    One query when nothing is written, two or three otherwise."""
    now = now or timezone.now()
    oldest = now - VISIT_LOOK_BACK
    if member_id is None:
        return oldest
    visit = LastVisit.objects.filter(member_id=member_id, network=network).first()
    if visit is None:
        try:
            with transaction.atomic():
                LastVisit.objects.create(member_id=member_id, network=network, seen_at=now)
        except IntegrityError:  # the same member's other tab got there first
            pass
        return oldest
    if now - visit.seen_at >= VISIT_GAP:  # a new visit: the last one ended at seen_at
        LastVisit.objects.filter(pk=visit.pk, seen_at=visit.seen_at).update(
            previous_at=visit.seen_at, seen_at=now
        )
        since = visit.seen_at
    elif now - visit.seen_at >= VISIT_GAP / 6:  # the same visit, still going: keep its end current
        LastVisit.objects.filter(pk=visit.pk).update(seen_at=now)
        since = visit.previous_at or oldest
    else:
        since = visit.previous_at or oldest
    return min(max(since, oldest), now)


def check_invitation_usable(invitation: Invitation) -> None:
    status = invitation.status
    if status == "accepted":
        raise ValidationError(
            _("This invitation has already been used. Sign in with your e-mail address instead."), code="used"
        )
    if status == "revoked":
        raise ValidationError(
            _("This invitation was withdrawn. Ask the person who invited you for a new one."), code="revoked"
        )
    if status == "expired":
        raise ValidationError(
            _("This invitation has expired. Ask the person who invited you for a new one."), code="expired"
        )


@transaction.atomic
def invite_member(
    *,
    actor,
    network: Network,
    email: str,
    full_name: str,
    role: str,
    country: Country,
    organisation: Organisation | None = None,
    language: str = "en",
) -> Invitation:
    """Invite someone by e-mail to join ``network`` in ``role`` for ``country`` and queue the e-mail.

    Coordinators invite anyone; focal points invite people of their own country, in any role but coordinator.
    """
    viewer = permissions.viewer_for(actor)
    if not permissions.can_invite(viewer, network, country_id=country.pk, role=role):
        raise PermissionDenied(_("You may not invite people to this country in this role."))
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("Unknown role.")]
    if language not in language_codes():
        errors["language"] = [_("Unknown language.")]
    if not network.countries.filter(pk=country.pk).exists():
        errors["country"] = [_("This country is not part of the network.")]
    if organisation is not None and organisation.country_id != country.pk:
        errors["organisation"] = [_("This organisation is in another country.")]
    if Membership.objects.filter(network=network, member__user__email=email).exists():
        errors["email"] = [_("Someone with this e-mail address is already a member of this network.")]
    elif Invitation.objects.filter(
        network=network,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).exists():
        errors["email"] = [_("This address already has a pending invitation to this network.")]
    if errors:
        raise ValidationError(errors)
    invitation = Invitation.objects.create(
        network=network,
        country=country,
        organisation=organisation,
        email=email,
        full_name=full_name.strip(),
        role=role,
        language=language,
        invited_by=actor,
        nonce=secrets.token_hex(16),
        expires_at=Invitation.default_expiry(),
    )
    audit(
        actor=actor, verb="invitation.create", target=invitation, email=email, role=role, country=country.iso2
    )
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> None:
    viewer = permissions.viewer_for(actor)
    if not permissions.can_revoke_invitation(viewer, invitation):
        raise PermissionDenied(_("You may not withdraw this invitation."))
    if invitation.status != "pending":
        raise ValidationError(_("Only a pending invitation can be withdrawn."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at", "updated_at"])
    audit(actor=actor, verb="invitation.revoke", target=invitation)


@transaction.atomic
def accept_invitation(
    *,
    invitation: Invitation,
    user=None,
    full_name: str = "",
    password: str = "",
    language: str = "",
    time_zone: str = "",
) -> Member:
    """Turn an invitation into a membership, creating the account and profile when the person is new.

    ``user`` is the signed-in account of someone who already has one; it must own the invited address.
    The invitation row is locked, so the same link cannot be accepted twice even by two requests at once.
    """
    invitation = (
        Invitation.objects.select_for_update().select_related("network", "country").get(pk=invitation.pk)
    )
    check_invitation_usable(invitation)
    if user is not None and user.is_authenticated:
        if normalize_email(user.email) != invitation.email:
            raise ValidationError(
                _("This invitation is for %(email)s. Sign out and open the link again.")
                % {"email": invitation.email}
            )
        member = Member.objects.filter(user=user).first()
        if member is None:
            member = Member.objects.create(
                user=user,
                full_name=full_name or invitation.full_name,
                country=invitation.country,
                organisation=invitation.organisation,
            )
    else:
        if get_user_model().objects.filter(email=invitation.email).exists():
            raise ValidationError(
                _("You already have an account. Sign in first, then open the link again."),
                code="account_exists",
            )
        if time_zone and not is_valid_time_zone(time_zone):
            raise ValidationError({"time_zone": [_("Unknown time zone.")]})
        user = create_user(
            email=invitation.email,
            password=password,
            language=language or invitation.language,
            time_zone=time_zone,
        )
        member = Member.objects.create(
            user=user,
            full_name=(full_name or invitation.full_name).strip(),
            country=invitation.country,
            organisation=invitation.organisation,
        )
    Membership.objects.get_or_create(member=member, network=invitation.network, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    permissions.forget_viewer(user)
    audit(actor=user, verb="invitation.accept", target=invitation, member=member.pk)
    return member


@transaction.atomic
def set_member_roles(*, actor, network: Network, member: Member, roles: list[str]) -> None:
    """Replace ``member``'s roles in ``network``. Focal points cannot grant or remove the coordinator role."""
    viewer = permissions.viewer_for(actor)
    if not permissions.can_manage_member(viewer, network, member):
        raise PermissionDenied(_("You may not change this member's roles."))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": [_("Unknown role.")]})
    current = set(Membership.objects.filter(network=network, member=member).values_list("role", flat=True))
    wanted = set(roles)
    if not viewer.is_coordinator(network) and (Role.COORDINATOR in current) != (Role.COORDINATOR in wanted):
        raise PermissionDenied(_("Only a coordinator can grant or remove the coordinator role."))
    if not wanted:
        raise ValidationError(
            {"roles": [_("Choose at least one role; to remove someone, ask a coordinator.")]}
        )
    Membership.objects.filter(network=network, member=member, role__in=current - wanted).delete()
    Membership.objects.bulk_create(
        [Membership(network=network, member=member, role=r) for r in wanted - current]
    )
    audit(
        actor=actor,
        verb="membership.set_roles",
        target=member,
        network=network.slug,
        before=sorted(current),
        after=sorted(wanted),
    )


@transaction.atomic
def update_member_profile(*, actor, member: Member, **fields) -> Member:
    """Change a member's own profile. Only the member themself edits it (coordinators use the admin)."""
    if actor.pk != member.user_id:
        raise PermissionDenied(_("You can only edit your own profile."))
    allowed = {"full_name", "title", "organisation", "languages", "photo", "bio"}
    changed = sorted(k for k in fields if k in allowed)
    for key in changed:
        value = fields[key]
        if key == "photo":
            if value is None:
                continue  # no new upload: keep the photo
            value = value or ""  # False means "clear"
        setattr(member, key, value)
    member.full_clean()
    member.save()
    audit(actor=actor, verb="member.update", target=member, fields=changed)
    return member
