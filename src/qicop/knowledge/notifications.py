"""Notifications in the site and by e-mail.

A notification is created in the transaction of the post that causes it, for members who may read the
thread only; a case study submitted for review notifies its reviewers (the coordinators and the focal
points of its country), a reported post the network's coordinators. After the commit, members who chose
"immediately" get one e-mail per notification (a django-tasks task); "daily" members get one digest a day
from ``qicop send_digests``; "never" gets none. ``emailed_at`` is set in the transaction that sends,
under a row lock, so nothing goes out twice. Each e-mail is rendered in the recipient's language and time
zone, and checked again at sending time: a post hidden in the meantime, a case study no longer in review,
a report resolved, is not sent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.audit import audit
from qicop.core.i18n import reader_language, reader_zone
from qicop.knowledge.discussions import permissions as rules
from qicop.knowledge.models import CaseStudy, Notification, NotificationSettings, Post, PostReport, Thread
from qicop.network.models import Member, Membership, Role

DIGEST_EVERY = timedelta(hours=24)
DIGEST_MAX_ITEMS = 100  # listed in one digest; the rest wait for the next one

# Kinds of notification that are a post of a discussion (or a topic) the member follows or is named in:
# mailing-list mode sends each of them at once, whatever the member's e-mail setting.
POST_KINDS = (
    Notification.Kind.REPLY,
    Notification.Kind.MENTION,
    Notification.Kind.ACCEPTED,
    Notification.Kind.NEW_THREAD,
    Notification.Kind.TOPIC_POST,
)


def _no_reply_address(notification) -> str | None:
    return None


def _nobody(member_ids) -> set[int]:
    return set()


# Set by an app above this one (mailin) at start-up, so that knowledge need not import it: the address at
# which a notification can be answered by e-mail, and who wants every post of what they follow by mail.
_hooks: dict[str, Callable] = {"reply_address": _no_reply_address, "every_post": _nobody}


def register_mail_hooks(*, reply_address: Callable, every_post: Callable) -> None:
    _hooks["reply_address"] = reply_address
    _hooks["every_post"] = every_post


def notify(*, kind: str, thread: Thread, post, member_ids) -> list[Notification]:
    """Create ``kind`` notifications about ``post`` for those of ``member_ids`` who may read ``thread``;
    e-mail the "immediately" ones after the commit."""
    recipients = rules.readers_among(thread, member_ids) if member_ids else set()
    return _create(
        [Notification(member_id=m, kind=kind, thread=thread, post=post) for m in sorted(recipients)]
    )


def notify_every_post(*, thread: Thread, post, member_ids) -> list[Notification]:
    """Mailing-list mode for a topic: ``post`` goes by e-mail to those of ``member_ids`` who chose it and
    may read ``thread``. It is listed among their notifications as read already: it reaches them by mail,
    and a busy topic must not fill the count of what is new on every page."""
    wanted = _hooks["every_post"](member_ids) if member_ids else set()
    recipients = rules.readers_among(thread, wanted) if wanted else set()
    now = timezone.now()
    kind = Notification.Kind.TOPIC_POST
    return _create(
        [
            Notification(member_id=m, kind=kind, thread=thread, post=post, read_at=now)
            for m in sorted(recipients)
        ]
    )


def reviewers_of(case_study: CaseStudy) -> set[int]:
    """Who reviews ``case_study``: the network's coordinators and the focal points of its country."""
    return set(
        Membership.objects.filter(network_id=case_study.network_id)
        .filter(Q(role=Role.COORDINATOR) | Q(role=Role.FOCAL_POINT, member__country_id=case_study.country_id))
        .values_list("member_id", flat=True)
    )


def notify_submitted(*, case_study: CaseStudy, exclude: set[int] = frozenset()) -> list[Notification]:
    """The case study waits for review: its reviewers (but ``exclude``, the one who submitted it) hear."""
    recipients = reviewers_of(case_study) - set(exclude)
    kind = Notification.Kind.SUBMITTED
    return _create([Notification(member_id=m, kind=kind, case_study=case_study) for m in sorted(recipients)])


