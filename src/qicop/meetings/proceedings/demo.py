"""Demo proceedings: published proceedings for every demo year, and the held meetings' minutes,
decisions, actions, attendance and evaluations where they are missing. Safe to run again: it adds only
what is not there yet."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from qicop.meetings import times
from qicop.meetings.models import (
    ActionItem,
    Attendance,
    Decision,
    Evaluation,
    Meeting,
    Proceedings,
)
from qicop.network.models import Member, Network, Role

DEMO_INTRODUCTIONS = {
    ("all-country", 2010): "The first all-country meeting brought the delegations of the Ministries of "
    "Health and CDC offices to **Windhoek** for three days. Countries compared their national quality "
    "programmes and chose the measures they would improve together: retention in care and viral load "
    "testing.",
    ("all-country", 2011): "In **Nairobi**, delegations returned with a year of data on the measures "
    "chosen in Windhoek. Panels looked at what made collaboratives work; participant-driven "
    "discussions turned the lessons into twelve-month plans.",
    ("all-country", 2012): "The **Bangkok** meeting closed the first cycle: each delegation showed its "
    "run charts, and the network agreed to meet virtually between all-country meetings.",
    ("virtual", 2016): "The virtual learning network held its first sessions in 2016: a country "
    "presents its work or its challenge, an expert responds and peers say what worked for them.",
    ("virtual", 2017): "Five sessions in 2017, from running collaboratives to certifying QI coaches. "
    "Each session's actions were followed up at the next one.",
}

DEMO_ANSWERS = [
    (
        5,
        5,
        "The country presentation: real data and honest about what did not work.",
        "More time for questions from peers.",
        "Retention of adolescents in care",
    ),
    (
        4,
        5,
        "Hearing how another ministry organised its coaches.",
        "Share the slides before the session, our connection is slow.",
        "Data quality reviews",
    ),
    (
        4,
        4,
        "The expert's checklist for change ideas.",
        "",
        "Differentiated service delivery\nViral load turnaround times",
    ),
    (3, 4, "The discussion in the second half.", "The audio was poor from one country; start on time.", ""),
    (
        5,
        4,
        "Concrete examples we can try in our district next month.",
        "A short written summary after the session.",
        "Costing QI activities",
    ),
    (4, 3, "", "Translate the key slides into French and Portuguese.", "Community involvement"),
]


@transaction.atomic
def load_demo() -> None:
    """Enrich the demo meetings (``qicop.meetings.demo``): proceedings for 2010–2012 (all-country) and
    2016–2017 (virtual), published with an introduction; minutes, a decision and an action, attendance
    and a handful of evaluations for every held meeting that has none."""
    networks = {n.slug: n for n in Network.objects.filter(slug__in=["virtual", "all-country"])}
    for (slug, year), introduction in DEMO_INTRODUCTIONS.items():
        if slug not in networks:
            continue
        Proceedings.objects.get_or_create(
            network=networks[slug],
            year=year,
            defaults={"introduction": introduction, "published_at": datetime(year + 1, 1, 15, tzinfo=UTC)},
        )
    held = (
        Meeting.objects.filter(network__in=networks.values(), status=Meeting.Status.HELD)
        .select_related("network", "host_country")
        .prefetch_related("countries")
        .order_by("start")
    )
    for meeting in held:
        _demo_minutes(meeting)
        attendees = _demo_attendance(meeting)
        if meeting.kind == Meeting.Kind.VIRTUAL:
            _demo_evaluations(meeting, attendees)


def _demo_minutes(meeting: Meeting) -> None:
    from datetime import timedelta

    countries = sorted(meeting.countries.all(), key=lambda c: c.name)
    if meeting.kind == Meeting.Kind.VIRTUAL:
        presenter = next((a.country for a in meeting.agenda.all() if a.country_id), None) or countries[0]
        peers = ", ".join(c.name for c in countries if c != presenter) or "the network"
        minutes = (
            f"**{presenter.name}** presented its work on *{meeting.topic}*: what the team tried, "
            f"what the data show, and the question it brought to the network.\n\n"
            f"- The expert linked the question to experience from other national programmes.\n"
            f"- Peers from {peers} described what worked for them, and what did not.\n"
            f"- The group agreed on the follow-up below; the slides are shared with members."
        )
        decision = f"{presenter.name} tests two of the change ideas discussed and reports back."
        action = f"{presenter.name}: share the improvement plan and run charts with the network"
    else:
        presenter = meeting.host_country or countries[0]
        minutes = (
            f"Delegations of {len(countries)} countries met in **{meeting.city}**.\n\n"
            "- The panel compared how national quality programmes are organised and funded.\n"
            "- Participant-driven discussions chose three themes: retention in care, viral load "
            "monitoring and data quality.\n"
            "- Each delegation drafted a twelve-month improvement plan."
        )
        decision = "Every delegation leaves with a twelve-month improvement plan, reviewed next year."
        action = "Coordinators: circulate the plans and the meeting's presentations to all delegations"
    if not meeting.minutes:
        meeting.minutes = minutes
        meeting.save(update_fields=["minutes", "updated_at"])
    if not meeting.decisions.exists():
        Decision.objects.create(meeting=meeting, text=decision)
    if not meeting.actions.exists():
        ActionItem.objects.create(
            meeting=meeting,
            description=action,
            country=presenter,
            due=(meeting.end + timedelta(days=30)).date(),
            # Done, each followed up at the next session; the last one too, before the series paused: a
            # session resuming years later does not open on an action due a month after the last.
            status=ActionItem.Status.DONE,
        )


def _demo_attendance(meeting: Meeting) -> list:
    """Up to four people of each participating country (and the coordinators), recorded by hand."""

    rows = list(Attendance.objects.filter(meeting=meeting).select_related("member"))
    if rows:
        return [r.member for r in rows if r.member is not None]
    countries = {c.pk for c in meeting.countries.all()}
    memberships = meeting.network.memberships.exclude(role=Role.OBSERVER)
    coordinators = set(memberships.filter(role=Role.COORDINATOR).values_list("member_id", flat=True))
    candidates = (
        Member.objects.filter(pk__in=memberships.values("member_id")).select_related("user").order_by("pk")
    )
    per_country: dict[int, int] = {}
    attendees = []
    for member in candidates:
        wanted = member.country_id in countries and per_country.get(member.country_id, 0) < 4
        if not (wanted or member.pk in coordinators):
            continue
        per_country[member.country_id] = per_country.get(member.country_id, 0) + 1
        attendees.append(member)
    Attendance.objects.bulk_create(
        [
            Attendance(
                meeting=meeting,
                member=m,
                name=m.full_name,
                email=m.user.email,
                minutes=times.meeting_minutes(meeting) - 5 * (i % 3),
                first_joined=meeting.start,
                source=Attendance.Source.MANUAL,
                matched_by="hand",
            )
            for i, m in enumerate(attendees)
        ]
    )
    return attendees


def _demo_evaluations(meeting: Meeting, attendees: list) -> None:

    if Evaluation.objects.filter(meeting=meeting).exists():
        return
    offset = meeting.start.month  # a different mix of answers for each session
    Evaluation.objects.bulk_create(
        [
            Evaluation(
                meeting=meeting,
                member=member,
                rating=rating,
                relevance=relevance,
                most_useful=useful,
                improve=improve,
                next_topics=topics,
            )
            for member, (rating, relevance, useful, improve, topics) in zip(
                attendees[1::2][:5],
                [DEMO_ANSWERS[(offset + i) % len(DEMO_ANSWERS)] for i in range(5)],
                strict=False,
            )
        ]
    )
