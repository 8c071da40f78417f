"""Attendance statistics per series, per meeting and per country."""

from datetime import UTC, datetime, timedelta

import pytest

from qicop.meetings.attendance import statistics
from qicop.meetings.models import Attendance, Meeting, MeetingSeries


@pytest.fixture
def series(world):
    """Three held sessions of a series in 2021 (Kenya and Haiti invited), one in 2022 (Kenya only)."""
    series = MeetingSeries.objects.create(network=world.network, title="Virtual sessions")
    meetings = []
    for month, year, countries in ((3, 2021, "KH"), (6, 2021, "KH"), (9, 2021, "KH"), (2, 2022, "K")):
        start = datetime(year, month, 10, 13, tzinfo=UTC)
        meeting = Meeting.objects.create(
            network=world.network,
            series=series,
            title=f"Session {year}-{month:02d}",
            start=start,
            end=start + timedelta(minutes=90),
            status=Meeting.Status.HELD,
        )
        meeting.countries.set([world.kenya] + ([world.haiti] if "H" in countries else []))
        meetings.append(meeting)
    first, second, _third, fourth = meetings

    def came(meeting, member, minutes=60.0):
        Attendance.objects.create(
            meeting=meeting,
            member=member,
            name=getattr(member, "full_name", "guest"),
            minutes=minutes,
            source="zoom",
        )

    came(first, world.kim)
    came(first, world.faith)
    came(first, world.henri, 30)
    came(first, None, 20)  # a phone, not matched
    came(second, world.kim)
    came(fourth, world.dan, 90)
    return series, meetings


def test_series_totals_count_people_members_and_minutes(world, series):
    (row,) = statistics.series_totals(world.network)
    assert (row.title, row.meetings, row.people, row.members, row.minutes) == (
        "Virtual sessions",
        3,
        6,
        4,
        320,
    )


def test_each_meeting_has_its_people_members_and_minutes(world, series):
    result = statistics.selection_statistics(world.network, series_id=series[0].pk)
    rows = {r.meeting.title: (r.people, r.members, r.minutes) for r in result.meetings}
    assert rows == {
        "Session 2021-03": (4, 3, 170),
        "Session 2021-06": (1, 1, 60),
        "Session 2021-09": (0, 0, 0),
        "Session 2022-02": (1, 1, 90),
    }
    assert result.meetings[0].meeting.title == "Session 2021-03"  # in date order


def test_each_country_counts_people_per_meeting_and_meetings_attended_out_of_those_it_took_part_in(
    world, series
):
    result = statistics.selection_statistics(world.network, year=2021)
    countries = {r.country.iso2: r for r in result.countries}
    assert countries["KE"].cells == [2, 1, 0]
    assert (countries["KE"].attended, countries["KE"].took_part) == (2, 3)
    assert countries["HT"].cells == [1, 0, 0]
    assert (countries["HT"].attended, countries["HT"].took_part) == (1, 3)
    in_2022 = {r.country.iso2: r for r in statistics.selection_statistics(world.network, year=2022).countries}
    assert set(in_2022) == {"KE"} and in_2022["KE"].cells == [1]


def test_a_country_that_did_not_take_part_shows_a_gap(world, series):
    result = statistics.selection_statistics(world.network, series_id=series[0].pk)
    haiti = next(r for r in result.countries if r.country.iso2 == "HT")
    assert haiti.cells[-1] is None and haiti.took_part == 3


def test_future_and_cancelled_meetings_are_left_out(world, series):
    Meeting.objects.filter(pk=series[1][2].pk).update(status=Meeting.Status.CANCELLED)
    titles = [r.meeting.title for r in statistics.selection_statistics(world.network).meetings]
    assert "Session 2021-09" not in titles and world.meeting.title not in titles  # 2030: not yet held


def test_only_the_latest_meetings_fit_in_the_table(world, series):
    result = statistics.selection_statistics(world.network, limit=2)
    assert result.truncated
    assert [r.meeting.title for r in result.meetings] == ["Session 2021-09", "Session 2022-02"]


