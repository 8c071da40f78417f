"""The weekly digest of each network: one e-mail per member per network per week, on Monday from 7:00 in
the member's zone, in their language, plain text with a light HTML part (no images: it is read on phones on
slow links), with a signed unsubscribe link (List-Unsubscribe, RFC 8058 one-click) and the link to the
notification settings where the choice is changed.

Who gets it (knowledge's ``NotificationSettings.weekly_digest``): by default the networks where the member
takes part, not those where they only observe; "every network" adds those; "never" stops them all.

Each digest is recorded in the meetings app's ``SentMail`` under "weekly-digest:<network>:<ISO week>" in
the transaction that sends it, so that however often cron runs ``qicop send_weekly_digests`` (hourly), and
however many machines run it, nobody gets a network's digest twice in a week. A digest with nothing to say
is not sent (and not recorded: news later that Monday still goes out).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from qicop.core.i18n import reader_language, reader_zone
from qicop.knowledge.models import NotificationSettings
from qicop.meetings.models import SentMail
from qicop.network.models import Member, Membership, Network, Role
from qicop.network.permissions import viewer_for
from qicop.portal.digest.content import weekly_digest

log = logging.getLogger(__name__)

Choice = NotificationSettings.WeeklyDigest

KEY_PREFIX = "weekly-digest:"
#: Monday (ISO weekday 1), from 7:00 in the member's zone until the end of that day: a cron run missed at
#: 7:00 is caught up by the next one.
SEND_WEEKDAY = 1
SEND_FROM = dt.time(7, 0)

UNSUBSCRIBE_SALT = "qicop.portal.weekly_digest.unsubscribe"
UNSUBSCRIBE_MAX_AGE = dt.timedelta(days=400)  # as the meetings' links: old mails keep working a year


def digest_key(network_id: int, local_day: dt.date) -> str:
    year, week, _day = local_day.isocalendar()
    return f"{KEY_PREFIX}{network_id}:{year}-W{week:02d}"


# ------------------------------------------------------------------------------------------ unsubscribe


def unsubscribe_token(member_id: int) -> str:
    return signing.dumps({"m": member_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> int:
    """The member named by ``token``; raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or not isinstance(data.get("m"), int):
        raise signing.BadSignature("unsubscribe token names no member")
    return data["m"]


def unsubscribe_url(member_id: int) -> str:
    return settings.BASE_URL + reverse(
        "portal:weekly_digest_unsubscribe", args=[unsubscribe_token(member_id)]
    )


# ------------------------------------------------------------------------------------------ who, when


@dataclass(frozen=True)
class Due:
    member_id: int
    network_id: int
    key: str


def wants(choice: str, roles: set[str]) -> bool:
    """Whether a member with ``roles`` in a network gets its digest under ``choice``."""
    if choice == Choice.NEVER or not roles:
        return False
    if choice == Choice.EVERY_NETWORK:
        return True
    return bool(roles - {Role.OBSERVER})


def local_now(member: Member, now: dt.datetime) -> dt.datetime:
    return now.astimezone(ZoneInfo(reader_zone(member)))


def is_send_time(local: dt.datetime) -> bool:
    return local.isoweekday() == SEND_WEEKDAY and local.time() >= SEND_FROM


def due_digests(now: dt.datetime) -> list[Due]:
    """(member, network, key) of each digest due at ``now`` and not sent yet. Four queries."""
    choices = dict(NotificationSettings.objects.values_list("member_id", "weekly_digest"))
    sent = set(
        SentMail.objects.filter(key__startswith=KEY_PREFIX, sent_at__gte=now - dt.timedelta(days=8))
        .exclude(member__isnull=True)
        .values_list("key", "member_id")
    )
    roles: dict[tuple[int, int], set[str]] = {}
    members: dict[int, Member] = {}
    rows = (
        Membership.objects.filter(member__user__is_active=True)
        .exclude(member__user__email="")
        .select_related("member__user", "member__country")
        .order_by("member_id", "network_id")
    )
    for membership in rows.iterator(chunk_size=500):
        roles.setdefault((membership.member_id, membership.network_id), set()).add(membership.role)
        members.setdefault(membership.member_id, membership.member)
    due = []
    for (member_id, network_id), held in roles.items():
        if not wants(choices.get(member_id, Choice.WHERE_I_TAKE_PART), held):
            continue
        local = local_now(members[member_id], now)
        if not is_send_time(local):
            continue
        key = digest_key(network_id, local.date())
        if (key, member_id) not in sent:
            due.append(Due(member_id, network_id, key))
    return due


# ------------------------------------------------------------------------------------------ sending


def send_weekly_digest(
    member_id: int, network_id: int, *, now: dt.datetime | None = None, connection=None
) -> bool:
    """Send one member's digest of one network for this week, unless it went out already, it is not time
    in their zone, they no longer want it, or it would be empty. Safe to retry; returns whether it went."""
    now = now or timezone.now()
    member = Member.objects.select_related("user", "country").filter(pk=member_id).first()
    network = Network.objects.filter(pk=network_id).first()
    if member is None or network is None or not member.user.is_active or not member.user.email:
        return False
    local = local_now(member, now)
    if not is_send_time(local):
        return False
    held = set(Membership.objects.filter(member=member, network=network).values_list("role", flat=True))
    choice = (
        NotificationSettings.objects.filter(member=member).values_list("weekly_digest", flat=True).first()
        or Choice.WHERE_I_TAKE_PART
    )
    if not wants(choice, held):
        return False
    try:
        with transaction.atomic():
            # claimed first: a second run at the same moment waits on the unique key, then finds it taken
            _record, created = SentMail.objects.get_or_create(
                key=digest_key(network.pk, local.date()), member=member
            )
            if not created:
                return False
            message = _message(member, network, now)
            if message is None:
                transaction.set_rollback(True)  # nothing to say: not recorded, a later run may have news
                return False
            message.connection = connection
            message.send()
    except OSError:  # smtplib's errors: the claim is rolled back, the next hourly run tries again
        log.warning("weekly digest of network %s to member %s failed", network.pk, member.pk)
        return False
    return True


def send_weekly_digests(*, now: dt.datetime | None = None) -> int:
    """Send every digest due now; returns how many went. Run hourly (cron, through the task)."""
    now = now or timezone.now()
    sent = 0
    with get_connection() as connection:
        for due in due_digests(now):
            sent += send_weekly_digest(due.member_id, due.network_id, now=now, connection=connection)
    return sent


def _message(member: Member, network: Network, now: dt.datetime) -> EmailMultiAlternatives | None:
    """The member's digest of ``network``, rendered in their language with times in their zone; None
    when it has nothing to say."""
    language, zone = reader_language(member), reader_zone(member)
    unsubscribe = unsubscribe_url(member.pk)
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        digest = weekly_digest(member.user, viewer_for(member.user), network, now=now)
        if digest.empty:
            return None
        context = {
            "member": member,
            "network": network,
            "digest": digest,
            "zone": zone,
            "unsubscribe_url": unsubscribe,
            "settings_url": settings.BASE_URL + reverse("knowledge:notification_settings"),
        }
        subject = " ".join(render_to_string("portal/digest/mail/weekly_subject.txt", context).split())
        text = render_to_string("portal/digest/mail/weekly.txt", context)
        html = render_to_string("portal/digest/mail/weekly.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [member.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies to a robot
            "Content-Language": language,
        },
    )
    message.attach_alternative(html, "text/html")
    return message
