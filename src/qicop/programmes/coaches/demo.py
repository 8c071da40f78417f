"""The QI coach certification demo: thirty coaches of five countries at every stage, and each country's
certifying body.

Kenya, Haiti and Thailand (the countries with a national collaborative) and Zambia and Mozambique (which
certify the coaches of the southern African exchange without one) each save a standard and have a
certifying body: Kenya's is a demo login (``certifier.ke@example.org``), the others' a member of the country
given the "certifier" role in both learning networks. The coaches are members of the network (those who
coach the improvement demo's teams among them), at every stage: candidates without an observation, observed
candidates, certified coaches (mentors among them), certificates expiring within 90 days, lapsed ones, one
candidate not certified, one renewal in progress and one renewal decided.

Every rule of certification holds in the data: an observation is made by a mentor whose certificate was in
force on that day, and a certificate is decided only with its requirements met under the country's standard
(``portfolio.requirements``; the snapshot kept on each decision says so). A country's teams requirement
applies from its first collaborative's start: coaches certified before it had no national team to coach.
Someone must have been first: Thailand's three founding mentors were certified on one day, at the network's
first coaching course, each observed there by the two others.

Dates count back from today (``timezone.localdate``), so the stages hold whenever the demo is loaded.
Idempotent: nothing is written when the network already has certifications.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from qicop.accounts.backends import DEMO_PASSWORD
from qicop.accounts.models import User
from qicop.improvement.models import Collaborative, Team
from qicop.meetings.models import Attendance, Meeting
from qicop.network.models import Country, Member, Membership, Network, Role
from qicop.programmes.coaches.portfolio import portfolio_of, snapshot
from qicop.programmes.coaches.stages import valid_until_for
from qicop.programmes.coaches.standards import competencies_of
from qicop.programmes.models import (
    CertificationStandard,
    CoachCertification,
    CompetencyRating,
    MentorObservation,
)

COUNTRIES = ("KE", "HT", "TH", "ZM", "MZ")
CERTIFIER_LOGIN = "certifier.ke@example.org"
CERTIFIER_NAME = "Akinyi Ndege"
#: Each country's certifying body beside Kenya's demo login: a member who coaches no one.
CERTIFIERS = {
    "HT": "ht.12@example.org",
    "TH": "th.11@example.org",
    "ZM": "zm.12@example.org",
    "MZ": "mz.12@example.org",
}

#: The standards the countries saved (fields of CertificationStandard beside the defaults) and why.
STANDARDS = {
    "KE": (
        {"min_teams": 1, "min_cycles": 4, "min_sessions": 2},
        "From the national collaborative's start, a candidate coaches at least one of its teams through "
        "four PDSA cycles.",
    ),
    "HT": ({"min_teams": 1, "min_cycles": 4, "min_sessions": 2}, ""),
    "TH": (
        {"min_teams": 1, "min_cycles": 4, "min_sessions": 2, "renewal_sessions": 1},
        "Renewal: one network session during the certificate's validity is enough.",
    ),
    "ZM": (
        {"min_teams": 0, "min_cycles": 0, "min_sessions": 0},
        "No national collaborative yet: candidates are observed coaching district teams, and trained in "
        "the southern African exchange rather than at the network's sessions.",
    ),
    "MZ": (
        {"min_teams": 0, "min_cycles": 0, "min_sessions": 1},
        "No national collaborative yet: candidates are observed coaching district teams.",
    ),
}


@dataclass(frozen=True)
class Obs:
    mentor: str  # a coach's e-mail
    days_ago: int
    ratings: tuple[int, ...] = (3, 4, 3, 3, 4, 3, 3)  # cycled over the standard's competencies


@dataclass(frozen=True)
class Cert:
    email: str
    iso2: str
    started: int  # days ago
    knowledge: int | None = None
    decided: int | None = None  # days ago; None: still a candidate
    certified: bool = True
    mentor: bool = False
    observations: tuple[Obs, ...] = ()
    renews: str | None = None  # the e-mail whose earlier certificate this renews
    notes: str = ""


def _founders(*emails: str) -> list[Cert]:
    """Thailand's first mentors: certified together, each observed that day by the two others."""
    return [
        Cert(
            email,
            "TH",
            started=1600,
            knowledge=score,
            decided=FOUNDED,
            mentor=True,
            observations=tuple(Obs(other, FOUNDED) for other in emails if other != email),
            notes="Founding mentor, certified at the network's first QI coaching course.",
        )
        for email, score in zip(emails, (92, 88, 90), strict=True)
    ]


FOUNDED = 1480  # days ago: the founders' certificates lapsed a year ago
A, B, C = "th.10@example.org", "th.12@example.org", "th.07@example.org"  # Thailand's founders
KE_MENTOR, HT_MENTOR, ZM_MENTOR = "ke.11@example.org", "member.ht@example.org", "zm.05@example.org"
LOW = (3, 2, 3, 2, 3, 3, 3)  # two competencies still developing

