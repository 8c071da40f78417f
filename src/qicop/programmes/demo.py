"""The national quality programmes demo: yearly assessments of six countries of the virtual network that tell
one story.

Every year from 2010 to last year is a round of the national quality management programme instrument
(``national-qm-programme``) for Kenya, Haiti, Mozambique, Thailand, Zambia and Viet Nam, with some years
missing, as real programmes skip years when money or people run out. Kenya and Haiti rise steadily in
measurement and QI activity (from about 1 to 4), each dipping in the year after a gap; Mozambique rises
everywhere but in consumer involvement, where it stays at 1; Thailand is strong from the start; Zambia and
Viet Nam sit in between. Most years are self-assessments; every third year an external one, with named
assessors who have no account. Past rounds are locked by the coordinator early the next year and shared
with the network, except Thailand's last three (confirmed, not shared yet) and all of Viet Nam's (never
shared). This year's round is a draft for Kenya only, started from last year's answers for its focal point
to update. Kenya, Haiti, Mozambique and Zambia also scored themselves on the WHO national quality policy and
strategy readiness instrument (``who-nqps-readiness``) in 2017, after the network's session on it, and in
2024.

Levels and dates come from the demo's seed and today's date (never later than today); loading again creates
only the rounds that are not there yet.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from qicop.accounts.models import User
from qicop.core.when import when
from qicop.meetings.models import Meeting
from qicop.network.models import Country, Member, Membership, Network, Role
from qicop.programmes.models import Answer, AssessmentRound, Instrument, Item

NATIONAL = "national-qm-programme"
NQPS = "who-nqps-readiness"
FIRST_YEAR = 2010
COUNTRIES = ("KE", "HT", "MZ", "TH", "ZM", "VN")
#: The years each country did not assess itself (Haiti's first was after the 2010 earthquake).
SKIPPED = {
    "KE": (2014, 2018),
    "HT": (2010, 2016, 2018),
    "MZ": (2012, 2019),
    "TH": (2015,),
    "ZM": (2011, 2017, 2020),
    "VN": (2010, 2011, 2021),
}
#: Every third year (2012, 2015, …) is an external assessment.
EXTERNAL_EVERY = 3
EXTERNAL_ASSESSORS = (
    "Dr Helen Marsh (HEALTHQUAL quality consultant)",
    "Dr Samuel Kariuki (regional QI adviser)",
    "Claire Dubois (consultante qualité, HEALTHQUAL)",
    "Dr Paulo Mabunda (external reviewer, PEPFAR partner)",
    "Dr Nguyen Lan Anh (regional QI adviser)",
)
UNSHARED_LAST = {"TH": 3}  # confirmed, not shared yet: the last N rounds
NEVER_SHARED = ("VN",)
NQPS_YEARS = (2017, 2024)
NQPS_COUNTRIES = ("KE", "HT", "MZ", "ZM")
NQPS_SESSION_TOPIC = "The WHO national quality policy and strategy"
DRAFT_COUNTRY = "KE"

#: Evidence of a level from 3 up, by domain; "{month}" (January to September: before the round is
#: submitted) and "{year}" are filled in.
EVIDENCE = {
    "leadership": [
        "National QI committee minutes, {month} {year}",
        "Ministry circular naming the national quality lead, {year}",
        "Quality budget line in the national HIV plan, {year}",
    ],
    "structure": [
        "Terms of reference of the national quality committee, signed {month} {year}",
        "Regional QI coordinators' appointment letters, {year}",
        "Organigram of the quality unit, {year}",
    ],
    "measurement": [
        "Quarterly dashboard review, signed",
        "National HIV quality indicators report, {year}",
        "Data quality audit of facility registers, {month} {year}",
    ],
    "qi-activity": [
        "QI project reports from {count} facilities, {year}",
        "Collaborative learning session report, {month} {year}",
        "Storyboards of the national QI conference, {year}",
    ],
    "capacity": [
        "QI training register: {count} health workers trained in {year}",
        "Coaching visit reports, {month} {year}",
        "QI curriculum adopted by the training institute, {year}",
    ],
    "consumers": [
        "Minutes of the consumer advisory board, {month} {year}",
        "Patient satisfaction survey, {year}",
        "Network of people living with HIV: quality training report, {year}",
    ],
    "evaluation": [
        "Annual review of the quality plan, {month} {year}",
        "External evaluation report, {year}",
        "Quality management programme assessment, {year}",
    ],
}
GENERIC_EVIDENCE = [
    "National quality policy draft, {month} {year}",
    "Stakeholder workshop report, {month} {year}",
    "Situational analysis of quality of care, {year}",
]
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _target(iso2: str, code: str, year: int, t: float, after_gap: bool, offset: float) -> float:
    """The level a country's domain stands at in ``year``; ``t`` runs 0 → 1 from 2010 to last year."""
    if iso2 in ("KE", "HT"):
        if code in ("measurement", "qi-activity"):
            return 1 + 3 * t - (1.0 if after_gap else 0.0)
        return 1 + 2 * t - (0.5 if after_gap else 0.0) + offset
    if iso2 == "MZ":
        return 1.0 if code == "consumers" else 1 + 2.5 * t + offset
    if iso2 == "TH":
        return (3.0 if code == "consumers" else 3.5) + 1.0 * t + offset
    return 1.5 + 1.5 * t + offset  # Zambia and Viet Nam: in between