def moderators_of(network_id: int) -> set[int]:
    return set(
        Membership.objects.filter(network_id=network_id, role=Role.COORDINATOR).values_list(
            "member_id", flat=True
        )
    )


def notify_report(*, post: Post, exclude: set[int] = frozenset()) -> list[Notification]:
    """A post was reported: the network's coordinators (who moderate) hear, but ``exclude``."""
    recipients = moderators_of(post.thread.network_id) - set(exclude)
    kind = Notification.Kind.REPORT
    return _create(
        [Notification(member_id=m, kind=kind, thread=post.thread, post=post) for m in sorted(recipients)]
    )


def _create(rows: list[Notification]) -> list[Notification]:
    """Store the notifications; e-mail the ones of "immediately" members after the commit."""
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    recipients = {n.member_id for n in created}
    never_now = set(
        NotificationSettings.objects.filter(member_id__in=recipients)
        .exclude(email=NotificationSettings.Email.IMMEDIATELY)
        .values_list("member_id", flat=True)
    )
    every_post = _hooks["every_post"](never_now) if never_now else set()
    ids = [
        n.pk
        for n in created
        if n.member_id not in never_now or (n.kind in POST_KINDS and n.member_id in every_post)
    ]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from qicop.knowledge.tasks import send_notification_email  # local: the tasks call this module

    for pk in ids:
        send_notification_email.enqueue(pk)


def email_setting(member_id: int) -> str:
    row = NotificationSettings.objects.filter(member_id=member_id).first()
    return row.email if row else NotificationSettings.Email.IMMEDIATELY


def weekly_digest_setting(member_id: int) -> str:
    row = NotificationSettings.objects.filter(member_id=member_id).only("weekly_digest").first()
    return row.weekly_digest if row else NotificationSettings.WeeklyDigest.WHERE_I_TAKE_PART


@transaction.atomic
def settings_update(
    *, actor, member: Member, email: str, weekly_digest: str | None = None
) -> NotificationSettings:
    """Store how ``member`` is notified by e-mail; ``weekly_digest`` left None keeps the current choice."""
    defaults = {"email": email}
    if weekly_digest is not None:
        defaults["weekly_digest"] = weekly_digest
    row, _created = NotificationSettings.objects.update_or_create(member=member, defaults=defaults)
    audit(
        actor=actor, verb="notifications.settings", target=row, email=email, weekly_digest=row.weekly_digest
    )
    return row


@transaction.atomic
def stop_weekly_digest(*, actor, member: Member) -> NotificationSettings:
    """The weekly digest's unsubscribe link: no more weekly digests, in any network (the settings page
    turns them on again)."""
    row, _created = NotificationSettings.objects.get_or_create(member=member)
    if row.weekly_digest != NotificationSettings.WeeklyDigest.NEVER:
        row.weekly_digest = NotificationSettings.WeeklyDigest.NEVER
        row.save(update_fields=["weekly_digest"])
        audit(actor=actor, verb="notifications.weekly_digest_stopped", target=row)
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


def _sendable(notification: Notification) -> bool:
    """Still worth sending: the post is visible and the recipient may still read the thread; a case study
    still waits for review and the recipient still reviews it; a report is still open and the recipient
    still moderates."""
    if notification.kind == Notification.Kind.SUBMITTED:
        case_study = notification.case_study
        if case_study is None or case_study.status != CaseStudy.Status.REVIEW:
            return False
        return notification.member_id in reviewers_of(case_study)
    if notification.kind == Notification.Kind.REPORT:
        post = notification.post
        if post is None or post.hidden or notification.thread is None or notification.thread.hidden:
            return False
        if notification.member_id not in moderators_of(notification.thread.network_id):
            return False
        return PostReport.objects.filter(post=post, resolved_at__isnull=True).exists()
    thread = notification.thread
    if thread is None or notification.post is None or notification.post.hidden:
        return False
    return notification.member_id in rules.readers_among(thread, [notification.member_id])


