"""Meetings: registration and the join link, times in every country, calendars, finding a time."""

import re

from django.test import Client

from qicop.integrations.ical import read_events
from qicop.meetings.models import Meeting, Registration


def detail(world, persona):
    return world.client_for(persona).get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()


def test_the_join_link_shows_only_once_registered(world):
    assert "zoom.example.org" not in detail(world, "kim")
    response = world.client_for("kim").post(
        f"/n/vln/meetings/{world.meeting.pk}/register/", {"attending": "yes"}
    )
    assert response.status_code == 302
    assert Registration.objects.get().status == "registered"
    assert "zoom.example.org" in detail(world, "kim")
    assert "zoom.example.org" not in detail(world, "henri")


def test_observers_follow_but_do_not_register(world):
    response = world.client_for("olga").post(
        f"/n/vln/meetings/{world.meeting.pk}/register/", {"attending": "yes"}
    )
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_the_page_gives_the_local_time_in_every_participating_country(world):
    page = detail(world, "henri")
    # 13:00 UTC on 10 March 2030: 16:00 in Nairobi, 09:00 in Port-au-Prince (daylight time), 20:00 in Bangkok.
    page = page.replace("\u202f", " ").replace("\u2009", " ")
    assert "Kenya</th><td>Sun, Mar 10, 2030, 4:00 – 5:30 PM" in page
    assert "Haiti</th><td>Sun, Mar 10, 2030, 9:00 – 10:30 AM" in page
    assert "Thailand</th><td>Sun, Mar 10, 2030, 8:00 – 9:30 PM" in page


def test_the_calendar_file_carries_the_join_link_only_for_the_registered(world):
    url = f"/n/vln/meetings/{world.meeting.pk}/meeting.ics"
    anonymous_copy = world.client_for("kim").get(url).content
    assert b"zoom.example.org" not in anonymous_copy
    assert b"BEGIN:VTIMEZONE" in anonymous_copy and b"TZID:Africa/Nairobi" in anonymous_copy
    Registration.objects.create(meeting=world.meeting, member=world.kim, status="registered")
    mine = world.client_for("kim").get(url).content
    assert b"zoom.example.org" in mine
    (event,) = read_events(mine)
    assert event.start == world.meeting.start


def test_a_cancelled_meeting_is_sent_as_a_cancellation_with_the_same_uid(world):
    first = read_events(
        world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/meeting.ics").content
    )
    Meeting.objects.filter(pk=world.meeting.pk).update(status="cancelled", sequence=1)
    content = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/meeting.ics").content
    assert b"METHOD:CANCEL" in content and b"STATUS:CANCELLED" in content and b"SEQUENCE:1" in content
    assert read_events(content)[0].uid == first[0].uid


def test_a_private_feed_is_created_shown_once_and_revocable(world):
    client = world.client_for("kim")
    response = client.post("/n/vln/meetings/calendar/", {"action": "create"}, follow=True)
    token = re.search(r"/calendar/([\w-]+)\.ics", response.content.decode()).group(1)
    feed = Client().get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and b"Reaching the second 95" in feed.content
    client.post("/n/vln/meetings/calendar/", {"action": "revoke"})
    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_find_a_time_ranks_slots_inside_working_hours_first(world):
    page = (
        world.client_for("carla")
        .get(
            "/n/vln/meetings/find-a-time/",
            {
                "countries": ["KE", "HT"],
                "duration": 60,
                "first_day": "2030-03-11",
                "days": 2,
                "day_start": "07:00",
                "day_end": "19:00",
            },
        )
        .content.decode()
    )
    assert "Best times" in page
    assert re.search(r"<td>100 %", page)  # Haiti's morning is Kenya's afternoon


def test_find_a_time_explains_a_bad_working_day(world):
    response = world.client_for("carla").get(
        "/n/vln/meetings/find-a-time/",
        {
            "countries": ["KE"],
            "duration": 60,
            "first_day": "2030-03-11",
            "days": 1,
            "day_start": "19:00",
            "day_end": "07:00",
        },
    )
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()


def test_the_network_home_shows_what_is_coming_next(world):
    page = world.client_for("kim").get("/n/vln/").content.decode()
    assert "Coming next" in page and "Reaching the second 95" in page


def test_editing_a_meeting_in_the_admin_raises_its_calendar_sequence(world):
    client = world.client_for("carla")
    page = client.get(f"/admin/meetings/meeting/{world.meeting.pk}/change/")
    assert page.status_code == 200
    from qicop.meetings.admin import MeetingAdmin

    admin = MeetingAdmin(Meeting, None)
    request = type("R", (), {"user": world.carla.user})()
    world.meeting.title = "Reaching the second 95 (moved)"
    admin.save_model(request, world.meeting, form=None, change=True)
    world.meeting.refresh_from_db()
    assert world.meeting.sequence == 1


def test_the_demo_has_a_full_series_an_upcoming_session_and_three_all_country_meetings(demo):
    held = Meeting.objects.filter(network__slug="virtual", kind="virtual", status="held")
    assert held.count() == 7
    assert held.order_by("start").first().start.year == 2016
    assert Meeting.objects.filter(network__slug="virtual", status="confirmed").count() == 1
    years = Meeting.objects.filter(network__slug="all-country").values_list("start__year", flat=True)
    assert sorted(years) == [2010, 2011, 2012]
    client = Client()
    assert client.login(username="focal.ke@example.org", password="demo")
    upcoming = Meeting.objects.get(status="confirmed")
    page = client.get(f"/n/virtual/meetings/{upcoming.pk}/").content.decode()
    assert "zoom.example.org" in page  # the demo registers Kenya's focal point


def test_a_full_meeting_says_so_instead_of_offering_registration(world):
    world.meeting.capacity = 1
    world.meeting.save()
    world.client_for("kim").post(f"/n/vln/meetings/{world.meeting.pk}/register/", {"attending": "yes"})
    client = world.client_for("henri")
    response = client.post(f"/n/vln/meetings/{world.meeting.pk}/register/", {"attending": "yes"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This meeting is full" in page
    assert 'value="yes"' not in page
    assert not Registration.objects.filter(member=world.henri).exists()


def test_the_organiser_is_a_plain_address_when_the_meeting_has_no_creator(world, settings):
    import icalendar

    settings.DEFAULT_FROM_EMAIL = "qicop <noreply@example.org>"
    data = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/meeting.ics").content
    event = icalendar.Calendar.from_ical(data).walk("VEVENT")[0]
    assert str(event["ORGANIZER"]) == "mailto:noreply@example.org"


def test_coordinators_find_planning_links_on_the_meetings_list(world):
    coordinator = world.client_for("carla").get("/n/vln/meetings/").content.decode()
    member = world.client_for("kim").get("/n/vln/meetings/").content.decode()
    assert "/n/vln/meetings/new/" in coordinator and "/n/vln/meetings/topics/" in coordinator
    assert "/n/vln/meetings/new/" not in member
    assert "/n/vln/proceedings/" in member and "/n/vln/meetings/statistics/" in member
