"""Improvement work: national QI collaboratives (IHI Breakthrough Series), their teams, driver diagrams, PDSA
cycles, monthly team reports with the IHI assessment scale, and the network's library of change ideas.

The data a team's charts show is never stored here: measures are network indicators or the country's data
elements, computed for the team's org unit from the shared data (dashboards.pipeline). What is stored is
the work: aims, changes, tests, reports.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qicop.core.models import TimeStampedModel

#: The IHI assessment scale: 1.0 to 5.0 in half points (scale.py defines each level in plain words).
SCORES = [Decimal(s) / 2 for s in range(2, 11)]


def validate_score(value) -> None:
    if value is not None and Decimal(value) not in SCORES:
        raise ValidationError(
            _("A score on the IHI scale is 1.0 to 5.0 in half points; %(value)s is not one."),
            code="score",
            params={"value": value},
        )


class Collaborative(TimeStampedModel):
    """A time-limited national (or multi-country) QI collaborative: teams working on one topic towards one
    aim, with a change package, learning sessions and action periods between them."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="collaboratives")
    country = models.ForeignKey(
        "network.Country",
        on_delete=models.PROTECT,
        related_name="collaboratives",
        verbose_name=_("country that runs it"),
    )
    other_countries = models.ManyToManyField(
        "network.Country",
        blank=True,
        related_name="+",
        verbose_name=_("other countries taking part"),
        help_text=_("For a multi-country collaborative: the countries that run it with the first."),
    )
    name = models.CharField(_("name"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    # The aim, measurable: what (the key measure), how much (the target) and by when.
    aim = models.TextField(
        _("aim"), help_text=_("What the collaborative will accomplish, for whom, by when.")
    )
    key_measure = models.ForeignKey(
        "indicators.NetworkIndicator",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("key measure"),
        help_text=_("The network indicator the aim is checked against."),
    )
    aim_target = models.DecimalField(
        _("target"), max_digits=8, decimal_places=2, help_text=_("The key measure's value the aim names.")
    )
    aim_date = models.DateField(_("aim reached by"))
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    change_package = models.TextField(
        _("change package"), blank=True, help_text=_("The changes believed to work, by driver. In Markdown.")
    )
    faculty = models.ManyToManyField(
        "network.Member", blank=True, related_name="faculty_of", verbose_name=_("faculty and coaches")
    )
    # Shared like published data: other countries' members see it once the country shares it.
    shared = models.BooleanField(
        _("shared with the network"),
        default=False,
        help_text=_("Members of other countries see the collaborative and its teams' work."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("collaborative")
        verbose_name_plural = _("collaboratives")
        ordering = ["-start", "name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "name"], name="improvement_collaborative_unique_name"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="improvement_collab_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def country_ids(self) -> set[int]:
        """The countries that run it (one query for the others, unless prefetched)."""
        return {self.country_id, *(c.pk for c in self.other_countries.all())}


class Measure(models.Model):
    """A measure of the collaborative, computed for each team's org unit from the shared data: either a
    network indicator (through each country's mapping of it), or the owning country's own data elements (a
    numerator element, an optional denominator, a factor and a direction), never both. Never typed twice."""

    class Kind(models.TextChoices):
        # "Outcome" alone is also a case study's result: the kinds of measure carry their own context.
        OUTCOME = "outcome", pgettext_lazy("kind of measure", "Outcome")
        PROCESS = "process", pgettext_lazy("kind of measure", "Process")
        BALANCING = "balancing", pgettext_lazy("kind of measure", "Balancing")

    class Direction(models.TextChoices):
        UP = "up", _("Higher is better")
        DOWN = "down", _("Lower is better")

    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="measures")
    indicator = models.ForeignKey(
        "indicators.NetworkIndicator",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("indicator"),
    )
    kind = models.CharField(_("kind of measure"), max_length=12, choices=Kind.choices, default=Kind.OUTCOME)
    order = models.PositiveSmallIntegerField(default=0)
    # A measure on the country's data elements (no indicator): what it is called, and how it is computed.
    name = models.CharField(_("name"), max_length=200, blank=True)
    numerator = models.ForeignKey(
        "indicators.DataElement",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("numerator data element"),
    )
    denominator = models.ForeignKey(
        "indicators.DataElement",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("denominator data element"),
    )
    factor = models.PositiveIntegerField(_("factor"), default=1)
    improvement = models.CharField(
        _("improvement"), max_length=4, choices=Direction.choices, default=Direction.UP
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "indicator"], name="improvement_measure_unique"),
            models.UniqueConstraint(
                fields=["collaborative", "name"],
                condition=models.Q(indicator__isnull=True),
                name="improvement_measure_name_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(indicator__isnull=False, numerator__isnull=True, denominator__isnull=True)
                )
                | models.Q(indicator__isnull=True, numerator__isnull=False),
                name="improvement_measure_one_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collaborative_id}: {self.indicator_id or self.name}"

    @property
    def on_elements(self) -> bool:
        """Whether the measure is computed from the country's data elements, not a network indicator."""
        return self.indicator_id is None

    @property
    def title(self) -> str:
        return self.name if self.on_elements else self.indicator.name

    @property
    def code(self) -> str:
        """What names the measure in its chart's address: the indicator's code, or "measure-<id>"."""
        return f"measure-{self.pk}" if self.on_elements else self.indicator.code

    @property
    def scale(self) -> int:
        """What a value is multiplied by (100: a percentage): the indicator's factor, or the measure's."""
        return (self.factor if self.on_elements else self.indicator.factor) or 1

    @property
    def direction(self) -> str:
        """Which way is better ("up" or "down"): the indicator's, or the measure's own."""
        return self.improvement if self.on_elements else self.indicator.improvement


class CollaborativeMeeting(models.Model):
    """A meeting of the meetings app that belongs to a collaborative: a learning session (action periods run
    between two of them), an action-period call, or the closing congress."""

    class Role(models.TextChoices):
        LEARNING_SESSION = "learning_session", _("Learning session")
        CALL = "call", _("Action-period call")
        CONGRESS = "congress", _("Summary congress")

    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="meetings")
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="collaborative_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LEARNING_SESSION)

    class Meta:
        verbose_name = _("collaborative meeting")
        verbose_name_plural = _("collaborative meetings")
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "meeting"], name="improvement_meeting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.collaborative_id}: {self.meeting_id} ({self.role})"


class Team(TimeStampedModel):
    """A facility or district team of a collaborative (an org unit of the collaborative's countries)."""

    collaborative = models.ForeignKey(Collaborative, on_delete=models.CASCADE, related_name="teams")
    org_unit = models.ForeignKey(
        "indicators.OrgUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facility or district"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("Empty: the facility's name."))
    aim = models.TextField(_("team's aim"), blank=True)
    lead = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams_led",
        verbose_name=_("team lead"),
    )
    coach = models.ForeignKey(
        "network.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams_coached",
        verbose_name=_("coach"),
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["collaborative", "org_unit"], name="improvement_team_unique_unit")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name or self.org_unit.display_name


