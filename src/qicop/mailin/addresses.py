"""Reply addresses on outgoing notifications, and mailing-list mode.

knowledge sends the notification e-mails and must not import this app (it stands below it); this app
hands knowledge two answers at start-up (``register_with_notifications``): the reply address of a
notification, and which members want every post of the discussions and topics they follow.
"""

from __future__ import annotations

from django.conf import settings

from qicop.knowledge import notifications
from qicop.knowledge.models import Notification
from qicop.mailin import tokens
from qicop.mailin.models import MemberMailPreference, ReplyKey

# Notifications whose mail can be answered: a post in a discussion, a case study waiting for review.
# A report goes to moderators, who act on the site; it has no reply address.
THREAD_KINDS = {
    Notification.Kind.REPLY,
    Notification.Kind.MENTION,
    Notification.Kind.ACCEPTED,
    Notification.Kind.NEW_THREAD,
    Notification.Kind.TOPIC_POST,
}


def key_version(member_id: int) -> int:
    row = ReplyKey.objects.filter(member_id=member_id).only("version").first()
    return row.version if row else 0


def reply_address(*, member_id: int, kind: str, object_id: int) -> str:
    token = tokens.make_token(
        member_id=member_id, kind=kind, object_id=object_id, version=key_version(member_id)
    )
    return tokens.address_for(token)


def reply_address_for(notification: Notification) -> str | None:
    """The address at which ``notification``'s recipient answers it by e-mail, or None."""
    if not settings.QICOP_MAIL_REPLIES:
        return None
    if notification.kind in THREAD_KINDS and notification.thread_id:
        kind, object_id = tokens.THREAD, notification.thread_id
    elif notification.kind == Notification.Kind.SUBMITTED and notification.case_study_id:
        kind, object_id = tokens.CASE_STUDY, notification.case_study_id
    else:
        return None
    return reply_address(member_id=notification.member_id, kind=kind, object_id=object_id)


def every_post_members(member_ids) -> set[int]:
    """Which of ``member_ids`` chose mailing-list mode."""
    return set(
        MemberMailPreference.objects.filter(member_id__in=list(member_ids), every_post=True).values_list(
            "member_id", flat=True
        )
    )


def register_with_notifications() -> None:
    notifications.register_mail_hooks(reply_address=reply_address_for, every_post=every_post_members)
