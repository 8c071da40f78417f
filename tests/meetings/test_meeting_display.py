"""Meeting pages show when a meeting really runs (its last day too), its series, topics and host country,
and the open actions it inherits with where they came from."""

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qicop.meetings.models import ActionItem, Meeting, MeetingSeries
from qicop.network.models import Topic


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def page_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    # CLDR writes a narrow no-break space before AM/PM and a thin space around an interval's dash.
    return html.unescape(response.content.decode()).replace("\u202f", " ").replace("\u2009", " ")


def in_zone(world, persona: str, zone: str) -> Client:
    user = getattr(world, persona).user
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    return world.client_for(persona)


def when(page: str) -> str:
    """The meeting's date and time lines at the top of its page, with the zone each is written in."""
    line = re.search(r"<p><strong>(.*?)</p>", page, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<(?!br).*?>", "", line)).split(" · ")[0].strip()


def local_row(page: str, country: str) -> tuple[str, str]:
    """(local time, working hours?) of one country in the page's local-time table."""
    match = re.search(rf"<th scope=\"row\">{country}</th><td>(.*?)</td><td>(.*?)</td>", page, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip(), re.sub(r"<.*?>", "", match.group(2))


@pytest.fixture
def workshop(world):
    """An in-person meeting in Nairobi, 12–15 October 2010, 09:00–19:00 there (06:00–16:00 UTC)."""
    series = MeetingSeries.objects.create(network=world.network, title="Regional workshops")
    meeting = Meeting.objects.create(
        network=world.network,
        series=series,
        title="Regional workshop 2010",
        kind=Meeting.Kind.IN_PERSON,
        status=Meeting.Status.HELD,
        start=utc(2010, 10, 12, 6),
        end=utc(2010, 10, 15, 16),
        time_zone="Africa/Nairobi",
        venue="Conference centre",
        city="Nairobi",
        host_country=world.kenya,
    )
    meeting.countries.set([world.kenya, world.haiti, world.thailand])
    topic = Topic.objects.create(
        network=world.network, slug="consumer-involvement", name="Consumer involvement"
    )
    meeting.topics.add(topic)
    return meeting


IN_NAIROBI = "Tue, Oct 12 – Fri, Oct 15, 2010, each day 9:00 AM – 7:00 PM (Nairobi, UTC+3, the venue's time)"


def test_a_meeting_of_several_days_shows_its_days_and_its_daily_hours_at_the_venue(world, workshop):
    page = page_of(in_zone(world, "kim", "Africa/Nairobi"), f"/n/vln/meetings/{workshop.pk}/")
    assert when(page) == IN_NAIROBI


def test_an_in_person_meeting_reads_on_the_venues_clock_whatever_the_viewers_time_zone(world, workshop):
    # Read from Bangkok it stays 12–15 October, 09:00–19:00 in Nairobi: not "1 p.m. – 11 p.m." in Bangkok.
    page = page_of(in_zone(world, "carla", "Asia/Bangkok"), f"/n/vln/meetings/{workshop.pk}/")
    assert when(page) == IN_NAIROBI
    assert "1:00 PM" not in page and "11:00 PM" not in page


def test_an_in_person_meeting_has_no_local_time_table(world, workshop):
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{workshop.pk}/")
    assert "Local time in each country" not in page
    assert "Working hours?" not in page


def test_a_hybrid_meeting_gives_the_venues_time_yours_and_the_remote_countries_day_by_day(world, workshop):
    Meeting.objects.filter(pk=workshop.pk).update(kind=Meeting.Kind.HYBRID)
    page = page_of(in_zone(world, "carla", "Asia/Bangkok"), f"/n/vln/meetings/{workshop.pk}/")
    assert when(page) == (
        IN_NAIROBI
        + "<br>Tue, Oct 12 – Fri, Oct 15, 2010, each day 1:00 – 11:00 PM (Bangkok, UTC+7, your time)"
    )
    assert "Local time in each country, for those joining remotely" in page
    assert local_row(page, "Kenya") == ("Tue, Oct 12 – Fri, Oct 15, 2010, each day 9:00 AM – 7:00 PM", "yes")
    assert local_row(page, "Thailand") == (
        "Tue, Oct 12 – Fri, Oct 15, 2010, each day 1:00 – 11:00 PM",
        "outside",
    )
    # Haiti (UTC-5: no daylight saving time in 2010): 01:00–11:00, still the 12th to the 15th.
    assert local_row(page, "Haiti") == (
        "Tue, Oct 12 – Fri, Oct 15, 2010, each day 1:00 – 11:00 AM",
        "outside",
    )


def test_a_session_crossing_midnight_gives_the_end_date_where_it_ends_the_next_day(world):
    # 16:00–17:30 UTC: 19:00–20:30 in Nairobi, 23:00–00:30 in Bangkok, 12:00–13:30 in Port-au-Prince (DST).
    Meeting.objects.filter(pk=world.meeting.pk).update(
        start=utc(2030, 3, 10, 16), end=utc(2030, 3, 10, 17, 30)
    )
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{world.meeting.pk}/")
    assert local_row(page, "Thailand") == (
        "Sun, Mar 10, 2030, 11:00 PM – Mon, Mar 11, 2030, 12:30 AM",
        "outside",
    )
    assert local_row(page, "Kenya") == ("Sun, Mar 10, 2030, 7:00 – 8:30 PM", "outside")
    assert local_row(page, "Haiti") == ("Sun, Mar 10, 2030, 12:00 – 1:30 PM", "outside")  # a Sunday


def test_a_session_crossing_midnight_for_the_viewer_shows_both_dates(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(
        start=utc(2030, 3, 10, 16), end=utc(2030, 3, 10, 17, 30)
    )
    page = page_of(in_zone(world, "carla", "Asia/Bangkok"), f"/n/vln/meetings/{world.meeting.pk}/")
    assert (
        when(page) == "Sun, Mar 10, 2030, 11:00 PM – Mon, Mar 11, 2030, 12:30 AM (Bangkok, UTC+7, your time)"
    )
    page = page_of(in_zone(world, "kim", "Africa/Nairobi"), f"/n/vln/meetings/{world.meeting.pk}/")
    assert when(page) == "Sun, Mar 10, 2030, 7:00 – 8:30 PM (Nairobi, UTC+3, your time)"


def test_the_meeting_page_names_its_series_topics_and_host_country(world, workshop):
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{workshop.pk}/")
    assert "<dt>Series</dt><dd>Regional workshops</dd>" in page
    assert '<a href="/n/vln/topics/consumer-involvement/">Consumer involvement</a>' in page
    assert "<dt>Host country</dt><dd>Kenya</dd>" in page
    # The topic link leads to the knowledge topic page.
    assert world.client_for("kim").get("/n/vln/topics/consumer-involvement/").status_code == 200


def test_a_virtual_session_names_no_host_country(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(host_country=world.kenya)
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{world.meeting.pk}/")
    assert "Host country" not in page


def test_the_meetings_list_gives_the_last_day_series_topics_and_host_country(world, workshop):
    page = page_of(in_zone(world, "kim", "Africa/Nairobi"), "/n/vln/meetings/")
    row = re.search(
        rf"<tr><td><time[^>]*>([^<]*)</time></td>\s*"
        rf"<th scope=\"row\"><a href=\"/n/vln/meetings/{workshop.pk}/\">(.*?)</tr>",
        page,
        re.S,
    )
    assert row.group(1) == "Tue, Oct 12 – Fri, Oct 15, 2010"
    facts = re.sub(r"\s+", " ", row.group(2))
    assert "Series: Regional workshops" in facts
    assert '<a href="/n/vln/topics/consumer-involvement/">Consumer involvement</a>' in facts
    assert "Host country: Kenya" in facts
    # A session of an evening keeps one date, with its end time.
    assert "Sun, Mar 10, 2030, 4:00 – 5:30 PM" in page


def test_the_meetings_list_shows_the_end_date_of_a_session_crossing_midnight(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(
        start=utc(2030, 3, 10, 16), end=utc(2030, 3, 10, 17, 30)
    )
    page = page_of(in_zone(world, "carla", "Asia/Bangkok"), "/n/vln/meetings/")
    assert "Sun, Mar 10, 2030, 11:00 PM – Mon, Mar 11, 2030, 12:30 AM" in page


def add_meetings(world, count: int, start: datetime) -> None:
    series = MeetingSeries.objects.create(network=world.network, title=f"Series from {start:%Y}")
    topics = [
        Topic.objects.create(network=world.network, slug=f"t-{start:%Y}-{n}", name=f"Topic {n}")
        for n in range(2)
    ]
    for n in range(count):
        meeting = Meeting.objects.create(
            network=world.network,
            series=series,
            title=f"Meeting {start:%Y} {n}",
            kind=Meeting.Kind.IN_PERSON,
            start=start + timedelta(days=30 * n),
            end=start + timedelta(days=30 * n + 2),
            host_country=world.haiti,
        )
        meeting.topics.set(topics)


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/n/vln/meetings/").status_code == 200
    return len(context.captured_queries)


def test_the_meetings_list_costs_the_same_queries_for_few_or_many_meetings(world):
    client = world.client_for("kim")
    add_meetings(world, 1, utc(2031, 1, 5, 8))  # upcoming
    add_meetings(world, 1, utc(2012, 1, 5, 8))  # past
    few = list_queries(client)
    add_meetings(world, 6, utc(2032, 1, 5, 8))
    add_meetings(world, 6, utc(2013, 1, 5, 8))
    assert list_queries(client) == few
    # The pin: six make the request (session, user, time zone, viewer, memberships, network); then the
    # upcoming meetings and their topics, the count of past meetings, a page of them and their topics.
    assert few <= 11


@pytest.fixture
def earlier_action(world):
    """An open action agreed at the first session of a series, carried forward to the second."""
    series = MeetingSeries.objects.create(network=world.network, title="Virtual sessions")
    first = Meeting.objects.create(
        network=world.network,
        series=series,
        title="Knowing our numbers",
        start=utc(2030, 1, 13, 13),
        end=utc(2030, 1, 13, 14, 30),
        status=Meeting.Status.HELD,
    )
    Meeting.objects.filter(pk=world.meeting.pk).update(series=series)
    return ActionItem.objects.create(
        meeting=first, description="Share the viral load dashboard", owner=world.kim, due=date(2030, 3, 1)
    )


def test_carried_forward_actions_link_to_the_meeting_that_agreed_them(world, earlier_action):
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{world.meeting.pk}/")
    assert 'Share the viral load dashboard <span class="muted">— Kim Member, due Mar 1, 2030</span>' in page
    assert f'<a href="/n/vln/meetings/{earlier_action.meeting_id}/">Knowing our numbers</a>' in page
    # An action without owner names its country, without a stray separator.
    ActionItem.objects.filter(pk=earlier_action.pk).update(owner=None, country=world.haiti, due=None)
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{world.meeting.pk}/")
    assert 'Share the viral load dashboard <span class="muted">— Haiti</span>' in page
    # Members see the action, not a control to change it.
    assert f"/n/vln/meetings/{earlier_action.meeting_id}/minutes/" not in page


def test_coordinators_close_a_carried_forward_action_from_the_meeting_page(world, earlier_action):
    client = world.client_for("carla")
    page = page_of(client, f"/n/vln/meetings/{world.meeting.pk}/")
    form = re.search(
        rf'<form method="post" action="(/n/vln/meetings/{earlier_action.meeting_id}/minutes/)".*?</form>',
        page,
        re.S,
    )
    assert form is not None
    assert f'name="action" value="{earlier_action.pk}"' in form.group(0)
    assert 'name="form" value="status"' in form.group(0)
    assert f'<label for="carried-status-{earlier_action.pk}">Status</label>' in form.group(0)
    assert "csrfmiddlewaretoken" in form.group(0)
    response = client.post(form.group(1), {"form": "status", "action": earlier_action.pk, "status": "done"})
    assert response.status_code == 302
    earlier_action.refresh_from_db()
    assert earlier_action.status == ActionItem.Status.DONE
    assert "Share the viral load dashboard" not in page_of(client, f"/n/vln/meetings/{world.meeting.pk}/")


def test_the_demo_all_country_meeting_of_2010_runs_three_days_at_windhoeks_hours(demo):
    client = Client()
    assert client.login(username="coordinator@example.org", password="demo")
    meeting = Meeting.objects.get(network__slug="all-country", start__year=2010)
    page = page_of(client, f"/n/all-country/meetings/{meeting.pk}/")
    assert (
        when(page)
        == "Tue, Oct 12 – Thu, Oct 14, 2010, each day 8:30 AM – 5:00 PM (Windhoek, UTC+2, the venue's time)"
    )
    assert "<dt>Host country</dt><dd>Namibia</dd>" in page
    listing = page_of(client, "/n/all-country/meetings/")
    assert "Tue, Oct 12 – Thu, Oct 14, 2010" in listing


def test_the_meetings_list_does_not_repeat_a_title_as_its_topic(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(topic=world.meeting.title)
    page = page_of(world.client_for("kim"), "/n/vln/meetings/")
    assert page.count("Reaching the second 95") == 1
    detail = page_of(world.client_for("kim"), f"/n/vln/meetings/{world.meeting.pk}/")
    assert "· Reaching the second 95</p>" not in detail


def test_an_in_person_meetings_agenda_is_on_the_venues_clock_for_every_reader(world, workshop):
    from qicop.meetings.models import AgendaItem

    AgendaItem.objects.create(
        meeting=workshop,
        start=utc(2010, 10, 12, 6),
        end=utc(2010, 10, 12, 7),
        kind="opening",
        title="Opening",
    )
    page = page_of(in_zone(world, "carla", "Asia/Bangkok"), f"/n/vln/meetings/{workshop.pk}/")
    assert "Tue, Oct 12, 9:00 – 10:00 AM</strong> Opening" in page  # Nairobi's 09:00, not Bangkok's 13:00
    assert "Times of the agenda are the venue's, in Nairobi (UTC+3)." in page


def test_in_french_a_session_reads_as_people_write_it_in_french(world):
    user = world.henri.user
    user.language = "fr"
    user.save(update_fields=["language"])
    page = page_of(world.client_for("henri"), f"/n/vln/meetings/{world.meeting.pk}/")
    # 13:00 UTC is 09:00 in Port-au-Prince (daylight time began that night).
    assert "dim. 10 mars 2030, 09:00 – 10:30" in page
    assert not re.search(r"\b(dim|lun|mar|mer|jeu|ven|sam) \d+ [A-Z][a-zé]{2}\b", page)  # "dim 27 Déc"


def test_a_meeting_that_is_over_offers_no_registration_and_refuses_one(world, workshop):
    client = world.client_for("kim")
    page = page_of(client, f"/n/vln/meetings/{workshop.pk}/")  # October 2010
    assert 'value="yes">Register</button>' not in page and "Decline" not in page
    assert "join link" not in page  # an in-person meeting has none anyway
    response = client.post(f"/n/vln/meetings/{workshop.pk}/register/", {"attending": "yes"})
    assert response.status_code == 403
    assert not workshop.registrations.exists()


def test_a_topic_that_repeats_a_topic_tag_is_said_once(world, workshop):
    Meeting.objects.filter(pk=workshop.pk).update(topic="Consumer involvement")
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{workshop.pk}/")
    assert page.count("Consumer involvement") == 1
    listing = page_of(world.client_for("kim"), "/n/vln/meetings/")
    assert listing.count("Consumer involvement") == 1


def test_in_portuguese_the_days_of_a_meeting_are_written_in_words_not_digits(world, workshop):
    user = world.kim.user
    user.language = "pt"
    user.save(update_fields=["language"])
    page = page_of(world.client_for("kim"), f"/n/vln/meetings/{workshop.pk}/")
    assert when(page).startswith("terça, 12 de out. de 2010 – sexta, 15 de out. de 2010")
    assert not re.search(r"\d+/\d+", when(page))


def test_a_one_day_in_person_meeting_in_the_list_names_the_venues_zone_for_a_reader_elsewhere(
    world, workshop
):
    Meeting.objects.filter(pk=workshop.pk).update(end=utc(2010, 10, 12, 14))  # 09:00–17:00 in Nairobi
    listing = page_of(in_zone(world, "carla", "Asia/Bangkok"), "/n/vln/meetings/")
    assert "Tue, Oct 12, 2010, 9:00 AM – 5:00 PM (Nairobi, UTC+3)" in listing
    listing = page_of(in_zone(world, "kim", "Africa/Nairobi"), "/n/vln/meetings/")
    assert "Tue, Oct 12, 2010, 9:00 AM – 5:00 PM</time>" in listing
