"""Reminders of monthly reports: three days before a report is due (the 10th of the following month, in the
team's country's zone) its team lead gets one e-mail, in their language and with the due time in their zone.

Each reminder is recorded in the meetings app's ``SentMail`` (key "team-report:<team>:<YYYY-MM>", no
meeting) in the transaction that sends it, so that however often the task runs it goes out once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.i18n import reader_language, reader_zone
from qicop.improvement.models import Team, TeamReport
from qicop.improvement.reports import calendar
from qicop.meetings.models import SentMail

log = logging.getLogger(__name__)

#: Collaboratives that ended longer ago than this have no report left to remind of.
ENDED_HORIZON = timedelta(days=45)


def reminder_key(team: Team, month) -> str:
    return f"team-report:{team.pk}:{month:%Y-%m}"


def due_reminders(now: datetime) -> list[tuple[Team, object, datetime]]:
    """(team, month, due) of each report whose reminder is due at ``now``: its due time is at most three
    days away, it is not submitted, and its team has a lead."""
    today = now.date()
    teams = (
        Team.objects.filter(
            lead__isnull=False,
            collaborative__start__lte=today + timedelta(days=1),
            collaborative__end__gte=today - ENDED_HORIZON,
        )
        .select_related("collaborative__network", "org_unit__country", "lead__user", "lead__country")
        .order_by("pk")
    )
    due = []
    for team in teams.iterator(chunk_size=200):
        zone = calendar.zone_of(team.org_unit.country)
        this_month = calendar.first_of(calendar.local_today(zone, now))
        month = calendar.first_of(this_month - timedelta(days=1))  # the month whose report falls due now
        deadline = calendar.due_at(month, zone)
        if not calendar.in_collaborative(team.collaborative, month):
            continue
        if not deadline - calendar.REMIND_BEFORE <= now <= deadline:
            continue
        filed = TeamReport.objects.filter(team=team, month=month).exclude(status=TeamReport.Status.DRAFT)
        if not filed.exists():
            due.append((team, month, deadline))
    return due


def send_report_reminders(now: datetime | None = None) -> int:
    """Send each reminder that is due and not sent yet; returns how many went."""
    now = now or timezone.now()
    sent = 0
    with get_connection() as connection:
        for team, month, deadline in due_reminders(now):
            lead = team.lead
            try:
                with transaction.atomic():
                    _record, created = SentMail.objects.get_or_create(
                        key=reminder_key(team, month), member=lead
                    )
                    if not created:
                        continue
                    message = _message(team, month, deadline)
                    message.connection = connection
                    message.send()
            except OSError:  # smtplib's errors: the claim is rolled back, a later run tries again
                log.warning("report reminder for team %s to member %s failed", team.pk, lead.pk)
                continue
            sent += 1
    return sent


def _message(team: Team, month, deadline: datetime) -> EmailMessage:
    lead = team.lead
    collaborative = team.collaborative
    url = settings.BASE_URL + reverse(
        "improvement:report_edit", args=[collaborative.network.slug, collaborative.pk, team.pk, month]
    )
    zone = reader_zone(lead)
    with translation.override(reader_language(lead)), timezone.override(ZoneInfo(zone)):
        context = {"member": lead, "team": team, "month": month, "due": deadline, "url": url, "zone": zone}
        subject = " ".join(render_to_string("improvement/reports/mail/reminder_subject.txt", context).split())
        body = render_to_string("improvement/reports/mail/reminder.txt", context)
        language = translation.get_language()
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [lead.user.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