def _nqps_target(iso2: str, year: int, offset: float) -> float:
    base = {"KE": 1.5, "HT": 1.2, "MZ": 1.0, "ZM": 1.2}[iso2]
    return base + (1.8 if year >= 2024 else 0.0) + offset


def _item_levels(rng: random.Random, target: float, count: int, levels: list[int]) -> list[int]:
    """Item levels whose mean is about ``target``: spread around it, within the instrument's scale."""
    spread = [-0.6, 0.0, 0.6, -0.3, 0.3][:count]
    rng.shuffle(spread)
    lo, hi = min(levels), max(levels)
    return [min(hi, max(lo, round(target + s))) for s in spread]


def _evidence(rng: random.Random, code: str, year: int) -> str:
    template = rng.choice(EVIDENCE.get(code, GENERIC_EVIDENCE))
    return template.format(month=MONTHS[rng.randrange(9)], year=year, count=rng.choice((12, 24, 36, 48)))


def _at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def _no_later(moment: datetime, now: datetime, hours: int) -> datetime:
    """``moment``, or ``hours`` before now when it would be later."""
    return min(moment, now - timedelta(hours=hours))


def load_demo(seed: int = 2026) -> bool:
    """Create the demo's assessment rounds that are not there yet. Needs the demo network and the shipped
    instruments; returns whether anything was created."""
    network = Network.objects.filter(slug="virtual").first()
    instruments = {
        i.slug: i for i in Instrument.objects.filter(slug__in=(NATIONAL, NQPS), current=True).order_by()
    }
    coordinator = User.objects.filter(email="coordinator@example.org").first()
    if network is None or coordinator is None or set(instruments) != {NATIONAL, NQPS}:
        return False
    with transaction.atomic():
        return _load(seed, network, instruments, coordinator)


