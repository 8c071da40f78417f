"""The network's memory: case studies of improvement (successes and implementation challenges),
resources, and the discussions between meetings."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qicop.core.models import TimeStampedModel
from qicop.core.storage import private_storage
from qicop.core.uploads import ACCEPTED

LANGUAGES = [("en", "English"), ("fr", "Français"), ("pt", "Português")]


class CaseStudy(TimeStampedModel):
    """A country's account of what it changed, what the data did, what went wrong and what it learned."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("case study", "Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", pgettext_lazy("case study", "Published")

    class ImprovementModel(models.TextChoices):
        MODEL_FOR_IMPROVEMENT = "mfi", _("Model for Improvement (PDSA)")
        COLLABORATIVE = "collaborative", _("Improvement collaborative")
        LEAN = "lean", _("Lean")
        SIX_SIGMA = "six_sigma", _("Six Sigma")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("Successful improvement")
        CHALLENGE = "challenge", _("Implementation challenge")
        MIXED = "mixed", _("Mixed results")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="case_studies")
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="case_studies", verbose_name=_("country")
    )
    org_units = models.ManyToManyField(
        "indicators.OrgUnit", blank=True, related_name="case_studies", verbose_name=_("where")
    )
    topics = models.ManyToManyField(
        "network.Topic", blank=True, related_name="case_studies", verbose_name=_("topics")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    improvement_model = models.CharField(
        _("improvement model"), max_length=16, choices=ImprovementModel.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    context = models.TextField(_("context and problem"), blank=True)
    aim = models.TextField(_("aim"), blank=True)
    changes = models.TextField(_("changes tested"), blank=True)
    results = models.TextField(_("results"), blank=True)
    challenges = models.TextField(_("implementation challenges"), blank=True)
    lessons = models.TextField(_("lessons and advice for others"), blank=True)
    authors = models.ManyToManyField(
        "network.Member", blank=True, related_name="case_studies", verbose_name=_("authors")
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="en")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        ordering = ["-published_at", "-updated_at"]
        indexes = [models.Index(fields=["network", "status", "published_at"])]

    def __str__(self) -> str:
        return self.title


class CaseStudyVersion(models.Model):
    """Every saved state of a case study: who changed what, and the text as it was."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    status = models.CharField(max_length=16)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case study version")
        verbose_name_plural = _("case study versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["case_study", "number"], name="knowledge_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_study_id} v{self.number}"


class CaseStudyChart(models.Model):
    """A live dashboard chart (indicator × org unit with its saved phases and notes) in a case study;
    the drawing is kept as a snapshot when the case study is published."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="charts")
    indicator = models.ForeignKey(
        "indicators.NetworkIndicator", on_delete=models.CASCADE, related_name="+", verbose_name=_("indicator")
    )
    org_unit = models.ForeignKey(
        "indicators.OrgUnit", on_delete=models.CASCADE, related_name="+", verbose_name=_("org unit")
    )
    options = models.JSONField(default=dict, blank=True)  # the chart page's query: rules, period type…
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    snapshot_svg = models.TextField(blank=True)
    snapshot_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case study chart")
        verbose_name_plural = _("case study charts")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or f"chart {self.pk}"


class ReviewComment(TimeStampedModel):
    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="review_comments")
    author = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=10_000)

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


def attachment_path(instance, filename: str) -> str:
    return f"knowledge/{uuid.uuid4().hex}"


