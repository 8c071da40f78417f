"""The e-mail that tells an uploader their import failed: once per import, in their language and time
zone, with the link to the import's page (why it failed, "run it again").

Queued on commit of whatever marked the import failed (services); the task locks the import's row and
sends only if no "data_import.failure_mailed" audit entry exists for it yet, and writes that entry in the
same transaction: run twice, it mails once.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.audit import audit
from qicop.core.i18n import first_time_zone, language_codes, reader_language, reader_zone
from qicop.core.models import AuditEntry
from qicop.indicators.models import DataImport
from qicop.network.models import Member, Membership, Role

MAILED = "data_import.failure_mailed"
IMPORTING_ROLES = (Role.COORDINATOR, Role.FOCAL_POINT, Role.DATA_MANAGER)


def _import_url(member: Member | None, data_import: DataImport) -> str:
    """The import's page, under the first network where its uploader imports (an import has no network of
    its own); the profile page when there is none."""
    slug = (
        Membership.objects.filter(member=member, role__in=IMPORTING_ROLES)
        .order_by("network_id")
        .values_list("network__slug", flat=True)
        .first()
        if member is not None
        else None
    )
    if slug is None:
        return settings.BASE_URL + reverse("portal:profile")
    return settings.BASE_URL + reverse("indicators:import_detail", args=[slug, data_import.pk])


def send_failed_import_mail(import_id: int) -> bool:
    """Tell the uploader of a failed import why, once. Safe to retry."""
    with transaction.atomic():
        data_import = (
            DataImport.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=import_id, status=DataImport.Status.FAILED)
            .first()
        )
        if data_import is None or not data_import.user.is_active:
            return False
        mailed = AuditEntry.objects.filter(
            verb=MAILED, target_type=data_import._meta.label_lower, target_id=str(data_import.pk)
        )
        if mailed.exists():
            return False
        user = data_import.user
        member = Member.objects.select_related("user", "country").filter(user=user).first()
        if member is not None:
            language, zone = reader_language(member), reader_zone(member)
        else:
            language = user.language if user.language in language_codes() else settings.LANGUAGE_CODE
            zone = first_time_zone(user.time_zone, settings.TIME_ZONE)
        summary = data_import.summary or {}
        context = {
            "data_import": data_import,
            "name": member.full_name if member else user.email,
            "reason": summary.get("description") or summary.get("message") or "",
            "import_url": _import_url(member, data_import),
            "preferences_url": settings.BASE_URL + reverse("portal:profile"),
            "zone": zone,
        }
        with translation.override(language), timezone.override(ZoneInfo(zone)):
            subject = " ".join(render_to_string("indicators/mail/import_failed_subject.txt", context).split())
            body = render_to_string("indicators/mail/import_failed.txt", context)
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
        ).send()
        audit(actor=None, verb=MAILED, target=data_import, to=user.pk)
    return True
