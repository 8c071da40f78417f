"""Delegations to in-person meetings, invitation letters, attendance recorded by hand and certificates.

A country's focal point names its delegation (coordinators may name any participating country's);
letters and certificates are templates rendered to PDF. Every write is atomic and audited.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.i18n import country_language, reader_language
from qicop.core.pdf import html_to_pdf
from qicop.meetings import permissions
from qicop.meetings.attendance.services import GUEST, can_record_attendance, is_guest
from qicop.meetings.mail import triggers
from qicop.meetings.models import Attendance, Delegate, Meeting
from qicop.network.models import Country, Member, Membership
from qicop.network.permissions import Viewer, viewer_for

# ---------------------------------------------------------------------------------------------------------
# Rules beyond meetings.permissions, one condition a line.


def has_delegations(meeting: Meeting) -> bool:
    """Only in-person and hybrid meetings have delegations: a virtual session has registrations."""
    return meeting.kind != Meeting.Kind.VIRTUAL


def can_see_delegate_email(viewer: Viewer, meeting: Meeting, country_id: int) -> bool:
    return permissions.can_manage_delegation(viewer, meeting, country_id)


def can_download_letter(viewer: Viewer, delegate: Delegate) -> bool:
    if permissions.can_manage_delegation(viewer, delegate.meeting, delegate.country_id):
        return True
    return viewer.member_id is not None and delegate.member_id == viewer.member_id


def has_certificate(attendance: Attendance) -> bool:
    """A member's attendance, or a named guest's the coordinator added or confirmed; not an unmatched row
    of a report ("iPhone (2)"), whom nobody vouched for."""
    return attendance.member_id is not None or is_guest(attendance)


def can_download_certificate(viewer: Viewer, attendance: Attendance) -> bool:
    if not has_certificate(attendance):
        return False
    if viewer.is_coordinator(attendance.meeting.network_id):
        return True  # a guest has no account: the coordinator hands the certificate over
    return attendance.member_id is not None and attendance.member_id == viewer.member_id


def manageable_countries(viewer: Viewer, meeting: Meeting) -> list[Country]:
    """The participating countries whose delegation the viewer names (prefetch meeting.countries)."""
    if not has_delegations(meeting):
        return []
    return [c for c in meeting.countries.all() if permissions.can_manage_delegation(viewer, meeting, c.pk)]


# ---------------------------------------------------------------------------------------------------------
# Reads


def delegates_of(meeting: Meeting) -> QuerySet[Delegate]:
    """The meeting's delegates by country, each head of delegation first."""
    head_first = Case(
        When(role=Delegate.Role.HEAD, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        Delegate.objects.filter(meeting=meeting)
        .select_related("country", "member__user")
        .order_by("country__name", head_first, "full_name", "id")
    )


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
        minutes = (meeting.end - meeting.start).total_seconds() / 60
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


# ---------------------------------------------------------------------------------------------------------
# Invitation letters


def _language_of(member: Member | None, country=None) -> str:
    """The language a letter or certificate is written in: the member's (their account's, else their
    country's, as for e-mails); for a delegate without an account, the first of their country's languages
    the site has; else the reader's."""
    if member is not None:
        return reader_language(member)
    return country_language(country) or translation.get_language() or settings.LANGUAGE_CODE


def invitation_letters_html(delegates: list[Delegate]) -> str:
    """One letter a delegate (page breaks between), each in the delegate's language. ``delegates`` come
    from ``delegates_of`` (one meeting)."""
    if not delegates:
        return ""
    meeting = delegates[0].meeting
    letters = [{"delegate": d, "language": _language_of(d.member, d.country)} for d in delegates]
    return render_to_string(
        "meetings/letter_invitation.html",
        {
            "letters": letters,
            "meeting": meeting,
            "network": meeting.network,
            "host": meeting.host_country,
            "today": timezone.now(),
        },
    )


def invitation_letters_pdf(delegates: list[Delegate]) -> bytes:
    return html_to_pdf(invitation_letters_html(delegates))


# ---------------------------------------------------------------------------------------------------------
# Certificates of attendance

CERTIFICATE_SALT = "qicop.meetings.certificate"


def certificate_code(attendance: Attendance) -> str:
    """A signature of the attendance row, printed on the certificate. It also names the meeting and the
    member — for a guest, ``0`` and the guest's name — so that a certificate stays verifiable after a
    re-import of the report renumbers the rows."""
    if attendance.member_id is None:
        value = f"{attendance.pk}-{attendance.meeting_id}-0-{attendance.name}"
    else:
        value = f"{attendance.pk}-{attendance.meeting_id}-{attendance.member_id}"
    return signing.Signer(salt=CERTIFICATE_SALT).sign(value)


def attendance_for_code(code: str) -> Attendance | None:
    """The attendance a genuine code certifies, or None for a forged, mistyped or withdrawn one."""
    try:
        value = signing.Signer(salt=CERTIFICATE_SALT).unsign(code.strip())
        parts = value.split("-", 3)
        attendance_id, meeting_id, member_id = (int(part) for part in parts[:3])
    except (signing.BadSignature, ValueError):
        return None
    rows = Attendance.objects.select_related("meeting__network", "member")
    if member_id == 0 and len(parts) == 4:  # a guest, who stays certified while still a guest
        rows = rows.filter(meeting_id=meeting_id, member=None, matched_by=GUEST)
        return rows.filter(pk=attendance_id).first() or rows.filter(name=parts[3]).first()
    rows = rows.filter(meeting_id=meeting_id, member_id=member_id)
    return rows.filter(pk=attendance_id).first() or rows.first()


def verification_url(code: str) -> str:
    return f"{settings.BASE_URL}{reverse('meetings:certificate_verify')}?{urlencode({'code': code})}"


def certificate_html(attendance: Attendance) -> str:
    """The certificate in the member's language (the reader's when the member chose none, or for a
    guest)."""
    code = certificate_code(attendance)
    with translation.override(_language_of(attendance.member)):
        return render_to_string(
            "meetings/certificate.html",
            {
                "attendance": attendance,
                "member": attendance.member,
                "name": attendance.member.full_name if attendance.member else attendance.name,
                "meeting": attendance.meeting,
                "network": attendance.meeting.network,
                "minutes": round(attendance.minutes),
                "code": code,
                "verify_url": verification_url(code),
            },
        )


def certificate_pdf(attendance: Attendance) -> bytes:
    return html_to_pdf(certificate_html(attendance))


# ---------------------------------------------------------------------------------------------------------
# Demo data

DEMO_CDC_TITLES = ["Care and Treatment Branch Chief", "Public Health Advisor", "HIV Prevention Specialist"]
DEMO_MOH_TITLES = [
    "Director of Clinical Services",
    "National HIV Care and Treatment Coordinator",
    "Head, Quality Assurance Unit",
    "Deputy Director, HIV Programme",
]


@transaction.atomic
def load_demo() -> None:
    """Delegations for the demo's all-country meetings and attendance for its held virtual sessions.
    Idempotent: a meeting that already has delegates, or attendance, is left as it is."""
    import random

    from qicop.network.demo import COUNTRIES

    seeds = {s.iso2: s for s in COUNTRIES}
    for meeting in Meeting.objects.filter(network__slug="all-country").prefetch_related("countries"):
        if not Delegate.objects.filter(meeting=meeting).exists():
            _demo_delegations(meeting, seeds, random.Random(meeting.start.year))
        if not Attendance.objects.filter(meeting=meeting).exists():
            _demo_attendance_of_delegates(meeting)
    held = Meeting.objects.filter(network__slug="virtual", status=Meeting.Status.HELD)
    for meeting in held.prefetch_related("countries").order_by("start"):
        if not Attendance.objects.filter(meeting=meeting).exists():
            _demo_session_attendance(meeting, random.Random(meeting.pk))


def _demo_delegations(meeting: Meeting, seeds, rng) -> None:
    members: dict[int, list[Member]] = {}
    # Coordinators run the meeting; they are not part of their country's delegation.
    network_members = (
        Member.objects.filter(memberships__network=meeting.network_id)
        .exclude(memberships__network=meeting.network_id, memberships__role="coordinator")
        .distinct()
    )
    for m in network_members.select_related("user", "organisation").order_by("pk"):
        members.setdefault(m.country_id, []).append(m)
    delegates = []
    for index, country in enumerate(sorted(meeting.countries.all(), key=lambda c: c.iso2)):
        # Panellists and presenters rotate over the countries from year to year; the host sits on the panel.
        special = (Delegate.Role.PANELLIST, Delegate.Role.PRESENTER, None)[(index + meeting.start.year) % 3]
        if country.pk == meeting.host_country_id:
            special = Delegate.Role.PANELLIST
        people = _demo_country_delegation(members.get(country.pk, []), seeds[country.iso2], rng, special)
        delegates += [
            Delegate(
                meeting=meeting,
                country=country,
                member=member,
                full_name=name,
                email=member.user.email if member else "",
                job_title=title,
                affiliation=affiliation,
                role=role,
            )
            for member, name, title, affiliation, role in people
        ]
    Delegate.objects.bulk_create(delegates)


def _demo_country_delegation(mine: list[Member], seed, rng, special: str | None) -> list[tuple]:
    """(member or None, name, job title, affiliation, role) of one country's delegation: the country's
    members where the demo has them, invented people (from the country's names) for the rest."""
    used = {m.full_name for m in mine}

    def invented() -> str:
        for _attempt in range(50):
            name = f"{rng.choice(seed.first_names)} {rng.choice(seed.last_names)}"
            if name not in used:
                used.add(name)
                return name
        return f"{seed.first_names[0]} {seed.last_names[0]}"

    def kind_of(m: Member) -> str:
        return getattr(m.organisation, "kind", "other")

    moh = [m for m in mine if kind_of(m) == "moh"]
    cdc = [m for m in mine if kind_of(m) == "cdc"]
    partner = [m for m in mine if kind_of(m) == "partner"]
    A, R = Delegate.Affiliation, Delegate.Role
    people = [
        (moh[0], moh[0].full_name, moh[0].title, A.MOH, R.HEAD)
        if moh
        else (None, invented(), rng.choice(DEMO_MOH_TITLES), A.MOH, R.HEAD),
        (None, invented(), rng.choice(DEMO_MOH_TITLES), A.MOH, R.DELEGATE),
        (cdc[0], cdc[0].full_name, cdc[0].title, A.CDC, R.DELEGATE)
        if cdc
        else (None, invented(), rng.choice(DEMO_CDC_TITLES), A.CDC, R.DELEGATE),
    ]
    if special is not None:
        if moh[1:]:
            people.append((moh[1], moh[1].full_name, moh[1].title, A.MOH, special))
        elif partner:
            people.append((partner[0], partner[0].full_name, partner[0].title, A.PARTNER, special))
        else:
            people.append((None, invented(), "Quality Improvement Advisor", A.MOH, special))
    return people


def _demo_attendance_of_delegates(meeting: Meeting) -> None:
    minutes = (meeting.end - meeting.start).total_seconds() / 60
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=d.member,
            name=d.full_name,
            email=d.email,
            minutes=minutes,
            first_joined=meeting.start,
            source=Attendance.Source.MANUAL,
            matched_by="hand",
        )
        for d in Delegate.objects.filter(meeting=meeting, member__isnull=False)
    )


