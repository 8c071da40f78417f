from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qicop.core.models import TimeStampedModel


class ChartSettings(TimeStampedModel):
    """A chart's saved baseline and phases, set by a data manager or coordinator for everyone who views it."""

    indicator = models.ForeignKey("indicators.NetworkIndicator", on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("indicators.OrgUnit", on_delete=models.CASCADE, related_name="+")
    freeze = models.PositiveSmallIntegerField(
        _("baseline: number of first points"),
        null=True,
        blank=True,
        help_text=_("Centre line and limits come from these first points only."),
    )
    # DHIS2 period ids where a new phase starts (after a documented change), e.g. ["202403"].
    phase_starts = models.JSONField(_("new phases start at"), default=list, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("chart settings")
        verbose_name_plural = _("chart settings")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit"], name="dashboards_settings_unique")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}/{self.org_unit_id}"


class Annotation(TimeStampedModel):
    """A note on one point of a chart: what changed, what happened."""

    indicator = models.ForeignKey("indicators.NetworkIndicator", on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("indicators.OrgUnit", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(_("period"), max_length=20)
    text = models.CharField(_("note"), max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("annotation")
        verbose_name_plural = _("annotations")
        ordering = ["period", "created_at"]
        indexes = [models.Index(fields=["indicator", "org_unit"])]

    def __str__(self) -> str:
        return f"{self.period}: {self.text[:40]}"