class TeamMember(models.Model):
    """Someone on a team: a qicop member, or a named person without an account."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(
        "network.Member", null=True, blank=True, on_delete=models.CASCADE, related_name="team_seats"
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For someone without an account.")
    )
    role = models.CharField(_("role on the team"), max_length=120, blank=True)
    is_consumer = models.BooleanField(
        _("consumer representative"), default=False, help_text=_("A person living with HIV on the team.")
    )

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(member__isnull=True, name=""), name="improvement_team_member_named"
            ),
            models.UniqueConstraint(
                fields=["team", "member"],
                condition=models.Q(member__isnull=False),
                name="improvement_team_member_once",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.member.full_name if self.member_id else self.name


class ChangeIdea(TimeStampedModel):
    """A change that may lead to improvement, in the network's library: tested by teams in PDSA cycles."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="change_ideas")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("In Markdown."))
    indicator = models.ForeignKey(
        "indicators.NetworkIndicator",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_ideas",
        verbose_name=_("indicator it aims to move"),
    )
    country = models.ForeignKey(
        "network.Country",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("first proposed by"),
    )
    case_studies = models.ManyToManyField(
        "knowledge.CaseStudy", blank=True, related_name="change_ideas", verbose_name=_("case studies")
    )
    source_presentation = models.ForeignKey(
        "meetings.CasePresentation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_change_ideas",
        verbose_name=_("recommended at the case presentation"),
    )
    # A change idea that cycles use is never deleted: it is retired, and stays readable.
    retired = models.BooleanField(_("retired"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("change idea")
        verbose_name_plural = _("change ideas")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["network", "title"], name="improvement_change_idea_unique_title")
        ]

    def __str__(self) -> str:
        return self.title


