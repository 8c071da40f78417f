"""Meeting e-mails: invitations, updates, cancellations, reminders, deadline reminders and follow-ups.

Every mail is rendered for one recipient — in their language and time zone, with their own unsubscribe
link — and recorded in ``SentMail`` under a key that names it, in the transaction that sends it. A key
already recorded for a member is never sent to them again, so the tasks and the cron command
(``qicop send_meeting_mail``) may run as often as they like, and a batch that stopped half-way picks up
where it stopped. The keys:

- ``invitation:<meeting>:<sequence>`` one version of the calendar invitation (the first, or an update);
- ``cancellation:<meeting>:<sequence>`` the METHOD:CANCEL sent when the meeting is called off;
- ``reminder:<meeting>:<offset>`` e.g. ``reminder:12:7d``, to registered members and delegates;
- ``deadline:<case presentation>:<offset>`` to the country's focal points until it is submitted;
- ``follow_up:<meeting>`` minutes, materials, decisions and actions after the meeting.

The delegates of an in-person (or hybrid) meeting get its invitation, updates and reminders too: delegates
who are members as members (delegates count as registered: they get the join link), delegates who are not
members at the address the focal point gave (``Address``: in their country's language and zone, recorded
in SentMail by address, with an unsubscribe link keyed on the address and no preferences page, which
needs an account). An address is left out only where a member gets that same mail (one of its recipients,
or one who had it already): anyone else typed in — a member of another network, an observer, an account
from another country or a deactivated one — is mailed at the address, and nobody gets a mail twice. An
address whose account unsubscribed from that kind of mail is left out too. Updates and the cancellation
go to every address that had the invitation, whatever the meeting or its delegations became since: every
calendar with the event must be updated.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Lower, Trim
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.i18n import country_language, first_time_zone, reader_language, reader_zone
from qicop.core.markdown import render_markdown
from qicop.meetings import calendars, permissions
from qicop.meetings.models import (
    Attendance,
    CasePresentation,
    Delegate,
    MailOptOut,
    Meeting,
    Registration,
    SentMail,
)
from qicop.meetings.proceedings import evaluation
from qicop.network.models import Country, Member, Membership, Role
from qicop.network.permissions import PARTICIPANT_ROLES, viewer_for

log = logging.getLogger(__name__)

Kind = MailOptOut.Kind

# Case presentations not yet handed in: their focal points are reminded of the deadline.
OPEN_CASES = (CasePresentation.Status.ASSIGNED, CasePresentation.Status.CHANGES_REQUESTED)
DEADLINE_OFFSETS = "7d,2d"
# Reminders are looked for in meetings starting within this horizon; longer offsets are not honoured.
REMINDER_HORIZON = timedelta(days=90)

UNSUBSCRIBE_SALT = "qicop.meetings.unsubscribe"
# Old mails keep working for a year; after that the member signs in and uses the preferences page.
UNSUBSCRIBE_MAX_AGE = timedelta(days=400)

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


def _invitations(meeting: Meeting) -> QuerySet[SentMail]:
    return SentMail.objects.filter(
        meeting=meeting, key__startswith=INVITATION_PREFIX.format(meeting=meeting.pk)
    )


def invited_ids(meeting: Meeting):
    # member__isnull: a NULL in the list would make "not in" exclude everyone
    return _invitations(meeting).filter(member__isnull=False).values("member_id")


def invited_addresses(meeting: Meeting) -> set[str]:
    return set(_invitations(meeting).filter(member__isnull=True).values_list("email", flat=True))


def follow_up_recipients(meeting: Meeting) -> QuerySet[Member]:
    attended = Attendance.objects.filter(meeting=meeting, member__isnull=False).values("member_id")
    members = participants(meeting.network_id).filter(Q(pk__in=registered_ids(meeting)) | Q(pk__in=attended))
    return not_opted_out(members, Kind.FOLLOW_UPS)


def focal_points(case: CasePresentation) -> QuerySet[Member]:
    network_id = case.meeting.network_id
    focal = Membership.objects.filter(network_id=network_id, role=Role.FOCAL_POINT).values("member_id")
    members = participants(network_id).filter(pk__in=focal, country_id=case.country_id)
    return not_opted_out(members, Kind.REMINDERS)


# ------------------------------------------------------------------------------------- unsubscribe links


def unsubscribe_token(member_id: int, kind: str) -> str:
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def address_unsubscribe_token(email: str, kind: str) -> str:
    """For a delegate who is not a member: the token names the address instead of a member."""
    return signing.dumps({"e": email.lower(), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(member id, kind) named by ``token``; raises signing.BadSignature (or SignatureExpired)."""
    member_id, _email, kind = read_unsubscribe_target(token)
    if member_id is None:
        raise signing.BadSignature("unsubscribe token names no member")
    return member_id, kind