def _load(seed, network, instruments, coordinator) -> bool:
    now = timezone.now()
    this_year = now.year
    last_year = this_year - 1
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=COUNTRIES)}
    focal = _focal_points(network, countries)
    existing = set(
        AssessmentRound.objects.filter(network=network).values_list(
            "country__iso2", "instrument__slug", "year"
        )
    )
    items = {
        slug: list(Item.objects.filter(domain__instrument=instrument).select_related("domain"))
        for slug, instrument in instruments.items()
    }
    session = _nqps_session(network)
    rng = random.Random(seed)
    plans = []  # (round, {item: (level, evidence)}, named assessors)
    for iso2 in COUNTRIES:
        if iso2 not in countries:
            continue
        years = [y for y in range(FIRST_YEAR, this_year) if y not in SKIPPED[iso2]]
        unshared = set(years[-UNSHARED_LAST.get(iso2, 0) :]) if iso2 in UNSHARED_LAST else set()
        offsets = {d: rng.uniform(-0.4, 0.4) for d in dict.fromkeys(i.domain.code for i in items[NATIONAL])}
        for year in years:
            t = (year - FIRST_YEAR) / max(1, last_year - FIRST_YEAR)
            after_gap = year - 1 in SKIPPED[iso2] and year - 1 >= FIRST_YEAR
            targets = {
                code: _target(iso2, code, year, t, after_gap, offset) for code, offset in offsets.items()
            }
            answers = _answers(rng, instruments[NATIONAL], items[NATIONAL], targets, year, iso2)
            if (iso2, NATIONAL, year) in existing:
                continue
            confirmed_only = year in unshared
            plans.append(
                _round(
                    rng,
                    network=network,
                    country=countries[iso2],
                    instrument=instruments[NATIONAL],
                    year=year,
                    answers=answers,
                    focal=focal.get(iso2),
                    coordinator=coordinator,
                    now=now,
                    shared=iso2 not in NEVER_SHARED and not confirmed_only,
                    locked=not confirmed_only,
                    comments=_comments(iso2, year, after_gap),
                )
            )
        if iso2 not in NQPS_COUNTRIES:
            continue
        nqps_offsets = {d: rng.uniform(-0.5, 0.5) for d in dict.fromkeys(i.domain.code for i in items[NQPS])}
        for year in (y for y in NQPS_YEARS if y < this_year):
            targets = {code: _nqps_target(iso2, year, offset) for code, offset in nqps_offsets.items()}
            answers = _answers(rng, instruments[NQPS], items[NQPS], targets, year, iso2)
            if (iso2, NQPS, year) in existing:
                continue
            plans.append(
                _round(
                    rng,
                    network=network,
                    country=countries[iso2],
                    instrument=instruments[NQPS],
                    year=year,
                    answers=answers,
                    focal=focal.get(iso2),
                    coordinator=coordinator,
                    now=now,
                    shared=True,
                    locked=True,
                    comments=_nqps_comments(year, session),
                    months=(8, 11),
                )
            )
    created = _write(plans)
    draft = _draft(network, countries.get(DRAFT_COUNTRY), instruments[NATIONAL], focal, now, existing)
    return bool(created or draft)


def _focal_points(network: Network, countries: dict[str, Country]) -> dict[str, Member]:
    """Each country's focal point in the network (the first one, should there be two)."""
    out: dict[str, Member] = {}
    for membership in (
        Membership.objects.filter(
            network=network, role=Role.FOCAL_POINT, member__country__in=countries.values()
        )
        .select_related("member__country", "member__user")
        .order_by("member__id")
    ):
        out.setdefault(membership.member.country.iso2, membership.member)
    return out


def _nqps_session(network: Network) -> Meeting | None:
    return (
        Meeting.objects.filter(network=network, topic=NQPS_SESSION_TOPIC, start__year=2017)
        .order_by("start")
        .first()
    )


def _answers(rng, instrument, items, targets, year, iso2) -> dict[Item, tuple[int, str]]:
    """Levels (and evidence from the instrument's ``evidence_from``) for every item, domain by domain. Drawn
    even for rounds already there, so a second load draws the same numbers for the rest."""
    by_domain: dict[str, list[Item]] = {}
    for item in items:
        by_domain.setdefault(item.domain.code, []).append(item)
    out = {}
    for code, domain_items in by_domain.items():
        if iso2 == "MZ" and code == "consumers":  # stalled: every item at 1, now and then one at 2
            levels = [1] * len(domain_items)
            if rng.random() < 0.3:
                levels[rng.randrange(len(levels))] = 2
        else:
            levels = _item_levels(rng, targets[code], len(domain_items), instrument.levels)
        for item, level in zip(domain_items, levels, strict=True):
            needs = instrument.evidence_from is not None and level >= instrument.evidence_from
            out[item] = (level, _evidence(rng, code, year) if needs else "")
    return out


def _comments(iso2: str, year: int, after_gap: bool) -> str:
    if after_gap:
        return (
            f"No assessment in {year - 1}: the programme's funding lapsed and the QI team was reduced. "
            "Measurement and coaching slipped; the team is rebuilding them."
        )
    if iso2 == "MZ" and year >= 2016:
        return (
            "Consumer involvement is still at the first level: no budget for the consumer advisory board. "
            "To raise with the network."
        )
    return ""


def _nqps_comments(year: int, session: Meeting | None) -> str:
    if year == 2017:
        held = f", {when(session.start, 'long_month', language='en')}" if session else ", 2017"
        return (
            f"Discussed at the network's session on national quality policy{held}: the readiness self-check "
            "was done with the ministry's quality directorate the month after."
        )
    return "Second readiness self-check, to measure progress toward a national quality policy and strategy."


