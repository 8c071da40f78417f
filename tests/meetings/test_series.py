"""Meeting series: coordinators create and edit them from the site; every participant reads them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qicop.core.models import AuditEntry
from qicop.meetings.models import Meeting, MeetingSeries
from qicop.meetings.series import services

LIST = "/n/vln/meetings/series/"
NEW = LIST + "new/"


def detail(series):
    return f"{LIST}{series.pk}/"


def make_meeting(world, series, title, start, status=Meeting.Status.HELD):
    return Meeting.objects.create(
        network=world.network,
        series=series,
        title=title,
        start=start,
        end=start + timedelta(minutes=90),
        status=status,
    )


@pytest.fixture
def sessions(world):
    return MeetingSeries.objects.create(network=world.network, title="Virtual sessions")


# Creating -----------------------------------------------------------------------------------------------


def test_a_coordinator_creates_a_series_and_lands_on_its_page(world):
    response = world.client_for("carla").post(
        NEW, {"title": "  Virtual sessions ", "description": "Every other month on Zoom."}
    )
    series = MeetingSeries.objects.get(network=world.network)
    assert response.status_code == 302 and response["Location"] == detail(series)
    assert series.title == "Virtual sessions" and series.description == "Every other month on Zoom."


def test_creating_a_series_is_audited_with_its_author(world):
    world.client_for("carla").post(NEW, {"title": "Virtual sessions"})
    series = MeetingSeries.objects.get()
    entry = AuditEntry.objects.get(verb="series.create")
    assert entry.actor == world.carla.user
    assert (entry.target_type, entry.target_id) == ("meetings.meetingseries", str(series.pk))


def test_the_new_series_is_offered_on_the_meeting_form(world):
    client = world.client_for("carla")
    client.post(NEW, {"title": "Virtual sessions"})
    assert "Virtual sessions" in client.get("/n/vln/meetings/new/").content.decode()


def test_a_title_is_required_and_the_form_keeps_the_description(world):
    response = world.client_for("carla").post(NEW, {"title": "", "description": "Quarterly, on Zoom"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the series a title." in page
    assert "Quarterly, on Zoom" in page
    assert not MeetingSeries.objects.exists()


def test_a_title_too_long_is_refused_with_its_limit(world):
    response = world.client_for("carla").post(NEW, {"title": "x" * 201})
    assert response.status_code == 400
    assert "Keep the title to 200 characters (it has 201)." in response.content.decode()


def test_a_duplicate_title_in_the_same_network_is_refused_whatever_its_case(world, sessions):
    response = world.client_for("carla").post(NEW, {"title": "virtual SESSIONS", "description": "again"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This network already has a series called “virtual SESSIONS”" in page
    assert 'value="virtual SESSIONS"' in page and "again" in page
    assert MeetingSeries.objects.count() == 1


def test_the_same_title_is_fine_in_another_network(world, sessions):
    MeetingSeries.objects.create(network=world.other_network, title="Regional sessions")
    response = world.client_for("carla").post(NEW, {"title": "Regional sessions"})
    assert response.status_code == 302
    assert MeetingSeries.objects.filter(network=world.network, title="Regional sessions").exists()


def test_the_service_itself_refuses_a_duplicate_title(world, sessions):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.create_series(actor=world.carla.user, network=world.network, title="Virtual Sessions")
    assert "title" in error.value.message_dict
    assert not AuditEntry.objects.filter(verb="series.create").exists()


def test_creating_needs_a_post_with_the_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.carla.user)
    assert client.post(NEW, {"title": "Virtual sessions"}).status_code == 403
    assert not MeetingSeries.objects.exists()


@pytest.mark.parametrize("persona", ["faith", "kim", "henri"])
def test_members_who_are_not_coordinators_cannot_create_a_series(world, persona):
    response = world.client_for(persona).post(NEW, {"title": "Virtual sessions"})
    assert response.status_code == 403
    assert not MeetingSeries.objects.exists()


# Editing ------------------------------------------------------------------------------------------------


def test_a_coordinator_renames_a_series_and_it_is_audited(world, sessions):
    response = world.client_for("carla").post(
        detail(sessions) + "edit/", {"title": "Learning network sessions", "description": "Monthly"}
    )
    sessions.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == detail(sessions)
    assert (sessions.title, sessions.description) == ("Learning network sessions", "Monthly")
    entry = AuditEntry.objects.get(verb="series.update")
    assert entry.data["title"] == ["Virtual sessions", "Learning network sessions"]


def test_the_edit_form_shows_the_current_values(world, sessions):
    sessions.description = "Every other month"
    sessions.save()
    page = world.client_for("carla").get(detail(sessions) + "edit/").content.decode()
    assert 'value="Virtual sessions"' in page and "Every other month" in page


def test_a_series_keeps_its_own_title_when_saved_unchanged(world, sessions):
    response = world.client_for("carla").post(detail(sessions) + "edit/", {"title": "Virtual sessions"})
    assert response.status_code == 302


def test_renaming_to_another_series_title_is_refused(world, sessions):
    other = MeetingSeries.objects.create(network=world.network, title="All-country meetings")
    response = world.client_for("carla").post(detail(other) + "edit/", {"title": "Virtual Sessions"})
    other.refresh_from_db()
    assert response.status_code == 400
    assert "already has a series called" in response.content.decode()
    assert other.title == "All-country meetings"


def test_a_series_of_another_network_is_not_found(world):
    foreign = MeetingSeries.objects.create(network=world.other_network, title="Elsewhere")
    client = world.client_for("carla")
    assert client.get(detail(foreign)).status_code == 404
    assert client.get(detail(foreign) + "edit/").status_code == 404


def test_a_member_cannot_edit_a_series(world, sessions):
    response = world.client_for("kim").post(detail(sessions) + "edit/", {"title": "Mine now"})
    sessions.refresh_from_db()
    assert response.status_code == 403 and sessions.title == "Virtual sessions"


# Reading ------------------------------------------------------------------------------------------------


def test_the_list_shows_each_series_with_its_count_next_and_last_meeting(world, sessions):
    now = timezone.now()
    make_meeting(world, sessions, "Consumer involvement", now - timedelta(days=60))
    make_meeting(world, sessions, "QI coaching", now - timedelta(days=5))
    make_meeting(world, sessions, "Cancelled one", now + timedelta(days=3), Meeting.Status.CANCELLED)
    upcoming = make_meeting(world, sessions, "National quality policy", now + timedelta(days=30), "planned")
    page = world.client_for("kim").get(LIST).content.decode()
    assert "Virtual sessions" in page
    assert "4 meetings" in page and "1 cancelled" in page
    assert f'href="/n/vln/meetings/{upcoming.pk}/">National quality policy' in page
    assert "QI coaching" in page and "Consumer involvement" not in page  # only the last one
    assert "Cancelled one" not in page
    assert f'href="{detail(sessions)}"' in page


def test_a_series_without_meetings_says_so(world, sessions):
    page = world.client_for("kim").get(LIST).content.decode()
    assert "0 meetings" in page and "None planned" in page and "None yet" in page


def test_only_coordinators_are_offered_to_create_a_series(world, sessions):
    assert "Create a series" in world.client_for("carla").get(LIST).content.decode()
    assert "Create a series" not in world.client_for("kim").get(LIST).content.decode()
    assert "Edit the series" in world.client_for("carla").get(detail(sessions)).content.decode()
    assert "Edit the series" not in world.client_for("kim").get(detail(sessions)).content.decode()


def test_the_list_does_not_show_another_networks_series(world):
    MeetingSeries.objects.create(network=world.other_network, title="Elsewhere")
    assert "Elsewhere" not in world.client_for("carla").get(LIST).content.decode()


def test_the_detail_lists_the_series_meetings_and_links_back(world, sessions):
    start = datetime(2029, 5, 1, 12, tzinfo=UTC)
    first = make_meeting(world, sessions, "Consumer involvement", start)
    make_meeting(world, None, "Not in the series", start)
    page = world.client_for("henri").get(detail(sessions)).content.decode()
    assert f'href="/n/vln/meetings/{first.pk}/">Consumer involvement' in page
    assert "Not in the series" not in page
    assert f'href="{LIST}"' in page
    assert f"/n/vln/meetings/find-a-time/?series={sessions.pk}" in page


def test_a_long_series_is_paginated(world, sessions, settings):
    settings.PAGE_SIZE = 5
    start = datetime(2020, 1, 1, 12, tzinfo=UTC)
    for index in range(7):
        make_meeting(world, sessions, f"Session number {index}", start + timedelta(days=30 * index))
    client = world.client_for("kim")
    first = client.get(detail(sessions)).content.decode()
    second = client.get(detail(sessions), {"page": 2}).content.decode()
    assert "Session number 6" in first and "Session number 0" not in first
    assert "Page 1 of 2" in first
    assert "Session number 0" in second and "Session number 1" in second


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_takes_as_many_queries_for_twenty_series_as_for_one(world, sessions):
    client = world.client_for("kim")
    client.get(LIST)  # warm the per-session caches
    start = datetime(2029, 1, 1, 12, tzinfo=UTC)
    make_meeting(world, sessions, "Only one", start)
    one = _queries(client, LIST)
    for index in range(19):
        series = MeetingSeries.objects.create(network=world.network, title=f"Series {index}")
        for month in range(3):
            make_meeting(world, series, f"S{index} M{month}", start + timedelta(days=31 * month))
    assert _queries(client, LIST) == one
    assert one <= 8


def test_the_detail_takes_as_many_queries_for_twenty_meetings_as_for_one(world, sessions):
    client = world.client_for("kim")
    start = datetime(2029, 1, 1, 12, tzinfo=UTC)
    make_meeting(world, sessions, "First", start)
    client.get(detail(sessions))
    one = _queries(client, detail(sessions))
    for index in range(19):
        make_meeting(world, sessions, f"Session {index}", start + timedelta(days=7 * (index + 1)))
    assert _queries(client, detail(sessions)) == one
    assert one <= 10  # the topics of the listed meetings come in one query


# On the demo -------------------------------------------------------------------------------------------


@pytest.fixture
def demo_coordinator(demo):
    from django.test import Client

    client = Client()
    assert client.login(username="coordinator@example.org", password="demo")
    return client


def test_the_demo_series_pages_are_light_labelled_and_need_no_javascript(demo_coordinator):
    import re

    series = MeetingSeries.objects.filter(network__slug="virtual").first()
    paths = [
        "/n/virtual/meetings/series/",
        "/n/virtual/meetings/series/new/",
        f"/n/virtual/meetings/series/{series.pk}/",
        f"/n/virtual/meetings/series/{series.pk}/edit/",
        f"/n/virtual/meetings/find-a-time/?series={series.pk}",
    ]
    for path in paths:
        response = demo_coordinator.get(path)
        page = response.content.decode()
        assert response.status_code == 200, path
        assert len(response.content) <= 100_000, path
        assert "<script" not in page, path
        for field_id in re.findall(
            r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page
        ):
            assert f'for="{field_id}"' in page, f"{path}: no label for {field_id}"


def test_the_demo_series_lists_its_sessions(demo_coordinator):
    series = MeetingSeries.objects.filter(network__slug="virtual").first()
    held = Meeting.objects.filter(series=series).count()
    page = demo_coordinator.get("/n/virtual/meetings/series/").content.decode()
    assert series.title in page and f"{held} meetings" in page


def test_the_demo_series_rotates_the_inconvenience_of_its_sessions(demo_coordinator):
    series = MeetingSeries.objects.filter(network__slug="virtual").first()
    page = demo_coordinator.get(
        "/n/virtual/meetings/find-a-time/",
        {
            "countries": ["HT", "TH", "KE", "NA"],
            "duration": 90,
            "first_day": "2030-01-14",
            "days": 3,
            "day_start": "07:00",
            "day_end": "19:00",
            "series": series.pk,
        },
    ).content.decode()
    assert "Best times" in page
    assert "latest sessions of the series that took place" in page


def test_a_meeting_of_several_days_shows_its_dates_on_the_series_page(world, sessions):
    start = datetime(2029, 10, 9, 6, tzinfo=UTC)
    make_meeting(world, sessions, "Retreat", start)
    Meeting.objects.filter(title="Retreat").update(end=start + timedelta(days=2, hours=9))
    with timezone.override("Africa/Nairobi"):
        page = world.client_for("kim").get(detail(sessions)).content.decode()
    assert "Tue, Oct 9 – Thu, Oct 11, 2029" in page.replace("\u2009", " ")