CERTIFICATIONS: list[Cert] = [
    *_founders(A, B, C),
    # Thailand's first founder renewed before his certificate ended, observed by the two others.
    Cert(
        A,
        "TH",
        started=620,
        knowledge=91,
        decided=450,
        mentor=True,
        renews=A,
        observations=(Obs(B, 520), Obs(C, 480, (4, 4, 3, 4, 4, 3, 4))),
    ),
    # The first generation the founders observed: mentors of Kenya and Haiti.
    Cert(
        KE_MENTOR,
        "KE",
        started=1000,
        knowledge=86,
        decided=800,
        mentor=True,
        observations=(Obs(A, 850), Obs(B, 830)),
    ),
    Cert(
        HT_MENTOR,
        "HT",
        started=1000,
        knowledge=89,
        decided=800,
        mentor=True,
        observations=(Obs(A, 860), Obs(C, 840)),
    ),
    # Kenya
    Cert(
        "ke.08@example.org",
        "KE",
        started=400,
        knowledge=81,
        decided=150,
        observations=(Obs(KE_MENTOR, 220), Obs(HT_MENTOR, 190)),
    ),
    Cert(
        "ke.09@example.org",
        "KE",
        started=1250,
        knowledge=77,
        decided=1050,
        observations=(Obs(A, 1110), Obs(B, 1090)),
    ),
    Cert(
        "ke.10@example.org",
        "KE",
        started=1250,
        knowledge=79,
        decided=1070,
        observations=(Obs(A, 1130), Obs(C, 1100)),
    ),
    Cert(
        "ke.10@example.org",
        "KE",
        started=100,
        knowledge=83,
        renews="ke.10@example.org",
        observations=(Obs(KE_MENTOR, 30),),
    ),
    Cert(
        "ke.01@example.org",
        "KE",
        started=1500,
        knowledge=73,
        decided=1300,
        observations=(Obs(B, 1360), Obs(C, 1330)),
    ),
    Cert("ke.05@example.org", "KE", started=300, knowledge=84, observations=(Obs(HT_MENTOR, 45),)),
    Cert("ke.04@example.org", "KE", started=60),
    Cert(
        "ke.06@example.org",
        "KE",
        started=400,
        knowledge=74,
        decided=200,
        certified=False,
        observations=(Obs(HT_MENTOR, 300), Obs(KE_MENTOR, 230, LOW)),
        notes="No team of the national collaborative coached yet, and facilitation and coaching a team "
        "through a project still developing in the latest observation: invited to apply again after six "
        "months of co-coaching a team with a mentor.",
    ),
    # Haiti
    Cert(
        "ht.05@example.org",
        "HT",
        started=380,
        knowledge=80,
        decided=120,
        observations=(Obs(HT_MENTOR, 190), Obs(A, 160)),
    ),
    Cert(
        "ht.06@example.org",
        "HT",
        started=1200,
        knowledge=76,
        decided=1030,
        observations=(Obs(A, 1090), Obs(B, 1060)),
    ),
    Cert(
        "ht.08@example.org",
        "HT",
        started=1400,
        knowledge=71,
        decided=1250,
        observations=(Obs(B, 1310), Obs(C, 1290)),
    ),
    Cert(
        "ht.11@example.org",
        "HT",
        started=1100,
        knowledge=85,
        decided=900,
        observations=(Obs(A, 960), Obs(C, 930)),
    ),
    Cert("ht.10@example.org", "HT", started=210, knowledge=78, observations=(Obs(HT_MENTOR, 50),)),
    Cert("ht.09@example.org", "HT", started=40),
    # Thailand
    Cert(
        "th.05@example.org",
        "TH",
        started=850,
        knowledge=87,
        decided=680,
        observations=(Obs(B, 740), Obs(C, 720)),
    ),
    Cert(
        "th.08@example.org",
        "TH",
        started=1250,
        knowledge=82,
        decided=1080,
        observations=(Obs(A, 1140), Obs(B, 1110)),
    ),
    Cert("th.06@example.org", "TH", started=180, knowledge=88, observations=(Obs(A, 60),)),
    # Zambia
    Cert(
        ZM_MENTOR,
        "ZM",
        started=700,
        knowledge=83,
        decided=500,
        mentor=True,
        observations=(Obs(A, 560), Obs(HT_MENTOR, 540)),
    ),
    Cert(
        "zm.06@example.org",
        "ZM",
        started=480,
        knowledge=79,
        decided=300,
        observations=(Obs(ZM_MENTOR, 360), Obs(A, 330)),
    ),
    Cert(
        "zm.10@example.org",
        "ZM",
        started=1400,
        knowledge=72,
        decided=1200,
        observations=(Obs(B, 1260), Obs(C, 1240)),
    ),
    Cert("zm.08@example.org", "ZM", started=150, knowledge=75, observations=(Obs(ZM_MENTOR, 20),)),
    Cert("zm.11@example.org", "ZM", started=30),
    # Mozambique
    Cert(
        "mz.07@example.org",
        "MZ",
        started=600,
        knowledge=80,
        decided=400,
        observations=(Obs(A, 440), Obs(ZM_MENTOR, 420)),
    ),
    Cert(
        "mz.10@example.org",
        "MZ",
        started=1250,
        knowledge=76,
        decided=1045,
        observations=(Obs(A, 1100), Obs(C, 1080)),
    ),
    Cert("mz.09@example.org", "MZ", started=160, knowledge=77, observations=(Obs(ZM_MENTOR, 25),)),
    Cert("mz.11@example.org", "MZ", started=20),
]

