"""One definition of "inside working hours" (a local weekday, 07:00–19:00; a weekend is outside): the
meeting page's local-time table and "find a time" say the same of the same moment and countries, and
"find a time" names every chosen country in its lists about a series' past sessions."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from qicop.meetings.models import Meeting, MeetingSeries
from qicop.network.models import Country

PAGE = "/n/vln/meetings/find-a-time/"


@pytest.fixture
def papua_new_guinea(world):
    country = Country.objects.create(
        iso2="PG", iso3="PNG", name="Papua New Guinea", time_zone="Pacific/Port_Moresby", languages=["en"]
    )
    world.network.countries.add(country)
    return country


def best_slot(world, day: str, countries: list[str], minutes: int) -> tuple[datetime, set[str]]:
    """The first-ranked slot of "find a time" on ``day``: its UTC start and the countries it lists outside."""
    query = {"countries": countries, "duration": minutes, "first_day": day, "days": 1}
    query |= {"day_start": "07:00", "day_end": "19:00"}
    page = html.unescape(world.client_for("carla").get(PAGE, query).content.decode())
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", page, re.S).group(1)
    start = datetime.fromisoformat(re.search(r'<time datetime="([^"]+)">', row).group(1))
    outside = re.search(r"outside: ([^<]*)</span>", row)
    return start, set(outside.group(1).split(", ")) if outside else set()


def outside_on_meeting_page(world, start: datetime, minutes: int, countries) -> set[str]:
    meeting = Meeting.objects.create(
        network=world.network,
        title="Virtual session",
        kind=Meeting.Kind.VIRTUAL,
        start=start,
        end=start + timedelta(minutes=minutes),
        time_zone="Africa/Nairobi",
    )
    meeting.countries.set(countries)
    page = html.unescape(world.client_for("carla").get(f"/n/vln/meetings/{meeting.pk}/").content.decode())
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>.*?</td><td>(.*?)</td>', page, re.S)
    assert len(rows) == len(countries)
    return {country for country, verdict in rows if "outside" in verdict}


def test_the_meeting_page_and_find_a_time_agree_on_who_is_inside_working_hours(world, papua_new_guinea):
    # Monday 14 January 2030: Haiti and Papua New Guinea are fifteen hours apart, so someone is outside.
    countries = [world.kenya, world.haiti, world.thailand, papua_new_guinea]
    start, outside = best_slot(world, "2030-01-14", [c.iso2 for c in countries], 60)
    assert outside and outside < {"Kenya", "Haiti", "Thailand", "Papua New Guinea"}
    assert outside_on_meeting_page(world, start, 60, countries) == outside


def test_on_a_sunday_both_say_every_country_is_outside_working_hours(world):
    # Sunday 13 January 2030 in UTC is Sunday, or the small hours of Monday, in Haiti, Kenya and Thailand.
    countries = [world.kenya, world.haiti, world.thailand]
    start, outside = best_slot(world, "2030-01-13", [c.iso2 for c in countries], 60)
    assert outside == {"Kenya", "Haiti", "Thailand"}
    assert outside_on_meeting_page(world, start, 60, countries) == outside


def test_a_session_on_a_local_saturday_is_outside_working_hours_even_at_noon(world):
    # 05:00 UTC on Saturday 12 January 2030 is noon in Bangkok; in Nairobi it is 08:00, on a Saturday too.
    start = datetime(2030, 1, 12, 5, tzinfo=UTC)
    assert outside_on_meeting_page(world, start, 60, [world.thailand, world.kenya]) == {"Thailand", "Kenya"}


def test_find_a_time_names_a_country_that_has_not_yet_taken_part_in_the_series(world, papua_new_guinea):
    series = MeetingSeries.objects.create(network=world.network, title="Virtual sessions")
    # A Wednesday a month or so ago, 13:00–14:00 UTC: 16:00 in Nairobi, 20:00 in Bangkok.
    day = timezone.now().date() - timedelta(days=30)
    day -= timedelta(days=(day.weekday() - 2) % 7)
    start = datetime(day.year, day.month, day.day, 13, tzinfo=UTC)
    past = Meeting.objects.create(
        network=world.network,
        series=series,
        title="Past session",
        start=start,
        end=start + timedelta(hours=1),
        status=Meeting.Status.HELD,
        time_zone="Africa/Nairobi",
    )
    past.countries.set([world.kenya, world.thailand])
    query = {"countries": ["KE", "TH", "PG"], "duration": 60, "first_day": "2030-01-14", "days": 1}
    query |= {"day_start": "07:00", "day_end": "19:00", "series": series.pk}
    page = html.unescape(world.client_for("carla").get(PAGE, query).content.decode())
    assert "Thailand met outside working hours at the last session." in page
    assert "Met within working hours at each of those sessions they took part in: Kenya" in page
    assert "Took part in none of those sessions yet: Papua New Guinea" in page
