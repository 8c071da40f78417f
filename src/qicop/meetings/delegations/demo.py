"""Demo delegations and attendance of the all-country meetings (run after the agenda's demo)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from qicop.meetings import times
from qicop.meetings.models import Attendance, Delegate, Meeting
from qicop.network.demo import COUNTRIES
from qicop.network.models import Member, Membership

# ---------------------------------------------------------------------------------------------------------
# Demo data

DEMO_CDC_TITLES = ["Care and Treatment Branch Chief", "Public Health Advisor", "HIV Prevention Specialist"]
DEMO_MOH_TITLES = [
    "Director of Clinical Services",
    "National HIV Care and Treatment Coordinator",
    "Head, Quality Assurance Unit",
    "Deputy Director, HIV Programme",
]


@transaction.atomic
def load_demo() -> None:
    """Delegations for the demo's all-country meetings and attendance for its held virtual sessions.
    Idempotent: a meeting that already has delegates, or attendance, is left as it is."""
    import random

    seeds = {s.iso2: s for s in COUNTRIES}
    for meeting in Meeting.objects.filter(network__slug="all-country").prefetch_related("countries"):
        if not Delegate.objects.filter(meeting=meeting).exists():
            _demo_delegations(meeting, seeds, random.Random(meeting.start.year))
        if not Attendance.objects.filter(meeting=meeting).exists():
            _demo_attendance_of_delegates(meeting)
    held = Meeting.objects.filter(network__slug="virtual", status=Meeting.Status.HELD)
    for meeting in held.prefetch_related("countries").order_by("start"):
        if not Attendance.objects.filter(meeting=meeting).exists():
            _demo_session_attendance(meeting, random.Random(meeting.pk))


def _demo_delegations(meeting: Meeting, seeds, rng) -> None:
    members: dict[int, list[Member]] = {}
    # Coordinators run the meeting; they are not part of their country's delegation.
    network_members = (
        Member.objects.filter(memberships__network=meeting.network_id)
        .exclude(memberships__network=meeting.network_id, memberships__role="coordinator")
        .distinct()
    )
    for m in network_members.select_related("user", "organisation").order_by("pk"):
        members.setdefault(m.country_id, []).append(m)
    delegates = []
    for index, country in enumerate(sorted(meeting.countries.all(), key=lambda c: c.iso2)):
        # Panellists and presenters rotate over the countries from year to year; the host sits on the panel.
        special = (Delegate.Role.PANELLIST, Delegate.Role.PRESENTER, None)[(index + meeting.start.year) % 3]
        if country.pk == meeting.host_country_id:
            special = Delegate.Role.PANELLIST
        people = _demo_country_delegation(members.get(country.pk, []), seeds[country.iso2], rng, special)
        delegates += [
            Delegate(
                meeting=meeting,
                country=country,
                member=member,
                full_name=name,
                email=member.user.email if member else "",
                job_title=title,
                affiliation=affiliation,
                role=role,
            )
            for member, name, title, affiliation, role in people
        ]
    Delegate.objects.bulk_create(delegates)


def _demo_country_delegation(mine: list[Member], seed, rng, special: str | None) -> list[tuple]:
    """(member or None, name, job title, affiliation, role) of one country's delegation: the country's
    members where the demo has them, invented people (from the country's names) for the rest."""
    used = {m.full_name for m in mine}

    def invented() -> str:
        for _attempt in range(50):
            name = f"{rng.choice(seed.first_names)} {rng.choice(seed.last_names)}"
            if name not in used:
                used.add(name)
                return name
        return f"{seed.first_names[0]} {seed.last_names[0]}"

    def kind_of(m: Member) -> str:
        return getattr(m.organisation, "kind", "other")

    moh = [m for m in mine if kind_of(m) == "moh"]
    cdc = [m for m in mine if kind_of(m) == "cdc"]
    partner = [m for m in mine if kind_of(m) == "partner"]
    A, R = Delegate.Affiliation, Delegate.Role
    people = [
        (moh[0], moh[0].full_name, moh[0].title, A.MOH, R.HEAD)
        if moh
        else (None, invented(), rng.choice(DEMO_MOH_TITLES), A.MOH, R.HEAD),
        (None, invented(), rng.choice(DEMO_MOH_TITLES), A.MOH, R.DELEGATE),
        (cdc[0], cdc[0].full_name, cdc[0].title, A.CDC, R.DELEGATE)
        if cdc
        else (None, invented(), rng.choice(DEMO_CDC_TITLES), A.CDC, R.DELEGATE),
    ]
    if special is not None:
        if moh[1:]:
            people.append((moh[1], moh[1].full_name, moh[1].title, A.MOH, special))
        elif partner:
            people.append((partner[0], partner[0].full_name, partner[0].title, A.PARTNER, special))
        else:
            people.append((None, invented(), "Quality Improvement Advisor", A.MOH, special))
    return people


def _demo_attendance_of_delegates(meeting: Meeting) -> None:
    minutes = times.meeting_minutes(meeting)
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            member=d.member,
            name=d.full_name,
            email=d.email,
            minutes=minutes,
            first_joined=meeting.start,
            source=Attendance.Source.MANUAL,
            matched_by="hand",
        )
        for d in Delegate.objects.filter(meeting=meeting, member__isnull=False)
    )


def _demo_session_attendance(meeting: Meeting, rng) -> None:
    from datetime import timedelta

    network = meeting.network_id
    coordinators = set(
        Membership.objects.filter(network=network, role="coordinator").values_list("member_id", flat=True)
    )
    people = (
        Member.objects.filter(memberships__network=network)
        .filter(Q(country__in=meeting.countries.all()) | Q(pk__in=coordinators))
        .exclude(memberships__network=network, memberships__role="observer")
        .select_related("user")
        .distinct()
        .order_by("pk")
    )
    rows = []
    for member in people:
        if member.pk not in coordinators and rng.random() > 0.7:
            continue  # not everyone comes
        late = rng.choice([0, 0, 2, 5, 12])
        rows.append(
            Attendance(
                meeting=meeting,
                member=member,
                name=member.full_name,
                email=member.user.email,
                minutes=float(90 - late - rng.choice([0, 0, 0, 10, 25])),
                first_joined=meeting.start + timedelta(minutes=late),
                source=Attendance.Source.ZOOM,
                matched_by="email",
            )
        )
    for number in range(rng.randint(1, 3)):  # people who joined from a phone, not matched to a member
        rows.append(
            Attendance(
                meeting=meeting,
                name=f"iPhone ({number + 1})",
                minutes=float(rng.randint(20, 80)),
                first_joined=meeting.start + timedelta(minutes=5),
                source=Attendance.Source.ZOOM,
            )
        )
    Attendance.objects.bulk_create(sorted(rows, key=lambda r: r.name))
