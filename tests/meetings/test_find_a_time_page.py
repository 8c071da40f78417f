"""The "find a time" page: people (not countries) are counted, a series rotates the inconvenience of its
past sessions, and every slot is shown in UTC, in the viewer's own time zone and in each country's.

Haiti (UTC-5 in winter) and Thailand (UTC+7) are twelve hours apart: no hour suits both, so one of them
always meets outside working hours, and the page must say whose turn it is."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from personas import make_member
from qicop.meetings.models import Meeting, MeetingSeries
from qicop.network.models import Role

PAGE = "/n/vln/meetings/find-a-time/"


def search(world, persona="carla", **overrides):
    query = {
        "countries": ["HT", "TH"],
        "duration": 60,
        "first_day": "2030-01-14",  # a Monday in Haiti's winter
        "days": 1,
        "day_start": "07:00",
        "day_end": "19:00",
    }
    query.update(overrides)
    return world.client_for(persona).get(PAGE, query)


def best_start(page: str) -> str:
    """The UTC start of the first-ranked slot."""
    return (
        re.search(r'<tbody>\s*<tr><th scope="row"><time datetime="[^"]+">([^<]+)</time></th>', page)
        .group(1)
        .replace("\u202f", " ")
    )


@pytest.fixture
def sessions(world):
    return MeetingSeries.objects.create(network=world.network, title="Virtual sessions")


def session(world, series, start, *, countries, status=Meeting.Status.HELD, minutes=60):
    meeting = Meeting.objects.create(
        network=world.network,
        series=series,
        title=f"Session of {start:%B %Y}",
        start=start,
        end=start + timedelta(minutes=minutes),
        status=status,
    )
    meeting.countries.set(countries)
    return meeting


def haiti_at_night(world, series, dates=((2025, 11, 10), (2025, 12, 8), (2026, 1, 12))):
    """Past sessions at 08:00 UTC: 03:00 in Port-au-Prince, 15:00 in Bangkok."""
    return [
        session(world, series, datetime(*day, 8, tzinfo=UTC), countries=[world.haiti, world.thailand])
        for day in dates
    ]


# Without a series: people are counted ----------------------------------------------------------------------


def test_with_one_person_each_the_tie_goes_to_the_earlier_slot(world):
    page = search(world).content.decode()
    # 11:00 UTC is 18:00 in Bangkok and 06:00 in Port-au-Prince; 12:00 UTC would be the other way round.
    assert best_start(page) == "Mon, Jan 14, 11:00 AM"
    assert "Haiti: 1 person; Thailand: 1 person" in page


def test_a_country_with_more_people_is_favoured(world):
    for index in range(3):
        make_member(
            f"ht{index}@example.org",
            f"Haitian {index}",
            world.haiti,
            network=world.network,
            roles=[Role.MEMBER],
        )
    page = search(world).content.decode()
    assert best_start(page) == "Mon, Jan 14, 12:00 PM"  # 07:00 in Port-au-Prince, 19:00 in Bangkok
    assert "Haiti: 4 people" in page
    assert "80 %" in page and "4 of 5 people" in page


def test_observers_are_not_counted_and_a_country_without_people_counts_once(world):
    page = search(world, countries=["NA", "KE"]).content.decode()
    assert "Kenya: 3 people" in page  # Faith, Dan and Kim
    assert "Namibia: no participant yet, counted as one person" in page  # Olga only observes


def test_the_page_explains_in_one_sentence_how_people_are_counted(world):
    page = world.client_for("kim").get(PAGE).content.decode()
    assert "Each country counts as many times as it has people taking part in this network" in page


def test_each_slot_is_shown_in_the_viewers_own_time_zone(world):
    user = world.carla.user
    user.time_zone = "Europe/Paris"
    user.save()
    page = search(world).content.decode().replace("\u202f", " ")
    assert re.search(r"Your time \(Paris, UTC\+[12]\)", page)  # +1 in winter, +2 in summer
    assert "Mon, Jan 14, 12:00 PM – 1:00 PM" in page  # 11:00 UTC in Paris in winter
    assert "Haiti: Mon, Jan 14, 6:00 AM – 7:00 AM; Thailand: Mon, Jan 14, 6:00 PM – 7:00 PM" in page


def test_the_page_links_to_the_series(world):
    page = world.client_for("kim").get(PAGE).content.decode()
    assert 'href="/n/vln/meetings/series/"' in page
    assert 'for="id_series"' in page


# With a series: the inconvenience rotates ------------------------------------------------------------------


def test_a_country_that_met_at_night_is_favoured_now(world, sessions):
    haiti_at_night(world, sessions)
    page = search(world, series=sessions.pk).content.decode()
    assert best_start(page) == "Mon, Jan 14, 12:00 PM"  # this time Thailand stays late
    assert "Haiti met outside working hours at the last 3 sessions." in page
    assert "Met within working hours at each of those sessions they took part in: Thailand" in page
    assert "the 3 latest sessions of the series that took place" in page


def test_without_the_series_the_same_search_keeps_the_earlier_slot(world, sessions):
    haiti_at_night(world, sessions)
    page = search(world).content.decode()
    assert best_start(page) == "Mon, Jan 14, 11:00 AM"
    assert "Haiti met outside" not in page and "Rotating the inconvenience" not in page


def test_a_country_that_met_at_night_earlier_but_not_last_time(world, sessions):
    haiti_at_night(world, sessions, dates=[(2025, 11, 10)])
    session(world, sessions, datetime(2026, 1, 12, 13, tzinfo=UTC), countries=[world.haiti, world.kenya])
    page = search(world, series=sessions.pk).content.decode()
    assert "Haiti met outside working hours at one of its past sessions, but not at the last one." in page


def test_planned_and_cancelled_sessions_are_not_counted(world, sessions):
    for status in (Meeting.Status.PLANNED, Meeting.Status.CANCELLED):
        session(world, sessions, datetime(2026, 1, 12, 8, tzinfo=UTC), countries=[world.haiti], status=status)
    page = search(world, series=sessions.pk).content.decode()
    assert best_start(page) == "Mon, Jan 14, 11:00 AM"
    assert "The series has no session that took place yet" in page


def test_only_the_chosen_countries_are_reported(world, sessions):
    haiti_at_night(world, sessions)
    page = search(world, series=sessions.pk, countries=["TH", "KE"]).content.decode()
    assert "Haiti met outside" not in page
    assert "None of the chosen countries met outside working hours at those sessions." in page


def test_a_series_of_another_network_is_refused(world):
    foreign = MeetingSeries.objects.create(network=world.other_network, title="Elsewhere")
    response = search(world, series=foreign.pk)
    assert response.status_code == 400
    assert "Choose one of this network&#x27;s series." in response.content.decode()


def test_coming_from_a_series_page_proposes_its_countries_and_length(world, sessions):
    session(
        world,
        sessions,
        datetime(2026, 1, 12, 8, tzinfo=UTC),
        countries=[world.haiti, world.kenya],
        minutes=120,
    )
    response = world.client_for("carla").get(PAGE, {"series": sessions.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Best times" not in page  # a proposal, not yet a search
    assert re.search(r'value="HT"[^>]*checked', page) and re.search(r'value="KE"[^>]*checked', page)
    assert not re.search(r'value="TH"[^>]*checked', page)
    assert 'value="120"' in page
    assert re.search(rf'<option value="{sessions.pk}" selected>', page)


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "0"])
def test_a_series_link_that_leads_nowhere_just_shows_the_empty_form(world, value):
    response = world.client_for("carla").get(PAGE, {"series": value})
    assert response.status_code == 200
    assert "Best times" not in response.content.decode()


def test_choosing_no_country_is_explained(world):
    response = search(world, countries=[])
    assert response.status_code == 400
    assert "Choose at least one country." in response.content.decode()


def test_the_queries_do_not_grow_with_the_series_history(world, sessions):
    haiti_at_night(world, sessions, dates=[(2025, 11, 10)])
    client = world.client_for("carla")
    query = {
        "countries": ["HT", "TH"],
        "duration": 60,
        "first_day": "2030-01-14",
        "days": 1,
        "day_start": "07:00",
        "day_end": "19:00",
        "series": sessions.pk,
    }
    client.get(PAGE, query)
    with CaptureQueriesContext(connection) as one:
        client.get(PAGE, query)
    haiti_at_night(world, sessions, dates=[(2025, 10, 6), (2025, 12, 8), (2026, 1, 12)])
    with CaptureQueriesContext(connection) as four:
        client.get(PAGE, query)
    assert len(four) == len(one)