def post_link(notification: Notification) -> str:
    thread = notification.thread
    return settings.BASE_URL + reverse(
        "knowledge:post_link", args=[thread.network.slug, thread.pk, notification.post_id]
    )


def case_study_link(notification: Notification) -> str:
    case_study = notification.case_study
    return settings.BASE_URL + reverse("knowledge:case_detail", args=[case_study.network.slug, case_study.pk])


def moderation_link(notification: Notification) -> str:
    return settings.BASE_URL + reverse("knowledge:moderation", args=[notification.thread.network.slug])


def _item(notification: Notification) -> dict:
    if notification.kind == Notification.Kind.SUBMITTED:
        case_study = notification.case_study
        return {
            "notification": notification,
            "template": "case_study",
            "case_study": case_study,
            "excerpt": case_study.summary,
            "link": case_study_link(notification),
        }
    if notification.kind == Notification.Kind.REPORT:
        reasons = PostReport.objects.filter(post=notification.post, resolved_at__isnull=True)
        return {
            "notification": notification,
            "template": "report",
            "thread": notification.thread,
            "post": notification.post,
            "author": notification.post.author,
            "reasons": list(reasons.order_by("created_at", "id").values_list("reason", flat=True)[:5]),
            "excerpt": (notification.post.body or "")[:1000],
            "link": moderation_link(notification),
        }
    return {
        "notification": notification,
        "template": "notification",
        "thread": notification.thread,
        "topic": notification.thread.topic,
        "post": notification.post,
        "author": notification.post.author,
        "excerpt": (notification.post.body or "")[:1000],
        "files": list(notification.post.files.all()),
        "link": post_link(notification),
    }


def _render(template: str, member: Member, context: dict) -> tuple[str, str]:
    with translation.override(reader_language(member)), timezone.override(ZoneInfo(reader_zone(member))):
        context = {
            **context,
            "member": member,
            "settings_link": settings.BASE_URL + reverse("knowledge:notification_settings"),
        }
        subject = render_to_string(f"knowledge/mail/{template}_subject.txt", context)
        body = render_to_string(f"knowledge/mail/{template}.txt", context)
    return " ".join(subject.split()), body


# What an e-mail can be about: a visible post of a visible thread (a reply, a mention, an accepted answer,
# or a report still open), or a case study that still waits for review. Reviews and publications of case
# studies live in the site only; hidden posts never go out. Filtered in SQL, so that they never fill a
# digest's first DIGEST_MAX_ITEMS and hold back the replies behind them, nor make a member "due" every hour.
EMAILABLE = (
    Q(post__hidden=False, thread__hidden=False)
    & (
        ~Q(kind=Notification.Kind.REPORT)
        | Q(Exists(PostReport.objects.filter(post=OuterRef("post"), resolved_at__isnull=True)))
    )
) | Q(kind=Notification.Kind.SUBMITTED, case_study__status=CaseStudy.Status.REVIEW)

_RELATED = (
    "member__user",
    "member__country",
    "thread__network",
    "thread__topic",
    "thread__case_study",
    "post__author",
    "case_study__network",
    "case_study__country",
)


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
        if email_setting(notification.member_id) != NotificationSettings.Email.IMMEDIATELY and not (
            notification.kind in POST_KINDS and _hooks["every_post"]({notification.member_id})
        ):
            return False
        member = notification.member
        item = _item(notification)
        reply_address = _hooks["reply_address"](notification)
        item["reply_by_mail"] = bool(reply_address)
        subject, body = _render(item["template"], member, item)
        EmailMessage(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [member.user.email],
            reply_to=[reply_address] if reply_address else None,
        ).send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def members_due_a_digest(now: datetime) -> list[int]:
    """Members on "daily" with notifications not yet e-mailed whose last digest is 24 h old or more."""
    return list(
        NotificationSettings.objects.filter(email=NotificationSettings.Email.DAILY)
        .filter(Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - DIGEST_EVERY))
        .filter(
            member_id__in=Notification.objects.filter(emailed_at__isnull=True)
            .filter(EMAILABLE)
            .values("member_id")
        )
        .values_list("member_id", flat=True)
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
