"""Sending meeting mail: one batch per kind (invitations, updates and cancellations with their calendar
event, reminders, deadline reminders, follow-ups), each mail recorded in ``SentMail`` in the transaction
that sends it, so that a batch run again sends only what is missing.
"""

from __future__ import annotations

import itertools
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from qicop.core.markdown import render_markdown
from qicop.meetings import calendars
from qicop.meetings.mail.recipients import (
    Address,
    delegate_addresses,
    expected_ids,
    focal_points,
    follow_up_recipients,
    invitation_recipients,
    invitation_records,
    invited_addresses,
    invited_delegates,
    invited_ids,
    not_mailed,
    not_opted_out,
    participants,
    registered_ids,
    reminder_addresses,
    reminder_recipients,
)
from qicop.meetings.mail.rendering import meeting_times, render_message
from qicop.meetings.models import (
    CasePresentation,
    MailOptOut,
    Meeting,
    SentMail,
)
from qicop.meetings.proceedings import permissions
from qicop.network.models import Member, Membership, Role

log = logging.getLogger(__name__)

Kind = MailOptOut.Kind

# Case presentations not yet handed in: their focal points are reminded of the deadline.
OPEN_CASES = (CasePresentation.Status.ASSIGNED, CasePresentation.Status.CHANGES_REQUESTED)


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
    recipients, invitations = invitation_recipients(meeting), invitation_records(meeting)
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


#: The steps of a case presentation that owe someone something, with who hears of each: the country's
#: focal points are asked to present (assigned) and told the coordinator's answer (approved, returned);
#: the network's coordinators are told a presentation waits for their approval (submitted).
CASE_STEPS = ("assigned", "submitted", "approved", "returned")


def coordinators(network_id: int) -> QuerySet[Member]:
    chosen = Membership.objects.filter(network_id=network_id, role=Role.COORDINATOR).values("member_id")
    return not_opted_out(participants(network_id).filter(pk__in=chosen), Kind.REMINDERS)


def send_case_step(case_id: int, step: str, stamp: str) -> int:
    """The e-mail of one step of a case presentation (CASE_STEPS), once per recipient: ``stamp`` names
    the occurrence (a presentation submitted twice is announced twice, each time once). Sent only while
    the case is still at that step, so a task run late does not announce a step already undone."""
    if step not in CASE_STEPS:
        raise ValueError(f"unknown case presentation step {step!r}")
    expected = {
        "assigned": CasePresentation.Status.ASSIGNED,
        "submitted": CasePresentation.Status.SUBMITTED,
        "approved": CasePresentation.Status.APPROVED,
        "returned": CasePresentation.Status.CHANGES_REQUESTED,
    }[step]
    case = (
        CasePresentation.objects.select_related("meeting__network", "country")
        .filter(pk=case_id, status=expected)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .first()
    )
    if case is None:
        return 0
    members = coordinators(case.meeting.network_id) if step == "submitted" else focal_points(case)
    case_url = settings.BASE_URL + reverse(
        "meetings:case_detail", args=[case.meeting.network.slug, case.meeting_id, case.pk]
    )
    context = {**meeting_times(case.meeting), "case": case, "step": step, "case_url": case_url}
    return send_batch(
        key=f"case:{case.pk}:{step}:{stamp}",
        meeting=case.meeting,
        members=members,
        build=lambda member: render_message(
            member, template="case_step", context=context, opt_out_kind=Kind.REMINDERS
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
            if permissions.survey_is_open(meeting)
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
