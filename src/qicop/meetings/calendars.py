"""Meetings as iCalendar data (integrations.ical): one event, or a member's subscription feed."""

from __future__ import annotations

import dataclasses
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.integrations.ical import EventData, event_calendar, feed_calendar
from qicop.meetings.models import Meeting, Registration


def calendar_status(status: str) -> str:
    """The STATUS a calendar event carries for a meeting status: a confirmed meeting later marked as held
    is the same event, and calendars need no update for it."""
    if status == Meeting.Status.CANCELLED:
        return "CANCELLED"
    if status in (Meeting.Status.CONFIRMED, Meeting.Status.HELD):
        return "CONFIRMED"
    return "TENTATIVE"


def joining_details(meeting: Meeting) -> str:
    """The meeting id and passcode as one line ("Meeting ID: 555 0100 · Passcode: qicop"), or ""."""
    parts = []
    if meeting.meeting_code:
        parts.append(_("Meeting ID: %(code)s") % {"code": meeting.meeting_code})
    if meeting.passcode:
        parts.append(_("Passcode: %(passcode)s") % {"passcode": meeting.passcode})
    return " · ".join(parts)


def event_for(meeting: Meeting, *, show_join_link: bool) -> EventData:
    url = settings.BASE_URL + reverse("meetings:detail", args=[meeting.network.slug, meeting.pk])
    description = meeting.description
    location = ", ".join(p for p in (meeting.venue, meeting.city) if p) or None
    # Only registered members get the join link, meeting id and passcode: a forwarded invitation or a
    # shared feed must not open the room.
    if show_join_link and (meeting.join_url or meeting.meeting_code or meeting.passcode):
        details = joining_details(meeting)
        joining = "\n".join(part for part in (meeting.join_url, details) if part)
        description = f"{description}\n\n{joining}".strip()
        if meeting.join_url:
            # Phones show LOCATION first: the link (which clients make clickable) with what it asks for.
            location = f"{meeting.join_url} ({details})" if details else meeting.join_url
    # DEFAULT_FROM_EMAIL may carry a display name ("qicop <noreply@…>"); ORGANIZER wants the address.
    organizer = getattr(meeting.created_by, "email", "") or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return EventData(
        uid=f"{meeting.uid}@qicop",
        sequence=meeting.sequence,
        start=meeting.start,
        end=meeting.end,
        time_zone=meeting.time_zone,
        summary=meeting.title,
        description=description,
        location=location,
        url=url,
        organizer_email=organizer,
        organizer_name=meeting.network.name,
        status=calendar_status(meeting.status),
        last_modified=meeting.updated_at,
        categories=[meeting.topic] if meeting.topic else [],
    )


def meeting_ics(meeting: Meeting, *, registered: bool) -> bytes:
    method = "CANCEL" if meeting.status == Meeting.Status.CANCELLED else "PUBLISH"
    return event_calendar(event_for(meeting, show_join_link=registered), method=method, stamp=timezone.now())


def invitation_ics(meeting: Meeting, *, email: str, name: str, registered: bool, cancel: bool = False) -> str:
    """The iMIP invitation (METHOD:REQUEST) or cancellation (METHOD:CANCEL) of one recipient: the meeting's
    UID and current SEQUENCE, and that recipient alone as ATTENDEE (the others' addresses stay private)."""
    event = event_for(meeting, show_join_link=registered)
    # ORGANIZER is a bare address: DEFAULT_FROM_EMAIL may carry a display name ("qicop <noreply@…>").
    organizer = parseaddr(event.organizer_email)[1] or event.organizer_email
    event = dataclasses.replace(event, organizer_email=organizer, attendees=[(email, name)])
    return event_calendar(event, method="CANCEL" if cancel else "REQUEST", stamp=timezone.now()).decode()


def member_feed(member) -> bytes:
    """Every meeting of the member's networks, with join links where the member registered."""
    # Observers follow the proceedings, not the meetings: their observer-only networks stay out.
    networks = member.memberships.exclude(role="observer").values_list("network_id", flat=True)
    meetings = (
        Meeting.objects.filter(network_id__in=networks)
        .select_related("network", "created_by")
        .order_by("-start")[:200]
    )
    registered = set(
        Registration.objects.filter(member=member, status=Registration.Status.REGISTERED).values_list(
            "meeting_id", flat=True
        )
    )
    events = [event_for(m, show_join_link=m.pk in registered) for m in meetings]
    return feed_calendar(events, name=f"qicop — {member.full_name}", stamp=timezone.now())