SUMMARIES = {
    MentorObservation.Setting.VISIT: "Coaching visit: the team reviewed its run chart and chose its next "
    "test of change with the coach's questions, not the coach's answers.",
    MentorObservation.Setting.LEARNING_SESSION: "Learning session: facilitated the teams' storyboard round "
    "and the planning of the next action period.",
    MentorObservation.Setting.CALL: "Coaching call with a district team: helped it read its data and plan a "
    "smaller test.",
}


def load_demo() -> bool:
    """Create the certifying bodies, the standards and the thirty coaches unless the network has
    certifications already. Needs the network, improvement and programmes demos; returns whether anything
    was created."""
    network = Network.objects.filter(slug="virtual").first()
    if network is None or CoachCertification.objects.filter(network=network).exists():
        return False
    with transaction.atomic():
        _load(network)
    return True


def _load(network: Network) -> None:
    today = timezone.localdate()
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=COUNTRIES)}
    certifiers = _certifying_bodies(network, countries)
    emails = {c.email for c in CERTIFICATIONS} | {o.mentor for c in CERTIFICATIONS for o in c.observations}
    members = {m.user.email: m for m in Member.objects.filter(user__email__in=emails).select_related("user")}
    focal = {
        m.member.country.iso2: m.member
        for m in Membership.objects.filter(network=network, role=Role.FOCAL_POINT)
        .select_related("member__country", "member__user")
        .order_by("-member_id")
    }
    standards = _standards(network, countries, focal)
    started = _collaborative_starts(network)
    teams = _teams_coached(network, members.values())
    made: dict[str, CoachCertification] = {}  # the latest certification of each coach, as they are made
    every: list[CoachCertification] = []
    for spec in CERTIFICATIONS:
        member, country = members[spec.email], countries[spec.iso2]
        standard = standards[spec.iso2]
        day = lambda days: today - timedelta(days=days)  # noqa: E731
        certification = CoachCertification.objects.create(
            network=network,
            country=country,
            member=member,
            kind=CoachCertification.Kind.RENEWAL if spec.renews else CoachCertification.Kind.INITIAL,
            renews=made.get(spec.renews) if spec.renews else None,
            started_on=day(spec.started),
            knowledge_score=spec.knowledge,
            knowledge_on=day((spec.started + (spec.decided or 0)) // 2) if spec.knowledge else None,
            created_by=focal[spec.iso2].user,
            notes="",
        )
        competencies = competencies_of(standard)
        for obs in spec.observations:
            mentor = members[obs.mentor]
            # A visit to one of the teams the candidate coaches, if their collaborative had begun by then.
            coached = [t for t in teams.get(member.pk, []) if t.collaborative.start <= day(obs.days_ago)]
            setting = (
                MentorObservation.Setting.VISIT
                if coached
                else (
                    MentorObservation.Setting.CALL
                    if obs.days_ago % 2
                    else MentorObservation.Setting.LEARNING_SESSION
                )
            )
            observation = MentorObservation.objects.create(
                certification=certification,
                mentor=mentor,
                observed_on=day(obs.days_ago),
                setting=setting,
                team=coached[obs.days_ago % len(coached)] if coached else None,
                summary=SUMMARIES[setting],
                created_by=mentor.user,
            )
            CompetencyRating.objects.bulk_create(
                CompetencyRating(
                    observation=observation,
                    competency=competency,
                    rating=obs.ratings[index % len(obs.ratings)],
                    comment="",
                )
                for index, competency in enumerate(competencies)
            )
        if spec.decided is not None:
            decided = day(spec.decided)
            status = (
                CoachCertification.Status.CERTIFIED
                if spec.certified
                else CoachCertification.Status.NOT_CERTIFIED
            )
            certification.status = status
            certification.decided_on = decided
            certification.decided_by = certifiers[spec.iso2]
            certification.decision_notes = spec.notes
            certification.mentor = spec.mentor
            if spec.certified:
                certification.valid_until = valid_until_for(decided, standard.validity_years)
            applied = standard_at(standard, decided, started.get(country.pk))
            if spec.certified:
                _attended_enough(network, certification, applied, decided)
            certification.portfolio = snapshot(portfolio_of(certification), applied)
            certification.save()
        made[spec.email] = certification
        every.append(certification)
    # The certificates were entered as they were decided, not today.
    for certification in every:
        moment = datetime.combine(certification.decided_on or certification.started_on, time(9), tzinfo=UTC)
        CoachCertification.objects.filter(pk=certification.pk).update(created_at=moment, updated_at=moment)


def _attended_enough(network, certification, standard, decided: date) -> None:
    """Who attended which session is the meetings demo's to draw, and it draws from the sessions held before
    the moment the demo loads: a coach certified here is recorded at as many earlier held sessions (with an
    attendance report) as the standard asks, when the draw left them short."""
    renewal = certification.kind == CoachCertification.Kind.RENEWAL
    need = standard.renewal_sessions if renewal else standard.min_sessions
    missing = need - portfolio_of(certification).session_count
    if missing <= 0:
        return
    member = certification.member
    sessions = Meeting.objects.filter(
        network=network,
        kind=Meeting.Kind.VIRTUAL,
        status=Meeting.Status.HELD,
        start__date__lt=decided,
        attendance__isnull=False,
    ).exclude(attendance__member=member)
    if renewal and certification.renews is not None:
        sessions = sessions.filter(start__date__gte=certification.renews.decided_on)
    for meeting in sessions.distinct().order_by("-start")[:missing]:
        Attendance.objects.create(
            meeting=meeting,
            member=member,
            name=member.full_name,
            email=member.user.email,
            minutes=round((meeting.end - meeting.start).total_seconds() / 60 * 0.9),
            first_joined=meeting.start,
            source=Attendance.Source.ZOOM,
            matched_by="email",
        )


def standard_at(standard: CertificationStandard, decided: date, collaborative_start: date | None):
    """The country's standard as it applied on ``decided``: the teams and cycles it asks for only from its
    first collaborative's start (before it there was no national team to coach)."""
    if collaborative_start is not None and decided >= collaborative_start:
        return standard
    applied = copy.copy(standard)
    applied.min_teams = applied.min_cycles = applied.renewal_teams = 0
    return applied


def _collaborative_starts(network: Network) -> dict[int, date]:
    starts: dict[int, date] = {}
    for country_id, start in Collaborative.objects.filter(network=network).values_list("country_id", "start"):
        starts[country_id] = min(start, starts.get(country_id, start))
    return starts


def _teams_coached(network: Network, members) -> dict[int, list[Team]]:
    out: dict[int, list[Team]] = {}
    for team in (
        Team.objects.filter(collaborative__network=network, coach__in=[m.pk for m in members])
        .select_related("collaborative")
        .order_by("pk")
    ):
        out.setdefault(team.coach_id, []).append(team)
    return out


def _standards(network, countries, focal) -> dict[str, CertificationStandard]:
    out = {}
    for iso2, (values, notes) in STANDARDS.items():
        out[iso2], _created = CertificationStandard.objects.get_or_create(
            network=network,
            country=countries[iso2],
            defaults={**values, "notes": notes, "updated_by": focal[iso2].user},
        )
    return out


def _certifying_bodies(network: Network, countries: dict[str, Country]) -> dict[str, Member]:
    """Each country's certifying body, with the "certifier" role in both learning networks: Kenya's is the
    demo login README lists, the others' a member of the country who coaches no one."""
    networks = list(Network.objects.filter(slug__in=("virtual", "all-country")))
    kenya = countries["KE"]
    certifier = Member.objects.filter(user__email=CERTIFIER_LOGIN).first()
    if certifier is None:
        user = User.objects.create_user(
            CERTIFIER_LOGIN, DEMO_PASSWORD, language="", time_zone=kenya.time_zone
        )
        certifier = Member.objects.create(
            user=user,
            full_name=CERTIFIER_NAME,
            country=kenya,
            title="Chair, National QI Coach Certification Board",
            languages=["en", "sw"],
        )
        # On the board since long before today: not one of the network's "new members".
        joined = datetime.combine(timezone.localdate() - timedelta(days=1600), time(9), tzinfo=UTC)
        Member.objects.filter(pk=certifier.pk).update(created_at=joined)
    out = {"KE": certifier}
    out.update(
        {
            m.country.iso2: m
            for m in Member.objects.filter(user__email__in=CERTIFIERS.values()).select_related("country")
        }
    )
    Membership.objects.bulk_create(
        [Membership(member=m, network=n, role=Role.CERTIFIER) for m in out.values() for n in networks],
        ignore_conflicts=True,
    )
    return out
