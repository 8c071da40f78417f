from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from qicop.network.invitation_links import invitation_token
from qicop.network.models import Invitation


def send_invitation(invitation_id: int) -> bool:
    """Send the invitation e-mail in the language chosen for the invitee. Safe to retry: a used,
    withdrawn or expired invitation is not sent again."""
    invitation = (
        Invitation.objects.select_related("network", "country", "invited_by__member")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status != "pending":
        return False
    with translation.override(invitation.language):
        context = {
            "invitation": invitation,
            "link": settings.BASE_URL
            + reverse("network:accept_invitation", args=[invitation_token(invitation)]),
            "inviter": getattr(invitation.invited_by, "member", None) or invitation.invited_by,
        }
        subject = render_to_string("network/email/invitation_subject.txt", context).strip()
        body = render_to_string("network/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True
