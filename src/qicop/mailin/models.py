"""Replying by e-mail: each member's key to their reply addresses, their mailing-list choice, and every
message received (what became of it)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyKey(models.Model):
    """The version every reply address of a member carries: raising it makes all of them stop working."""

    member = models.OneToOneField("network.Member", on_delete=models.CASCADE, related_name="reply_key")
    version = models.PositiveIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply key")
        verbose_name_plural = _("reply keys")

    def __str__(self) -> str:
        return f"{self.member_id}: v{self.version}"


class MemberMailPreference(models.Model):
    """Mailing-list mode: every post of the discussions the member follows, by e-mail, as it is posted."""

    member = models.OneToOneField("network.Member", on_delete=models.CASCADE, related_name="mail_preference")
    every_post = models.BooleanField(_("every post of the discussions I follow, by e-mail"), default=False)

    class Meta:
        verbose_name = _("mail preference")
        verbose_name_plural = _("mail preferences")

    def __str__(self) -> str:
        return f"{self.member_id}: {'every post' if self.every_post else 'notifications'}"


class InboundMessage(models.Model):
    """One message received for a reply address, and what became of it (kept for the audit trail, and so
    that a message delivered twice is posted once)."""

    class Outcome(models.TextChoices):
        POSTED = "posted", _("Posted")
        BOUNCED = "bounced", _("Refused, sender told why")
        DROPPED = "dropped", _("Refused silently")
        DUPLICATE = "duplicate", _("Already received")

    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    sender = models.CharField(max_length=254, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    size = models.PositiveIntegerField(default=0)
    member = models.ForeignKey(
        "network.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    reason = models.CharField(max_length=32)
    post_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("received message")
        verbose_name_plural = _("received messages")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.reason}) from {self.sender}"
