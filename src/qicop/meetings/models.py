"""The network's meetings: virtual learning-network sessions and in-person all-country meetings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qicop import scheduling
from qicop.core.models import TimeStampedModel
from qicop.core.storage import private_storage


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
    topics = models.ManyToManyField(
        "network.Topic", blank=True, related_name="meetings", verbose_name=_("topics")
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit on registrations.")
    )
    reminder_offsets = models.CharField(
        _("reminders"),
        max_length=64,
        default="7d,1d",
        validators=[
            RegexValidator(r"^\s*\d+[dh](\s*,\s*\d+[dh])*\s*$", _("Write offsets such as 7d,1d or 2h."))
        ],
        help_text=_("When reminders go out before the start, e.g. 7d,1d (days) or 2h (hours)."),
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", editable=False
    )
    recording_url = models.URLField(_("recording"), blank=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start"]
        indexes = [models.Index(fields=["network", "start"])]

    def __str__(self) -> str:
        return self.title

    @property
    def lasts_days(self) -> bool:
        """A meeting of several days (shown by its dates), not a session, even one crossing midnight."""
        return scheduling.lasts_days(self.start, self.end)


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
    presenters = models.ManyToManyField(
        "network.Member", blank=True, related_name="+", verbose_name=_("presenters")
    )
    panellists = models.ManyToManyField(
        "network.Member", blank=True, related_name="+", verbose_name=_("panellists")
    )
    moderator = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("moderator"),
    )
    # People who are not members (guest experts, historical speakers), as printed on the agenda.
    speakers = models.CharField(_("other speakers"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)

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
    # "email" or "name" (matched automatically), "hand" (linked by a coordinator), "guest" (a named guest who
    # is not a member, added or confirmed by a coordinator), "unlinked" (a wrong match undone) or "".
    matched_by = models.CharField(max_length=8, blank=True)

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


def material_path(instance: Material, filename: str) -> str:
    return f"materials/{instance.meeting_id}/{uuid.uuid4().hex}"


class Material(TimeStampedModel):
    """Slides, documents and recordings of a meeting. Files are stored privately and served only to the
    network's members; the original name is kept for the download."""

    class Kind(models.TextChoices):
        SLIDES = "slides", _("Slides")
        DOCUMENT = "document", _("Document")
        SPREADSHEET = "spreadsheet", _("Spreadsheet")
        IMAGE = "image", _("Image")
        RECORDING = "recording", _("Recording")
        LINK = "link", _("Link")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    agenda_item = models.ForeignKey(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=material_path, storage=private_storage, blank=True, max_length=200)
    url = models.URLField(_("link"), blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    uploaded_by = models.ForeignKey(
        "network.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["agenda_item__start", "title", "id"]

    def __str__(self) -> str:
        return self.title


class CasePresentation(TimeStampedModel):
    """A country's case presentation, following Project ECHO's rhythm: the coordinator assigns a country,
    the country uploads its presentation and its question by a deadline, the coordinator approves it, and
    after the session the peers' recommendations are recorded against it."""

    class Status(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes", _("Changes requested")
        APPROVED = "approved", _("Approved")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="case_presentations")
    agenda_item = models.OneToOneField(
        AgendaItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_presentation",
        verbose_name=_("agenda item"),
    )
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    question = models.TextField(_("question for the network"), blank=True)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ASSIGNED)
    presentation = models.ForeignKey(
        Material,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("presentation"),
    )
    review_comment = models.TextField(_("comment from the coordinator"), blank=True)
    recommendations = models.TextField(
        _("recommendations from peers"), blank=True, help_text=_("In Markdown.")
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("case presentation")
        verbose_name_plural = _("case presentations")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.title or f"case presentation {self.pk}"


class Delegate(TimeStampedModel):
    """A member of a country's delegation to an in-person meeting, named by the country's focal point."""

    class Affiliation(models.TextChoices):
        MOH = "moh", _("Ministry of Health")
        CDC = "cdc", _("CDC country office")
        PARTNER = "partner", _("Implementing partner")
        OTHER = "other", _("Other")

    class Role(models.TextChoices):
        HEAD = "head", _("Head of delegation")
        DELEGATE = "delegate", _("Delegate")
        PANELLIST = "panellist", _("Panellist")
        PRESENTER = "presenter", _("Presenter")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegates")
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    member = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegations",
        verbose_name=_("member"),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=16, choices=Affiliation.choices)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.DELEGATE)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        ordering = ["country__name", "role", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=models.Q(member__isnull=False),
                name="meetings_delegate_unique_member",
            ),
            models.UniqueConstraint(
                fields=["meeting", "country"],
                condition=models.Q(role="head"),
                name="meetings_delegate_one_head",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name


class Evaluation(TimeStampedModel):
    """One member's answer to the short survey after a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="evaluations")
    member = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("overall rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    relevance = models.PositiveSmallIntegerField(
        _("relevance to your work"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        null=True,
        blank=True,
    )
    most_useful = models.TextField(_("what was most useful?"), blank=True, max_length=4000)
    improve = models.TextField(_("what should we improve?"), blank=True, max_length=4000)
    next_topics = models.TextField(_("topics for coming sessions"), blank=True, max_length=4000)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="meetings_evaluation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.rating}"


class Proceedings(TimeStampedModel):
    """A network's proceedings for a year. Members see the draft page; observers only once published."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="proceedings")
    year = models.PositiveSmallIntegerField(_("year"))
    introduction = models.TextField(_("introduction"), blank=True, help_text=_("In Markdown."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("proceedings")
        verbose_name_plural = _("proceedings")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["network", "year"], name="meetings_proceedings_unique")
        ]

    def __str__(self) -> str:
        return f"{self.network_id} {self.year}"


class SentMail(models.Model):
    """Every meeting e-mail that went out, under a key that names it (e.g. "reminder:12:7d"): a mail whose
    key is already here is never sent again, however often the sending task runs. The recipient is a
    member, or — for a delegate who is not a member — an address (``email``, lower case, member empty)."""

    key = models.CharField(max_length=200)
    member = models.ForeignKey(
        "network.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.CharField(max_length=254, blank=True)
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")
        constraints = [
            models.UniqueConstraint(fields=["key", "member"], name="meetings_sentmail_unique"),
            models.UniqueConstraint(
                fields=["key", "email"],
                condition=models.Q(member__isnull=True),
                name="meetings_sentmail_unique_address",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(email=""),
                name="meetings_sentmail_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} → {self.member_id or self.email}"


class MailOptOut(TimeStampedModel):
    """A member's "unsubscribe": which kind of meeting mail they no longer want. A delegate who is not a
    member unsubscribes an address (``email``, lower case, member empty)."""

    class Kind(models.TextChoices):
        INVITATIONS = "invitations", _("Invitations and updates")
        REMINDERS = "reminders", _("Reminders")
        FOLLOW_UPS = "follow_ups", _("Minutes and materials after meetings")
        ALL = "all", _("All meeting e-mails")

    member = models.ForeignKey(
        "network.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="mail_opt_outs"
    )
    email = models.CharField(max_length=254, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], name="meetings_mailoptout_unique"),
            models.UniqueConstraint(
                fields=["email", "kind"],
                condition=models.Q(member__isnull=True),
                name="meetings_mailoptout_unique_address",
            ),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | ~models.Q(email=""),
                name="meetings_mailoptout_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id or self.email}: {self.kind}"