def _round(
    rng,
    *,
    network,
    country,
    instrument,
    year,
    answers,
    focal,
    coordinator,
    now,
    shared,
    locked,
    comments,
    months=(2, 10),
):
    external = (year - FIRST_YEAR) % EXTERNAL_EVERY == EXTERNAL_EVERY - 1 and instrument.slug == NATIONAL
    names = ""
    if external:
        names = "; ".join(rng.sample(EXTERNAL_ASSESSORS, 2))
    start, submit = months
    created = _no_later(_at(year, start, rng.randint(2, 26)), now, 96)
    submitted = _no_later(_at(year, submit, rng.randint(1, 25), 14), now, 72)
    confirmed = _no_later(_at(year + 1, rng.choice((1, 2)), rng.randint(5, 25), 10), now, 48)
    locked_at = _no_later(confirmed + timedelta(days=rng.randint(7, 21)), now, 24) if locked else None
    round_ = AssessmentRound(
        network=network,
        country=country,
        instrument=instrument,
        year=year,
        assessed_by=AssessmentRound.Assessor.EXTERNAL if external else AssessmentRound.Assessor.SELF,
        assessor_names=names,
        status=AssessmentRound.Status.LOCKED if locked else AssessmentRound.Status.CONFIRMED,
        shared=shared,
        comments=comments,
        submitted_at=submitted,
        confirmed_at=confirmed,
        confirmed_by=coordinator,
        locked_at=locked_at,
        created_by=focal.user if focal else coordinator,
    )
    round_.created_at, round_.updated_at = created, locked_at or confirmed
    return round_, answers, focal


def _write(plans) -> int:
    if not plans:
        return 0
    # bulk_create stamps created_at and updated_at with now: put back the rounds' own dates after.
    dates = [(r.created_at, r.updated_at) for r, _a, _f in plans]
    rounds = AssessmentRound.objects.bulk_create([r for r, _a, _f in plans], batch_size=200)
    for round_, (created, updated) in zip(rounds, dates, strict=True):
        round_.created_at, round_.updated_at = created, updated
    AssessmentRound.objects.bulk_update(rounds, ["created_at", "updated_at"], batch_size=200)
    Through = AssessmentRound.assessors.through
    Through.objects.bulk_create(
        [Through(assessmentround_id=r.pk, member_id=focal.pk) for r, _a, focal in plans if focal],
        batch_size=500,
    )
    Answer.objects.bulk_create(
        [
            Answer(round=round_, item=item, level=level, evidence=evidence)
            for round_, answers, _focal in plans
            for item, (level, evidence) in answers.items()
        ],
        batch_size=500,
    )
    return len(rounds)


def _draft(network, country, instrument, focal, now, existing) -> bool:
    """This year's round for Kenya: a draft started from last year's, with its answers, for the focal
    point to update."""
    year = now.year
    if country is None or (country.iso2, instrument.slug, year) in existing:
        return False
    earlier = (
        AssessmentRound.objects.filter(
            network=network, country=country, instrument__slug=instrument.slug, year__lt=year
        )
        .order_by("-year")
        .first()
    )
    member = focal.get(country.iso2)
    if earlier is None or member is None:
        return False
    created = _no_later(_at(year, 3, 2), now, 1)
    external = (year - FIRST_YEAR) % EXTERNAL_EVERY == EXTERNAL_EVERY - 1
    draft = AssessmentRound.objects.create(
        network=network,
        country=country,
        instrument=instrument,
        year=year,
        assessed_by=AssessmentRound.Assessor.EXTERNAL if external else AssessmentRound.Assessor.SELF,
        assessor_names=EXTERNAL_ASSESSORS[1] if external else "",
        started_from=earlier,
        comments=f"Started from {earlier.year}'s answers: to update with the national QI committee.",
        created_by=member.user,
    )
    AssessmentRound.objects.filter(pk=draft.pk).update(created_at=created, updated_at=created)
    draft.assessors.add(member)
    by_lineage = {
        a.item.lineage: a for a in Answer.objects.filter(round=earlier).select_related("item").order_by()
    }
    Answer.objects.bulk_create(
        [
            Answer(round=draft, item=item, level=previous.level, evidence=previous.evidence)
            for item in Item.objects.filter(domain__instrument=instrument)
            if (previous := by_lineage.get(item.lineage)) is not None
        ]
    )
    return True
