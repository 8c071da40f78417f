"""The consumer involvement demo: registers of consumer (PLHIV) representatives in Kenya, Haiti, Thailand and
Zambia, and Mozambique's, which holds one representative and no role: the country stalled on consumer
involvement (programmes/demo.py: its consumer-involvement domain stays at the first level, with no budget
for a consumer advisory board).

Each representative gave consent (in writing, or verbally before a named witness) and chose how to appear:
by name, by initials, or not at all. Their roles: the national quality committee, a team of the country's
collaborative (the improvement demo's teams), a meeting's delegation or panel (the country's learning
sessions, or a network session it took part in), the team of the country's latest assessment.

Dates count back from today. Idempotent: a country whose register holds anyone is left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from qicop.improvement.models import Team
from qicop.meetings.models import Meeting
from qicop.network.models import Country, Membership, Network, Role
from qicop.programmes.demo import NATIONAL
from qicop.programmes.models import AssessmentRound, ConsumerRepresentative, ConsumerRole

NAME, INITIALS, HIDDEN = ConsumerRepresentative.Appearance.values
K = ConsumerRole.Kind

#: Per country: (full name, appearance, consent days ago, witness of verbal consent or "", roles), each role
#: (kind, since days ago, until days ago or None); a team role takes the country's n-th team, a panel its
#: latest held meeting, an assessment role its latest national programme round.
REGISTERS = {
    "KE": [
        ("Grace Akinyi Omolo", NAME, 900, "", [(K.COMMITTEE, 880, None), (K.PANEL, 0, None)]),
        ("Peter Mwangi Kamau", INITIALS, 700, "", [(K.TEAM, 1, None), (K.ASSESSMENT, 0, None)]),
        ("Mary Wambui Njoroge", INITIALS, 650, "Sister Jane Achieng (clinic in-charge)", [(K.TEAM, 3, None)]),
        ("Joseph Kiprono Langat", HIDDEN, 500, "", [(K.TEAM, 5, None)]),
        ("Esther Nyambura", HIDDEN, 400, "", [(K.COMMITTEE, 380, 60)]),
    ],
    "HT": [
        ("Jocelyne Alexis", NAME, 800, "", [(K.COMMITTEE, 780, None), (K.TEAM, 1, None)]),
        (
            "Frantz Michel",
            INITIALS,
            600,
            "Dr Roseline Paul (médecin-chef)",
            [(K.TEAM, 4, None), (K.PANEL, 0, None)],
        ),
        ("Mireille Thélusma", HIDDEN, 450, "", [(K.TEAM, 6, None)]),
    ],
    "TH": [
        ("Somsak Wongchai", NAME, 1200, "", [(K.COMMITTEE, 1180, None), (K.ASSESSMENT, 0, None)]),
        ("Pranee Inthanon", INITIALS, 900, "", [(K.TEAM, 2, None)]),
        ("Kittisak Panyadee", HIDDEN, 300, "", [(K.OTHER, 280, None)]),
    ],
    "ZM": [
        ("Mercy Phiri", NAME, 500, "", [(K.COMMITTEE, 480, None), (K.PANEL, 0, None)]),
        ("Charles Mwale", INITIALS, 350, "Sister Agnes Tembo (ART clinic)", [(K.COMMITTEE, 330, None)]),
    ],
    # Stalled: one representative, whose seat on the committee was never funded.
    "MZ": [("Fátima Nhaca", HIDDEN, 700, "", [])],
}
OTHER = "Peer educator on the national treatment literacy working group"


def load_demo() -> bool:
    """Create the registers of countries that have none. Needs the improvement and programmes demos; returns
    whether anything was created."""
    network = Network.objects.filter(slug="virtual").first()
    if network is None:
        return False
    kept = set(ConsumerRepresentative.objects.filter(network=network).values_list("country__iso2", flat=True))
    created = False
    with transaction.atomic():
        for country in Country.objects.filter(iso2__in=REGISTERS).exclude(iso2__in=kept).order_by("iso2"):
            focal = (
                Membership.objects.filter(network=network, role=Role.FOCAL_POINT, member__country=country)
                .select_related("member__user")
                .order_by("member_id")
                .first()
            )
            _register(network, country, focal.member.user if focal else None)
            created = True
    return created


def _register(network: Network, country: Country, actor) -> None:
    if actor is None:
        return
    today = timezone.localdate()
    teams = list(
        Team.objects.filter(collaborative__network=network, collaborative__country=country)
        .select_related("collaborative")
        .order_by("pk")
    )
    meetings = list(
        Meeting.objects.filter(network=network, status=Meeting.Status.HELD, countries=country).order_by(
            "-start"
        )[:1]
    )
    round_ = (
        AssessmentRound.objects.filter(network=network, country=country, instrument__slug=NATIONAL)
        .exclude(status=AssessmentRound.Status.DRAFT)
        .order_by("-year")
        .first()
    )
    for name, appearance, consent, witness, roles in REGISTERS[country.iso2]:
        representative = ConsumerRepresentative.objects.create(
            network=network,
            country=country,
            full_name=name,
            appearance=appearance,
            consent_on=today - timedelta(days=consent),
            consent_how=ConsumerRepresentative.ConsentHow.VERBAL
            if witness
            else ConsumerRepresentative.ConsentHow.WRITTEN,
            consent_witness=witness,
            created_by=actor,
        )
        rows = []
        for kind, since, until in roles:
            row = ConsumerRole(representative=representative, kind=kind, since=None, until=None)
            if kind == K.TEAM:
                if not teams:
                    continue
                row.team = teams[(since - 1) % len(teams)]
                row.since = max(row.team.collaborative.start, representative.consent_on)
            elif kind == K.PANEL:
                held = [
                    m for m in meetings if timezone.localtime(m.start).date() >= representative.consent_on
                ]
                if not held:  # a role only after consent
                    continue
                row.meeting = held[0]
                row.since = row.until = timezone.localtime(held[0].start).date()
            elif kind == K.ASSESSMENT:
                if round_ is None:
                    continue
                row.round = round_
                row.since = max(representative.consent_on, round_.created_at.date())
                row.until = round_.submitted_at.date() if round_.submitted_at else None
                if row.until and row.until < row.since:
                    continue
            else:
                row.description = OTHER if kind == K.OTHER else ""
                row.since = today - timedelta(days=since)
                row.until = today - timedelta(days=until) if until is not None else None
            rows.append(row)
        ConsumerRole.objects.bulk_create(rows)
