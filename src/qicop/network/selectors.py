"""Reads that span rows, always scoped to what the viewer may see.

Fetching one object answers 404 alike for "missing" and "forbidden", so that nobody can probe for
networks, countries or members they are not part of.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qicop.network.models import Country, Invitation, Member, Membership, Network, Organisation, Topic
from qicop.network.permissions import Viewer, viewer_for


def networks_for_viewer(viewer: Viewer) -> QuerySet[Network]:
    networks = Network.objects.order_by("name")
    if viewer.is_superuser:
        return networks
    return networks.filter(pk__in=viewer.network_ids())


def network_for_viewer(viewer: Viewer, slug: str) -> Network:
    network = networks_for_viewer(viewer).filter(slug=slug).first()
    if network is None:
        raise Http404("No such network")
    return network


def network_page(user, slug: str) -> tuple[Viewer, Network]:
    """The opening step of every page and endpoint under ``/n/<slug>/``: who is asking, and the network
    they may see (404 whether it is missing or not theirs)."""
    viewer = viewer_for(user)
    return viewer, network_for_viewer(viewer, slug)


def member_of_account(user) -> Member | None:
    """The member an account belongs to, with its account and country (one query); None for an account
    that is no member (a superuser, say)."""
    return Member.objects.select_related("user", "country").filter(user_id=user.pk).first()


def countries_of_network(network: Network) -> QuerySet[Country]:
    """The network's countries, each with the number of its people in this network."""
    return network.countries.annotate(
        member_count=Count("members", filter=Q(members__memberships__network=network), distinct=True)
    ).order_by("name")


def country_in_network(network: Network, iso2: str) -> Country:
    country = network.countries.filter(iso2=iso2.upper()).first()
    if country is None:
        raise Http404("No such country in this network")
    return country


def organisations_of_network(network: Network, *, country: Country | None = None) -> QuerySet[Organisation]:
    organisations = Organisation.objects.filter(country__networks=network).select_related("country")
    if country is not None:
        organisations = organisations.filter(country=country)
    return organisations.order_by("country__name", "name")


def members_of_network(
    network: Network,
    *,
    query: str = "",
    country: str = "",
    organisation: int | None = None,
    role: str = "",
) -> QuerySet[Member]:
    """The network's members matching the directory filters, with what a list row shows preloaded."""
    members = Member.objects.filter(memberships__network=network)
    if role:
        members = members.filter(memberships__network=network, memberships__role=role)
    if country:
        members = members.filter(country__iso2=country.upper())
    if organisation:
        members = members.filter(organisation_id=organisation)
    for word in query.split():
        members = members.filter(
            Q(full_name__icontains=word)
            | Q(title__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__short_name__icontains=word)
            | Q(country__name__icontains=word)
        )
    return (
        members.distinct()
        .select_related("country", "organisation", "user")
        .prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.filter(network=network), to_attr="network_roles"
            )
        )
        .order_by("full_name", "id")
    )


def member_in_network(network: Network, member_id: int) -> Member:
    member = members_of_network(network).filter(pk=member_id).first()
    if member is None:
        raise Http404("No such member in this network")
    return member


def topics_of_network(network: Network) -> QuerySet[Topic]:
    """The network's topics, by name: the one query behind every topic list and topic choice (meetings,
    case studies, resources, discussions). Callers that offer them in a form cap the list."""
    return Topic.objects.filter(network=network).order_by("name", "id")


def invitations_for_viewer(viewer: Viewer, network: Network) -> QuerySet[Invitation]:
    invitations = network.invitations.select_related("country", "organisation", "invited_by__member")
    if viewer.is_coordinator(network):
        return invitations
    return invitations.filter(country_id=viewer.country_id)


def pending_invitations_for_viewer(viewer: Viewer, network: Network) -> QuerySet[Invitation]:
    return invitations_for_viewer(viewer, network).filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def network_overview(network: Network) -> dict:
    """The figures on a network's home page, in a fixed, small number of queries."""
    memberships = Membership.objects.filter(network=network)
    return {
        "member_count": memberships.values("member").distinct().count(),
        "organisation_count": organisations_of_network(network).count(),
        "newest_members": list(
            Member.objects.filter(memberships__network=network)
            .distinct()
            .select_related("country", "organisation")
            .order_by("-created_at", "-id")[:6]
        ),
    }
