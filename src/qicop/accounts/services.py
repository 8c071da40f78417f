"""Every write of the accounts app."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.accounts.models import ApiToken, User, hash_token, normalize_email
from qicop.core.audit import audit
from qicop.core.i18n import is_valid_time_zone, language_codes

TOKEN_PREFIX = "qicop_"


@transaction.atomic
def create_user(*, email: str, password: str = "", language: str = "", time_zone: str = "") -> User:
    """Create an account. The password is checked against the validators unless none is given
    (then the account cannot sign in until a reset)."""
    email = normalize_email(email)
    if get_user_model().objects.filter(email=email).exists():
        raise ValidationError({"email": [_("An account with this e-mail address already exists.")]})
    user = User(email=email, language=language, time_zone=time_zone)
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit(actor=None, verb="user.create", target=user)
    return user


@transaction.atomic
def update_preferences(*, user: User, language: str, time_zone: str) -> User:
    if language and language not in language_codes():
        raise ValidationError({"language": [_("Unknown language.")]})
    if time_zone and not is_valid_time_zone(time_zone):
        raise ValidationError({"time_zone": [_("Unknown time zone.")]})
    user.language = language
    user.time_zone = time_zone
    user.save(update_fields=["language", "time_zone"])
    audit(actor=user, verb="user.preferences", target=user, language=language, time_zone=time_zone)
    return user


@transaction.atomic
def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the row and the secret, which is never shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": [_("Give the token a name, e.g. the script that will use it.")]})
    if user.api_tokens.active().filter(name=name).exists():
        raise ValidationError({"name": [_("You already have an active token with this name.")]})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:12], token_hash=hash_token(secret))
    audit(actor=user, verb="api_token.create", target=token)
    return token, secret


@transaction.atomic
def revoke_api_token(*, user: User, token: ApiToken) -> None:
    if token.user_id != user.pk:
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=user, verb="api_token.revoke", target=token)


def user_for_api_token(secret: str) -> User | None:
    """The active user a token belongs to, or None. Records when the token was last used (at most hourly)."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.active().select_related("user").filter(token_hash=hash_token(secret)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 3600:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
