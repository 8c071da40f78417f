"""Reads of consumer involvement: a country's register (scoped to the network and country), and the measures
per country: the share of its collaborative teams with a consumer member, the meetings with a consumer
speaker, and the consumer-involvement domain's level of its latest confirmed round the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import Http404

from qicop.core.i18n import by_display_name
from qicop.improvement.models import Team
from qicop.meetings.models import AgendaItem, Meeting
from qicop.network.models import Country, Member, Network
from qicop.network.permissions import Viewer
from qicop.programmes.consumers.services import MAX_REPRESENTATIVES
from qicop.programmes.gaps.selectors import chosen_instrument, gap_map, gap_map_instruments
from qicop.programmes.models import AssessmentRound, ConsumerRepresentative, ConsumerRole, Instrument

#: The instrument domain that measures consumer involvement (national programme instrument).
DOMAIN = "consumers"
#: The most speaker links read for the measures (agenda items × linked members).
SPEAKER_LINKS = 5000
#: The most teams, meetings, rounds and members a role or representative form offers.
CHOICES = 300


def register(network: Network, country: Country) -> list[ConsumerRepresentative]:
    """The country's representatives with their roles (two queries)."""
    return list(
        ConsumerRepresentative.objects.filter(network=network, country=country)
        .select_related("member")
        .prefetch_related("roles__team__org_unit", "roles__meeting", "roles__round__instrument")
        .order_by("full_name", "id")[:MAX_REPRESENTATIVES]
    )


def representative_in(network: Network, country: Country, representative_id: int) -> ConsumerRepresentative:
    found = ConsumerRepresentative.objects.filter(
        network=network, country=country, pk=representative_id
    ).first()
    if found is None:
        raise Http404("No such representative in this country's register")
    return found


def role_in(network: Network, country: Country, role_id: int) -> ConsumerRole:
    found = (
        ConsumerRole.objects.filter(
            pk=role_id, representative__network=network, representative__country=country
        )
        .select_related("representative")
        .first()
    )
    if found is None:
        raise Http404("No such role in this country's register")
    return found


def _bounded(queryset, order: tuple[str, ...]):
    """A choice field's queryset: the first CHOICES rows, as a queryset the form can still filter."""
    ids = list(queryset.order_by(*order).values_list("pk", flat=True).distinct()[:CHOICES])
    return queryset.model.objects.filter(pk__in=ids).order_by(*order)


def member_choices(network: Network, country: Country):
    return _bounded(Member.objects.filter(memberships__network=network, country=country), ("full_name", "id"))


def team_choices(network: Network, country: Country):
    teams = Team.objects.filter(collaborative__network=network, collaborative__country=country)
    return _bounded(teams, ("collaborative__name", "name", "id")).select_related("org_unit")


def meeting_choices(network: Network, country: Country):
    meetings = Meeting.objects.filter(network=network).filter(Q(countries=country) | Q(host_country=country))
    return _bounded(meetings, ("-start", "id"))


def round_choices(network: Network, country: Country):
    rounds = AssessmentRound.objects.filter(network=network, country=country)
    return _bounded(rounds, ("-year", "-id")).select_related("instrument")


# --- the measures ---------------------------------------------------------------------------------------


@dataclass
class Measures:
    country: Country
    representatives: int = 0
    teams: int = 0
    teams_with_consumer: int = 0
    meetings: int = 0
    meetings_with_speaker: int = 0
    level: float | None = None  # the consumer-involvement domain's level; None: no visible round has one
    round: AssessmentRound | None = None

    @property
    def team_share(self) -> int | None:
        """The share of the country's collaborative teams with a consumer member, in percent."""
        return round(100 * self.teams_with_consumer / self.teams) if self.teams else None


