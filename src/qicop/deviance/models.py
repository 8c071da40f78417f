"""Signals of improvement: where a network indicator's SPC chart at an org unit shows the measure getting
better (direction-aware), kept after every import and nightly so that a network's feed can rank them.

A signal is computed from what one audience may read (``Audience``): a country with unpublished months in
the chart's window gets two, one from every value (for those who read the country's unpublished data) and
one from its published values only (for everyone else); a country with nothing unpublished gets one, the
same for all.

A signal keeps the moment it was *first seen* across refreshes (which rewrite every row): it is the same
signal while its org unit, measure, audience and ``since`` stay the same (the rule that fired, its size and
its latest point may change as months are added; a new ``since`` is a new level, so a new signal). A
country that gains or loses unpublished months splits its signals into two audiences or merges them back
into one: the same finding, so ``all`` takes over the first sighting of the ``published`` one (what its
wider readers saw), and ``full`` and ``published`` that of ``all`` (``services.FIRST_SEEN_FROM``).
"""

from __future__ import annotations

import numpy as np
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImprovementSignal(models.Model):
    class Audience(models.TextChoices):
        ALL = "all", _("everyone (nothing unpublished in the window)")
        FULL = "full", _("readers of the country's unpublished data")
        PUBLISHED = "published", _("readers of published data")

    # Rewritten by every refresh, tens of thousands at a time: no foreign keys in the database, and no index
    # of its own on each (decision 0031); Django's CASCADE still deletes a signal with what it points at.
    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    indicator = models.ForeignKey(
        "indicators.NetworkIndicator",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("measure"),
        db_constraint=False,
        db_index=False,
    )
    org_unit = models.ForeignKey(
        "indicators.OrgUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("where"),
        db_constraint=False,
        db_index=False,
    )
    country = models.ForeignKey(
        "network.Country", on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    level = models.PositiveSmallIntegerField()  # the org unit's: 1 national, higher further down
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.ALL)
    rule = models.CharField(_("rule"), max_length=32)  # the SPC rule that fired (analytics' names)
    since = models.CharField(_("since"), max_length=16)  # the first period of the new level (a DHIS2 id)
    since_start = models.DateField()  # that period's first day, for ordering and "around that time"
    latest = models.CharField(max_length=16)  # the latest period of the window with a value
    points = models.PositiveSmallIntegerField()  # points from ``since`` to the latest one
    baseline = models.FloatField()  # the centre line the new level is measured against
    level_now = models.FloatField()  # the mean of the points since
    size = models.FloatField()  # level_now - baseline, in the measure's units (signed)
    relative = models.FloatField()  # |size| / |baseline| (0 when the baseline is 0)
    sustained = models.BooleanField(default=False)  # the new level holds through the latest point
    #: the window's values, as little-endian float32 (NaN where missing): the feed's sparkline
    window = models.BinaryField(default=b"")
    window_start = models.CharField(max_length=16)  # the window's first period (a DHIS2 id)
    computed_at = models.DateTimeField()
    #: when a refresh first found this signal (see the module's docstring): the digest's "of the week", the
    #: feed's and the home's "new since your last visit"
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)

    class Meta:
        verbose_name = _("improvement signal")
        verbose_name_plural = _("improvement signals")
        indexes = [
            models.Index(fields=["network", "country"]),
            models.Index(fields=["network", "sustained", "relative"]),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} at {self.org_unit_id} since {self.since}"

    def values(self) -> list[float | None]:
        return [None if v != v else float(v) for v in np.frombuffer(bytes(self.window), dtype="<f4")]


class ComputedFrom(models.Model):
    """What a network's signals of one country were last computed from: the country's data version
    (``indicators.DataVersion``), the window's first month and the refresh's own version
    (``services.REFRESH_VERSION``). A refresh that finds all three unchanged has nothing to do for the
    country: its signals are what they would compute again (``services.refresh_signals``)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey("network.Country", on_delete=models.CASCADE, related_name="+")
    data_version = models.BigIntegerField(null=True)  # None: no write has given the country a version yet
    window_start = models.CharField(max_length=16)  # the window's first period (a DHIS2 id)
    refresh_version = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("signals computed from")
        verbose_name_plural = _("signals computed from")
        constraints = [
            models.UniqueConstraint(fields=["network", "country"], name="deviance_computed_from_unique")
        ]

    def __str__(self) -> str:
        return f"{self.network_id}/{self.country_id}: {self.data_version} from {self.window_start}"