def test_the_page_shows_the_figures_to_participants_with_a_bounded_number_of_queries(
    world, series, django_assert_max_num_queries
):
    client = world.client_for("henri")
    # Six queries make the request (session, user, time zone, viewer, network); seven the figures.
    with django_assert_max_num_queries(13):
        response = client.get("/n/vln/meetings/statistics/", {"series": series[0].pk, "year": 2021})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Virtual sessions" in page and "Session 2021-03" in page and "Session 2022-02" not in page
    assert "2 of 3" in page and "1 of 3" in page


def test_the_query_count_does_not_grow_with_the_number_of_meetings(
    world, series, django_assert_max_num_queries
):
    for i in range(20):
        start = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=7 * i)
        m = Meeting.objects.create(network=world.network, title=f"Extra {i}", start=start, end=start)
        m.countries.set([world.kenya, world.haiti])
        Attendance.objects.create(meeting=m, member=world.kim, name="Kim", minutes=5, source="manual")
    client = world.client_for("henri")
    client.get("/n/vln/meetings/statistics/")
    with django_assert_max_num_queries(13):
        assert client.get("/n/vln/meetings/statistics/").status_code == 200


def test_a_bad_filter_is_explained(world, series):
    response = world.client_for("kim").get("/n/vln/meetings/statistics/", {"year": "1999"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_meeting_its_members_came_to_uninvited_counts_as_attended_as_its_cell_shows(world, series):
    later = series[1][3]  # Kenya only
    Attendance.objects.create(meeting=later, member=world.henri, name="Henri", minutes=30, source="zoom")
    result = statistics.selection_statistics(world.network, series_id=series[0].pk)
    haiti = next(r for r in result.countries if r.country.iso2 == "HT")
    assert haiti.cells == [1, 0, 0, 1]
    assert (haiti.attended, haiti.took_part) == (2, 4)


def test_a_countrys_total_never_contradicts_its_cells(world, series):
    # Haiti came to every session, though invited to the first three only (Kenya only was invited to the
    # last): its row reads four figures, and "4 of 4", not "3 of 3".
    for meeting in series[1][1:]:
        Attendance.objects.create(
            meeting=meeting, member=world.henri, name="Henri", minutes=30, source="zoom"
        )
    result = statistics.selection_statistics(world.network, series_id=series[0].pk)
    for row in result.countries:
        assert row.attended == sum(1 for cell in row.cells if cell)
        assert row.took_part == sum(1 for cell in row.cells if cell is not None)
    haiti = next(r for r in result.countries if r.country.iso2 == "HT")
    assert (haiti.attended, haiti.took_part) == (4, 4)


def test_a_meeting_that_lists_no_countries_counts_every_country_that_came(world, series):
    open_meeting = series[1][2]
    open_meeting.countries.clear()
    Attendance.objects.create(
        meeting=open_meeting, member=world.henri, name="Henri", minutes=30, source="zoom"
    )
    result = statistics.selection_statistics(world.network, year=2021)
    countries = {r.country.iso2: r for r in result.countries}
    assert countries["HT"].cells == [1, 0, 1] and (countries["HT"].attended, countries["HT"].took_part) == (
        2,
        3,
    )
    assert countries["KE"].cells == [2, 1, None] and countries["KE"].took_part == 2


@pytest.mark.parametrize("viewer_zone", ["America/Port-au-Prince", "Asia/Bangkok", "UTC"])
def test_a_new_years_eve_session_counts_in_one_year_for_everyone_as_in_the_proceedings(world, viewer_zone):
    from django.utils import timezone

    from qicop.meetings.proceedings import selectors as proceedings

    # 20:00 on 31 December in Haiti is already 1 January in UTC (and in Bangkok).
    start = datetime(2026, 1, 1, 1, tzinfo=UTC)
    meeting = Meeting.objects.create(
        network=world.network, title="Year-end", start=start, end=start + timedelta(hours=1), status="held"
    )
    with timezone.override(viewer_zone):
        assert statistics.filter_choices(world.network)[1] == [2026]
        assert [m.pk for m in statistics.held_meetings(world.network, year=2026)] == [meeting.pk]
        assert not statistics.held_meetings(world.network, year=2025).exists()
    assert [r.meeting.pk for r in proceedings.year_record(world.network, 2026)] == [meeting.pk]
