"""Every write of mailin a member makes on the site: revoking their reply addresses, mailing-list mode."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from qicop.core.audit import audit
from qicop.mailin.models import MemberMailPreference, ReplyKey
from qicop.network.models import Member


@transaction.atomic
def reply_addresses_revoke(*, actor, member: Member) -> ReplyKey:
    """Every reply address sent to ``member`` so far stops working (a reply to one gets a bounce saying
    so); notifications sent from now on carry new ones."""
    key, _created = ReplyKey.objects.get_or_create(member=member)
    ReplyKey.objects.filter(pk=key.pk).update(version=F("version") + 1, revoked_at=timezone.now())
    key.refresh_from_db()
    audit(actor=actor, verb="mailin.revoke", target=key, version=key.version)
    return key


@transaction.atomic
def mail_preference_update(*, actor, member: Member, every_post: bool) -> MemberMailPreference:
    row, _created = MemberMailPreference.objects.update_or_create(
        member=member, defaults={"every_post": every_post}
    )
    audit(actor=actor, verb="mailin.preference", target=row, every_post=every_post)
    return row


def every_post(member: Member) -> bool:
    return MemberMailPreference.objects.filter(member=member, every_post=True).exists()
