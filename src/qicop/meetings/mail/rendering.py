"""One meeting mail rendered for one recipient: in their language and time zone, with their own
unsubscribe link."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.i18n import reader_language, reader_zone
from qicop.meetings.mail.recipients import Address
from qicop.meetings.mail.unsubscribe import address_unsubscribe_url, unsubscribe_url
from qicop.meetings.models import MailOptOut, Meeting
from qicop.network.models import Member

Kind = MailOptOut.Kind


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