def measures(
    viewer: Viewer, network: Network, countries: list[Country], *, levels: bool = True
) -> dict[int, Measures]:
    """Each country's measures, by country id: four to six queries whatever the number of countries, and
    the gap map's when ``levels`` (the country page passes False and takes the level from the results it
    already read, with ``level_from``)."""
    out = {c.pk: Measures(c) for c in countries}
    ids = list(out)
    linked: dict[int, set[int]] = defaultdict(set)  # member → the countries they represent
    for country_id, member_id in ConsumerRepresentative.objects.filter(
        network=network, country__in=ids
    ).values_list("country_id", "member_id")[: MAX_REPRESENTATIVES * max(1, len(ids))]:
        out[country_id].representatives += 1
        if member_id is not None:
            linked[member_id].add(country_id)
    _team_counts(network, out)
    held = Meeting.objects.filter(network=network).exclude(status=Meeting.Status.CANCELLED)
    for row in held.filter(countries__in=ids).values("countries").annotate(n=Count("id", distinct=True)):
        out[row["countries"]].meetings = row["n"]
    for country_id, meetings in _speaker_meetings(network, ids, linked).items():
        out[country_id].meetings_with_speaker = len(meetings)
    if levels:
        _levels(viewer, network, out)
    return out


def level_from(figures: Measures, results) -> Measures:
    """The level from a country's latest results (gaps.selectors.latest_results): the national programme
    instrument's consumer-involvement domain."""
    for result in results:
        if result.round.instrument.kind == Instrument.Kind.NATIONAL:
            figures.level, figures.round = result.levels.get(DOMAIN), result.round
    return figures


def _team_counts(network: Network, out: dict[int, Measures]) -> None:
    """Each country's collaborative teams (of the collaboratives it runs), and those with a consumer member:
    a team member marked as a consumer, or a representative with a role on the team. One query."""
    consumer = Q(members__is_consumer=True) | Q(
        consumer_roles__kind=ConsumerRole.Kind.TEAM, consumer_roles__representative__network=network
    )
    for row in (
        Team.objects.filter(collaborative__network=network, collaborative__country__in=list(out))
        .values("collaborative__country")
        .annotate(n=Count("id", distinct=True), consumer=Count("id", filter=consumer, distinct=True))
    ):
        figures = out[row["collaborative__country"]]
        figures.teams, figures.teams_with_consumer = row["n"], row["consumer"]


def team_shares(network: Network, countries: list[Country] | None = None) -> list[Measures]:
    """The gap map's line: each country with collaborative teams, its share of teams with a consumer member
    (countries by name; one query, two without ``countries``)."""
    countries = by_display_name(network.countries.all() if countries is None else countries)
    out = {c.pk: Measures(c) for c in countries}
    _team_counts(network, out)
    return [m for m in out.values() if m.teams]


def _speaker_meetings(
    network: Network, country_ids: list[int], countries_of: dict[int, set[int]]
) -> dict[int, set[int]]:
    """The meetings where a representative of each country spoke: a presenter or panellist who is the
    member linked to a representative, or a representative recorded on a meeting's delegation or panel."""
    out: dict[int, set[int]] = defaultdict(set)
    if countries_of:
        for through in (AgendaItem.presenters.through, AgendaItem.panellists.through):
            links = (
                through.objects.filter(member_id__in=countries_of, agendaitem__meeting__network=network)
                .exclude(agendaitem__meeting__status=Meeting.Status.CANCELLED)
                .values_list("agendaitem__meeting_id", "member_id")[:SPEAKER_LINKS]
            )
            for meeting_id, member_id in links:
                for country_id in countries_of[member_id]:
                    out[country_id].add(meeting_id)
    for meeting_id, country_id in (
        ConsumerRole.objects.filter(
            kind=ConsumerRole.Kind.PANEL,
            meeting__isnull=False,
            representative__network=network,
            representative__country__in=country_ids,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values_list("meeting_id", "representative__country_id")[:SPEAKER_LINKS]
    ):
        out[country_id].add(meeting_id)
    return out


def _levels(viewer: Viewer, network: Network, out: dict[int, Measures]) -> None:
    """The consumer-involvement domain of each country's latest confirmed round of the national programme
    instrument that the viewer may see (the gap map's rows: the same rounds, the same levels)."""
    instrument = chosen_instrument(gap_map_instruments(), None)
    if instrument is None or instrument.kind != Instrument.Kind.NATIONAL:
        return
    for row in gap_map(viewer, network, instrument).rows:
        if row.country.pk in out:
            out[row.country.pk].level = row.levels.get(DOMAIN)
            out[row.country.pk].round = row.round


def country_measures(viewer: Viewer, network: Network, country: Country) -> Measures:
    return measures(viewer, network, [country])[country.pk]
