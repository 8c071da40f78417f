"""Notifications in the site and by e-mail.

A notification is created in the transaction of the post that causes it, for members who may read the
thread only. After the commit, members who chose "immediately" get one e-mail per notification (a
django-tasks task); "daily" members get one digest a day from ``qicop send_digests``; "never" gets none.
``emailed_at`` is set in the transaction that sends, under a row lock, so nothing goes out twice. Each
e-mail is rendered in the recipient's language and time zone, and checked again at sending time: a post
hidden in the meantime is not sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.audit import audit
from qicop.core.i18n import is_valid_time_zone
from qicop.knowledge import permissions_discussions as rules
from qicop.knowledge.models import Notification, NotificationSettings, Thread
from qicop.network.models import Member

DIGEST_EVERY = timedelta(hours=24)
DIGEST_MAX_ITEMS = 100  # listed in one digest; the rest wait for the next one


def notify(*, kind: str, thread: Thread, post, member_ids) -> list[Notification]:
    """Create ``kind`` notifications about ``post`` for those of ``member_ids`` who may read ``thread``;
    e-mail the "immediately" ones after the commit."""
    recipients = rules.readers_among(thread, member_ids) if member_ids else set()
    if not recipients:
        return []
    created = Notification.objects.bulk_create(
        [Notification(member_id=m, kind=kind, thread=thread, post=post) for m in sorted(recipients)]
    )
    never_now = set(
        NotificationSettings.objects.filter(member_id__in=recipients)
        .exclude(email=NotificationSettings.Email.IMMEDIATELY)
        .values_list("member_id", flat=True)
    )
    ids = [n.pk for n in created if n.member_id not in never_now]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from qicop.knowledge.tasks import send_notification_email

    for pk in ids:
        send_notification_email.enqueue(pk)


def email_setting(member_id: int) -> str:
    row = NotificationSettings.objects.filter(member_id=member_id).first()
    return row.email if row else NotificationSettings.Email.IMMEDIATELY


@transaction.atomic
def settings_update(*, actor, member: Member, email: str) -> NotificationSettings:
    row, _created = NotificationSettings.objects.update_or_create(member=member, defaults={"email": email})
    audit(actor=actor, verb="notifications.settings", target=row, email=email)
    return row


def mark_read(notifications) -> int:
    ids = [n.pk for n in notifications if n.read_at is None]
    if not ids:
        return 0
    return Notification.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=timezone.now())


def mark_read_for_thread(*, member_id: int, thread: Thread) -> int:
    """Opening a thread reads its notifications."""
    return Notification.objects.filter(member_id=member_id, thread=thread, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- E-mail --------------------------------------------------------------------------------------------


def _language(member: Member) -> str:
    """The account's language; else the first of the country's languages we speak; else the default."""
    codes = [code for code, _name in settings.LANGUAGES]
    if member.user.language in codes:
        return member.user.language
    for code in member.country.languages or []:
        if code in codes:
            return code
    return settings.LANGUAGE_CODE


def _zone(member: Member) -> ZoneInfo:
    for name in (member.user.time_zone, member.country.time_zone, settings.TIME_ZONE):
        if name and is_valid_time_zone(name):
            return ZoneInfo(name)
    return ZoneInfo("UTC")


def _sendable(notification: Notification) -> bool:
    """Still worth sending: the post is visible and the recipient may still read the thread."""
    thread = notification.thread
    if thread is None or notification.post is None or notification.post.hidden:
        return False
    return notification.member_id in rules.readers_among(thread, [notification.member_id])


def post_link(notification: Notification) -> str:
    thread = notification.thread
    return settings.BASE_URL + reverse(
        "knowledge:post_link", args=[thread.network.slug, thread.pk, notification.post_id]
    )


def _item(notification: Notification) -> dict:
    return {
        "notification": notification,
        "thread": notification.thread,
        "post": notification.post,
        "author": notification.post.author,
        "excerpt": (notification.post.body or "")[:1000],
        "link": post_link(notification),
    }


def _render(template: str, member: Member, context: dict) -> tuple[str, str]:
    with translation.override(_language(member)), timezone.override(_zone(member)):
        context = {
            **context,
            "member": member,
            "settings_link": settings.BASE_URL + reverse("knowledge:notification_settings"),
        }
        subject = render_to_string(f"knowledge/mail/{template}_subject.txt", context)
        body = render_to_string(f"knowledge/mail/{template}.txt", context)
    return " ".join(subject.split()), body


# What an e-mail can be about: a visible post of a visible thread. Case-study notifications live in the
# site only; hidden posts never go out. Filtered in SQL, so that they never fill a digest's first
# DIGEST_MAX_ITEMS and hold back the replies behind them, nor make a member "due" every hour.
EMAILABLE = Q(post__hidden=False, thread__hidden=False)

_RELATED = ("member__user", "member__country", "thread__network", "thread__case_study", "post__author")


def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification to a member who chose "immediately". Safe to retry."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related(*_RELATED)
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None or not _sendable(notification):
            return False
        if email_setting(notification.member_id) != NotificationSettings.Email.IMMEDIATELY:
            return False
        member = notification.member
        subject, body = _render("notification", member, _item(notification))
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [member.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def members_due_a_digest(now: datetime) -> list[int]:
    """Members on "daily" with notifications not yet e-mailed whose last digest is 24 h old or more."""
    return list(
        NotificationSettings.objects.filter(email=NotificationSettings.Email.DAILY)
        .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_EVERY))
        .filter(
            member__notifications__emailed_at__isnull=True,
            member__notifications__post__hidden=False,
            member__notifications__thread__hidden=False,
        )
        .values_list("member_id", flat=True)
        .distinct()
    )


def send_digest(member_id: int, *, now: datetime | None = None) -> bool:
    """One member's digest: every notification not yet e-mailed (up to DIGEST_MAX_ITEMS)."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (
            NotificationSettings.objects.select_for_update()
            .filter(member_id=member_id, email=NotificationSettings.Email.DAILY)
            .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_EVERY))
            .first()
        )
        if row is None:
            return False
        pending = list(
            Notification.objects.filter(member_id=member_id, emailed_at__isnull=True)
            .filter(EMAILABLE)
            .select_related(*_RELATED)
            .order_by("created_at", "id")[:DIGEST_MAX_ITEMS]
        )
        items = [_item(n) for n in pending if _sendable(n)]
        if not items:
            return False
        member = items[0]["notification"].member
        subject, body = _render("digest", member, {"items": items})
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [member.user.email])
        Notification.objects.filter(pk__in=[i["notification"].pk for i in items]).update(emailed_at=now)
        row.last_digest_at = now
        row.save(update_fields=["last_digest_at"])
    return True


def send_digests(*, now: datetime | None = None) -> int:
    """Send the digests that are due; returns how many went out. Run hourly (cron)."""
    now = now or timezone.now()
    return sum(send_digest(member_id, now=now) for member_id in members_due_a_digest(now))
