"""Reads of the register of certified QI coaches: each coach's latest certification (a renewal, or a
withdrawal, supersedes what came before), the counts per country by stage, the coming expiries, and the
certifications a page or an export lists — public fields only, a fixed number of queries whatever the rows.

``today`` is given by the caller (``timezone.localdate()``), so that a page and its export agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from qicop.network.models import Country, Network
from qicop.programmes.coaches.stages import EXPIRING_DAYS, Stage, stage_of
from qicop.programmes.models import CoachCertification

CERTIFIED = CoachCertification.Status.CERTIFIED
WITHDRAWN = CoachCertification.Status.WITHDRAWN
CANDIDATE = CoachCertification.Status.CANDIDATE

#: Coaches a register page lists at a time (pages follow).
PAGE_SIZE = 50
#: The most lapsed coaches and coming expiries a country's register lists (the counts are always whole).
SHOWN = 50
#: The most rows an export writes (a network has hundreds of coaches, not tens of thousands).
EXPORT_ROWS = 10_000


def _later_decision():
    """A decision on the same coach in the same network taken after this one: a later certification
    (a renewal) or the withdrawal of one that had been certified (it kept its validity). A candidacy
    withdrawn before any decision has no validity, and supersedes nothing."""
    return CoachCertification.objects.filter(
        network_id=OuterRef("network_id"), member_id=OuterRef("member_id")
    ).filter(
        (Q(status=CERTIFIED) | Q(status=WITHDRAWN, valid_until__isnull=False))
        & (
            Q(decided_on__gt=OuterRef("decided_on"))
            | Q(decided_on=OuterRef("decided_on"), pk__gt=OuterRef("pk"))
        )
    )


def latest_certifications(network: Network | None, *, country: Country | None = None) -> QuerySet:
    """Each coach's latest certification, certified (in force or lapsed), none superseded; in every
    network when ``network`` is None (the reminders)."""
    rows = CoachCertification.objects.filter(status=CERTIFIED).exclude(Exists(_later_decision()))
    if network is not None:
        rows = rows.filter(network=network)
    return rows.filter(country=country) if country is not None else rows


def _expiry_window(today: date) -> date:
    return today + timedelta(days=EXPIRING_DAYS)


def in_force(network: Network, today: date, *, country: Country | None = None) -> QuerySet:
    """The coaches whose certificate is in force today (certified or expiring), by name."""
    return (
        latest_certifications(network, country=country)
        .filter(valid_until__gte=today)
        .select_related("member", "country")
        .order_by("member__full_name", "pk")
    )


def coming_expiries(network: Network, today: date, *, country: Country | None = None) -> QuerySet:
    """The certificates in force that end within EXPIRING_DAYS, the soonest first."""
    return (
        latest_certifications(network, country=country)
        .filter(valid_until__gte=today, valid_until__lte=_expiry_window(today))
        .select_related("member", "country")
        .order_by("valid_until", "member__full_name", "pk")
    )


def lapsed(network: Network, today: date, *, country: Country | None = None) -> QuerySet:
    """The coaches whose latest certificate has ended, the most recently lapsed first."""
    return (
        latest_certifications(network, country=country)
        .filter(valid_until__lt=today)
        .select_related("member", "country")
        .order_by("-valid_until", "member__full_name", "pk")
    )


def stage_in_words(certification: CoachCertification, today: date) -> str:
    """The stage a register shows (certified, expiring or lapsed), in the reader's language."""
    return str(Stage(stage_of(certification.status, certification.valid_until, 0, today)).label)


@dataclass
class CountryCoaches:
    """A country's coaches by stage: each coach counted once, at their latest certification's stage."""

    country: Country
    certified: int = 0  # in force beyond EXPIRING_DAYS
    expiring: int = 0  # in force, ending within EXPIRING_DAYS
    lapsed: int = 0
    candidates: int = 0  # open candidacies, first certifications and renewals
    next_expiry: CoachCertification | None = None

    @property
    def in_force(self) -> int:
        return self.certified + self.expiring

    @property
    def any(self) -> bool:
        return bool(self.certified or self.expiring or self.lapsed or self.candidates)


def counts(network: Network, today: date, countries: list[Country]) -> dict[int, CountryCoaches]:
    """Each country's counts, by country id (one query whatever the number of countries)."""
    out = {c.pk: CountryCoaches(c) for c in countries}
    if not out:
        return out
    soon = _expiry_window(today)
    latest = Q(status=CERTIFIED) & ~Exists(_later_decision())
    rows = (
        CoachCertification.objects.filter(network=network, country__in=list(out))
        .values("country_id")
        .annotate(
            certified=Count("pk", filter=latest & Q(valid_until__gt=soon)),
            expiring=Count("pk", filter=latest & Q(valid_until__gte=today, valid_until__lte=soon)),
            lapsed=Count("pk", filter=latest & Q(valid_until__lt=today)),
            candidates=Count("pk", filter=Q(status=CANDIDATE)),
        )
        .order_by()
    )
    for row in rows:
        figures = out[row["country_id"]]
        figures.certified, figures.expiring = row["certified"], row["expiring"]
        figures.lapsed, figures.candidates = row["lapsed"], row["candidates"]
    return out


def country_coaches(network: Network, today: date, country: Country) -> CountryCoaches:
    """One country's counts and its next expiry (two queries)."""
    figures = counts(network, today, [country])[country.pk]
    if figures.expiring:
        figures.next_expiry = coming_expiries(network, today, country=country).first()
    return figures


def certification_in(network: Network, certification_id: int) -> CoachCertification:
    """A certification of ``network`` with what its certificate prints (404 when missing)."""
    found = (
        CoachCertification.objects.filter(network=network, pk=certification_id)
        .select_related("member__user", "member__country", "country", "network", "decided_by")
        .first()
    )
    if found is None:
        raise Http404("No such certification in this network")
    return found
