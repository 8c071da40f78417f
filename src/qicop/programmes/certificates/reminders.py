"""Reminders before a coach's certificate ends: REMINDER_DAYS (90, then 30) days before its last day, the
coach gets one e-mail, in their language, saying the date and what renewal asks under their country's
standard, with the country's focal point(s) in copy.

Each reminder is recorded in the certification's ``reminders_sent`` (days before) in the transaction that
sends it, so that however often the task runs it goes out once; a certificate found late (inside 30 days,
with nothing sent) gets the nearest reminder only. A coach who has renewed is not reminded: the renewal
supersedes the certificate that ends.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.i18n import reader_language
from qicop.network.models import Member, Role
from qicop.programmes.certificates import selectors
from qicop.programmes.coaches.stages import REMINDER_DAYS
from qicop.programmes.coaches.standards import standard_for
from qicop.programmes.models import CoachCertification

log = logging.getLogger(__name__)


def reminder_due(valid_until: date, today: date, sent: list) -> int | None:
    """The reminder (days before) due on ``today`` for a certificate ending on ``valid_until``: the
    nearest of REMINDER_DAYS the end is within, unless it was sent; None when none is due."""
    left = (valid_until - today).days
    if left < 0:
        return None
    within = [days for days in REMINDER_DAYS if left <= days]
    if not within:
        return None
    nearest = min(within)
    return None if nearest in sent else nearest


def due_reminders(today: date) -> list[tuple[CoachCertification, int]]:
    """(certification, days before) of each reminder due on ``today``: coaches' latest certifications in
    force that end within the longest of REMINDER_DAYS, whose reminder at that distance was not sent."""
    ending = (
        selectors.latest_certifications(None)
        .filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=max(REMINDER_DAYS)))
        .select_related("member__user", "member__country", "country", "network")
        .order_by("valid_until", "pk")
    )
    due = []
    for certification in ending:
        days = reminder_due(certification.valid_until, today, certification.reminders_sent or [])
        if days is not None:
            due.append((certification, days))
    return due


def send_certification_reminders(today: date | None = None) -> int:
    """Send each reminder that is due and not sent yet; returns how many went."""
    today = today or timezone.localdate()
    sent = 0
    standards: dict[tuple[int, int], object] = {}
    with get_connection() as connection:
        for certification, days in due_reminders(today):
            key = (certification.network_id, certification.country_id)
            if key not in standards:
                standards[key] = standard_for(certification.network, certification.country)
            try:
                with transaction.atomic():
                    # the row, locked: a second run at the same time waits, then finds the day recorded
                    row = CoachCertification.objects.select_for_update().get(pk=certification.pk)
                    if days in (row.reminders_sent or []):
                        continue
                    row.reminders_sent = sorted({*(row.reminders_sent or []), days}, reverse=True)
                    row.save(update_fields=["reminders_sent", "updated_at"])
                    message = _message(certification, days, standards[key], today)
                    message.connection = connection
                    message.send()
            except OSError:  # smtplib's errors: the record is rolled back, a later run tries again
                log.warning("certification reminder for certification %s failed", certification.pk)
                continue
            sent += 1
    return sent


def focal_points(certification: CoachCertification) -> list[Member]:
    """The focal points of the coach's country in the certification's network, but the coach."""
    return list(
        Member.objects.filter(
            memberships__network_id=certification.network_id,
            memberships__role=Role.FOCAL_POINT,
            country_id=certification.country_id,
        )
        .exclude(pk=certification.member_id)
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def _message(certification: CoachCertification, days: int, standard, today: date) -> EmailMessage:
    member, network, country = certification.member, certification.network, certification.country
    register = settings.BASE_URL + reverse(
        "programmes:coach_register_country", args=[network.slug, country.iso2]
    )
    certificate = settings.BASE_URL + reverse(
        "programmes:coach_certificate", args=[network.slug, certification.pk]
    )
    with translation.override(reader_language(member)):
        context = {
            "member": member,
            "country": country,
            "network": network,
            "certification": certification,
            "days_left": (certification.valid_until - today).days,
            "standard": standard,
            "register_url": register,
            "certificate_url": certificate,
        }
        subject = " ".join(
            render_to_string("programmes/certificates/mail/reminder_subject.txt", context).split()
        )
        body = render_to_string("programmes/certificates/mail/reminder.txt", context)
        language = translation.get_language()
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [member.user.email],
        cc=[focal.user.email for focal in focal_points(certification)],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
