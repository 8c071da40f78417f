"""Signed reply tokens: ``reply+<token>@<domain>`` names a member, what they answer (a discussion or a case
study in review), their key's version and when it was made, signed with the site's secret.

Signed by ``django.core.signing`` (the site's SECRET_KEY and its fallbacks), but written in lower-case
letters and digits only and short: an address's local part holds at most 64 characters, and some mail
servers change its case on the way.
"""

from __future__ import annotations

import base64
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.utils.crypto import salted_hmac

SALT = "qicop.mailin.reply"
PREFIX = "reply+"

THREAD = "t"  # a discussion (on a topic, a meeting, a chart or a case study)
CASE_STUDY = "c"  # a case study's review
KINDS = (THREAD, CASE_STUDY)


class BadToken(Exception):
    """Why a token is refused: ``reason`` is one of forged, expired, revoked (said in the bounce)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    member_id: int
    kind: str
    object_id: int
    version: int
    made_at: int  # seconds since the epoch


class _Signer(signing.Signer):
    """A shorter signature in base 32: 120 bits of the HMAC-SHA256 are plenty for an address."""

    def signature(self, value, key=None):
        key = key or self.key
        digest = salted_hmac(self.salt + "signer", value, key, algorithm=self.algorithm).digest()
        return base64.b32encode(digest[:15]).decode().lower()


def _signer() -> _Signer:
    return _Signer(sep=".", salt=SALT, algorithm="sha256")


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def make_token(*, member_id: int, kind: str, object_id: int, version: int, now: float | None = None) -> str:
    if kind not in KINDS:
        raise ValueError(kind)
    made = int(time.time() if now is None else now)
    value = f"{_b36(member_id)}.{kind}{_b36(object_id)}.{_b36(version)}.{_b36(made)}"
    return _signer().sign(value)


def read_token(token: str, *, now: float | None = None) -> Target:
    """The target of a genuine, unexpired token; raises BadToken("forged") or BadToken("expired").
    (Whether its version is still the member's is the caller's question: it needs the database.)"""
    try:
        value = _signer().unsign(token.strip().lower())
        member, what, version, made = value.split(".")
        target = Target(int(member, 36), what[:1], int(what[1:], 36), int(version, 36), int(made, 36))
    except (signing.BadSignature, ValueError):
        raise BadToken("forged") from None
    if target.kind not in KINDS:
        raise BadToken("forged")
    age = (time.time() if now is None else now) - target.made_at
    if age > settings.QICOP_MAIL_REPLY_DAYS * 86400 or age < -300:
        raise BadToken("expired")
    return target


def address_for(token: str) -> str:
    return f"{PREFIX}{token}@{settings.QICOP_MAIL_DOMAIN}"


def token_in(address: str) -> str | None:
    """The token of a reply address of our domain (``reply+TOKEN@domain``), else None."""
    local, at, domain = address.strip().strip("<>").rpartition("@")
    if not at or domain.lower() != settings.QICOP_MAIL_DOMAIN or not local.lower().startswith(PREFIX):
        return None
    return local[len(PREFIX) :] or None