def read_unsubscribe_target(token: str) -> tuple[int | None, str | None, str]:
    """(member id, None, kind) or (None, address, kind) named by ``token``; raises signing.BadSignature
    (or SignatureExpired)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        raise signing.BadSignature("unsubscribe token names no kind")
    if isinstance(data.get("m"), int):
        return data["m"], None, data["k"]
    if isinstance(data.get("e"), str) and "@" in data["e"]:
        return None, data["e"], data["k"]
    raise signing.BadSignature("unsubscribe token names no member and no address")


def unsubscribe_url(member_id: int, kind: str) -> str:
    return settings.BASE_URL + reverse("meetings:unsubscribe", args=[unsubscribe_token(member_id, kind)])


def address_unsubscribe_url(email: str, kind: str) -> str:
    token = address_unsubscribe_token(email, kind)
    return settings.BASE_URL + reverse("meetings:unsubscribe", args=[token])


@transaction.atomic
def opt_out(*, member: Member, kind: str, actor=None) -> MailOptOut:
    """Stop ``kind`` of meeting mail for ``member`` (from a mail's link, or the preferences page)."""
    record, created = MailOptOut.objects.get_or_create(member=member, kind=kind)
    if created:
        audit(actor=actor, verb="meeting_mail.opt_out", target=member, kind=kind)
    return record


@transaction.atomic
def opt_out_address(*, email: str, kind: str, actor=None) -> MailOptOut:
    """Stop ``kind`` of meeting mail to an address that is no member's (a delegate's)."""
    record, created = MailOptOut.objects.get_or_create(member=None, email=email.lower(), kind=kind)
    if created:
        audit(actor=actor, verb="meeting_mail.opt_out_address", target=record, kind=kind)
    return record


@transaction.atomic
def set_opt_outs(*, actor, member: Member, kinds: list[str]) -> None:
    """Make ``kinds`` exactly the member's opt-outs: unticking one sends that mail again."""
    MailOptOut.objects.filter(member=member).exclude(kind__in=kinds).delete()
    for kind in kinds:
        MailOptOut.objects.get_or_create(member=member, kind=kind)
    audit(actor=actor, verb="meeting_mail.preferences", target=member, opt_outs=sorted(kinds))


# ------------------------------------------------------------------------------------------- rendering


def meeting_url(meeting: Meeting) -> str:
    return settings.BASE_URL + reverse("meetings:detail", args=[meeting.network.slug, meeting.pk])


def render_message(
    member: Member | Address,
    *,
    template: str,
    context: dict,
    opt_out_kind: str,
    calendar: str | None = None,
    method: str = "REQUEST",
) -> EmailMultiAlternatives:
    """One recipient's mail: subject, plain text and HTML from ``meetings/mail/<template>*``, rendered in
    the member's language with times in the member's zone, an unsubscribe link for ``opt_out_kind`` in the
    footer and in List-Unsubscribe (RFC 8058 one-click), and the iMIP part when ``calendar`` is given.
    An ``Address`` (a delegate who is not a member) gets the address's unsubscribe link, no link to the
    preferences page (it needs an account) and no link to the meeting's page (members only)."""
    network = context["meeting"].network
    if isinstance(member, Address):
        language, zone, email = member.language, member.zone, member.email
        unsubscribe = address_unsubscribe_url(member.email, opt_out_kind)
        preferences = ""
    else:
        language, zone, email = reader_language(member), reader_zone(member), member.user.email
        unsubscribe = unsubscribe_url(member.pk, opt_out_kind)
        preferences = settings.BASE_URL + reverse("meetings:mail_preferences", args=[network.slug])
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        context = {
            **context,
            "member": member,
            "address": isinstance(member, Address),
            "zone": zone,
            "unsubscribe_url": unsubscribe,
            "opt_out_label": Kind(opt_out_kind).label,
            "preferences_url": preferences,
        }
        subject = " ".join(render_to_string(f"meetings/mail/{template}_subject.txt", context).split())
        text = render_to_string(f"meetings/mail/{template}.txt", context)
        html = render_to_string(f"meetings/mail/{template}.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies to a robot
            "Content-Language": language,
        },
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        # As Google Calendar sends it: the text/calendar part inside multipart/alternative is what
        # Outlook, Gmail and Thunderbird act on; the .ics file is for mail programs without calendars.
        message.attach_alternative(calendar, f"text/calendar; method={method}")
        message.attach("invite.ics", calendar.encode(), "application/ics")
    return message


def meeting_times(meeting: Meeting) -> dict:
    return {"meeting": meeting, "network": meeting.network, "meeting_url": meeting_url(meeting)}


# --------------------------------------------------------------------------------------------- sending


class Outdated(Exception):
    """The meeting changed while its batch was going out: what is left would be out of date."""


def send_batch(
    *,
    key: str,
    meeting: Meeting,
    members: QuerySet[Member],
    build,
    still_current=None,
    addresses: list[Address] = (),
) -> int:
    """Send ``build(recipient)`` to each member — then each address — that has not had ``key`` yet;
    returns how many went.

    Each mail is claimed in SentMail and sent inside one transaction: if sending fails the claim is
    rolled back (a later run tries again); if it went, the record stays and no run sends it twice. A
    failing address is logged and skipped, so one bad mailbox does not hold back the rest.

    ``still_current()``, when given, is asked inside each mail's transaction before anything is claimed;
    once it answers False the batch stops and raises ``Outdated`` (what went out stays recorded).
    """
    sent = 0
    records = SentMail.objects.filter(key=key)
    pending = not_mailed(members, records).order_by("pk")
    done = set(records.filter(member__isnull=True).values_list("email", flat=True)) if addresses else set()
    recipients = itertools.chain(pending, (a for a in addresses if a.email not in done))
    with get_connection() as connection:
        for recipient in recipients:
            try:
                with transaction.atomic():
                    if still_current is not None and not still_current():
                        raise Outdated(sent)
                    if isinstance(recipient, Address):
                        who = {"member": None, "email": recipient.email}
                    else:
                        who = {"member": recipient}
                    _record, created = SentMail.objects.get_or_create(
                        key=key, **who, defaults={"meeting": meeting}
                    )
                    if not created:  # another run got there first
                        continue
                    message = build(recipient)
                    message.connection = connection
                    message.send()
            except OSError:  # smtplib's errors are OSErrors
                label = recipient.email if isinstance(recipient, Address) else f"member {recipient.pk}"
                log.warning("meeting mail %s to %s failed; a later run retries", key, label)
                continue
            sent += 1
    return sent


def _meeting(meeting_id: int) -> Meeting | None:
    return (
        Meeting.objects.select_related("network", "created_by", "series", "host_country")
        .prefetch_related("countries")
        .filter(pk=meeting_id)
        .first()
    )


def send_invitations(meeting_id: int) -> int:
    """The first invitation, to everyone invited who has no version of it yet (members who joined since
    the last press get theirs; the others are not mailed twice)."""
    meeting = _meeting(meeting_id)
    if meeting is None or meeting.status == Meeting.Status.CANCELLED or meeting.end <= timezone.now():
        return 0
    recipients, invitations = invitation_recipients(meeting), _invitations(meeting)
    members = not_mailed(recipients, invitations)  # any version: the others get updates
    addresses = delegate_addresses(meeting, Kind.INVITATIONS, members=recipients, records=invitations)
    if addresses:
        invited = invited_addresses(meeting)
        addresses = [a for a in addresses if a.email not in invited]
    return _send_calendar(meeting, members, template="invitation", cancel=False, addresses=addresses)


def send_updates(meeting_id: int, *, cancelled: bool = False) -> int:
    """The meeting's current version (or its cancellation) to everyone who had an earlier one: same UID,
    higher SEQUENCE, so calendars replace the event instead of adding a second one. Every address that
    had the invitation gets it, even once the meeting is virtual or its delegate removed."""
    meeting = _meeting(meeting_id)
    if meeting is None:
        return 0
    cancel = cancelled or meeting.status == Meeting.Status.CANCELLED
    members = not_opted_out(
        participants(meeting.network_id, meeting).filter(pk__in=invited_ids(meeting)), Kind.INVITATIONS
    )
    records = SentMail.objects.filter(key=_calendar_key(meeting, cancel))
    addresses = invited_delegates(meeting, members=members, records=records)
    template = "cancellation" if cancel else "update"
    return _send_calendar(meeting, members, template=template, cancel=cancel, addresses=addresses)


def _calendar_key(meeting: Meeting, cancel: bool) -> str:
    return f"{'cancellation' if cancel else 'invitation'}:{meeting.pk}:{meeting.sequence}"


def _send_calendar(
    meeting: Meeting,
    members: QuerySet[Member],
    *,
    template: str,
    cancel: bool,
    addresses: list[Address] = (),
) -> int:
    registered = expected_ids(meeting)  # delegates are expected as registered members are
    key = _calendar_key(meeting, cancel)
    in_person = meeting.kind != Meeting.Kind.VIRTUAL  # delegates of a virtual meeting are not expected

    def build(member: Member | Address) -> EmailMultiAlternatives:
        address = isinstance(member, Address)
        is_registered = in_person if address else member.pk in registered
        calendar = calendars.invitation_ics(
            meeting,
            email=member.email if address else member.user.email,
            name=member.full_name,
            registered=is_registered,
            cancel=cancel,
        )
        return render_message(
            member,
            template=template,
            context={**meeting_times(meeting), "registered": is_registered},
            opt_out_kind=Kind.INVITATIONS,
            calendar=calendar,
            method="CANCEL" if cancel else "REQUEST",
        )

    def still_current() -> bool:
        # The meeting row stays locked until this mail is recorded: an edit saved meanwhile waits, and
        # the update it sets off then finds this member among those invited.
        locked = Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("sequence", flat=True)
        return locked.first() == meeting.sequence

    try:
        return send_batch(
            key=key,
            meeting=meeting,
            members=members,
            build=build,
            still_current=still_current,
            addresses=addresses,
        )
    except Outdated as stopped:
        # Edited (or cancelled) while this batch went out: those who got the old version get the new one,
        # and those not reached yet get the current invitation instead of the old one.
        log.info("meeting %s changed while %s went out; sending its current version", meeting.pk, key)
        sent = stopped.args[0]
        return sent + send_updates(meeting.pk) + (0 if cancel else send_invitations(meeting.pk))


def send_reminders(meeting_id: int, offset: str) -> int:
    """The reminder ``offset`` (e.g. "1d") before the meeting, with the join link, to registered members
    and to the meeting's delegates (members, and the others at their address)."""
    meeting = _meeting(meeting_id)
    if meeting is None or meeting.status == Meeting.Status.CANCELLED or meeting.start <= timezone.now():
        return 0
    registered = set(registered_ids(meeting).values_list("member_id", flat=True))
    context = meeting_times(meeting)
    key = f"reminder:{meeting.pk}:{offset}"

    def build(member: Member | Address) -> EmailMultiAlternatives:
        delegate = isinstance(member, Address) or member.pk not in registered
        return render_message(
            member,
            template="reminder",
            context={**context, "delegate": delegate},
            opt_out_kind=Kind.REMINDERS,
        )

    return send_batch(
        key=key,
        meeting=meeting,
        members=reminder_recipients(meeting),
        build=build,
        addresses=reminder_addresses(meeting, key),
    )


def send_deadline_reminders(case_id: int, offset: str) -> int:
    """Remind the country's focal points that their case presentation is due, until it is handed in."""
    case = (
        CasePresentation.objects.select_related("meeting__network", "country")
        .filter(pk=case_id, status__in=OPEN_CASES, deadline__gt=timezone.now())
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .first()
    )
    if case is None:
        return 0
    context = {**meeting_times(case.meeting), "case": case}
    return send_batch(
        key=f"deadline:{case.pk}:{offset}",
        meeting=case.meeting,
        members=focal_points(case),
        build=lambda member: render_message(
            member, template="deadline", context=context, opt_out_kind=Kind.REMINDERS
        ),
    )


def send_follow_up(meeting_id: int) -> int:
    """Minutes, materials, decisions and actions — and the link to the evaluation survey while it is
    open — to those who registered or attended."""
    meeting = _meeting(meeting_id)
    if meeting is None or not meeting.minutes.strip():
        return 0
    slug = meeting.network.slug
    context = {
        **meeting_times(meeting),
        "minutes_html": render_markdown(meeting.minutes),
        "materials": [
            (m.title, settings.BASE_URL + reverse("meetings:material", args=[slug, meeting.pk, m.pk]))
            for m in meeting.materials.all()[:100]
        ],
        "decisions": list(meeting.decisions.all()[:100]),
        "actions": list(meeting.actions.select_related("owner", "country")[:100]),
        # Every recipient is a participant (observers get no meeting mail), so each may answer the survey,
        # which stays open from the meeting's start on.
        "survey_url": (
            settings.BASE_URL + reverse("meetings:evaluation", args=[slug, meeting.pk])
            if evaluation.survey_is_open(meeting)
            else ""
        ),
    }
    return send_batch(
        key=f"follow_up:{meeting.pk}",
        meeting=meeting,
        members=follow_up_recipients(meeting),
        build=lambda member: render_message(
            member, template="follow_up", context=context, opt_out_kind=Kind.FOLLOW_UPS
        ),
    )


# ----------------------------------------------------------------------------- what sets the batches off


def meeting_changed(meeting: Meeting, *, cancelled: bool = False) -> None:
    """Called (on commit) after a meeting's calendar data changed: sends the updated invitation (or the
    cancellation) to those who already received one. Nothing is sent when no invitation went out yet.

    Calendars only replace an event whose SEQUENCE went up. The planning services raise it; a change
    saved after the last version went out without raising it (a script, the shell) has it raised here.
    Calling this twice for one change sends nothing more: each version is mailed once.
    """
    from qicop.meetings import tasks

    sent = SentMail.objects.filter(meeting_id=meeting.pk).filter(
        Q(key__startswith=INVITATION_PREFIX.format(meeting=meeting.pk))
        | Q(key__startswith=CANCELLATION_PREFIX.format(meeting=meeting.pk))
    )
    versions: dict[int, datetime] = {}
    for key, when in _last_sent(sent):
        version = int(key.rsplit(":", 1)[1])
        versions[version] = max(when, versions.get(version, when))
    if not versions:
        return
    latest = max(versions)
    with transaction.atomic():
        unannounced = Meeting.objects.filter(
            pk=meeting.pk, sequence__lte=latest, updated_at__gt=versions[latest]
        ).update(sequence=latest + 1)
        if unannounced:
            audit(actor=None, verb="meeting.sequence", target=meeting, sequence=latest + 1)
    transaction.on_commit(lambda: tasks.send_updates.enqueue(meeting.pk, cancelled))


def delegation_changed(meeting: Meeting) -> None:
    """Called when a delegate is named (or their e-mail changes): once the meeting's invitations went out,
    the new delegate gets theirs on commit; everyone who had one is not mailed again."""
    from qicop.meetings import tasks

    if meeting.status == Meeting.Status.CANCELLED or meeting.end <= timezone.now():
        return
    if _invitations(meeting).exists():
        transaction.on_commit(lambda: tasks.send_invitations.enqueue(meeting.pk))


def _last_sent(sent: QuerySet[SentMail]):
    return sent.values_list("key").annotate(last=Max("sent_at")).order_by()


def _coordinator(actor, meeting: Meeting) -> None:
    if not permissions.can_manage_meetings(viewer_for(actor), meeting.network_id):
        raise PermissionDenied(_("Only coordinators send the meeting's e-mails."))


@transaction.atomic
def request_invitations(*, actor, meeting: Meeting) -> None:
    """Queue the invitations of an upcoming meeting (a coordinator presses "Send invitations")."""
    from qicop.meetings import tasks

    _coordinator(actor, meeting)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting is cancelled: no invitations are sent for it."))
    if meeting.end <= timezone.now():
        raise ValidationError(_("This meeting is over: invitations are no longer sent."))
    audit(actor=actor, verb="meeting.mail.invitations", target=meeting)
    transaction.on_commit(lambda: tasks.send_invitations.enqueue(meeting.pk))


@transaction.atomic
def request_follow_up(*, actor, meeting: Meeting) -> None:
    """Queue the follow-up mail of a meeting whose minutes are written."""
    from qicop.meetings import tasks

    _coordinator(actor, meeting)
    if not meeting.minutes.strip():
        raise ValidationError(_("Write the minutes first: the follow-up e-mail carries them."))
    audit(actor=actor, verb="meeting.mail.follow_up", target=meeting)
    transaction.on_commit(lambda: tasks.send_follow_up.enqueue(meeting.pk))


@dataclass(frozen=True)
class Due:
    """A batch of mail whose time has come: ``kind`` "reminder" (of a meeting) or "deadline" (of a case)."""

    kind: str
    object_id: int
    offset: str


def parse_offsets(text: str) -> list[tuple[str, timedelta]]:
    """'7d,1d' → [('7d', 7 days), ('1d', 1 day)]; parts that are not offsets are left out."""
    found = []
    for number, unit in re.findall(r"(\d+)\s*([dh])", text or ""):
        delta = timedelta(days=int(number)) if unit == "d" else timedelta(hours=int(number))
        found.append((f"{int(number)}{unit}", delta))
    return found


def latest_due(start: datetime, offsets: str, now: datetime) -> str | None:
    """The offset whose time came last: a member who registers late gets the nearest reminder only, and a
    7-day reminder never follows the 1-day one."""
    due = [(delta, label) for label, delta in parse_offsets(offsets) if start - delta <= now]
    return min(due)[1] if due else None


def due_now(now: datetime | None = None) -> list[Due]:
    """Reminder and deadline batches due at ``now`` that still have someone to mail."""
    now = now or timezone.now()
    due: list[Due] = []
    meetings = (
        Meeting.objects.filter(start__gt=now, start__lte=now + REMINDER_HORIZON)
        .exclude(status=Meeting.Status.CANCELLED)
        .only("pk", "network_id", "kind", "start", "reminder_offsets")
        .order_by("start")[:1000]
    )
    for meeting in meetings:
        offset = latest_due(meeting.start, meeting.reminder_offsets, now)
        key = f"reminder:{meeting.pk}:{offset}"
        if offset and (
            _pending(key, reminder_recipients(meeting))
            or _pending_addresses(key, reminder_addresses(meeting, key))
        ):
            due.append(Due("reminder", meeting.pk, offset))
    longest = max(delta for _label, delta in parse_offsets(DEADLINE_OFFSETS))
    cases = (
        CasePresentation.objects.filter(status__in=OPEN_CASES, deadline__gt=now, deadline__lte=now + longest)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .select_related("meeting")
        .order_by("deadline")[:1000]
    )
    for case in cases:
        offset = latest_due(case.deadline, DEADLINE_OFFSETS, now)
        if offset and _pending(f"deadline:{case.pk}:{offset}", focal_points(case)):
            due.append(Due("deadline", case.pk, offset))
    return due


def _pending(key: str, members: QuerySet[Member]) -> bool:
    return not_mailed(members, SentMail.objects.filter(key=key)).exists()


def _pending_addresses(key: str, addresses: list[Address]) -> bool:
    if not addresses:
        return False
    done = set(SentMail.objects.filter(key=key, member__isnull=True).values_list("email", flat=True))
    return any(a.email not in done for a in addresses)


def enqueue_due(now: datetime | None = None) -> list[Due]:
    """Queue one task per due batch (the cron command's work)."""
    from qicop.meetings import tasks

    due = due_now(now)
    for batch in due:
        if batch.kind == "reminder":
            tasks.send_reminders.enqueue(batch.object_id, batch.offset)
        else:
            tasks.send_deadline_reminders.enqueue(batch.object_id, batch.offset)
    return due


# --------------------------------------------------------------------------------------------- the panel


def mail_summary(meeting: Meeting) -> dict:
    """For the coordinators' panel: how many had the invitation (and when last), and the follow-up."""
    invitations = SentMail.objects.filter(
        meeting=meeting, key__startswith=INVITATION_PREFIX.format(meeting=meeting.pk)
    ).aggregate(
        members=Count("member", distinct=True),
        addresses=Count("email", distinct=True, filter=Q(member__isnull=True)),
        last=Max("sent_at"),
    )
    follow_ups = SentMail.objects.filter(meeting=meeting, key=f"follow_up:{meeting.pk}").aggregate(
        members=Count("member"), last=Max("sent_at")
    )
    return {"invitations": invitations, "follow_ups": follow_ups}


def reminder_schedule(meeting: Meeting) -> list[tuple[str, datetime]]:
    return sorted(
        ((label, meeting.start - delta) for label, delta in parse_offsets(meeting.reminder_offsets)),
        key=lambda pair: pair[1],
    )
