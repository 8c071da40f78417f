"""The network's meetings: virtual learning-network sessions and in-person all-country meetings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qicop.core.models import TimeStampedModel


class MeetingSeries(TimeStampedModel):
    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="series")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Meeting(TimeStampedModel):
    class Kind(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        verbose_name=_("series"),
    )
    title = models.CharField(_("title"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VIRTUAL)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PLANNED)
    start = models.DateTimeField(_("start"), db_index=True)  # stored in UTC, like every datetime
    end = models.DateTimeField(_("end"))
    time_zone = models.CharField(_("organiser's time zone"), max_length=64, default="UTC")
    join_url = models.URLField(_("join link"), blank=True, help_text=_("Shown only to registered members."))
    meeting_code = models.CharField(_("meeting id"), max_length=64, blank=True)
    passcode = models.CharField(_("passcode"), max_length=64, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    host_country = models.ForeignKey(
        "network.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("host country"),
    )
    countries = models.ManyToManyField(
        "network.Country", related_name="meetings", blank=True, verbose_name=_("participating countries")
    )
    # Calendar identity: one UID for the meeting's life; SEQUENCE grows with every change sent out.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("In Markdown."))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        indexes = [models.Index(fields=["network", "start"])]

    def __str__(self) -> str:
        return self.title


class Registration(TimeStampedModel):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        DECLINED = "declined", _("Declined")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField(max_length=16, choices=Status.choices)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meetings_registration_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.meeting_id}: {self.status}"


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        EXPERT = "expert", _("Expert presentation")
        PANEL = "panel", _("Panel")
        COUNTRY = "country", _("Country presentation")
        CASE = "case", _("Case presentation of a challenge")
        DISCUSSION = "discussion", _("Participant-driven discussion")
        BREAKOUT = "breakout", _("Breakout groups")
        QA = "qa", _("Questions and answers")
        CLOSING = "closing", _("Closing")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    country = models.ForeignKey(
        "network.Country", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    presenters = models.ManyToManyField("network.Member", blank=True, related_name="+")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["start", "id"]

    def __str__(self) -> str:
        return self.title


class CalendarFeed(TimeStampedModel):
    """A member's private calendar subscription: the URL carries a secret; only its hash is stored."""

    member = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"feed of {self.member_id}"


class Attendance(TimeStampedModel):
    """Who attended a meeting and for how long: imported from Zoom or Teams, or recorded by hand."""

    class Source(models.TextChoices):
        ZOOM = "zoom", "Zoom"
        TEAMS = "teams", "Microsoft Teams"
        MANUAL = "manual", _("Recorded by hand")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(
        "network.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="attendance"
    )
    name = models.CharField(_("name in the report"), max_length=200)
    email = models.CharField(_("e-mail in the report"), max_length=254, blank=True)
    minutes = models.FloatField(_("minutes attended"), default=0)
    first_joined = models.DateTimeField(_("joined"), null=True, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices)
    matched_by = models.CharField(max_length=8, blank=True)  # "email", "name", "hand" or "" (not matched)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["meeting", "member"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.minutes:.0f} min)"


class Decision(TimeStampedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class ActionItem(TimeStampedModel):
    """Something someone agreed to do; open actions carry forward to the next meeting of the series."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name=_("owner"),
    )
    country = models.ForeignKey(
        "network.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("country"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.description[:60]
