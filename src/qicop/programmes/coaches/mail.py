"""The e-mail that tells a candidate the certifying body's decision, in their language and time zone (sent
once the decision is saved: services.decide_certification queues it on commit)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.i18n import reader_language, reader_zone
from qicop.programmes.models import CoachCertification

log = logging.getLogger(__name__)


def send_decision(certification_id: int) -> bool:
    """Send the candidate the decision; False when there is no one to write to or the mail failed (the
    decision stands either way, and the portfolio page shows it)."""
    certification = (
        CoachCertification.objects.select_related("member__user", "member__country", "country", "network")
        .filter(pk=certification_id)
        .first()
    )
    if certification is None or certification.decided_on is None or not certification.member.user_id:
        return False
    member = certification.member
    url = settings.BASE_URL + reverse(
        "programmes:coach_portfolio", args=[certification.network.slug, certification.pk]
    )
    with translation.override(reader_language(member)), timezone.override(ZoneInfo(reader_zone(member))):
        context = {"certification": certification, "member": member, "url": url}
        subject = " ".join(render_to_string("programmes/coaches/mail/decision_subject.txt", context).split())
        body = render_to_string("programmes/coaches/mail/decision.txt", context)
        language = translation.get_language()
    message = EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [member.user.email],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
    try:
        message.send()
    except OSError:  # smtplib's errors: the decision is saved; the page tells it
        log.warning("decision mail for coach certification %s failed", certification.pk)
        return False
    return True
