"""National quality programmes: scored instruments (versioned, loaded from files in three languages) and the
yearly assessment rounds of each country that use them.

An instrument's texts are stored as {language: text} and read with ``text_in`` in the reader's language. A
round is scored against one version of one instrument; a new version never changes a round already scored
(its items and level definitions stay), and ``Item.lineage`` lets year-on-year comparisons follow an item
across versions.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from qicop.core.models import TimeStampedModel
from qicop.core.storage import private_storage


def text_in(texts: dict, language: str | None = None) -> str:
    """A {language: text} value in ``language`` (the active one by default), else English, else any."""
    language = (language or translation.get_language() or "en").split("-")[0]
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


class Instrument(TimeStampedModel):
    """One version of a scored instrument (instruments/FORMAT.md)."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National quality management programme")
        NQPS = "nqps", _("National quality policy and strategy")
        FACILITY = "facility", _("Facility quality management")

    slug = models.SlugField(_("short name"), max_length=80)
    version = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    names = models.JSONField(_("name"), default=dict)
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    levels = models.JSONField(_("levels"), default=list)  # e.g. [0, 1, 2, 3, 4, 5]
    evidence_from = models.PositiveSmallIntegerField(_("evidence needed from level"), null=True, blank=True)
    source = models.CharField(_("file"), max_length=200, blank=True)
    # The newest version of a slug is the one new rounds use; older ones stay for the rounds scored on them.
    current = models.BooleanField(_("current version"), default=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="programmes_instrument_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def name(self) -> str:
        return text_in(self.names)

    @property
    def description(self) -> str:
        return text_in(self.descriptions)


class Domain(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="domains")
    code = models.SlugField(_("code"), max_length=80)
    names = models.JSONField(_("name"), default=dict)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")
        ordering = ["instrument", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="programmes_domain_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return text_in(self.names)


class Item(models.Model):
    """A question of a domain, with the definition of each level (cumulative: every criterion of a level must
    hold to reach it)."""

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="items")
    code = models.SlugField(_("code"), max_length=80)
    # The code the item carries across versions (its own, or the one it replaced): comparisons follow it.
    lineage = models.SlugField(max_length=80, db_index=True)
    texts = models.JSONField(_("text"), default=dict)
    level_texts = models.JSONField(_("level definitions"), default=dict)  # {"0": {"en": …}, …}
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["domain", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["domain", "code"], name="programmes_item_code")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return text_in(self.texts)

    def level_text(self, level: int) -> str:
        return text_in(self.level_texts.get(str(level), {}))


class AssessmentRound(TimeStampedModel):
    """A country's assessment with one instrument in one year: draft → submitted → confirmed by the
    coordinator → locked. Other countries see it once confirmed and shared."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed")
        LOCKED = "locked", _("Locked")

    class Assessor(models.TextChoices):
        SELF = "self", _("Self-assessment")
        EXTERNAL = "external", _("External assessment")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="assessment_rounds")
    country = models.ForeignKey(
        "network.Country",
        on_delete=models.PROTECT,
        related_name="assessment_rounds",
        verbose_name=_("country"),
    )
    instrument = models.ForeignKey(
        Instrument, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("instrument")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    assessed_by = models.CharField(
        _("assessment"), max_length=10, choices=Assessor.choices, default=Assessor.SELF
    )
    assessors = models.ManyToManyField(
        "network.Member", blank=True, related_name="assessments", verbose_name=_("assessors")
    )
    assessor_names = models.CharField(
        _("other assessors"), max_length=300, blank=True, help_text=_("Named people without an account.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    shared = models.BooleanField(_("shared with the network"), default=False)
    started_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started from"),
    )
    comments = models.TextField(_("comments"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["country", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "country", "instrument", "year"], name="programmes_round_once_a_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.year} {self.instrument_id}"


class Answer(models.Model):
    """One item's level in a round, with its evidence (required from the instrument's ``evidence_from``)."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="answers")
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["round", "item"], name="programmes_answer_once")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.item_id}: {self.level}"


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    # A random name in private storage: the file is reached only through the round's page, never by URL.
    return f"assessments/{instance.answer.round_id}/{uuid.uuid4().hex}"


