"""Who gets which meeting mail: participants, registered members, delegates (members or addresses), the
countries' focal points, less whoever had that mail already or unsubscribed from its kind."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, Trim

from qicop.core.i18n import country_language, first_time_zone
from qicop.meetings.models import (
    Attendance,
    CasePresentation,
    Delegate,
    MailOptOut,
    Meeting,
    Registration,
    SentMail,
)
from qicop.network.models import Country, Member, Membership, Role
from qicop.network.permissions import PARTICIPANT_ROLES

Kind = MailOptOut.Kind


INVITATION_PREFIX = "invitation:{meeting}:"
CANCELLATION_PREFIX = "cancellation:{meeting}:"


# ------------------------------------------------------------------------------------------ recipients


def participants(network_id: int, meeting: Meeting | None = None) -> QuerySet[Member]:
    """Active members of the network in any role but observer: observers get no meeting mail — unless
    they are delegates to ``meeting``, named by their country for it."""
    roles = Membership.objects.filter(network_id=network_id, role__in=PARTICIPANT_ROLES)
    chosen = Q(pk__in=roles.values("member_id"))
    if meeting is not None:
        chosen |= Q(pk__in=delegate_ids(meeting))
    return Member.objects.filter(chosen, user__is_active=True).select_related("user", "country")


def delegate_ids(meeting: Meeting):
    return Delegate.objects.filter(meeting=meeting, member__isnull=False).values("member_id")


@dataclass(frozen=True)
class Address:
    """A delegate who is not a member, mailed at the address their focal point gave. ``country`` is None
    for an address that had the invitation but whose delegate is known no more."""

    email: str  # lower case: the key of SentMail and MailOptOut
    full_name: str
    country: Country | None
    fallback_zone: str = ""  # the meeting's, for a country without a zone (or no country)

    @property
    def language(self) -> str:
        """The first of the country's languages the site has (as for their invitation letter)."""
        return country_language(self.country) or settings.LANGUAGE_CODE

    @property
    def zone(self) -> str:
        return first_time_zone(self.country.time_zone if self.country is not None else "", self.fallback_zone)


def delegate_addresses(
    meeting: Meeting, kind: str, *, members: QuerySet[Member], records: QuerySet[SentMail]
) -> list[Address]:
    """The meeting's delegates who are not members and have an e-mail, once per address, for a mail of
    ``kind`` whose member recipients are ``members`` and whose records are ``records``; leaves out the
    addresses ``_not_to_mail`` names. A virtual meeting has no delegates: nothing is asked of the
    database."""
    if meeting.kind == Meeting.Kind.VIRTUAL:
        return []
    delegates = (
        Delegate.objects.filter(meeting=meeting, member__isnull=True)
        .exclude(email="")
        .select_related("country")
        .order_by("pk")
    )
    found: dict[str, Address] = {}
    for delegate in delegates:
        email = delegate.email.strip().lower()
        found.setdefault(email, Address(email, delegate.full_name, delegate.country, meeting.time_zone))
    if not found:
        return []
    left_out = _not_to_mail(found, kind, members=members, records=records)
    return [a for e, a in found.items() if e not in left_out]


def invited_delegates(
    meeting: Meeting, *, members: QuerySet[Member], records: QuerySet[SentMail]
) -> list[Address]:
    """Every address that had a version of the meeting's invitation, whatever the meeting became since
    (virtual) and whether or not its delegate is still named: the updates and the cancellation must reach
    every calendar with the event. ``members`` and ``records`` are the update's, as for
    ``delegate_addresses``. Each is written to as the last delegate known with that address (this
    meeting's, else the latest of another meeting's); with none left, by the address, in English and the
    meeting's zone."""
    invited = invited_addresses(meeting)
    if not invited:
        return []
    emails = sorted(invited - _not_to_mail(invited, Kind.INVITATIONS, members=members, records=records))
    if not emails:
        return []
    known: dict[str, tuple[tuple[bool, bool], Delegate]] = {}
    rows = (
        Delegate.objects.annotate(address=Lower(Trim("email")))
        .filter(address__in=emails)
        .select_related("country")
        .order_by("pk")
    )
    for row in rows:
        # This meeting's first (as delegate_addresses picks), then rows without a member; among the rows
        # of other meetings, the latest.
        rank = (row.meeting_id == meeting.pk, row.member_id is None)
        best = known.get(row.address)
        if best is None or rank > best[0] or (rank == best[0] and not rank[0]):
            known[row.address] = (rank, row)
    found = []
    for email in emails:
        if email in known:
            row = known[email][1]
            found.append(Address(email, row.full_name, row.country, meeting.time_zone))
        else:
            found.append(Address(email, email, None, meeting.time_zone))
    return found


