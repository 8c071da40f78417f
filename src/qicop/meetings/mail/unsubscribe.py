"""Unsubscribe links (signed, for a member or for a delegate's address) and the opt-outs they record."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from qicop.core.audit import audit
from qicop.meetings.models import MailOptOut
from qicop.network.models import Member

Kind = MailOptOut.Kind


UNSUBSCRIBE_SALT = "qicop.meetings.unsubscribe"
# Old mails keep working for a year; after that the member signs in and uses the preferences page.
UNSUBSCRIBE_MAX_AGE = timedelta(days=400)


# ------------------------------------------------------------------------------------- unsubscribe links


def unsubscribe_token(member_id: int, kind: str) -> str:
    return signing.dumps({"m": member_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def address_unsubscribe_token(email: str, kind: str) -> str:
    """For a delegate who is not a member: the token names the address instead of a member."""
    return signing.dumps({"e": email.lower(), "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(member id, kind) named by ``token``; raises signing.BadSignature (or SignatureExpired)."""
    member_id, _email, kind = read_unsubscribe_target(token)
    if member_id is None:
        raise signing.BadSignature("unsubscribe token names no member")
    return member_id, kind


def read_unsubscribe_target(token: str) -> tuple[int | None, str | None, str]:
    """(member id, None, kind) or (None, address, kind) named by ``token``; raises signing.BadSignature
    (or SignatureExpired)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        raise signing.BadSignature("unsubscribe token names no kind")
    if isinstance(data.get("m"), int):
        return data["m"], None, data["k"]
    if isinstance(data.get("e"), str) and "@" in data["e"]:
        return None, data["e"], data["k"]
    raise signing.BadSignature("unsubscribe token names no member and no address")


def unsubscribe_url(member_id: int, kind: str) -> str:
    return settings.BASE_URL + reverse("meetings:unsubscribe", args=[unsubscribe_token(member_id, kind)])


def address_unsubscribe_url(email: str, kind: str) -> str:
    token = address_unsubscribe_token(email, kind)
    return settings.BASE_URL + reverse("meetings:unsubscribe", args=[token])


@transaction.atomic
def opt_out(*, member: Member, kind: str, actor=None) -> MailOptOut:
    """Stop ``kind`` of meeting mail for ``member`` (from a mail's link, or the preferences page)."""
    record, created = MailOptOut.objects.get_or_create(member=member, kind=kind)
    if created:
        audit(actor=actor, verb="meeting_mail.opt_out", target=member, kind=kind)
    return record


@transaction.atomic
def opt_out_address(*, email: str, kind: str, actor=None) -> MailOptOut:
    """Stop ``kind`` of meeting mail to an address that is no member's (a delegate's)."""
    record, created = MailOptOut.objects.get_or_create(member=None, email=email.lower(), kind=kind)
    if created:
        audit(actor=actor, verb="meeting_mail.opt_out_address", target=record, kind=kind)
    return record


@transaction.atomic
def set_opt_outs(*, actor, member: Member, kinds: list[str]) -> None:
    """Make ``kinds`` exactly the member's opt-outs: unticking one sends that mail again."""
    MailOptOut.objects.filter(member=member).exclude(kind__in=kinds).delete()
    for kind in kinds:
        MailOptOut.objects.get_or_create(member=member, kind=kind)
    audit(actor=actor, verb="meeting_mail.preferences", target=member, opt_outs=sorted(kinds))