class Resource(TimeStampedModel):
    """A guideline, tool, template or policy: a file or a link."""

    class Kind(models.TextChoices):
        GUIDELINE = "guideline", _("Guideline")
        TOOL = "tool", _("Tool")
        TEMPLATE = "template", _("Template")
        POLICY = "policy", _("Policy")
        REPORT = "report", _("Report")
        OTHER = "other", _("Other")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    topics = models.ManyToManyField(
        "network.Topic", blank=True, related_name="resources", verbose_name=_("topics")
    )
    country = models.ForeignKey(
        "network.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resources",
        verbose_name=_("country"),
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="en")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)
    file = models.FileField(upload_to=attachment_path, storage=private_storage, blank=True, max_length=200)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey("network.Member", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Attachment(TimeStampedModel):
    """A file attached to a case study."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=attachment_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    added_by = models.ForeignKey("network.Member", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Thread(TimeStampedModel):
    """A discussion: in a topic, or attached to a meeting, a case study or a chart."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("title"), max_length=200)
    topic = models.ForeignKey(
        "network.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="threads",
        verbose_name=_("topic"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE, related_name="threads"
    )
    case_study = models.ForeignKey(
        CaseStudy, null=True, blank=True, on_delete=models.CASCADE, related_name="threads"
    )
    # A chart is named by its indicator code and org unit uid, as in its URL.
    chart_indicator = models.CharField(max_length=64, blank=True)
    chart_org_unit = models.CharField(max_length=11, blank=True)
    created_by = models.ForeignKey("network.Member", null=True, on_delete=models.SET_NULL, related_name="+")
    locked = models.BooleanField(_("locked"), default=False)
    hidden = models.BooleanField(_("hidden"), default=False)
    accepted_post = models.ForeignKey(
        "Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_post_at = models.DateTimeField(null=True, blank=True, db_index=True)
    post_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-last_post_at", "-id"]
        indexes = [models.Index(fields=["network", "hidden", "last_post_at"])]

    def __str__(self) -> str:
        return self.title


class Post(TimeStampedModel):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey("network.Member", null=True, on_delete=models.SET_NULL, related_name="posts")
    body = models.TextField(_("message"), help_text=_("In Markdown."))
    quote_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    hidden = models.BooleanField(_("hidden"), default=False)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return self.body[:60]


def post_file_path(instance, filename: str) -> str:
    return f"discussions/{uuid.uuid4().hex}"


class PostFile(models.Model):
    """A file attached to a post (on the site, or to a reply by e-mail), checked as every upload is
    (core.uploads) and handed out only to those who may read the thread."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=post_file_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file of a post")
        verbose_name_plural = _("files of posts")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def type_label(self) -> str:
        """What kind of file it is, as its extension says it (PDF, DOCX, PNG…), from its checked content."""
        return ACCEPTED.get(self.content_type, ("", "bin"))[1].upper()


class Subscription(TimeStampedModel):
    """A member follows a thread: replies notify them."""

    member = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="subscriptions")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="subscriptions")

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["member", "thread"], name="knowledge_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} follows {self.thread_id}"


class TopicSubscription(TimeStampedModel):
    """A member follows a topic of a network: a new discussion in it notifies them, and in mailing-list
    mode every post of its discussions comes by e-mail."""

    member = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="topic_subscriptions")
    topic = models.ForeignKey("network.Topic", on_delete=models.CASCADE, related_name="subscriptions")

    class Meta:
        verbose_name = _("followed topic")
        verbose_name_plural = _("followed topics")
        constraints = [
            models.UniqueConstraint(fields=["member", "topic"], name="knowledge_topic_subscription_unique")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} follows topic {self.topic_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", _("New reply")
        NEW_THREAD = "new_thread", _("New discussion in a topic you follow")
        TOPIC_POST = "topic_post", _("New post in a topic you follow")
        MENTION = "mention", _("Mention")
        ACCEPTED = "accepted", _("Answer accepted")
        REVIEW = "review", _("Case study review")
        PUBLISHED = "published", _("Case study published")
        SUBMITTED = "submitted", _("Case study submitted for review")
        REPORT = "report", _("Post reported")

    member = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    thread = models.ForeignKey(Thread, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    case_study = models.ForeignKey(
        CaseStudy, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["member", "read_at"]),
            models.Index(fields=["emailed_at", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.member_id}"


class NotificationSettings(models.Model):
    class Email(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        DAILY = "daily", _("Once a day (digest)")
        NEVER = "never", _("Never")

    member = models.OneToOneField(
        "network.Member", on_delete=models.CASCADE, related_name="notification_settings"
    )

    class WeeklyDigest(models.TextChoices):
        # Observers read what is published and take part in nothing: a weekly e-mail unasked is noise.
        WHERE_I_TAKE_PART = "participant", _("For the networks where I take part (not where I only observe)")
        EVERY_NETWORK = "all", _("For every network I belong to, observer or not")
        NEVER = "never", _("Never")

    email = models.CharField(_("e-mail me"), max_length=16, choices=Email.choices, default=Email.IMMEDIATELY)
    weekly_digest = models.CharField(
        _("weekly digest"),
        max_length=16,
        choices=WeeklyDigest.choices,
        default=WeeklyDigest.WHERE_I_TAKE_PART,
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # Part of the member's private feed address (feeds.py): a new value makes the old address stop working.
    feed_key = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("notification settings")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.member_id}: {self.email}"


class PostReport(TimeStampedModel):
    """A member's report of a post for moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey("network.Member", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["post", "reporter"], name="knowledge_report_unique")]

    def __str__(self) -> str:
        return f"report on {self.post_id}"
