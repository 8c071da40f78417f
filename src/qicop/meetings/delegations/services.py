"""Delegations to in-person meetings and attendance recorded by hand: the writes, each atomic and audited.

A country's focal point names its delegation (coordinators may name any participating country's).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.meetings import permissions, times
from qicop.meetings.attendance.permissions import can_record_attendance
from qicop.meetings.attendance.selectors import GUEST
from qicop.meetings.delegations.permissions import has_delegations
from qicop.meetings.mail import triggers
from qicop.meetings.models import Attendance, Delegate, Meeting
from qicop.network.models import Country, Member, Membership
from qicop.network.permissions import viewer_for

# ---------------------------------------------------------------------------------------------------------
# Rules beyond meetings.permissions, one condition a line.


# ---------------------------------------------------------------------------------------------------------
# Reads


# ---------------------------------------------------------------------------------------------------------
# Writes


def _check_manager(actor, meeting: Meeting, country_id: int) -> None:
    if not permissions.can_manage_delegation(viewer_for(actor), meeting, country_id):
        raise PermissionDenied(_("Only the country's focal point or a coordinator names its delegation."))


def _clash(meeting: Meeting, country: Country, member: Member | None, role: str, exclude: int | None):
    """The reason a delegate cannot be saved as given (a ValidationError), or None."""
    others = Delegate.objects.filter(meeting=meeting).exclude(pk=exclude)
    if member is not None:
        twin = others.filter(member=member).select_related("country").first()
        if twin is not None:
            return ValidationError(
                {
                    "member": _("%(name)s is already in the delegation of %(country)s.")
                    % {"name": member.full_name, "country": twin.country.display_name}
                }
            )
    if role == Delegate.Role.HEAD:
        head = others.filter(country=country, role=Delegate.Role.HEAD).first()
        if head is not None:
            return ValidationError(
                {
                    "role": _(
                        "%(country)s already has a head of delegation: %(name)s. Give them another role "
                        "first."
                    )
                    % {"country": country.display_name, "name": head.full_name}
                }
            )
    return None


def _save(delegate: Delegate, *, exclude: int | None) -> None:
    clash = _clash(delegate.meeting, delegate.country, delegate.member, delegate.role, exclude)
    if clash is not None:
        raise clash
    try:
        with transaction.atomic():  # a savepoint: the constraint may still fire if someone was quicker
            delegate.save()
    except IntegrityError:
        clash = _clash(delegate.meeting, delegate.country, delegate.member, delegate.role, exclude)
        raise clash or ValidationError(_("The delegation changed meanwhile; please try again.")) from None


def _fill(
    delegate: Delegate,
    *,
    member: Member | None,
    full_name: str,
    email: str,
    job_title: str,
    affiliation: str,
    role: str,
) -> None:
    if member is not None and member.country_id != delegate.country_id:
        raise ValidationError(
            {
                "member": _("%(name)s is from %(country)s, not from %(delegation)s.")
                % {
                    "name": member.full_name,
                    "country": member.country.display_name,
                    "delegation": delegate.country.display_name,
                }
            }
        )
    if (
        member is not None
        and not Membership.objects.filter(member=member, network=delegate.meeting.network_id).exists()
    ):
        raise ValidationError(
            {"member": _("%(name)s is not a member of this network.") % {"name": member.full_name}}
        )
    full_name = full_name.strip() or (member.full_name if member else "")
    if not full_name:
        raise ValidationError({"full_name": _("Pick a member or type the delegate's full name.")})
    delegate.member = member
    delegate.full_name = full_name
    delegate.email = email.strip() or (member.user.email if member else "")
    delegate.job_title = job_title.strip() or (member.title if member else "")
    delegate.affiliation = affiliation
    delegate.role = role


@transaction.atomic
def add_delegate(
    *,
    actor,
    meeting: Meeting,
    country: Country,
    affiliation: str,
    role: str,
    member: Member | None = None,
    full_name: str = "",
    email: str = "",
    job_title: str = "",
) -> Delegate:
    """Add someone to ``country``'s delegation: a member of the network from that country (name, e-mail
    and job title default to the member's) or a person typed in. One head per country, each member once
    per meeting; a clash raises ValidationError keyed by the form field at fault."""
    _check_manager(actor, meeting, country.pk)
    if not has_delegations(meeting):
        raise ValidationError(_("Virtual meetings have no delegations."))
    if not meeting.countries.filter(pk=country.pk).exists():
        raise ValidationError(
            {
                "country": _("%(country)s does not take part in this meeting.")
                % {"country": country.display_name}
            }
        )
    delegate = Delegate(meeting=meeting, country=country, added_by=actor)
    _fill(
        delegate,
        member=member,
        full_name=full_name,
        email=email,
        job_title=job_title,
        affiliation=affiliation,
        role=role,
    )
    _save(delegate, exclude=None)
    audit(
        actor=actor,
        verb="meeting.delegate_add",
        target=meeting,
        delegate=delegate.pk,
        country=country.iso2,
        role=role,
    )
    _invite_if_late(meeting)
    return delegate


@transaction.atomic
def update_delegate(
    *,
    actor,
    delegate: Delegate,
    affiliation: str,
    role: str,
    member: Member | None = None,
    full_name: str = "",
    email: str = "",
    job_title: str = "",
) -> Delegate:
    """Change a delegate's details or role; the country stays (remove and add to move someone)."""
    _check_manager(actor, delegate.meeting, delegate.country_id)
    _fill(
        delegate,
        member=member,
        full_name=full_name,
        email=email,
        job_title=job_title,
        affiliation=affiliation,
        role=role,
    )
    _save(delegate, exclude=delegate.pk)
    audit(
        actor=actor, verb="meeting.delegate_change", target=delegate.meeting, delegate=delegate.pk, role=role
    )
    _invite_if_late(delegate.meeting)
    return delegate


