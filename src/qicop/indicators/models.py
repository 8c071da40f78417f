"""Shared performance data, shaped like DHIS2's so that what ministries export can be stored as it is.

Identifiers: every metadata object has a DHIS2 ``uid`` (11 characters), an optional ``code``, a ``name`` and
DHIS2 attribute values; imports and exports may refer to any of them (id schemes, see id_schemes.py).
"""

from __future__ import annotations

import secrets
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from qicop.core.models import TimeStampedModel
from qicop.core.storage import private_storage  # also named by migration 0002
from qicop.integrations.dhis2.expressions import ExpressionError, parse_expression

uid_validator = RegexValidator(
    r"^[A-Za-z][A-Za-z0-9]{10}$", _("A DHIS2 UID is a letter and ten letters or digits.")
)


class MetadataObject(TimeStampedModel):
    uid = models.CharField("UID", max_length=11, unique=True, validators=[uid_validator])
    code = models.CharField(_("code"), max_length=100, null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=230)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    # DHIS2's metadata attribute values, {attribute UID: value}: an ATTRIBUTE:<uid> id scheme names objects
    # by them (id_schemes.py). Unlike codes, nothing keeps them unique.
    attribute_values = models.JSONField(_("attribute values"), default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SharedMetadataObject(MetadataObject):
    """Metadata the network's countries may share: empty ``country`` means the network's own, changed by
    coordinators only; a country's data people change what their country keeps (permissions.WriteScope)."""

    country = models.ForeignKey(
        "network.Country",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kept by"),
        help_text=_("The country that keeps it; empty when the network shares it (coordinators change it)."),
    )

    class Meta(MetadataObject.Meta):
        abstract = True


class OrgUnit(MetadataObject):
    """A node of a country's hierarchy: the country itself, its regions, districts and facilities."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    # Root-first UIDs, "/countryUid/regionUid/…/thisUid": a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True)
    country = models.ForeignKey(
        "network.Country", on_delete=models.PROTECT, related_name="org_units", verbose_name=_("country")
    )
    opening_date = models.DateField(_("opening date"), null=True, blank=True)
    closed_date = models.DateField(_("closed date"), null=True, blank=True)

    class Meta(MetadataObject.Meta):
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        indexes = [models.Index(fields=["country", "level"])]

    @property
    def display_name(self) -> str:
        """The name people read: a country's root is the country, named as every page names it (in the
        reader's language, Country.display_name) whatever DHIS2 calls it ("Lao PDR" and "Laos" are one
        country); every other unit keeps its own name. Select the country with a root, or this reads it."""
        if self.level == 1 and self.country_id:
            return self.country.display_name
        return self.name


class Category(SharedMetadataObject):
    class DimensionType(models.TextChoices):
        DISAGGREGATION = "DISAGGREGATION", _("Disaggregation")
        ATTRIBUTE = "ATTRIBUTE", _("Attribute")

    data_dimension_type = models.CharField(
        max_length=16, choices=DimensionType.choices, default=DimensionType.DISAGGREGATION
    )
    options = models.ManyToManyField("CategoryOption", related_name="categories", blank=True)

    class Meta(MetadataObject.Meta):
        verbose_name = _("category")
        verbose_name_plural = _("categories")


class CategoryOption(SharedMetadataObject):
    class Meta(MetadataObject.Meta):
        verbose_name = _("category option")
        verbose_name_plural = _("category options")


class CategoryCombo(SharedMetadataObject):
    data_dimension_type = models.CharField(
        max_length=16, choices=Category.DimensionType.choices, default=Category.DimensionType.DISAGGREGATION
    )
    categories = models.ManyToManyField(Category, related_name="category_combos", blank=True)

    class Meta(MetadataObject.Meta):
        verbose_name = _("category combination")
        verbose_name_plural = _("category combinations")


class CategoryOptionCombo(SharedMetadataObject):
    """A disaggregation such as "Female, 15-24y", or an attribute such as a funding mechanism."""

    category_combo = models.ForeignKey(CategoryCombo, on_delete=models.PROTECT, related_name="option_combos")
    options = models.ManyToManyField(CategoryOption, related_name="option_combos", blank=True)

    class Meta(MetadataObject.Meta):
        verbose_name = _("category option combination")
        verbose_name_plural = _("category option combinations")


class ValueType(models.TextChoices):
    NUMBER = "NUMBER", _("Number")
    INTEGER = "INTEGER", _("Integer")
    INTEGER_POSITIVE = "INTEGER_POSITIVE", _("Positive integer")
    INTEGER_NEGATIVE = "INTEGER_NEGATIVE", _("Negative integer")
    INTEGER_ZERO_OR_POSITIVE = "INTEGER_ZERO_OR_POSITIVE", _("Zero or positive integer")
    PERCENTAGE = "PERCENTAGE", _("Percentage")
    UNIT_INTERVAL = "UNIT_INTERVAL", _("Unit interval")
    BOOLEAN = "BOOLEAN", _("Yes/no")
    TRUE_ONLY = "TRUE_ONLY", _("Yes only")
    TEXT = "TEXT", _("Text")
    LONG_TEXT = "LONG_TEXT", _("Long text")
    DATE = "DATE", _("Date")


class DataElement(SharedMetadataObject):
    value_type = models.CharField(
        _("value type"), max_length=32, choices=ValueType.choices, default=ValueType.NUMBER
    )
    aggregation_type = models.CharField(_("aggregation type"), max_length=32, default="SUM")
    category_combo = models.ForeignKey(CategoryCombo, on_delete=models.PROTECT, related_name="data_elements")
    zero_is_significant = models.BooleanField(default=False)

    class Meta(MetadataObject.Meta):
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")


class DataSet(SharedMetadataObject):
    period_type = models.CharField(_("period type"), max_length=32, default="Monthly")
    open_future_periods = models.PositiveSmallIntegerField(_("open future periods"), default=0)
    data_elements = models.ManyToManyField(DataElement, related_name="data_sets", blank=True)
    # Which org units report the data set, as in DHIS2: clients read it to know what to send for where.
    organisation_units = models.ManyToManyField(
        OrgUnit, related_name="data_sets", blank=True, verbose_name=_("organisation units")
    )
    category_combo = models.ForeignKey(
        CategoryCombo,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Attribute combination (e.g. mechanisms)."),
    )

    class Meta(MetadataObject.Meta):
        verbose_name = _("data set")
        verbose_name_plural = _("data sets")


class Improvement(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class ChartKind(models.TextChoices):
    P = "p", _("Proportion (p chart)")
    PP = "pp", _("Proportion, large denominators (p′ chart)")
    U = "u", _("Rate (u chart)")
    UP = "up", _("Rate, large denominators (u′ chart)")
    C = "c", _("Count (c chart)")
    I = "i", _("Continuous (I chart)")  # noqa: E741 - the chart's name
    RUN = "run", _("Run chart")


def validate_expression(text: str) -> None:
    """An indicator expression must parse with the DHIS2 grammar (integrations.dhis2.expressions)."""
    try:
        parse_expression(text)
    except ExpressionError as error:
        raise ValidationError(str(error)) from None


class Indicator(MetadataObject):
    """A country's (DHIS2) indicator: numerator / denominator × factor, expressions over data elements."""

    numerator = models.TextField(_("numerator"), validators=[validate_expression])
    numerator_description = models.CharField(_("numerator description"), max_length=255, blank=True)
    denominator = models.TextField(_("denominator"), validators=[validate_expression])
    denominator_description = models.CharField(_("denominator description"), max_length=255, blank=True)
    factor = models.PositiveIntegerField(_("factor"), default=1)
    decimals = models.PositiveSmallIntegerField(null=True, blank=True)
    country = models.ForeignKey(
        "network.Country",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("country"),
    )

    class Meta(MetadataObject.Meta):
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")


