"""A country's connection to its national DHIS2, from which qicop pulls data values on a schedule."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qicop.core.models import TimeStampedModel

DHIS2_UID = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9]{10}$", _("A DHIS2 identifier: 11 letters and digits, starting with a letter.")
)

# How often a pull may run: every N hours, from the connection's hour (in the country's time zone).
EVERY_HOURS = (1, 2, 3, 4, 6, 8, 12, 24)


class IdScheme(models.TextChoices):
    UID = "UID", _("DHIS2 UID")
    CODE = "CODE", _("Code")


class Dhis2Connection(TimeStampedModel):
    """Where a country's DHIS2 is, how qicop signs in to it, what to pull and when.

    The token is stored encrypted (``qicop.exchange.crypto``); ``token_hint`` keeps its last four characters
    so that people can tell which token is stored. ``last_success_at`` is when the last successful pull
    started: the next pull asks DHIS2 for what changed since (with a day's overlap).
    """

    country = models.OneToOneField(
        "network.Country",
        on_delete=models.CASCADE,
        related_name="dhis2_connection",
        verbose_name=_("country"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imports as"),
        help_text=_(
            "A focal point or data manager of the country: pulled values are imported as this person."
        ),
    )
    base_url = models.URLField(_("DHIS2 address"), max_length=300)
    token_encrypted = models.TextField(editable=False)
    token_hint = models.CharField(max_length=4, editable=False)
    data_set = models.CharField(_("data set UID"), max_length=11, validators=[DHIS2_UID])
    org_unit = models.CharField(_("root organisation unit UID"), max_length=11, validators=[DHIS2_UID])
    id_scheme = models.CharField(
        _("identify data elements and org units by"), max_length=8, choices=IdScheme.choices, default="CODE"
    )
    data_element_map = models.JSONField(_("data element mapping"), default=dict, blank=True)
    org_unit_map = models.JSONField(_("organisation unit mapping"), default=dict, blank=True)
    months = models.PositiveSmallIntegerField(
        _("months of history"), default=24, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    every_hours = models.PositiveSmallIntegerField(
        _("pull every"), default=24, choices=[(n, str(n)) for n in EVERY_HOURS]
    )
    at_hour = models.PositiveSmallIntegerField(
        _("starting at"), default=6, validators=[MinValueValidator(0), MaxValueValidator(23)]
    )
    enabled = models.BooleanField(_("pull on schedule"), default=True)
    next_run_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_success_at = models.DateTimeField(_("last successful pull"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    running_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("DHIS2 connection")
        verbose_name_plural = _("DHIS2 connections")
        ordering = ["country__name"]

    def __str__(self) -> str:
        return f"{self.country} ← {self.base_url}"


class Pull(models.Model):
    """One pull from a country's DHIS2: asked for by the schedule or by a person, and what came of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCESS = "success", _("Succeeded")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Pull now")

    connection = models.ForeignKey(Dhis2Connection, on_delete=models.CASCADE, related_name="pulls")
    trigger = models.CharField(max_length=8, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    queued_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    since = models.DateField(null=True, blank=True, help_text="the lastUpdated asked for, if any")
    data_import = models.OneToOneField(
        "indicators.DataImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="dhis2_pull"
    )
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("DHIS2 pull")
        verbose_name_plural = _("DHIS2 pulls")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["connection", "-queued_at"])]

    def __str__(self) -> str:
        return f"{self.connection_id} {self.queued_at:%Y-%m-%d %H:%M} {self.status}"
