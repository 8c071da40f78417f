"""The one message a refused reply earns its sender, in their language: why nothing was posted, and where
to answer instead. Never sent to a mail robot, to our own addresses, or about an automatic message (the
pipeline drops those before); marked ``Auto-Submitted: auto-replied`` so that well-behaved robots do not
answer it either."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qicop.accounts.models import User
from qicop.core.i18n import reader_language, reader_zone
from qicop.knowledge.discussions.files import FILES_PER_POST, RefusedFile
from qicop.network.models import Member

log = logging.getLogger(__name__)


def _why(reason: str, detail: str, size: int) -> str:
    """The reason in words (called inside the reader's language)."""
    days = settings.QICOP_MAIL_REPLY_DAYS
    texts = {
        "too_large": _("Your message is %(size)s; a reply by e-mail may be at most %(limit)s.")
        % {"size": filesizeformat(size), "limit": filesizeformat(settings.QICOP_MAIL_MAX_BYTES)},
        "no_address": _("The address you wrote to is not a reply address of qicop."),
        "forged": _("The reply address you wrote to is not valid: it was changed or mistyped."),
        "expired": _(
            "The reply address you wrote to has expired: a notification can be answered by e-mail "
            "for %(days)s days."
        )
        % {"days": days},
        "revoked": _("You revoked your reply addresses: the one you wrote to no longer works."),
        "wrong_sender": _(
            "The reply address you wrote to belongs to a notification sent to another e-mail address: "
            "replies are taken only from the address the notification was sent to."
        ),
        "empty": _("Your reply held no words of its own (only the quoted message or a signature)."),
        "gone": _("The discussion you answered no longer exists or was hidden by a moderator."),
        "locked": _("The discussion you answered is locked: it takes no more replies."),
        "review_closed": _("The case study you answered is no longer in review."),
        "not_allowed": _("You may no longer post there."),
        "invalid": detail or _("Your reply could not be posted."),
    }
    return texts.get(reason, _("Your reply could not be posted."))


def _robot_or_ours(address: str) -> bool:
    lowered = address.strip().lower()
    local, _at, domain = lowered.rpartition("@")
    ours = {a.strip().lower() for a in (settings.DEFAULT_FROM_EMAIL, settings.SERVER_EMAIL)}
    return (
        not local
        or domain == settings.QICOP_MAIL_DOMAIN
        or any(lowered in mine for mine in ours)
        or local.split("+")[0] in {"mailer-daemon", "postmaster", "noreply", "no-reply", "bounce", "bounces"}
    )


def _reader(address: str, member: Member | None) -> Member | None:
    """Whom we write to, for their language: the member named, if the address is theirs; else the member
    whose account has this address, if any."""
    if member is not None and member.user.email.casefold() == address.casefold():
        return member
    user = User.objects.filter(email__iexact=address).first()
    if user is None:
        return None
    return Member.objects.select_related("user", "country").filter(user=user).first()


def _send(address: str, reader: Member | None, template: str, context: dict, message_id: str) -> bool:
    language = reader_language(reader) if reader else settings.LANGUAGE_CODE
    zone = ZoneInfo(reader_zone(reader) if reader else settings.TIME_ZONE)
    with translation.override(language), timezone.override(zone):
        context = {**context, "reader": reader, "site": settings.BASE_URL + "/"}
        if "why" in context:
            context["why"] = _why(*context["why"])
        subject = " ".join(render_to_string(f"mailin/mail/{template}_subject.txt", context).split())
        body = render_to_string(f"mailin/mail/{template}.txt", context)
    headers = {"Auto-Submitted": "auto-replied"}
    if message_id:
        headers.update({"In-Reply-To": message_id, "References": message_id})
    try:
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], headers=headers).send()
    except Exception:  # a mail server that refuses our answer must not undo what was recorded
        log.exception("mail in: could not send a %s to %s", template, address)
        return False
    return True


def send_bounce(
    address: str, *, reason: str, detail: str, member: Member | None, message_id: str, size: int
) -> bool:
    """Tell ``address`` why its message was refused; False when no person would read it."""
    if not address or _robot_or_ours(address):
        return False
    context = {"why": (reason, detail, size), "reason": reason}
    return _send(address, _reader(address, member), "bounce", context, message_id)


def send_notice_of_refused_files(
    address: str, *, member: Member, files: Sequence[RefusedFile], link: str, message_id: str
) -> bool:
    """The reply was posted, some of its attached files were not: name each with why (``files``, in the
    member's language already), say which files are taken and where to add them."""
    if _robot_or_ours(address):
        return False
    context = {
        "files": files,
        "link": link,
        "per_post": FILES_PER_POST,
        "limit": filesizeformat(settings.QICOP_UPLOAD_MAX_BYTES),
    }
    return _send(address, member, "files_refused", context, message_id)
