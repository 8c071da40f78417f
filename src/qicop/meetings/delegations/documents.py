"""Invitation letters and certificates of attendance: templates rendered to HTML and PDF, in the
recipient's language; a certificate carries a signed code anyone may verify."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.i18n import country_language, reader_language
from qicop.core.pdf import html_to_pdf
from qicop.meetings.attendance.selectors import GUEST
from qicop.meetings.models import Attendance, Delegate
from qicop.network.models import Member

# ---------------------------------------------------------------------------------------------------------
# Invitation letters


def _language_of(member: Member | None, country=None) -> str:
    """The language a letter or certificate is written in: the member's (their account's, else their
    country's, as for e-mails); for a delegate without an account, the first of their country's languages
    the site has; else the reader's."""
    if member is not None:
        return reader_language(member)
    return country_language(country) or translation.get_language() or settings.LANGUAGE_CODE


def invitation_letters_html(delegates: list[Delegate]) -> str:
    """One letter a delegate (page breaks between), each in the delegate's language. ``delegates`` come
    from ``delegates_of`` (one meeting)."""
    if not delegates:
        return ""
    meeting = delegates[0].meeting
    letters = [{"delegate": d, "language": _language_of(d.member, d.country)} for d in delegates]
    return render_to_string(
        "meetings/letter_invitation.html",
        {
            "letters": letters,
            "meeting": meeting,
            "network": meeting.network,
            "host": meeting.host_country,
            "today": timezone.now(),
        },
    )


def invitation_letters_pdf(delegates: list[Delegate]) -> bytes:
    return html_to_pdf(invitation_letters_html(delegates))


# ---------------------------------------------------------------------------------------------------------
# Certificates of attendance

CERTIFICATE_SALT = "qicop.meetings.certificate"


def certificate_code(attendance: Attendance) -> str:
    """A signature of the attendance row, printed on the certificate. It also names the meeting and the
    member — for a guest, ``0`` and the guest's name — so that a certificate stays verifiable after a
    re-import of the report renumbers the rows."""
    if attendance.member_id is None:
        value = f"{attendance.pk}-{attendance.meeting_id}-0-{attendance.name}"
    else:
        value = f"{attendance.pk}-{attendance.meeting_id}-{attendance.member_id}"
    return signing.Signer(salt=CERTIFICATE_SALT).sign(value)


def attendance_for_code(code: str) -> Attendance | None:
    """The attendance a genuine code certifies, or None for a forged, mistyped or withdrawn one."""
    try:
        value = signing.Signer(salt=CERTIFICATE_SALT).unsign(code.strip())
        parts = value.split("-", 3)
        attendance_id, meeting_id, member_id = (int(part) for part in parts[:3])
    except (signing.BadSignature, ValueError):
        return None
    rows = Attendance.objects.select_related("meeting__network", "member")
    if member_id == 0 and len(parts) == 4:  # a guest, who stays certified while still a guest
        rows = rows.filter(meeting_id=meeting_id, member=None, matched_by=GUEST)
        return rows.filter(pk=attendance_id).first() or rows.filter(name=parts[3]).first()
    rows = rows.filter(meeting_id=meeting_id, member_id=member_id)
    return rows.filter(pk=attendance_id).first() or rows.first()


def verification_url(code: str) -> str:
    return f"{settings.BASE_URL}{reverse('meetings:certificate_verify')}?{urlencode({'code': code})}"


def certificate_html(attendance: Attendance) -> str:
    """The certificate in the member's language (the reader's when the member chose none, or for a
    guest)."""
    code = certificate_code(attendance)
    with translation.override(_language_of(attendance.member)):
        return render_to_string(
            "meetings/certificate.html",
            {
                "attendance": attendance,
                "member": attendance.member,
                "name": attendance.member.full_name if attendance.member else attendance.name,
                "meeting": attendance.meeting,
                "network": attendance.meeting.network,
                "minutes": round(attendance.minutes),
                "code": code,
                "verify_url": verification_url(code),
            },
        )


def certificate_pdf(attendance: Attendance) -> bytes:
    return html_to_pdf(certificate_html(attendance))