def _demo_session_attendance(meeting: Meeting, rng) -> None:
    from datetime import timedelta

    network = meeting.network_id
    coordinators = set(
        Membership.objects.filter(network=network, role="coordinator").values_list("member_id", flat=True)
    )
    people = (
        Member.objects.filter(memberships__network=network)
        .filter(Q(country__in=meeting.countries.all()) | Q(pk__in=coordinators))
        .exclude(memberships__network=network, memberships__role="observer")
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    rows = []
    for member in people:
        if member.pk not in coordinators and rng.random() > 0.7:
            continue  # not everyone comes
        late = rng.choice([0, 0, 2, 5, 12])
        rows.append(
            Attendance(
                meeting=meeting,
                member=member,
                name=member.full_name,
                email=member.user.email,
                minutes=float(90 - late - rng.choice([0, 0, 0, 10, 25])),
                first_joined=meeting.start + timedelta(minutes=late),
                source=Attendance.Source.ZOOM,
                matched_by="email",
            )
        )
    for number in range(rng.randint(1, 3)):  # people who joined from a phone, not matched to a member
        rows.append(
            Attendance(
                meeting=meeting,
                name=f"iPhone ({number + 1})",
                minutes=float(rng.randint(20, 80)),
                first_joined=meeting.start + timedelta(minutes=5),
                source=Attendance.Source.ZOOM,
            )
        )
    Attendance.objects.bulk_create(sorted(rows, key=lambda r: r.name))
