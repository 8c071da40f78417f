"""E-mails about an account, rendered in its owner's language and time zone; sent by the worker."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from qicop.accounts.forms import LocalizedPasswordResetForm
from qicop.accounts.models import User
from qicop.core.i18n import first_time_zone, language_codes, reader_language, reader_zone
from qicop.core.readers import member_of
from qicop.core.when import when


def reader_of(user: User) -> tuple[str, str]:
    """(language, time zone) to write to an account's owner in: their member profile's when they have
    one (a Haitian member reads French), else the account's own, else the site's."""
    member = member_of(user)
    if member is not None:
        return reader_language(member), reader_zone(member)
    language = user.language if user.language in language_codes() else settings.LANGUAGE_CODE
    return language, first_time_zone(user.time_zone)


def send_lock_notice(user_id: int, until: str, failures: int, address: str) -> bool:
    """Tell an account's owner that sign-ins to it are refused until ``until`` (ISO 8601) after
    ``failures`` failed attempts, the last one from ``address``."""
    from django.urls import reverse

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    language, zone = reader_of(user)
    locked_until = datetime.fromisoformat(until)
    with translation.override(language), timezone.override(zoneinfo.ZoneInfo(zone)):
        local = timezone.localtime(locked_until)
        context = {
            "user": user,
            "until": locked_until,
            # The moment as the reader's language writes it ("18 de nov. de 2026, 15:30"), in their zone.
            "until_text": when(local, "datetime"),
            "zone": zone,
            "failures": failures,
            "address": address,
            "reset_link": settings.BASE_URL + reverse("accounts:password_reset"),
        }
        subject = render_to_string("accounts/email/lock_notice_subject.txt", context).strip()
        body = render_to_string("accounts/email/lock_notice.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


def send_password_reset(email: str) -> int:
    """Mail a password-reset link to each active account with this address that has a usable password
    (Django's rules), in the account's language. Returns how many were sent."""
    form = LocalizedPasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    form.save(
        domain_override=settings.BASE_URL.split("://", 1)[1],
        use_https=settings.BASE_URL.startswith("https://"),
        subject_template_name="accounts/email/password_reset_subject.txt",
        email_template_name="accounts/email/password_reset.txt",
        extra_email_context={"base_url": settings.BASE_URL},
    )
    return len(users)