def _invite_if_late(meeting: Meeting) -> None:
    """A delegate named after the invitations went out gets theirs too (see triggers.delegation_changed)."""

    triggers.delegation_changed(meeting)


@transaction.atomic
def remove_delegate(*, actor, delegate: Delegate) -> None:
    _check_manager(actor, delegate.meeting, delegate.country_id)
    audit(
        actor=actor,
        verb="meeting.delegate_remove",
        target=delegate.meeting,
        delegate=delegate.pk,
        name=delegate.full_name,
    )
    delegate.delete()


@transaction.atomic
def record_attendance(
    *,
    actor,
    meeting: Meeting,
    member: Member | None = None,
    minutes: float | None = None,
    guest_name: str = "",
    guest_email: str = "",
) -> Attendance:
    """Record by hand that ``member`` — or a named guest who is not a member — attended ``meeting`` (for
    the whole meeting unless ``minutes`` is given). Someone already recorded for the meeting is refused
    (ValidationError on "member", or on "guest_name" for a guest of the same name)."""
    if not can_record_attendance(actor, meeting):
        raise PermissionDenied(_("Only coordinators record attendance."))
    guest_name, guest_email = " ".join(guest_name.split()), guest_email.strip()
    if member is None and not guest_name:
        raise ValidationError({"member": _("Choose a member, or type the guest's name.")})
    # Lock the meeting row: two coordinators recording the same person at once get one row, not two.
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if member is not None and Attendance.objects.filter(meeting=meeting, member=member).exists():
        raise ValidationError(
            {
                "member": _("%(name)s is already recorded as attending this meeting.")
                % {"name": member.full_name}
            }
        )
    if (
        member is None
        and Attendance.objects.filter(meeting=meeting, member=None, name__iexact=guest_name).exists()
    ):
        raise ValidationError(
            {"guest_name": _("%(name)s is already recorded for this meeting.") % {"name": guest_name}}
        )
    if minutes is None:
        minutes = times.meeting_minutes(meeting)
    row = Attendance.objects.create(
        meeting=meeting,
        member=member,
        name=(member.full_name if member else guest_name)[:200],
        email=member.user.email if member else guest_email[:254],
        minutes=round(minutes, 1),
        first_joined=meeting.start,
        source=Attendance.Source.MANUAL,
        matched_by="hand" if member else GUEST,
    )
    audit(
        actor=actor,
        verb="meeting.attendance_record",
        target=meeting,
        member=member.pk if member else None,
        guest=None if member else guest_name,
        minutes=row.minutes,
    )
    return row
