"""A certified coach's certificate: an HTML template rendered to PDF in the coach's language, carrying a
signed code that anyone may check on the public verification page (as meetings' certificates of attendance
do, meetings/delegations/documents.py)."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qicop.core.i18n import reader_language
from qicop.core.pdf import html_to_pdf
from qicop.network.models import Network
from qicop.programmes.coaches.stages import is_valid_on
from qicop.programmes.coaches.standards import competencies_of, standard_for
from qicop.programmes.models import CoachCertification

CERTIFICATE_SALT = "qicop.programmes.coach_certificate"

#: What the verification page says of a genuine certificate.
IN_FORCE, EXPIRED, WITHDRAWN = "in_force", "expired", "withdrawn"
STATE_WORDS = {
    IN_FORCE: _("in force today"),
    EXPIRED: _("expired"),
    WITHDRAWN: _("withdrawn by the certifying body"),
}


def certificate_code(certification: CoachCertification) -> str:
    """A signature of the certification that also names its coach and network, so that a code copied onto
    another certification's number does not verify."""
    value = f"{certification.pk}-{certification.member_id}-{certification.network_id}"
    return signing.Signer(salt=CERTIFICATE_SALT).sign(value)


def certification_for_code(code: str, network: Network) -> CoachCertification | None:
    """The certification of ``network`` a genuine code certifies, or None for a forged or mistyped code, a
    code of another network, or one whose certification no longer exists."""
    try:
        value = signing.Signer(salt=CERTIFICATE_SALT).unsign(code.strip())
        certification_id, member_id, network_id = (int(part) for part in value.split("-"))
    except (signing.BadSignature, ValueError):
        return None
    if network_id != network.pk:
        return None
    return (
        CoachCertification.objects.filter(pk=certification_id, member_id=member_id, network_id=network_id)
        .exclude(valid_until__isnull=True)  # never certified: no certificate was ever printed
        .select_related("member", "country")
        .first()
    )


def state_of(certification: CoachCertification, today: date) -> str:
    if certification.status == CoachCertification.Status.CERTIFIED:
        return IN_FORCE if is_valid_on(certification.status, certification.valid_until, today) else EXPIRED
    return WITHDRAWN


def verification_url(network: Network, code: str) -> str:
    path = reverse("programmes:coach_verify", args=[network.slug])
    return f"{settings.BASE_URL}{path}?{urlencode({'code': code})}"


def certificate_html(certification: CoachCertification) -> str:
    """The certificate, in the coach's language (their account's, else their country's)."""
    network, country = certification.network, certification.country
    code = certificate_code(certification)
    with translation.override(reader_language(certification.member)):
        return render_to_string(
            "programmes/certificates/certificate.html",
            {
                "certification": certification,
                "member": certification.member,
                "country": country,
                "network": network,
                "competencies": competencies_of(standard_for(network, country)),
                "renewal": certification.kind == CoachCertification.Kind.RENEWAL,
                "code": code,
                "verify_url": verification_url(network, code),
            },
        )


def certificate_pdf(certification: CoachCertification) -> bytes:
    return html_to_pdf(certificate_html(certification))
