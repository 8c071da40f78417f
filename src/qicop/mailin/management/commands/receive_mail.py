"""``qicop receive-mail [--sender ADDRESS] [--recipient ADDRESS]``: one message on standard input, from a
mail server's pipe (Postfix: ``pipe`` with ``argv=qicop receive-mail --sender ${sender} --recipient
${original_recipient}``).

Exit status 0 when the message was handled, even refused (its sender was told why, once, unless it was a
robot); 75 (EX_TEMPFAIL) when the database failed, so that the mail server keeps the message and tries
again later.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from qicop.mailin import receive

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Read one e-mail on standard input and post it where its reply address says."

    def add_arguments(self, parser):
        parser.add_argument("--sender", default=None, help="the envelope sender (empty for a bounce)")
        parser.add_argument("--recipient", action="append", default=[], help="the envelope recipient")

    def handle(self, *args, sender, recipient, **options):
        limit = settings.QICOP_MAIL_MAX_BYTES
        raw, size = _read(sys.stdin.buffer, keep=limit + 1)
        try:
            outcome = receive.handle(raw, envelope_sender=sender, recipients=recipient, size=size)
        except DatabaseError as error:
            raise CommandError(
                f"the database failed, try again later: {error}", returncode=EX_TEMPFAIL
            ) from error
        self.stdout.write(f"{outcome.status} ({outcome.reason})")


def _read(stream, *, keep: int) -> tuple[bytes, int]:
    """The first ``keep`` bytes and the whole size: the rest of a message too large is read and dropped
    (the pipe must be emptied) without being held in memory."""
    kept, size = bytearray(), 0
    while chunk := stream.read(1024 * 1024):
        size += len(chunk)
        if len(kept) < keep:
            kept += chunk[: keep - len(kept)]
    return bytes(kept), size