class DriverNode(models.Model):
    """One line of a team's driver diagram: aim → primary drivers → secondary drivers → change ideas.
    The aim is the team's own; nodes hang beneath it, each under its parent (none for a primary driver)."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", _("Primary driver")
        SECONDARY = "secondary", _("Secondary driver")
        CHANGE = "change", _("Change idea")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="driver_nodes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    change_idea = models.ForeignKey(
        ChangeIdea, null=True, blank=True, on_delete=models.PROTECT, related_name="driver_nodes"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("driver diagram line")
        verbose_name_plural = _("driver diagram lines")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class PdsaCycle(TimeStampedModel):
    """One Plan-Do-Study-Act cycle testing a change idea. Cycles on one idea form its ramp; an adapted cycle
    is followed by the next (``previous``)."""

    class Stage(models.TextChoices):
        PLAN = "plan", _("Plan")
        DO = "do", _("Do")
        STUDY = "study", _("Study")
        ACT = "act", _("Act")
        DONE = "done", _("Done")

    class Decision(models.TextChoices):
        ADOPT = "adopt", _("Adopt")
        ADAPT = "adapt", _("Adapt")
        ABANDON = "abandon", _("Abandon")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="cycles")
    change_idea = models.ForeignKey(
        ChangeIdea, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("change idea tested")
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="next_cycle"
    )
    title = models.CharField(_("title"), max_length=200)
    stage = models.CharField(_("stage"), max_length=8, choices=Stage.choices, default=Stage.PLAN)
    # Plan
    objective = models.TextField(_("objective and question"), help_text=_("What this test should answer."))
    prediction = models.TextField(
        _("prediction"), blank=True, help_text=_("What you expect to happen, and why.")
    )
    plan = models.TextField(_("plan: who, what, when, where"), blank=True)
    # One of the collaborative's measures (a network indicator or the country's data elements). Part of the
    # plan, which is kept as recorded once the cycle is studied: a measure that cycles watch is not removed
    # (RESTRICT: deleting the whole collaborative still takes its cycles with it).
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="cycles",
        verbose_name=_("measure to watch"),
    )
    start = models.DateField(_("start of the test"))
    end = models.DateField(_("end of the test"))
    # Do
    observations = models.TextField(_("what happened"), blank=True)
    problems = models.TextField(_("problems and surprises"), blank=True)
    # Study
    result = models.TextField(_("result against the prediction"), blank=True)
    learned = models.TextField(_("what we learned"), blank=True)
    # Act
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices, blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("PDSA cycle")
        verbose_name_plural = _("PDSA cycles")
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["team", "change_idea"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="improvement_pdsa_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class TeamReport(TimeStampedModel):
    """A team's report for one month of an action period, with its self-rating on the IHI assessment scale and
    the coach's confirmed score. Its measures are read from the data, never typed."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CONFIRMED = "confirmed", _("Confirmed by the coach")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    tested = models.TextField(_("what we tested"), blank=True)
    learned = models.TextField(_("what we learned"), blank=True)
    barriers = models.TextField(_("barriers"), blank=True)
    help_needed = models.TextField(_("help we need"), blank=True)
    self_score = models.DecimalField(
        _("our score"), max_digits=2, decimal_places=1, null=True, blank=True, validators=[validate_score]
    )
    suggested_score = models.DecimalField(
        _("score suggested by the evidence"), max_digits=2, decimal_places=1, null=True, blank=True
    )
    coach_score = models.DecimalField(
        _("coach's score"), max_digits=2, decimal_places=1, null=True, blank=True, validators=[validate_score]
    )
    coach_reason = models.TextField(_("coach's reason"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("monthly team report")
        verbose_name_plural = _("monthly team reports")
        ordering = ["team", "month"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="improvement_report_unique_month")
        ]

    def __str__(self) -> str:
        return f"{self.team_id} {self.month:%Y-%m}"

    @property
    def score(self) -> Decimal | None:
        """The score that counts: the coach's once confirmed, else the team's own."""
        return self.coach_score if self.coach_score is not None else self.self_score


class ReportComment(TimeStampedModel):
    """A comment on a monthly report: the coach's feedback, the team's answer, faculty's advice. Read and
    written by the team, its coach and those who run the collaborative (never by observers)."""

    report = models.ForeignKey(TeamReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        "network.Member", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))

    class Meta:
        verbose_name = _("comment on a report")
        verbose_name_plural = _("comments on reports")
        ordering = ["report", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.body[:40]}"


class PresentationEvidence(TimeStampedModel):
    """What a case presentation in a meeting shows of a team's work: the team's chart of one measure and its
    PDSA ramp on one change idea. At the next session of the series the presentation shows what happened
    since (new cycles, the chart up to date)."""

    case_presentation = models.OneToOneField(
        "meetings.CasePresentation", on_delete=models.CASCADE, related_name="evidence"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="presentations")
    # One of the team's collaborative's measures. Unlike a cycle's, it is a choice of what to show, changed at
    # will: a measure removed from the collaborative leaves the presentation without a chart, saying why.
    measure = models.ForeignKey(
        Measure,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="presentations",
        verbose_name=_("measure shown"),
    )
    change_idea = models.ForeignKey(
        ChangeIdea,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("PDSA ramp shown"),
    )

    class Meta:
        verbose_name = _("evidence of a case presentation")
        verbose_name_plural = _("evidence of case presentations")

    def __str__(self) -> str:
        return f"{self.case_presentation_id}: team {self.team_id}"
