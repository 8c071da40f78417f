"""A network's proceedings for a year: every meeting with its agenda, presenters, materials, minutes,
decisions, countries, attendance and evaluation — read rules, the year's record, and the writes.

Participants read every year (a draft is labelled so); observers read published years only.
A year is a calendar year in UTC, like every stored datetime: a meeting on the night of 31 December
belongs to one year for everyone, whatever their time zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Prefetch
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.i18n import country_display_name
from qicop.core.markdown import render_markdown
from qicop.meetings import permissions
from qicop.meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    CasePresentation,
    Delegate,
    Meeting,
    Proceedings,
)
from qicop.meetings.proceedings import evaluation
from qicop.network.models import Network
from qicop.network.permissions import Viewer, viewer_for

FIRST_YEAR, LAST_YEAR = 1990, 2200  # anything else in a URL is a typo, not a year

# Rules, one condition a line.


def can_read_proceedings(viewer: Viewer, network: Network, proceedings: Proceedings | None) -> bool:
    """Participants read every year; a member who is only an observer reads published years only.
    (The caller has already checked that the viewer belongs to the network.)"""
    if permissions.is_participant(viewer, network):
        return True
    return proceedings is not None and proceedings.published_at is not None


def can_edit_proceedings(viewer: Viewer, network: Network | int) -> bool:
    return permissions.can_manage_meetings(viewer, network)


def can_download_materials(viewer: Viewer, network: Network) -> bool:
    """Material files are served to participants only: observers see their titles, not links."""
    return permissions.can_see_meetings(viewer, network)


# Reads.


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def meetings_of_record(network: Network):
    """The meetings proceedings tell of: every meeting but the cancelled ones."""
    return Meeting.objects.filter(network=network).exclude(status=Meeting.Status.CANCELLED)


@dataclass(frozen=True)
class YearEntry:
    year: int
    meetings: int
    published: bool


def years_for_viewer(viewer: Viewer, network: Network) -> list[YearEntry]:
    """The years with meetings, newest first, with whether each is published; observers get the
    published ones only. Two queries, however many years."""
    counts = dict(
        meetings_of_record(network)
        .annotate(year=ExtractYear("start", tzinfo=UTC))
        .values("year")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("year", "n")
    )
    published = set(
        Proceedings.objects.filter(network=network, published_at__isnull=False).values_list("year", flat=True)
    )
    participant = permissions.is_participant(viewer, network)
    return [
        YearEntry(year, counts[year], year in published)
        for year in sorted(counts, reverse=True)
        if participant or year in published
    ]


def proceedings_of(network: Network, year: int) -> Proceedings | None:
    return Proceedings.objects.filter(network=network, year=year).first()


@dataclass
class Delegation:
    country: str
    head: str
    people: int


@dataclass
class MeetingRecord:
    """What the proceedings say of one meeting; everything is loaded, so templates ask nothing more."""

    meeting: Meeting
    countries: list[str]
    agenda: list[AgendaItem]
    cases: list[tuple[CasePresentation, str]]  # with the recommendations as safe HTML
    materials: list
    minutes_html: str
    decisions: list
    actions: list[ActionItem]
    people_attending: int = 0
    countries_represented: list[str] = field(default_factory=list)
    delegations: list[Delegation] = field(default_factory=list)
    evaluation: evaluation.Summary | None = None


def year_record(network: Network, year: int) -> list[MeetingRecord]:
    """Every meeting of ``network`` in ``year``, in order, with all the proceedings show of it.

    A fixed number of queries (eleven), however many meetings the year has: everything per meeting
    is prefetched, and attendance and evaluations are counted in one grouped query each.
    """
    start, end = year_bounds(year)
    meetings = list(
        meetings_of_record(network)
        .filter(start__gte=start, start__lt=end)
        .select_related("series", "host_country")
        .prefetch_related(
            "countries",
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related("country", "moderator").prefetch_related(
                    "presenters", "panellists"
                ),
            ),
            Prefetch(
                "case_presentations",
                queryset=CasePresentation.objects.filter(
                    status=CasePresentation.Status.APPROVED
                ).select_related("country"),
                to_attr="approved_cases",
            ),
            "materials",
            "decisions",
            Prefetch("actions", queryset=ActionItem.objects.select_related("owner", "country")),
            Prefetch("delegates", queryset=Delegate.objects.select_related("country")),
        )
        .order_by("start", "id")
    )
    ids = [m.pk for m in meetings]
    attendance = _attendance(ids) if ids else {}
    summaries = evaluation.summaries(ids) if ids else {}
    records = []
    for meeting in meetings:
        people, represented = attendance.get(meeting.pk, (0, []))
        records.append(
            MeetingRecord(
                meeting=meeting,
                countries=sorted(c.display_name for c in meeting.countries.all()),
                agenda=list(meeting.agenda.all()),
                cases=[(c, render_markdown(c.recommendations)) for c in meeting.approved_cases],
                materials=list(meeting.materials.all()),
                minutes_html=render_markdown(meeting.minutes) if meeting.minutes else "",
                decisions=list(meeting.decisions.all()),
                actions=list(meeting.actions.all()),
                people_attending=people,
                countries_represented=represented,
                delegations=_delegations(meeting.delegates.all()),
                evaluation=summaries.get(meeting.pk),
            )
        )
    return records


def _attendance(meeting_ids: list[int]) -> dict[int, tuple[int, list[str]]]:
    """People attending and the countries they came from, per meeting, in one grouped query.
    People the report could not match to a member count as attending, from no known country."""
    rows = (
        Attendance.objects.filter(meeting_id__in=meeting_ids)
        .values("meeting_id", "member__country__iso2", "member__country__name")
        .annotate(people=Count("id"))
        .order_by()
    )
    figures: dict[int, tuple[int, list[str]]] = {}
    for row in rows:
        people, countries = figures.get(row["meeting_id"], (0, []))
        if row["member__country__iso2"]:
            countries.append(country_display_name(row["member__country__iso2"], row["member__country__name"]))
        figures[row["meeting_id"]] = (people + row["people"], countries)
    return {pk: (people, sorted(countries)) for pk, (people, countries) in figures.items()}


def _delegations(delegates) -> list[Delegation]:
    by_country: dict[int, Delegation] = {}
    for delegate in delegates:
        row = by_country.setdefault(delegate.country_id, Delegation(delegate.country.display_name, "", 0))
        row.people += 1
        if delegate.role == Delegate.Role.HEAD:
            row.head = delegate.full_name
    return sorted(by_country.values(), key=lambda d: d.country)


# Writes.


def _coordinator(actor, network: Network) -> None:
    if not can_edit_proceedings(viewer_for(actor), network):
        raise PermissionDenied(_("Only coordinators edit the proceedings."))


@transaction.atomic
def save_introduction(*, actor, network: Network, year: int, introduction: str) -> Proceedings:
    """Write the year's introduction (Markdown), creating the year's proceedings if need be."""
    _coordinator(actor, network)
    proceedings, _created = Proceedings.objects.get_or_create(network=network, year=year)
    proceedings.introduction = introduction.strip()
    proceedings.save(update_fields=["introduction", "updated_at"])
    audit(actor=actor, verb="proceedings.introduction", target=proceedings, year=year)
    return proceedings


@transaction.atomic
def set_published(*, actor, network: Network, year: int, published: bool) -> Proceedings:
    """Publish the year's proceedings (observers can read them from then on) or take them back to draft.
    Publishing again keeps the first publication date."""
    _coordinator(actor, network)
    proceedings, _created = Proceedings.objects.get_or_create(network=network, year=year)
    if published and proceedings.published_at is None:
        proceedings.published_at = timezone.now()
    elif not published:
        proceedings.published_at = None
    proceedings.save(update_fields=["published_at", "updated_at"])
    verb = "proceedings.publish" if published else "proceedings.unpublish"
    audit(actor=actor, verb=verb, target=proceedings)
    return proceedings


# Demo data: published proceedings for every demo year, and the held meetings' minutes, decisions,
# actions, attendance and evaluations where they are missing. Safe to run again: it adds only what
# is not there yet.

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
    virtual = [m for m in held if m.kind == Meeting.Kind.VIRTUAL]
    last_virtual = virtual[-1] if virtual else None
    for meeting in held:
        _demo_minutes(meeting, keep_open=meeting == last_virtual)
        attendees = _demo_attendance(meeting)
        if meeting.kind == Meeting.Kind.VIRTUAL:
            _demo_evaluations(meeting, attendees)


def _demo_minutes(meeting: Meeting, *, keep_open: bool) -> None:
    from datetime import timedelta

    from qicop.meetings.models import Decision

    countries = sorted(meeting.countries.all(), key=lambda c: c.name)
    if meeting.kind == Meeting.Kind.VIRTUAL:
        presenter = next((a.country for a in meeting.agenda.all() if a.country_id), None) or countries[0]
        peers = ", ".join(c.name for c in countries if c != presenter) or "the network"
        minutes = (
            f"**{presenter.name}** presented its work on *{meeting.topic.lower()}*: what the team tried, "
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
            status=ActionItem.Status.OPEN if keep_open else ActionItem.Status.DONE,
        )


def _demo_attendance(meeting: Meeting) -> list:
    """Up to four people of each participating country (and the coordinators), recorded by hand."""
    from qicop.network.models import Member, Role

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
                minutes=(meeting.end - meeting.start).total_seconds() / 60 - 5 * (i % 3),
                first_joined=meeting.start,
                source=Attendance.Source.MANUAL,
                matched_by="hand",
            )
            for i, m in enumerate(attendees)
        ]
    )
    return attendees


def _demo_evaluations(meeting: Meeting, attendees: list) -> None:
    from qicop.meetings.models import Evaluation

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
