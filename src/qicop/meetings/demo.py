"""Demo meetings: the virtual learning network's sessions since September 2016, one coming up, and the
all-country meetings of 2010, 2011 and 2012 with their panels, presentations and discussions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from qicop.meetings.models import AgendaItem, Meeting, MeetingSeries, Registration
from qicop.network.models import Country, Member, Network

# (date, topic, presenting and participating countries)
SESSIONS = [
    (datetime(2016, 9, 14, 13, tzinfo=UTC), "Country progress toward 90-90-90", ["NA", "NG", "ZW", "MW"]),
    (
        datetime(2016, 11, 16, 13, tzinfo=UTC),
        "Consumer involvement in quality improvement",
        ["KE", "MZ", "UG"],
    ),
    (datetime(2017, 2, 15, 13, tzinfo=UTC), "Running QI collaboratives", ["HT", "NA", "KE"]),
    (datetime(2017, 4, 19, 13, tzinfo=UTC), "Knowledge management for QI", ["TH", "VN", "MW"]),
    (datetime(2017, 6, 21, 13, tzinfo=UTC), "Collaborative process management", ["UG", "ZW", "HT"]),
    (
        datetime(2017, 9, 20, 13, tzinfo=UTC),
        "The WHO national quality policy and strategy",
        ["NG", "MZ", "NA"],
    ),
    (datetime(2017, 11, 15, 13, tzinfo=UTC), "QI coach certification", ["KE", "TH", "VN", "HT"]),
]
ALL_COUNTRY = [
    (2010, "Windhoek", "NA"),
    (2011, "Nairobi", "KE"),
    (2012, "Bangkok", "TH"),
]


@transaction.atomic
def load_meetings_demo() -> bool:
    network = Network.objects.filter(slug="virtual").first()
    in_person = Network.objects.filter(slug="all-country").first()
    if network is None or MeetingSeries.objects.filter(network=network).exists():
        return False
    countries = {c.iso2: c for c in Country.objects.all()}
    series = MeetingSeries.objects.create(
        network=network,
        title="Virtual learning network sessions",
        description="A Zoom session every two months on one topic.",
    )
    for start, topic, isos in SESSIONS:
        _session(network, series, start, topic, [countries[i] for i in isos], Meeting.Status.HELD)
    upcoming_start = (timezone.now() + timedelta(days=21)).replace(hour=13, minute=0, second=0, microsecond=0)
    upcoming = _session(
        network,
        series,
        upcoming_start,
        "Reaching the third 95: viral load suppression",
        [countries[i] for i in ("KE", "HT", "MZ", "TH", "PG")],
        Meeting.Status.CONFIRMED,
    )
    for member in Member.objects.filter(user__email__in=["focal.ke@example.org", "data.ke@example.org"]):
        Registration.objects.create(meeting=upcoming, member=member, status=Registration.Status.REGISTERED)
    if in_person is not None:
        for year, city, host in ALL_COUNTRY:
            _all_country(in_person, year, city, countries[host], list(countries.values()))
    return True


def _session(network, series, start, topic, countries, status) -> Meeting:
    meeting = Meeting.objects.create(
        network=network,
        series=series,
        title=topic,
        topic=topic,
        kind=Meeting.Kind.VIRTUAL,
        status=status,
        start=start,
        end=start + timedelta(minutes=90),
        time_zone="Africa/Nairobi",
        join_url="https://zoom.example.org/j/5550100",
        meeting_code="555 0100",
        passcode="qicop",
        description=f"{countries[0].name} presents its work; experts and peers respond; "
        "the group agrees on actions.",
    )
    meeting.countries.set(countries)
    minutes = [
        (0, 10, AgendaItem.Kind.OPENING, "Welcome and actions from the last session", None),
        (10, 35, AgendaItem.Kind.COUNTRY, f"{countries[0].name}: our work and our question", countries[0]),
        (35, 55, AgendaItem.Kind.EXPERT, "Expert response", None),
        (55, 85, AgendaItem.Kind.DISCUSSION, "Peers respond: what worked elsewhere", None),
        (85, 90, AgendaItem.Kind.CLOSING, "Actions and next session", None),
    ]
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                start=start + timedelta(minutes=a),
                end=start + timedelta(minutes=b),
                kind=kind,
                title=title,
                country=country,
            )
            for a, b, kind, title, country in minutes
        ]
    )
    return meeting


def _all_country(network, year, city, host, countries) -> Meeting:
    start = datetime(year, 10, 12, 6, tzinfo=UTC)
    meeting = Meeting.objects.create(
        network=network,
        title=f"All-country meeting {year}",
        topic="Improving HIV care together",
        kind=Meeting.Kind.IN_PERSON,
        status=Meeting.Status.HELD,
        start=start,
        end=start + timedelta(days=3, hours=10),
        time_zone=host.time_zone,
        venue="Conference centre",
        city=city,
        host_country=host,
        description="Delegations of Ministries of Health and CDC offices: panels, expert presentations and "
        "participant-driven discussions.",
    )
    meeting.countries.set(countries)

    items = [
        (0, 1, AgendaItem.Kind.OPENING, "Opening", None),
        (1, 3, AgendaItem.Kind.PANEL, "Panel: national quality programmes", host),
        (3, 5, AgendaItem.Kind.EXPERT, "Expert presentation: measuring for improvement", None),
        (24, 27, AgendaItem.Kind.DISCUSSION, "Participant-driven discussions", None),
        (48, 50, AgendaItem.Kind.COUNTRY, "Country delegations present their plans", None),
        (50, 51, AgendaItem.Kind.CLOSING, "Closing", None),
    ]
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                start=start + timedelta(hours=a),
                end=start + timedelta(hours=b),
                kind=kind,
                title=title,
                country=country,
            )
            for a, b, kind, title, country in items
        ]
    )

    return meeting
