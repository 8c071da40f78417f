"""Demo: people on the demo agendas, case presentations and topics (run after meetings/demo.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.text import slugify

from qicop.meetings.models import AgendaItem, CasePresentation, Meeting
from qicop.network.models import Member, Network, Topic

DEMO_TOPICS = {
    "Country progress toward 90-90-90": ("90-90-90", "90-90-90 targets"),
    "Consumer involvement in quality improvement": ("consumer-involvement", "Consumer involvement"),
    "Running QI collaboratives": ("collaboratives", "QI collaboratives"),
    "Knowledge management for QI": ("knowledge-management", "Knowledge management"),
    "Collaborative process management": ("collaboratives", "QI collaboratives"),
    "The WHO national quality policy and strategy": ("quality-policy", "National quality policy"),
    "QI coach certification": ("coaching", "QI coaching"),
    "Reaching the third 95: viral load suppression": ("viral-load", "Viral load suppression"),
}
DEMO_EXPERTS = [
    "Dr Helen Marais (guest expert)",
    "Dr Tomás Ribeiro (guest expert)",
    "Dr Grace Achola (guest expert)",
    "Prof. Anan Srisuk (guest expert)",
]
# One case per held session, in order: title, question for the network, peers' recommendations.
DEMO_CASES = [
    (
        "Counting who is on treatment",
        "Our facility registers and the national database disagree by 15%. How did you reconcile them?",
        "- Reconcile one district first, then scale\n- Assign a data clerk per high-volume site\n"
        "- Review the gap monthly at the QI team meeting",
    ),
    (
        "Patients on the QI team",
        "How do you keep people living with HIV on facility QI teams beyond the first meeting?",
        "- Pay transport and a meal for every meeting\n"
        "- Give each consumer a named role (e.g. exit interviews)\n"
        "- Share results back with the support groups",
    ),
    (
        "Sustaining a collaborative after the funding ends",
        "What did you keep, and what did you drop, when the collaborative's learning sessions stopped?",
        "- Keep the monthly indicator review; drop the large learning sessions\n"
        "- Fold coaching visits into routine supervision",
    ),
    (
        "Sharing change ideas between provinces",
        "How do you collect and share the change ideas that worked, so that others can reuse them?",
        "- One-page change packages, reviewed quarterly\n- A short story with a run chart for each idea",
    ),
    (
        "Too many collaboratives at once",
        "Three partners run collaboratives in the same districts. How do you coordinate them?",
        "- One national calendar of learning sessions\n- A shared indicator set agreed with all partners",
    ),
    (
        "From policy to practice",
        "Our national quality policy is approved. What were your first three steps to implement it?",
        "- Name a quality focal person in each province\n- Budget line for QI in the annual plan\n"
        "- Report on three national indicators from the first year",
    ),
    (
        "Certifying QI coaches",
        "Should coach certification be based on a test, on observed coaching, or both?",
        "- Both: a short test and two observed coaching visits\n- Recertify every two years",
    ),
]


def load_demo() -> None:
    """Enrich the demo meetings: presenters, panellists, moderators and speakers on the agendas, a case
    presentation per virtual session (approved, with recommendations; the upcoming one assigned to Kenya,
    not yet sent) and topics. Idempotent; does nothing without the demo meetings."""
    with transaction.atomic():
        virtual = Network.objects.filter(slug="virtual").first()
        if virtual is not None:
            _demo_virtual(virtual)
        in_person = Network.objects.filter(slug="all-country").first()
        if in_person is not None:
            _demo_all_country(in_person)


def _demo_people(network: Network) -> tuple[Member | None, dict[int, Member]]:
    """The network's coordinator and each country's focal point (the first by id, for a stable demo)."""
    members = (
        Member.objects.filter(
            memberships__network=network, memberships__role__in=["coordinator", "focal_point"]
        )
        .values_list("pk", "country_id", "memberships__role")
        .order_by("pk")
    )
    coordinator_id, focal = None, {}
    for pk, country_id, role in members:
        if role == "coordinator" and coordinator_id is None:
            coordinator_id = pk
        if role == "focal_point":
            focal.setdefault(country_id, pk)
    by_pk = Member.objects.in_bulk([coordinator_id, *focal.values()])
    return by_pk.get(coordinator_id), {c: by_pk[pk] for c, pk in focal.items()}


def _demo_topic(network: Network, meeting: Meeting) -> None:
    slug, name = DEMO_TOPICS.get(meeting.topic, (slugify(meeting.topic)[:70], meeting.topic))
    if slug:
        topic, _created = Topic.objects.get_or_create(network=network, slug=slug, defaults={"name": name})
        meeting.topics.add(topic)


def _demo_virtual(network: Network) -> None:
    coordinator, focal = _demo_people(network)
    meetings = list(network.meetings.prefetch_related("countries", "agenda").order_by("start"))
    held = [m for m in meetings if m.status == Meeting.Status.HELD]
    for index, meeting in enumerate(meetings):
        _demo_topic(network, meeting)
        countries = sorted(meeting.countries.all(), key=lambda c: c.name)
        presenting = next((i.country for i in meeting.agenda.all() if i.country_id), None)
        peers = [focal[c.pk] for c in countries if c.pk in focal and c != presenting]
        for item in meeting.agenda.all():
            if item.kind in (AgendaItem.Kind.OPENING, AgendaItem.Kind.CLOSING, AgendaItem.Kind.DISCUSSION):
                item.moderator = coordinator
            if item.kind == AgendaItem.Kind.EXPERT:
                item.speakers = DEMO_EXPERTS[index % len(DEMO_EXPERTS)]
            item.save(update_fields=["moderator", "speakers"])
            if item.kind == AgendaItem.Kind.COUNTRY and item.country_id in focal:
                item.presenters.set([focal[item.country_id]])
            if item.kind == AgendaItem.Kind.DISCUSSION:
                item.panellists.set(peers[:3])
        if presenting is None:
            continue
        if meeting in held:
            title, question, recommendations = DEMO_CASES[held.index(meeting) % len(DEMO_CASES)]
            _demo_case(meeting, presenting, coordinator, title, question, recommendations)
        elif meeting.status != Meeting.Status.CANCELLED:
            CasePresentation.objects.get_or_create(
                meeting=meeting, country=presenting, defaults={"deadline": demo_deadline(meeting, presenting)}
            )


def demo_deadline(meeting, country) -> datetime:
    """A week before the session, at 17:00 where the presenting country works: a time a coordinator sets."""
    day = (meeting.start - timedelta(days=7)).astimezone(ZoneInfo(country.time_zone))
    return day.replace(hour=17, minute=0, second=0, microsecond=0)


def _demo_case(meeting, country, coordinator, title, question, recommendations) -> None:
    CasePresentation.objects.update_or_create(
        meeting=meeting,
        country=country,
        defaults={
            "title": title,
            "question": question,
            "recommendations": recommendations,
            "status": CasePresentation.Status.APPROVED,
            "deadline": demo_deadline(meeting, country),
            "submitted_at": meeting.start - timedelta(days=9),
            "approved_at": meeting.start - timedelta(days=6),
            "approved_by": coordinator.user if coordinator else None,
        },
    )


def _demo_all_country(network: Network) -> None:
    coordinator, focal = _demo_people(network)
    for index, meeting in enumerate(
        network.meetings.prefetch_related("countries", "agenda").order_by("start")
    ):
        _demo_topic(network, meeting)
        others = [focal[c.pk] for c in sorted(meeting.countries.all(), key=lambda c: c.name) if c.pk in focal]
        others = others[index * 3 :] + others[: index * 3]  # different countries each year
        host_focal = focal.get(meeting.host_country_id)
        for item in meeting.agenda.all():
            if item.kind in (AgendaItem.Kind.OPENING, AgendaItem.Kind.CLOSING):
                item.moderator = coordinator
                item.speakers = "Minister of Health of the host country" if item.kind == "opening" else ""
            elif item.kind == AgendaItem.Kind.PANEL:
                item.moderator = host_focal or coordinator
                item.panellists.set([m for m in others if m != host_focal][:4])
            elif item.kind == AgendaItem.Kind.EXPERT:
                item.speakers = DEMO_EXPERTS[index % len(DEMO_EXPERTS)]
            elif item.kind == AgendaItem.Kind.DISCUSSION:
                item.moderator = coordinator
                item.description = "Tables by topic; each chooses a facilitator and reports back."
            elif item.kind == AgendaItem.Kind.COUNTRY:
                item.presenters.set(others[4:8])
            item.save(update_fields=["moderator", "speakers", "description"])
