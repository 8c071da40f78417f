"""``qicop mail-in``: a small SMTP server (aiosmtpd) for the mail server of the domain to relay replies to.

It takes only recipients that are reply addresses of our domain (others: 550 at RCPT, so it relays
nothing and the sending server bounces, not us), refuses a message above QICOP_MAIL_MAX_BYTES with 552,
and hands each message to the pipeline (receive.handle) on a worker thread: Django's database calls may
not run on the server's event loop. A database that is down answers 451, so the relay tries again later.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import DatabaseError, close_old_connections

from qicop.mailin import receive, tokens

log = logging.getLogger(__name__)


def _handle(content: bytes, mail_from: str, rcpt_tos: list[str]) -> receive.Outcome:
    close_old_connections()
    try:
        return receive.handle(content, envelope_sender=mail_from, recipients=rcpt_tos)
    finally:
        close_old_connections()


class ReplyHandler:
    def __init__(self):
        # One message at a time: replies are few, and a burst must not open a connection per message.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="qicop-mail-in")

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if tokens.token_in(address) is None:
            return "550 5.1.1 No such reply address here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(
                self.executor, _handle, content, envelope.mail_from or "", list(envelope.rcpt_tos)
            )
        except DatabaseError:
            log.exception("mail in: the database failed; the relay will try again")
            return "451 4.3.0 Temporary failure, try again later"
        # Accepted even when refused: the sender has been told why (once) by our own bounce, or was a robot.
        return f"250 2.0.0 Message handled ({outcome.reason})"


def controller(host: str, port: int) -> Controller:
    return Controller(
        ReplyHandler(),
        hostname=host,
        port=port,
        data_size_limit=settings.QICOP_MAIL_MAX_BYTES,
        ident="qicop mail-in",
    )
