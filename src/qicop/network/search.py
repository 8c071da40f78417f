"""Members in the search index: one entry per network they belong to, found by every member of it."""

from __future__ import annotations

from django.urls import reverse

from qicop.network.models import Member, Membership
from qicop.search.index import Entry, register
from qicop.search.models import SearchEntry


def member_entries(member) -> list[Entry]:
    body = " · ".join(
        part
        for part in (
            member.title,
            member.organisation.name if member.organisation else "",
            member.country.name,
            member.bio,
        )
        if part
    )
    networks = sorted({m.network for m in member.memberships.all()}, key=lambda n: n.pk)
    return [
        Entry(
            network_id=network.pk,
            audience=SearchEntry.Audience.MEMBERS,
            title=member.full_name,
            body=body,
            url=reverse("network:member_detail", args=[network.slug, member.pk]),
            country_id=member.country_id,
            updated_at=member.updated_at,
        )
        for network in networks
    ]


def member_queryset():
    return Member.objects.select_related("organisation", "country").prefetch_related("memberships__network")


def register_members() -> None:
    register(
        Member,
        "member",
        build=member_entries,
        queryset=member_queryset,
        related={Membership: "member_id"},
    )