class NetworkIndicator(TimeStampedModel):
    """A measure the network compares across countries, e.g. the second 95 (on treatment among diagnosed)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("definition"), blank=True)
    numerator_label = models.CharField(_("numerator"), max_length=200, blank=True)
    denominator_label = models.CharField(_("denominator"), max_length=200, blank=True)
    factor = models.PositiveIntegerField(_("factor"), default=100)
    improvement = models.CharField(
        _("improvement"), max_length=4, choices=Improvement.choices, default=Improvement.UP
    )
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=4, null=True, blank=True)
    chart_kind = models.CharField(_("chart"), max_length=4, choices=ChartKind.choices, default=ChartKind.P)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("network indicator")
        verbose_name_plural = _("network indicators")
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["network", "code"], name="indicators_netind_code")]

    def __str__(self) -> str:
        return self.name


class IndicatorMapping(TimeStampedModel):
    """How a country computes a network indicator from its data elements, and how its definition differs."""

    network_indicator = models.ForeignKey(NetworkIndicator, on_delete=models.CASCADE, related_name="mappings")
    country = models.ForeignKey(
        "network.Country", on_delete=models.CASCADE, related_name="indicator_mappings"
    )
    numerator = models.TextField(_("numerator expression"), validators=[validate_expression])
    denominator = models.TextField(_("denominator expression"), default="1", validators=[validate_expression])
    definition_differences = models.TextField(
        _("differences from the network definition"),
        blank=True,
        help_text=_(
            "e.g. viral suppression below 50 copies/mL instead of 1000; shown before countries are compared."
        ),
    )

    class Meta:
        verbose_name = _("indicator mapping")
        verbose_name_plural = _("indicator mappings")
        constraints = [
            models.UniqueConstraint(fields=["network_indicator", "country"], name="indicators_mapping_unique")
        ]


class Period(models.Model):
    """A DHIS2 period, parsed once (see integrations.dhis2.periods) and kept as a row for joins and ranges."""

    dhis2_id = models.CharField(_("period"), max_length=20, unique=True)
    period_type = models.CharField(_("period type"), max_length=20, db_index=True)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start_date", "end_date"]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return self.dhis2_id


def new_uid() -> str:
    """A DHIS2-style UID: a letter, then ten letters or digits."""
    letters = string.ascii_letters
    return secrets.choice(letters) + "".join(secrets.choice(letters + string.digits) for _ in range(10))


class DataImport(TimeStampedModel):
    """One import of a file (or an HTTP payload): its options, progress and DHIS2-shaped summary.

    Data value imports and (from the DHIS2 API, with ``async=true``) metadata imports: ``job_type`` tells
    them apart, with DHIS2's names, and ``uid`` is the job's id in DHIS2's task endpoints."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class JobType(models.TextChoices):
        DATAVALUE_IMPORT = "DATAVALUE_IMPORT", _("Data values")
        METADATA_IMPORT = "METADATA_IMPORT", _("Metadata")

    uid = models.CharField("UID", max_length=11, unique=True, default=new_uid, validators=[uid_validator])
    job_type = models.CharField(max_length=20, choices=JobType.choices, default=JobType.DATAVALUE_IMPORT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_imports")
    filename = models.CharField(_("file"), max_length=255, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True, storage=private_storage)
    format = models.CharField(_("format"), max_length=16)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(default=0)
    summary = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: When the worker running the import last said it was alive (heartbeat.py); an import whose heartbeat
    #: stopped is taken as orphaned: the worker died with it (services.fail_orphaned_imports).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    #: The id of its task in the task backend, to ask whether the task failed or was lost.
    task_id = models.CharField(max_length=64, blank=True)
    #: The failed import this one runs again, from the same stored file.
    rerun_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reruns"
    )

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} ({self.get_status_display()})"

    @property
    def conflicts_path(self) -> str:
        """Where, in the private storage, the import's full list of conflicts is kept (as CSV), if it had
        any: the summary lists only the first ones."""
        return f"imports/conflicts/{self.uid}.csv"


