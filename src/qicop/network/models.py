from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qicop.core.i18n import country_display_name
from qicop.core.models import TimeStampedModel


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Network coordinator")
    FOCAL_POINT = "focal_point", _("Country focal point")
    DATA_MANAGER = "data_manager", _("Data manager")
    MEMBER = "member", _("Member")
    # A member of the country's body that certifies QI coaches (issue 16): decides certifications.
    CERTIFIER = "certifier", _("Coach certifying body")
    OBSERVER = "observer", _("Observer")


class Network(TimeStampedModel):
    """A community of practice, e.g. the virtual multi-country learning network."""

    class Kind(models.TextChoices):
        VIRTUAL = "virtual", _("Virtual learning network")
        IN_PERSON = "in_person", _("In-person network")
        HYBRID = "hybrid", _("Virtual and in-person")

    slug = models.SlugField(_("short name in links"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.VIRTUAL)
    description = models.TextField(_("description"), blank=True)
    countries = models.ManyToManyField(
        "Country", related_name="networks", blank=True, verbose_name=_("countries")
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    iso2 = models.CharField(
        _("ISO 3166 alpha-2 code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use two capital letters, e.g. KE."))],
    )
    iso3 = models.CharField(
        _("ISO 3166 alpha-3 code"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use three capital letters, e.g. KEN."))],
    )
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("default time zone"), max_length=64)
    languages = models.JSONField(
        _("languages"), default=list, blank=True, help_text=_("Language codes, e.g. en, fr.")
    )

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return country_display_name(self.iso2, self.name)


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        MINISTRY = "moh", _("Ministry of Health")
        CDC = "cdc", _("CDC country office")
        PARTNER = "partner", _("Implementing partner")
        FACILITY = "facility", _("Health facility")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="organisations")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["country__name", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="network_org_unique_name")]

    def __str__(self) -> str:
        return self.name


def photo_path(instance: Member, filename: str) -> str:
    return f"members/{instance.pk or 'new'}/{filename}"


class Member(TimeStampedModel):
    """A person of the network: the profile that goes with an account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    full_name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name=_("organisation"),
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="members", verbose_name=_("country")
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_path, blank=True)
    bio = models.TextField(_("about"), blank=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["full_name", "id"]
        indexes = [models.Index(Lower("full_name"), name="network_member_name_ci")]

    def __str__(self) -> str:
        return self.full_name


class Membership(TimeStampedModel):
    """A role a member holds in a network; a member may hold several roles and belong to several networks."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "network", "role"], name="network_membership_unique_role"
            )
        ]
        indexes = [models.Index(fields=["network", "role"])]

    def __str__(self) -> str:
        return f"{self.member} — {self.get_role_display()} — {self.network}"


class Invitation(TimeStampedModel):
    """An invitation by e-mail to join a network in a role. The link is single-use and expires."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="invitations")
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, related_name="+", verbose_name=_("country")
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("e-mail address"))
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    language = models.CharField(
        _("language of the e-mail"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The link carries a signed (id, nonce) pair: nothing secret is stored, and a new nonce voids old links.
    nonce = models.CharField(max_length=32)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.network} ({self.get_role_display()})"

    @staticmethod
    def default_expiry():
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    def get_status_display(self) -> str:
        return {
            "accepted": _("accepted"),
            "revoked": _("revoked"),
            "expired": _("expired"),
            "pending": _("pending"),
        }[self.status]


class Topic(TimeStampedModel):
    """A subject of the network's work (e.g. "Consumer involvement"): meetings and knowledge carry topics,
    and a topic page gathers them. Coordinators keep the list."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="topics")
    slug = models.SlugField(_("short name in links"), max_length=80)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["network", "slug"], name="network_topic_unique_slug")]

    def __str__(self) -> str:
        return self.name


class LastVisit(models.Model):
    """When a member last opened a network's home page: what changed since is read from it. Written at
    most once every few minutes (services.record_visit), so that reading a page seldom writes."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(_("last visit"))
    #: The visit before ``seen_at``'s: "what changed" keeps counting from it while the visits are close
    #: together, so that opening the page twice in a row does not empty it.
    previous_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("last visit")
        verbose_name_plural = _("last visits")
        constraints = [models.UniqueConstraint(fields=["member", "network"], name="network_lastvisit_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.network_id} at {self.seen_at:%Y-%m-%d %H:%M}"