def _not_to_mail(emails, kind: str, *, members: QuerySet[Member], records: QuerySet[SentMail]) -> set[str]:
    """Those of ``emails`` not to mail as addresses: where a member gets this same mail — one of its
    recipients ``members``, or a member who had it already (``records``) — and those unsubscribed from
    ``kind``, by the address's link or by the account with that address. Any other account's address is
    mailed: a member of another network, an observer, a deactivated account… gets no member's mail."""
    emails = list(emails)
    by_account = (
        Member.objects.annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .filter(
            Q(pk__in=members.values("pk"))
            | Q(pk__in=records.filter(member__isnull=False).values("member_id"))
            | Q(mail_opt_outs__kind__in=[kind, Kind.ALL])
        )
        .values_list("address", flat=True)
    )
    stopped = MailOptOut.objects.filter(
        member__isnull=True, email__in=emails, kind__in=[kind, Kind.ALL]
    ).values_list("email", flat=True)
    return set(by_account) | set(stopped)


def not_mailed(members: QuerySet[Member], records: QuerySet[SentMail]) -> QuerySet[Member]:
    """``members`` who had none of ``records``, neither as members nor at their account's address (typed
    in as a delegate's while they were not among the mail's recipients)."""
    at_address = records.filter(member__isnull=True, email=Lower(OuterRef("user__email")))
    return members.exclude(pk__in=records.filter(member__isnull=False).values("member_id")).exclude(
        Exists(at_address)
    )


def not_opted_out(members: QuerySet[Member], kind: str) -> QuerySet[Member]:
    return members.exclude(mail_opt_outs__kind__in=[kind, Kind.ALL])


def invitation_recipients(meeting: Meeting) -> QuerySet[Member]:
    """Participants from the meeting's countries (everyone, if it names none), and the meeting's delegates
    who are members, who take invitations."""
    members = participants(meeting.network_id, meeting)
    country_ids = [c.pk for c in meeting.countries.all()]
    if country_ids:
        members = members.filter(Q(country_id__in=country_ids) | Q(pk__in=delegate_ids(meeting)))
    return not_opted_out(members, Kind.INVITATIONS)


def registered_ids(meeting: Meeting):
    return Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED).values(
        "member_id"
    )


def expected_ids(meeting: Meeting) -> set[int]:
    """Members expected at the meeting: those registered and its delegates (one query)."""
    expected = Q(pk__in=registered_ids(meeting))
    if meeting.kind != Meeting.Kind.VIRTUAL:
        expected |= Q(pk__in=delegate_ids(meeting))
    return set(Member.objects.filter(expected).values_list("pk", flat=True))


def reminder_recipients(meeting: Meeting) -> QuerySet[Member]:
    members = participants(meeting.network_id, meeting).filter(
        Q(pk__in=registered_ids(meeting)) | Q(pk__in=delegate_ids(meeting))
    )
    return not_opted_out(members, Kind.REMINDERS)


def reminder_addresses(meeting: Meeting, key: str) -> list[Address]:
    return delegate_addresses(
        meeting,
        Kind.REMINDERS,
        members=reminder_recipients(meeting),
        records=SentMail.objects.filter(key=key),
    )


def invitation_records(meeting: Meeting) -> QuerySet[SentMail]:
    return SentMail.objects.filter(
        meeting=meeting, key__startswith=INVITATION_PREFIX.format(meeting=meeting.pk)
    )


def invited_ids(meeting: Meeting):
    # member__isnull: a NULL in the list would make "not in" exclude everyone
    return invitation_records(meeting).filter(member__isnull=False).values("member_id")


def invited_addresses(meeting: Meeting) -> set[str]:
    return set(invitation_records(meeting).filter(member__isnull=True).values_list("email", flat=True))


def follow_up_recipients(meeting: Meeting) -> QuerySet[Member]:
    attended = Attendance.objects.filter(meeting=meeting, member__isnull=False).values("member_id")
    members = participants(meeting.network_id).filter(Q(pk__in=registered_ids(meeting)) | Q(pk__in=attended))
    return not_opted_out(members, Kind.FOLLOW_UPS)


def focal_points(case: CasePresentation) -> QuerySet[Member]:
    network_id = case.meeting.network_id
    focal = Membership.objects.filter(network_id=network_id, role=Role.FOCAL_POINT).values("member_id")
    members = participants(network_id).filter(pk__in=focal, country_id=case.country_id)
    return not_opted_out(members, Kind.REMINDERS)
