"""The inbound pipeline: one e-mail in, at most one post out, and at most one message back.

``handle(raw)`` reads a message sent to a reply address (``reply+<token>@<domain>``), checks it and posts
its new words into the discussion (or as a review comment) as the member whose address it is, through the
same services as the site, so permissions, notifications and search are the same. A refused message is
recorded with its reason and posts nothing; its sender hears why in one bounce, unless no person would
read it (an automatic reply, a bounce, a message from a mail robot), so two robots never answer each
other for ever.

Its attached files go through the checks of every upload (discussions.files, core.uploads). The words are
posted with the files that pass; those that do not (and any file sent to a case study in review, whose
comments take text only) are named, each with why, in the one message back. A message larger than
QICOP_MAIL_MAX_BYTES is refused whole before its body is parsed. Images that only decorate an HTML mail
(inline parts with a Content-ID: logos, signatures) go with the HTML, which is reduced to text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.i18n import reader_language
from qicop.knowledge.cases import permissions as case_rules
from qicop.knowledge.cases import services as cases
from qicop.knowledge.discussions import permissions as rules
from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.discussions.files import RefusedFile, display_name, sort_files
from qicop.knowledge.models import CaseStudy, Thread
from qicop.mailin import bounces, tokens
from qicop.mailin.addresses import key_version
from qicop.mailin.models import InboundMessage
from qicop.mailin.text import body_text, reply_text
from qicop.network.models import Member
from qicop.network.permissions import viewer_for

log = logging.getLogger(__name__)

Status = InboundMessage.Outcome

# Headers in which the address the message was sent to may be found, the envelope's first.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")
ROBOT_SENDERS = re.compile(r"^(?:mailer-daemon|postmaster|no-?reply|bounces?)(?:[+@]|$)", re.IGNORECASE)
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}


@dataclass(frozen=True)
class Outcome:
    status: str  # an InboundMessage.Outcome
    reason: str  # posted, auto_reply, bounce, duplicate, too_large, no_address, forged, expired, …
    bounced: bool = False
    post_id: int | None = None
    notes: tuple[str, ...] = ()


@dataclass
class _Received:
    message: EmailMessage | None
    message_id: str
    sender: str
    recipient: str
    size: int
    member: Member | None = None


def handle(
    raw: bytes,
    *,
    envelope_sender: str | None = None,
    recipients: Sequence[str] = (),
    size: int | None = None,
) -> Outcome:
    """Handle one RFC 5322 message. ``envelope_sender`` is the SMTP MAIL FROM ("" for a bounce; None when
    unknown), ``recipients`` the RCPT TO addresses when the caller knows them, ``size`` the message's
    whole size when ``raw`` is only its beginning."""
    size = len(raw) if size is None else size
    too_large = size > settings.QICOP_MAIL_MAX_BYTES
    message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=too_large)
    received = _Received(
        message=message,
        message_id=str(message.get("Message-ID", "") or "").strip()[:255],
        sender=_sender(message),
        recipient="",
        size=size,
    )
    if _is_bounce(message, envelope_sender, received.sender):
        return _finish(received, Status.DROPPED, "bounce")
    if _is_automatic(message):
        return _finish(received, Status.DROPPED, "auto_reply")
    if (
        received.message_id
        and InboundMessage.objects.filter(message_id=received.message_id, outcome=Status.POSTED).exists()
    ):
        return _finish(received, Status.DUPLICATE, "duplicate")
    token, received.recipient = _token(message, recipients)
    if too_large:
        return _refuse(received, "too_large")
    if token is None:
        return _refuse(received, "no_address")
    try:
        target = tokens.read_token(token)
    except tokens.BadToken as bad:
        return _refuse(received, bad.reason)
    member = Member.objects.select_related("user", "country").filter(pk=target.member_id).first()
    if member is None or not member.user.is_active:
        return _refuse(received, "no_address")
    if target.version != key_version(member.pk):
        return _refuse(received, "revoked", member=member)
    if received.sender.casefold() != member.user.email.casefold():
        # The address was made for someone else's mailbox: whoever wrote hears it, nothing is posted.
        return _refuse(received, "wrong_sender")
    received.member = member
    text, _from_html = body_text(message)
    body = reply_text(text)
    if not body:
        return _refuse(received, "empty", member=member)
    files, refused_files = _sorted_attachments(message, target, member)
    try:
        with transaction.atomic():
            post_id, link = _post(target, member, body, files)
            outcome = _finish(received, Status.POSTED, "posted", post_id=post_id, refused=refused_files)
    except _Refused as refused:
        return _refuse(received, refused.reason, member=member, detail=refused.detail)
    if refused_files:
        bounces.send_notice_of_refused_files(
            received.sender, member=member, files=refused_files, link=link, message_id=received.message_id
        )
    return outcome


def _attachments(message: EmailMessage) -> list[SimpleUploadedFile]:
    """The files attached to ``message``, as uploads; not the images an HTML body shows inline."""
    found = []
    for part in message.iter_attachments():
        if part.get("Content-ID") and part.get_content_disposition() != "attachment":
            continue
        data = part.get_payload(decode=True)
        found.append(
            SimpleUploadedFile(
                part.get_filename() or "",
                data if isinstance(data, bytes) else b"",
                content_type=part.get_content_type(),
            )
        )
    return found


def _sorted_attachments(
    message: EmailMessage, target: tokens.Target, member: Member
) -> tuple[list[SimpleUploadedFile], list[RefusedFile]]:
    """The attached files to post, and those refused with why, in the member's language (the message
    back names them)."""
    uploads = _attachments(message)
    if not uploads:
        return [], []
    with translation.override(reader_language(member)):
        if target.kind != tokens.THREAD:
            why = _("a review comment takes text only: add files to the case study on the site.")
            return [], [RefusedFile(display_name(upload), why) for upload in uploads]
        accepted, refused = sort_files(uploads)
    return [upload for upload, _checked in accepted], refused


class _Refused(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason)
        self.reason, self.detail = reason, detail


def _post(target: tokens.Target, member: Member, body: str, files=()) -> tuple[int, str]:
    """Post ``body`` (with ``files``, in a discussion) where ``target`` says, as ``member``, if they still
    may; raises _Refused. Returns the new post's (or comment's) id and the address of its page."""
    viewer = viewer_for(member.user)
    try:
        if target.kind == tokens.THREAD:
            thread = (
                Thread.objects.select_related("network", "case_study").filter(pk=target.object_id).first()
            )
            if thread is None or thread.hidden:
                raise _Refused("gone")
            if not rules.can_read_thread(viewer, thread):
                raise _Refused("not_allowed")
            if thread.locked:
                raise _Refused("locked")
            if not rules.can_reply(viewer, thread):
                raise _Refused("not_allowed")
            post = discussions.post_reply(
                actor=member.user, author=member, thread=thread, body=body, files=files
            )
            return post.pk, _url("knowledge:thread", thread.network.slug, thread.pk)
        case = CaseStudy.objects.select_related("network").filter(pk=target.object_id).first()
        if case is None:
            raise _Refused("gone")
        if case.status != CaseStudy.Status.REVIEW:
            raise _Refused("review_closed")
        if not case_rules.can_review(viewer, case):
            raise _Refused("not_allowed")
        comment = cases.case_study_comment(actor=member.user, case_study=case, body=body)
        return comment.pk, _url("knowledge:case_detail", case.network.slug, case.pk)
    except ValidationError as problem:
        raise _Refused("invalid", " ".join(problem.messages)) from None


def _url(name: str, *args) -> str:
    return settings.BASE_URL + reverse(name, args=args)


def _sender(message: EmailMessage) -> str:
    return parseaddr(str(message.get("From", "") or ""))[1].strip()


def _is_bounce(message: EmailMessage, envelope_sender: str | None, sender: str) -> bool:
    """A delivery report: from the null sender (the envelope's, or the Return-Path the delivering
    server wrote), from a mail robot, with no sender at all, or a multipart/report."""
    if envelope_sender == "":
        return True
    if "Return-Path" in message and str(message["Return-Path"]).strip() in ("<>", ""):
        return True
    if not sender or ROBOT_SENDERS.match(sender):
        return True
    return message.get_content_type() == "multipart/report"


def _is_automatic(message: EmailMessage) -> bool:
    """An automatic reply (out of office, vacation) or list traffic (RFC 3834, and what mail programs
    that ignore it send)."""
    auto = str(message.get("Auto-Submitted", "") or "").strip().lower()
    if auto and auto != "no":
        return True
    if str(message.get("Precedence", "") or "").strip().lower() in AUTO_PRECEDENCE:
        return True
    return any(name in message for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "List-Id"))


def _token(message: EmailMessage, recipients: Sequence[str]) -> tuple[str | None, str]:
    """The first reply token among the envelope's recipients and the message's recipient headers."""
    addresses = list(recipients)
    for header in RECIPIENT_HEADERS:
        addresses += [address for _name, address in getaddresses(message.get_all(header, []))]
    for address in addresses:
        token = tokens.token_in(address)
        if token:
            return token, address
    return None, addresses[0] if addresses else ""


def _refuse(received: _Received, reason: str, *, member: Member | None = None, detail: str = "") -> Outcome:
    """Record the refusal; tell the sender why, once, if a person may read it."""
    outcome = _finish(received, Status.BOUNCED, reason, member=member)
    sent = bounces.send_bounce(
        received.sender,
        reason=reason,
        detail=detail,
        member=member,
        message_id=received.message_id,
        size=received.size,
    )
    return Outcome(outcome.status, reason, bounced=sent)


def _finish(
    received: _Received,
    status: str,
    reason: str,
    *,
    member: Member | None = None,
    post_id: int | None = None,
    refused: Sequence[RefusedFile] = (),
) -> Outcome:
    member = member or received.member
    with transaction.atomic():
        record = InboundMessage.objects.create(
            message_id=received.message_id,
            sender=received.sender[:254],
            recipient=_redacted(received.recipient),
            size=received.size,
            member=member,
            outcome=status,
            reason=reason,
            post_id=post_id,
        )
        audit(
            actor=member.user if member else None,
            verb=f"mailin.{status}",
            target=record,
            reason=reason,
            post=post_id,
            refused_files=[file.name for file in refused][:20],
        )
    log.info("mail in: %s (%s) from %s, %s bytes", status, reason, received.sender, received.size)
    notes = tuple(f"not posted: {file.name}" for file in refused)
    return Outcome(status, reason, post_id=post_id, notes=notes)


def _redacted(address: str) -> str:
    """The recipient without its token: the record must not keep a working reply address."""
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, TypeError):
        return address[:254]
    if tokens.token_in(address):
        return f"{tokens.PREFIX}…@{parsed.domain}"[:254]
    return address[:254]