class EvidenceFile(TimeStampedModel):
    """A file attached to an answer as its evidence (minutes, a plan, a report): checked by its content as
    meeting materials are (``qicop.core.uploads``), stored privately, handed out to those who may read the
    round. It counts as evidence where the instrument asks for some."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(upload_to=evidence_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    added_by = models.ForeignKey(
        "network.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["answer", "created_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class WorkPlan(TimeStampedModel):
    """The work plan a country drafts from one of its rounds: objectives for its weakest domains, each with
    action steps. One per round; next year's round shows it beside the domains it served."""

    round = models.OneToOneField(
        AssessmentRound, on_delete=models.CASCADE, related_name="work_plan", verbose_name=_("round")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")

    def __str__(self) -> str:
        return f"work plan of round {self.round_id}"


class WorkPlanObjective(TimeStampedModel):
    """An objective for one domain; the domain's code and name are kept, so that next year's round (perhaps
    on a new version of the instrument) finds it by code and shows it by name."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="objectives")
    domain_code = models.SlugField(_("domain"), max_length=80)
    domain_name = models.CharField(_("domain name"), max_length=300)
    text = models.TextField(_("objective"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("work-plan objective")
        verbose_name_plural = _("work-plan objectives")
        ordering = ["plan", "order", "id"]

    def __str__(self) -> str:
        return self.text


class WorkPlanAction(TimeStampedModel):
    """An action step of an objective, with its owner (a member of the country) and due date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    objective = models.ForeignKey(WorkPlanObjective, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField(_("action step"))
    owner = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="work_plan_actions",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("work-plan action")
        verbose_name_plural = _("work-plan actions")
        ordering = ["objective", "due", "id"]
        indexes = [models.Index(fields=["owner", "status", "due"], name="programmes_action_owner_due")]

    def __str__(self) -> str:
        return self.description


class ConsumerRepresentative(TimeStampedModel):
    """A representative of people living with HIV (a consumer) in a country's quality programme, recorded
    only with their consent, and shown only as they chose: by name, by initials, or not at all (counted,
    never named, to anyone but the country's focal point and the coordinator)."""

    class Appearance(models.TextChoices):
        NAME = "name", _("By name")
        INITIALS = "initials", _("By initials")
        HIDDEN = "hidden", _("Not at all (counted, never named)")

    class ConsentHow(models.TextChoices):
        WRITTEN = "written", _("Written")
        VERBAL = "verbal", _("Verbal, with a witness")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    full_name = models.CharField(_("full name"), max_length=200)
    member = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("member of the network"),
    )
    appearance = models.CharField(
        _("how they appear"), max_length=10, choices=Appearance.choices, default=Appearance.INITIALS
    )
    consent_on = models.DateField(_("consent given on"))
    consent_how = models.CharField(
        _("consent given"), max_length=10, choices=ConsentHow.choices, default=ConsentHow.WRITTEN
    )
    consent_witness = models.CharField(_("witness"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("consumer representative")
        verbose_name_plural = _("consumer representatives")
        ordering = ["full_name", "id"]
        indexes = [models.Index(fields=["network", "country"], name="programmes_consumer_country")]

    def __str__(self) -> str:
        return f"consumer representative {self.pk}"

    @property
    def initials(self) -> str:
        return "".join(f"{part[0].upper()}." for part in self.full_name.split() if part)


class ConsumerRole(TimeStampedModel):
    """A role a representative holds: on the national quality committee, a collaborative's team, a meeting's
    delegation or panel, an assessment team, or another."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("National quality committee")
        TEAM = "team", _("Collaborative team")
        PANEL = "panel", _("Meeting delegation or panel")
        ASSESSMENT = "assessment", _("Assessment team")
        OTHER = "other", _("Other")

    representative = models.ForeignKey(ConsumerRepresentative, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=12, choices=Kind.choices)
    team = models.ForeignKey(
        "improvement.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consumer_roles",
        verbose_name=_("team"),
    )
    meeting = models.ForeignKey(
        "meetings.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("meeting"),
    )
    round = models.ForeignKey(
        AssessmentRound,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="consumer_roles",
        verbose_name=_("assessment round"),
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("consumer role")
        verbose_name_plural = _("consumer roles")
        ordering = ["representative", "-since", "id"]

    def __str__(self) -> str:
        return f"{self.kind} of consumer representative {self.representative_id}"


# ---------------------------------------------------------------------------------------------------------
# QI coach certification (issue 16, item 7): the network's shared competency framework, each country's
# standards, a candidate's certification (portfolio, mentor observations, the certifying body's decision,
# validity and renewal).


class Competency(models.Model):
    """A competency of the network's shared framework for QI coaches (loaded from
    ``certification/competencies-v<n>.json``, texts {language: text} as instruments')."""

    framework = models.SlugField(_("framework"), max_length=80)
    code = models.SlugField(_("code"), max_length=80)
    names = models.JSONField(_("name"), default=dict)
    descriptions = models.JSONField(_("description"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["framework", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="programmes_competency_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return text_in(self.names)

    @property
    def description(self) -> str:
        return text_in(self.descriptions)


class CertificationStandard(TimeStampedModel):
    """A country's standards for certifying QI coaches. A country that has saved none uses the network's
    defaults (``coaches.standards.default_standard``): the fields' defaults below."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    validity_years = models.PositiveSmallIntegerField(
        _("years a certificate is valid"), default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    min_teams = models.PositiveSmallIntegerField(
        _("teams coached"), default=2, validators=[MaxValueValidator(50)]
    )
    min_cycles = models.PositiveSmallIntegerField(
        _("PDSA cycles completed by those teams"), default=4, validators=[MaxValueValidator(500)]
    )
    min_assessments = models.PositiveSmallIntegerField(
        _("assessments taken part in"), default=0, validators=[MaxValueValidator(20)]
    )
    min_sessions = models.PositiveSmallIntegerField(
        _("network sessions attended"), default=3, validators=[MaxValueValidator(100)]
    )
    knowledge_pass = models.PositiveSmallIntegerField(
        _("knowledge check pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    min_observations = models.PositiveSmallIntegerField(
        _("mentor observations"), default=2, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    min_rating = models.PositiveSmallIntegerField(
        _("lowest rating accepted in the latest observation"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    renewal_teams = models.PositiveSmallIntegerField(
        _("teams coached during the certificate's validity, to renew"),
        default=1,
        validators=[MaxValueValidator(50)],
    )
    renewal_sessions = models.PositiveSmallIntegerField(
        _("network sessions attended during the certificate's validity, to renew"),
        default=2,
        validators=[MaxValueValidator(100)],
    )
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="+", verbose_name=_("competencies rated in observations")
    )
    notes = models.TextField(_("notes"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("certification standard")
        verbose_name_plural = _("certification standards")
        constraints = [
            models.UniqueConstraint(fields=["network", "country"], name="programmes_standard_country")
        ]

    def __str__(self) -> str:
        return f"coach standards of {self.country_id}"


class CoachCertification(TimeStampedModel):
    """A candidate's certification as a QI coach in a country: first certification or a renewal of an
    earlier one. Stored status: candidate → certified or not certified (the certifying body's decision),
    or withdrawn; the stages people read (observed, expiring, lapsed) follow from it and the dates
    (``coaches.stages.stage_of``)."""

    class Kind(models.TextChoices):
        INITIAL = "initial", _("First certification")
        RENEWAL = "renewal", _("Recertification")

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate")
        CERTIFIED = "certified", _("Certified")
        NOT_CERTIFIED = "not_certified", _("Not certified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    member = models.ForeignKey(
        "network.Member",
        on_delete=models.PROTECT,
        related_name="coach_certifications",
        verbose_name=_("coach"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.INITIAL)
    renews = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    status = models.CharField(_("status"), max_length=14, choices=Status.choices, default=Status.CANDIDATE)
    started_on = models.DateField(_("candidate since"))
    knowledge_score = models.PositiveSmallIntegerField(
        _("knowledge check (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    knowledge_on = models.DateField(_("knowledge check taken on"), null=True, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_notes = models.TextField(_("reasons for the decision"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # A certified coach the certifying body also names a mentor may observe candidates.
    mentor = models.BooleanField(_("may mentor candidates"), default=False)
    # What the portfolio held when the decision was taken (coaches.portfolio.snapshot).
    portfolio = models.JSONField(default=dict, blank=True)
    # The reminders already sent before expiry, in days before (e.g. [90, 30]).
    reminders_sent = models.JSONField(default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("coach certification")
        verbose_name_plural = _("coach certifications")
        ordering = ["country", "member__full_name", "-started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "member"],
                condition=models.Q(status="candidate"),
                name="programmes_one_open_candidacy",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="certified") | models.Q(valid_until__isnull=False),
                name="programmes_certified_has_validity",
            ),
        ]
        indexes = [
            models.Index(fields=["network", "country", "status"], name="programmes_cert_country"),
            models.Index(fields=["status", "valid_until"], name="programmes_cert_expiry"),
        ]

    def __str__(self) -> str:
        return f"coach certification {self.pk}"


class MentorObservation(TimeStampedModel):
    """A certified mentor's structured observation of a candidate coaching: a rating of each competency
    of the country's standard, with comments."""

    class Setting(models.TextChoices):
        VISIT = "visit", _("Coaching visit to a team")
        LEARNING_SESSION = "session", _("Learning session")
        CALL = "call", _("Coaching call")
        OTHER = "other", _("Other")

    certification = models.ForeignKey(
        CoachCertification, on_delete=models.CASCADE, related_name="observations"
    )
    mentor = models.ForeignKey(
        "network.Member", on_delete=models.PROTECT, related_name="observations_made", verbose_name=_("mentor")
    )
    observed_on = models.DateField(_("observed on"))
    setting = models.CharField(_("setting"), max_length=8, choices=Setting.choices, default=Setting.VISIT)
    team = models.ForeignKey(
        "improvement.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("team coached"),
    )
    summary = models.TextField(_("summary"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("mentor observation")
        verbose_name_plural = _("mentor observations")
        ordering = ["certification", "observed_on", "id"]

    def __str__(self) -> str:
        return f"observation {self.pk} of certification {self.certification_id}"


class CompetencyRating(models.Model):
    """One competency's rating in an observation: 1 not yet, 2 developing, 3 competent, 4 could mentor
    others."""

    class Rating(models.IntegerChoices):
        NOT_YET = 1, _("Not yet")
        DEVELOPING = 2, _("Developing")
        COMPETENT = 3, _("Competent")
        MENTOR = 4, _("Could mentor others")

    observation = models.ForeignKey(MentorObservation, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"), choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("competency rating")
        verbose_name_plural = _("competency ratings")
        ordering = ["observation", "competency__order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["observation", "competency"], name="programmes_rating_once")
        ]

    def __str__(self) -> str:
        return f"{self.competency_id}: {self.rating}"