class DataValue(models.Model):
    """One value, unique on its five keys. ``numeric`` mirrors ``value`` for numeric types, for fast sums.

    Foreign keys carry no index of their own: the unique key covers the lookups, and each index less makes a
    million-value import faster.
    """

    data_element = models.ForeignKey(DataElement, on_delete=models.PROTECT, related_name="+", db_index=False)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", db_index=False)
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+", db_index=False)
    category_option_combo = models.ForeignKey(
        CategoryOptionCombo, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    attribute_option_combo = models.ForeignKey(
        CategoryOptionCombo, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    value = models.TextField(_("value"), null=True, blank=True)
    numeric = models.FloatField(null=True, blank=True)
    comment = models.TextField(_("comment"), null=True, blank=True)
    follow_up = models.BooleanField(_("follow up"), default=False)
    stored_by = models.CharField(_("stored by"), max_length=255, blank=True)
    created = models.DateTimeField(_("created"))
    last_updated = models.DateTimeField(_("last updated"))
    deleted = models.BooleanField(_("deleted"), default=False)
    data_import = models.ForeignKey(
        DataImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        # Org unit first: files come facility by facility, so inserts land next to each other in the index,
        # and the same index answers "this org unit (or subtree), these periods" for exports and charts.
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "org_unit",
                    "period",
                    "data_element",
                    "category_option_combo",
                    "attribute_option_combo",
                ],
                name="indicators_datavalue_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_element_id}/{self.period_id}/{self.org_unit_id}: {self.value}"


class DataValueAudit(models.Model):
    """The value before a change (update or deletion). Creations are traced by ``DataValue.data_import``."""

    class Action(models.TextChoices):
        UPDATE = "UPDATE", _("Updated")
        DELETE = "DELETE", _("Deleted")
        RESTORE = "RESTORE", _("Restored")

    data_value = models.ForeignKey(DataValue, on_delete=models.CASCADE, related_name="audits")
    action = models.CharField(max_length=8, choices=Action.choices)
    previous_value = models.TextField(null=True, blank=True)
    new_value = models.TextField(null=True, blank=True)
    previous_comment = models.TextField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()
    data_import = models.ForeignKey(
        DataImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("data value change")
        verbose_name_plural = _("data value changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.previous_value} → {self.new_value}"


class Publication(models.Model):
    """A country makes a period's values visible to the whole network."""

    country = models.ForeignKey("network.Country", on_delete=models.CASCADE, related_name="publications")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="publications")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(fields=["country", "period"], name="indicators_publication_unique")
        ]

    def __str__(self) -> str:
        return f"{self.country_id} {self.period_id}"


class AggregateValue(models.Model):
    """The sum of a data element's values over an org unit's whole subtree, for one stored period.

    Kept up to date by the importer (for the countries and periods it touched), so that dashboards never
    re-scan raw values: a country's monthly series is a handful of rows. Only org units with children
    have rows; a facility's series is read from its own data values. Values of several countries are never
    summed together, so publication applies to aggregates exactly as to values.
    """

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", db_index=False)
    data_element = models.ForeignKey(DataElement, on_delete=models.CASCADE, related_name="+", db_index=False)
    category_option_combo = models.ForeignKey(
        CategoryOptionCombo, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+", db_index=False)
    total = models.FloatField()
    # Not a PositiveIntegerField: an import adds signed deltas, and a row is removed once it reaches zero.
    count = models.IntegerField()

    class Meta:
        verbose_name = _("aggregate value")
        verbose_name_plural = _("aggregate values")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "period", "data_element", "category_option_combo"],
                name="indicators_aggregate_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_unit_id}/{self.period_id}/{self.data_element_id}: {self.total}"


class DataVersion(models.Model):
    """What a country's data looks like now, as a token that changes with every write that changes what the
    dashboards show of it (values, publications, chart settings and notes, indicators, mappings, metadata).

    Written in the same transaction as the change (data_versions.py), so a reader that reads the token
    before the data never keeps old data under a new token. The token is random, not a counter: a rolled
    back transaction or a restored backup goes back to an earlier state, and a counter would then reach
    again numbers that a cache keeps for other data."""

    country = models.OneToOneField(
        "network.Country", primary_key=True, on_delete=models.CASCADE, related_name="data_version"
    )
    token = models.BigIntegerField()
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.country_id}: {self.token}"
