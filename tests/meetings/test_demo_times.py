"""The demo's times are ones an organiser would set: an in-person meeting's days are its agenda's days, on
weekdays, within a working day at the venue; a virtual session falls on a weekday, inside working hours for
most of its countries (the one definition of working hours); the series meets on the rhythm it states, and
its text explains its one pause."""

import itertools
import re
from datetime import time
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from qicop.meetings.models import Meeting, MeetingSeries
from qicop.network.models import Network
from qicop.scheduling import daily_sessions, inside_working_hours

SENSIBLE_DAY = (time(7), time(19))  # no demo meeting starts before 07:00 or ends after 19:00 on its clock

pytestmark = pytest.mark.django_db


def in_person_meetings():
    return (
        Meeting.objects.filter(kind=Meeting.Kind.IN_PERSON)
        .select_related("network")
        .prefetch_related("agenda")
    )


def test_every_in_person_demo_meeting_runs_on_its_agendas_days(demo):
    meetings = list(in_person_meetings())
    # The three all-country meetings, and the national collaboratives' learning sessions (improvement demo).
    assert sum(m.network.slug == "all-country" for m in meetings) == 3
    for meeting in meetings:
        venue = ZoneInfo(meeting.time_zone)
        days = {start.date() for start, _end in daily_sessions(meeting.start.astimezone(venue), meeting.end)}
        agenda_days = {item.start.astimezone(venue).date() for item in meeting.agenda.all()}
        assert agenda_days == days, meeting.title
        assert all(day.weekday() < 5 for day in days), meeting.title  # Monday to Friday
        for item in meeting.agenda.all():
            start, end = item.start.astimezone(venue), item.end.astimezone(venue)
            assert start.date() == end.date(), item.title
            assert SENSIBLE_DAY[0] <= start.time() and end.time() <= SENSIBLE_DAY[1], item.title


def test_no_demo_meeting_runs_past_a_sensible_local_day(demo):
    meetings = list(Meeting.objects.prefetch_related("countries"))
    assert len(meetings) >= 11
    for meeting in meetings:
        own = ZoneInfo(meeting.time_zone)  # the venue's, or the organiser's for a virtual session
        for start, end in daily_sessions(meeting.start.astimezone(own), meeting.end, own):
            assert start.weekday() < 5, meeting.title
            assert SENSIBLE_DAY[0] <= start.time() and end.time() <= SENSIBLE_DAY[1], meeting.title
            assert start.date() == end.date(), meeting.title
        if meeting.kind != Meeting.Kind.IN_PERSON:
            countries = list(meeting.countries.all())
            inside = [c for c in countries if inside_working_hours(meeting.start, meeting.end, c.time_zone)]
            assert len(inside) > len(countries) / 2, (meeting.title, [c.name for c in inside])


def test_the_demo_series_meets_on_its_stated_rhythm_and_explains_its_pause(demo):
    series = MeetingSeries.objects.get(title="Virtual learning network sessions")
    network = Network.objects.get(slug="virtual")
    for text in (series.description, network.description):
        assert "every two months" in text and "six weeks" not in text
    starts = [m.start for m in series.meetings.order_by("start")]
    gaps = [(later.date() - earlier.date()).days for earlier, later in itertools.pairwise(starts)]
    on_rhythm = [gap for gap in gaps if 56 <= gap <= 63]  # third Wednesdays two months apart
    assert len(on_rhythm) == len(gaps) - 1
    # The one longer gap is the pause the description names, from its last month to the next session's.
    pause = gaps.index(next(gap for gap in gaps if gap > 63))
    before, after = starts[pause], starts[pause + 1]
    assert f"paused after {before:%B %Y}" in series.description
    assert f"resume in {after:%B %Y}" in series.description


def test_the_2012_meeting_in_bangkok_reads_friday_to_sunday_nowhere(demo):
    client = Client()
    assert client.login(username="coordinator@example.org", password="demo")
    meeting = Meeting.objects.get(network__slug="all-country", start__year=2012)
    page = client.get(f"/n/all-country/meetings/{meeting.pk}/").content.decode()
    page = page.replace("\u202f", " ").replace("\u2009", " ")
    line = re.sub(r"<.*?>", "", re.search(r"<p><strong>(.*?)</p>", page, re.S).group(1))
    assert line.startswith("Tue, Oct 9 – Thu, Oct 11, 2012, each day 8:30 AM – 5:00 PM")
    assert "(Bangkok, UTC+7, the venue's time)" in line
    assert "Local time in each country" not in page


def test_the_demo_case_deadlines_fall_at_the_end_of_the_presenting_countrys_working_day(demo):
    from qicop.meetings.models import CasePresentation

    cases = list(CasePresentation.objects.select_related("country", "meeting"))
    assert cases
    for case in cases:
        local = case.deadline.astimezone(ZoneInfo(case.country.time_zone))
        assert local.time() == time(17) and local.weekday() < 5, case
        assert case.deadline < case.meeting.start


def test_no_demo_meeting_opens_on_an_open_action_more_than_a_year_old(demo):
    """A session carries forward the series' open actions: none may be due, or agreed, a year before it (the
    series paused for years; its last action, due a month after, would read as forgotten)."""
    from datetime import timedelta

    from qicop.meetings.selectors import carried_forward_actions

    stale = [
        (meeting.title, f"{meeting.start:%b %Y}", action.description, action.due)
        for meeting in Meeting.objects.exclude(series=None).order_by("start")
        for action in carried_forward_actions(meeting)
        if min(action.due or action.meeting.start.date(), action.meeting.start.date())
        < meeting.start.date() - timedelta(days=365)
    ]
    assert stale == []
