"""Helpers of the mail-in tests: a discussion Kim follows, the notification mail Kim got about it, and
Kim's e-mailed reply to it, built as a mail program writes one."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

from django.core import mail

from qicop.knowledge.discussions import services as discussions
from qicop.knowledge.models import Thread

QUOTE = (
    "\n\nOn Mon, 3 Mar 2030 at 10:00, qicop <noreply@localhost> wrote:\n"
    "> Henri Haïtien replied in the discussion “Courier delays”:\n"
    "> We use motorbikes.\n"
)


def thread_with_reply_to_kim(world) -> tuple[Thread, str]:
    """Kim starts a discussion, Henri replies: Kim's notification mail and the reply address on it."""
    thread = discussions.thread_start(
        actor=world.kim.user, author=world.kim, network=world.network, title="Courier delays", body="Slow."
    )
    mail.outbox.clear()
    discussions.post_reply(
        actor=world.henri.user, author=world.henri, thread=thread, body="We use motorbikes."
    )
    [notification] = [m for m in mail.outbox if m.to == ["kim@example.org"]]
    [address] = notification.reply_to
    mail.outbox.clear()
    return thread, address


def reply(
    address: str,
    body: str = "Thank you, we will try motorbikes." + QUOTE,
    *,
    sender: str = "Kim Member <kim@example.org>",
    html: str | None = None,
    headers: dict | None = None,
    attachments=(),
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = address
    message["Subject"] = "Re: Courier delays"
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in (headers or {}).items():
        message[name] = value
    if html is None:
        message.set_content(body)
    else:
        message.set_content(html, subtype="html")
    for name, data, maintype, subtype in attachments:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()
