"""The secret in an invitation's link: signed here, read back here, by the e-mail that carries it and the
page that accepts it."""

from __future__ import annotations

import secrets

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qicop.network.models import Invitation

INVITATION_SALT = "qicop.network.invitation"


def invitation_token(invitation: Invitation) -> str:
    """The secret part of an invitation link: a signature over the invitation's id and nonce."""
    return signing.dumps([invitation.pk, invitation.nonce], salt=INVITATION_SALT, compress=True)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points to, whatever its state; ValidationError if the link is not ours."""
    try:
        pk, nonce = signing.loads(token, salt=INVITATION_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise ValidationError(
            _("This invitation link is not valid. Check that you copied all of it."), code="invalid"
        ) from None
    invitation = Invitation.objects.select_related("network", "country", "organisation").filter(pk=pk).first()
    if invitation is None or not secrets.compare_digest(invitation.nonce, str(nonce)):
        raise ValidationError(
            _("This invitation link is no longer valid: it was replaced or withdrawn."), code="invalid"
        )
    return invitation
