"""Demo meetings: the virtual learning network's sessions every two months from September 2016 to
September 2017, the next one coming up after a pause the series' description explains, and the
all-country meetings of 2010, 2011 and 2012 (Tuesday to Thursday, 08:30–17:00 at the venue) with their
panels, presentations and discussions. Every time is one an organiser would choose (tests/meetings/
test_demo_times.py holds the demo to it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from qicop.core.when import when
from qicop.meetings.models import AgendaItem, Meeting, MeetingSeries, Registration
from qicop.network.models import Country, Member, Network

# The series meets every two months, on the third Wednesday, for 90 minutes. Each session's hour (UTC) is
# what its coordinator would choose for its countries: inside working hours for most of them (the one
# definition, scheduling.inside_working_hours). Africa and Haiti meet in Nairobi's afternoon; a session with
# Thailand and Viet Nam meets in Nairobi's morning.
RHYTHM_MONTHS = 2
# (year, month, hour UTC, topic, presenting and participating countries)
SESSIONS = [
    (2016, 9, 12, "Country progress toward 90-90-90", ["NA", "NG", "ZW", "MW"]),
    (2016, 11, 12, "Consumer involvement in quality improvement", ["KE", "MZ", "UG"]),
    (2017, 1, 13, "Running QI collaboratives", ["HT", "NA", "KE"]),  # 08:00 in Port-au-Prince
    (2017, 3, 9, "Knowledge management for QI", ["TH", "VN", "MW"]),  # 16:00 in Bangkok and Hanoi
    (2017, 5, 13, "Collaborative process management", ["UG", "ZW", "HT"]),
    (2017, 7, 12, "The WHO national quality policy and strategy", ["NG", "MZ", "NA"]),
    (2017, 9, 10, "QI coach certification", ["KE", "TH", "VN", "HT"]),  # Haiti's turn to be early
]
# The next session: Kenya, Mozambique, Thailand and Papua New Guinea within their working hours (09:00 in
# Nairobi, 16:00 in Port Moresby); Haiti, twelve to fifteen hours from them, takes its turn at night.
UPCOMING_HOUR_UTC = 6
UPCOMING_COUNTRIES = ("KE", "HT", "MZ", "TH", "PG")
# The all-country meeting: three days, Tuesday to Thursday of October's second week, 08:30–17:00 at the
# venue; the agenda's items as (day, start, end) in the venue's local time.
ALL_COUNTRY = [
    (2010, "Windhoek", "NA"),
    (2011, "Nairobi", "KE"),
    (2012, "Bangkok", "TH"),
]
ALL_COUNTRY_DAYS = 3
ALL_COUNTRY_HOURS = (time(8, 30), time(17))


def third_wednesday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(2 - first.weekday()) % 7 + 14)


def series_description(last_held: date, resumes: date) -> str:
    """The series' own account of its rhythm, and of its one pause, in the demo's language (English)."""
    return (
        "A Zoom session every two months, on the third Wednesday, on one topic. The sessions paused after "
        f"{when(last_held, 'long_month', language='en')} when the programme's first funding ended, and "
        f"resume in {when(resumes, 'long_month', language='en')}."
    )


@transaction.atomic
def load_meetings_demo() -> bool:
    network = Network.objects.filter(slug="virtual").first()
    in_person = Network.objects.filter(slug="all-country").first()
    if network is None or MeetingSeries.objects.filter(network=network).exists():
        return False
    countries = {c.iso2: c for c in Country.objects.all()}
    # The next session: the first third Wednesday at least three weeks ahead.
    soon = timezone.now().date() + timedelta(days=21)
    upcoming_day = third_wednesday(soon.year, soon.month)
    if upcoming_day < soon:
        following = date(soon.year + soon.month // 12, soon.month % 12 + 1, 1)
        upcoming_day = third_wednesday(following.year, following.month)
    last_held = third_wednesday(*SESSIONS[-1][:2])
    series = MeetingSeries.objects.create(
        network=network,
        title="Virtual learning network sessions",
        description=series_description(last_held, upcoming_day),
    )
    for year, month, hour, topic, isos in SESSIONS:
        start = datetime.combine(third_wednesday(year, month), time(hour), tzinfo=UTC)
        _session(network, series, start, topic, [countries[i] for i in isos], Meeting.Status.HELD)
    upcoming = _session(
        network,
        series,
        datetime.combine(upcoming_day, time(UPCOMING_HOUR_UTC), tzinfo=UTC),
        "Reaching the third 95: viral load suppression",
        [countries[i] for i in UPCOMING_COUNTRIES],
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
    venue = ZoneInfo(host.time_zone)
    october = date(year, 10, 9)
    first_day = october + timedelta(days=(1 - october.weekday()) % 7)  # Tuesday of the second week

    def at(day: int, hour: int, minute: int = 0) -> datetime:
        # Venue wall-clock time, stored in UTC.
        local = datetime.combine(first_day + timedelta(days=day), time(hour, minute), tzinfo=venue)
        return local.astimezone(UTC)

    opens, closes = ALL_COUNTRY_HOURS
    meeting = Meeting.objects.create(
        network=network,
        title=f"All-country meeting {year}",
        topic="Improving HIV care together",
        kind=Meeting.Kind.IN_PERSON,
        status=Meeting.Status.HELD,
        start=at(0, opens.hour, opens.minute),
        end=at(ALL_COUNTRY_DAYS - 1, closes.hour, closes.minute),
        time_zone=host.time_zone,
        venue="Conference centre",
        city=city,
        host_country=host,
        description="Delegations of Ministries of Health and CDC offices: panels, expert presentations and "
        "participant-driven discussions.",
    )
    meeting.countries.set(countries)

    # (day, start, end, kind, title, country), in the venue's local time; lunch 12:30–14:00.
    items = [
        (0, (8, 30), (9, 30), AgendaItem.Kind.OPENING, "Opening", None),
        (0, (9, 30), (12, 30), AgendaItem.Kind.PANEL, "Panel: national quality programmes", host),
        (0, (14, 0), (17, 0), AgendaItem.Kind.EXPERT, "Expert presentation: measuring for improvement", None),
        (1, (8, 30), (12, 30), AgendaItem.Kind.DISCUSSION, "Participant-driven discussions", None),
        (2, (8, 30), (12, 30), AgendaItem.Kind.COUNTRY, "Country delegations present their plans", None),
        (2, (14, 0), (17, 0), AgendaItem.Kind.CLOSING, "Next steps and closing", None),
    ]
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                start=at(day, *begins),
                end=at(day, *ends),
                kind=kind,
                title=title,
                country=country,
            )
            for day, begins, ends, kind, title, country in items
        ]
    )

    return meeting
