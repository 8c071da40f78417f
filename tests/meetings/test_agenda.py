"""The agenda: coordinators add, edit and remove items typed in the organiser's zone; overlaps and items
outside the meeting are flagged, not refused; the meeting page shows the agenda in the viewer's zone."""

from datetime import UTC, datetime, timedelta

from django.template.loader import render_to_string
from django.test import RequestFactory

from qicop.meetings.agenda import selectors
from qicop.meetings.agenda import views as views_agenda
from qicop.meetings.models import AgendaItem, Meeting
from qicop.network.permissions import viewer_for


def agenda_url(world, item=None):
    base = f"/n/vln/meetings/{world.meeting.pk}/agenda/"
    return f"{base}{item.pk}/" if item else base


def item_data(**overrides):
    # The meeting runs 16:00–17:30 in Nairobi (13:00–14:30 UTC).
    data = {"start": "2030-03-10T16:00", "end": "2030-03-10T16:20", "kind": "opening", "title": "Welcome"}
    data.update(overrides)
    return data


def add(world, **overrides):
    return world.client_for("carla").post(agenda_url(world), item_data(**overrides), follow=True)


def detail(world, persona):
    return world.client_for(persona).get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()


def test_an_item_is_typed_in_the_organisers_zone_with_its_people(world):
    response = add(
        world,
        kind="panel",
        title="Panel: keeping people in care",
        country=world.kenya.pk,
        presenters=[world.faith.pk],
        panellists=[world.kim.pk, world.henri.pk],
        moderator=world.carla.pk,
        speakers="Dr A. Expert (WHO)",
        description="Three countries, one question.",
    )
    assert response.status_code == 200 and "Saved." in response.content.decode()
    item = AgendaItem.objects.get()
    assert item.start == datetime(2030, 3, 10, 13, 0, tzinfo=UTC)
    assert item.end == datetime(2030, 3, 10, 13, 20, tzinfo=UTC)
    assert list(item.presenters.all()) == [world.faith]
    assert set(item.panellists.all()) == {world.kim, world.henri}
    assert item.moderator == world.carla and item.speakers == "Dr A. Expert (WHO)"
    assert item.country == world.kenya


def test_the_meeting_page_shows_the_agenda_in_the_viewers_zone_with_everyone_named(world):
    add(
        world,
        kind="panel",
        title="Panel: keeping people in care",
        panellists=[world.kim.pk],
        moderator=world.carla.pk,
        speakers="Dr A. Expert (WHO)",
        description="Three countries, one question.",
    )
    page = detail(world, "henri").replace("\u202f", " ").replace("\u2009", " ")  # Haiti: 13:00 UTC is 09:00
    assert "9:00 – 9:20 AM" in page and "Panel: keeping people in care" in page
    assert "Panellists: Kim Member" in page and "Moderator: Carla Coordinator" in page
    assert "Speakers: Dr A. Expert (WHO)" in page and "Three countries, one question." in page
    assert "4:00 – 4:20 PM" in detail(world, "kim").replace("\u202f", " ").replace("\u2009", " ")  # Kenya


def test_a_meeting_over_several_days_shows_each_items_date(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(end=world.meeting.start + timedelta(days=2))
    add(world, title="Day two opening", start="2030-03-11T09:00", end="2030-03-11T10:00")
    page = detail(world, "kim").replace("\u202f", " ").replace("\u2009", " ")
    assert "Mon, Mar 11, 9:00 – 10:00 AM" in page


def test_overlapping_items_are_saved_but_flagged_on_both_pages(world):
    add(world, kind="breakout", title="Breakout: adherence", end="2030-03-10T16:45")
    response = add(
        world, kind="breakout", title="Breakout: retention", start="2030-03-10T16:30", end="2030-03-10T17:00"
    )
    assert AgendaItem.objects.count() == 2
    page = response.content.decode()
    assert "Saved, but check its time" in page
    assert "Overlaps “Breakout: adherence”" in page and "Overlaps “Breakout: retention”" in page
    assert "Overlaps “Breakout: adherence”" in detail(world, "carla")
    assert "Overlaps" in detail(world, "kim")


def test_an_item_outside_the_meeting_is_flagged(world):
    add(world, title="After hours", start="2030-03-10T17:30", end="2030-03-10T18:00")
    page = world.client_for("carla").get(agenda_url(world)).content.decode()
    assert "Outside the meeting&#x27;s time." in page or "Outside the meeting's time." in page


def test_items_that_only_touch_do_not_overlap(world):
    add(world, title="First", end="2030-03-10T16:20")
    add(world, title="Second", start="2030-03-10T16:20", end="2030-03-10T16:40")
    assert "Overlaps" not in world.client_for("carla").get(agenda_url(world)).content.decode()


def test_an_item_ending_before_it_starts_is_refused_with_what_was_typed(world):
    response = world.client_for("carla").post(
        agenda_url(world), item_data(title="Backwards", end="2030-03-10T15:00")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The item must end after it starts." in page and 'value="Backwards"' in page
    assert not AgendaItem.objects.exists()


def test_people_outside_the_network_cannot_be_named(world):
    from personas import make_member

    stranger = make_member("x@example.org", "Stranger", world.kenya)
    response = world.client_for("carla").post(agenda_url(world), item_data(presenters=[stranger.pk]))
    assert response.status_code == 400
    assert not AgendaItem.objects.exists()


def test_an_item_is_edited_and_removed(world):
    add(world, title="Welcome")
    item = AgendaItem.objects.get()
    client = world.client_for("carla")
    page = client.get(agenda_url(world, item)).content.decode()
    assert 'value="2030-03-10T16:00"' in page
    client.post(agenda_url(world, item), item_data(title="Welcome and introductions", kind="opening"))
    item.refresh_from_db()
    assert item.title == "Welcome and introductions"
    client.post(agenda_url(world, item) + "delete/")
    assert not AgendaItem.objects.exists()


def test_only_coordinators_change_the_agenda(world):
    add(world, title="Welcome")
    item = AgendaItem.objects.get()
    for persona in ("faith", "kim"):
        client = world.client_for(persona)
        assert client.post(agenda_url(world), item_data(title="Mine")).status_code == 403
        assert client.post(agenda_url(world, item) + "delete/").status_code == 403
    assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Welcome"]


def test_the_member_picker_is_capped_but_keeps_the_people_already_chosen(world, monkeypatch):
    monkeypatch.setattr(selectors, "MEMBER_PICKER_LIMIT", 2)
    add(world, presenters=[world.olga.pk])  # Namibia sorts after Haiti and Kenya
    members = selectors.members_for_picker(world.network, include=[world.olga])
    assert len(members) == 3 and members[-1] == world.olga


def test_coordinators_see_the_planning_links_and_members_do_not(world):
    assert "Edit the agenda" in detail(world, "carla")
    page = detail(world, "kim")
    assert "Edit the agenda" not in page and "Cancel the meeting" not in page


def test_the_panel_and_the_editing_page_take_the_same_few_queries_however_long_the_agenda(
    world, django_assert_max_num_queries
):
    start = world.meeting.start
    for n in range(30):
        item = AgendaItem.objects.create(
            meeting=world.meeting,
            start=start + timedelta(minutes=3 * n),
            end=start + timedelta(minutes=3 * n + 5),
            kind="discussion",
            title=f"Item {n}",
            country=world.kenya,
            moderator=world.carla,
        )
        item.presenters.set([world.faith, world.kim])
        item.panellists.set([world.henri])
    request = RequestFactory().get("/")
    request.user = world.carla.user
    viewer = viewer_for(world.carla.user)
    with django_assert_max_num_queries(7):
        panel = views_agenda.detail_panel(request, viewer, world.network, world.meeting)
        html = render_to_string(
            "meetings/_panel_agenda.html",
            {"panel": panel, "meeting": world.meeting, "network": world.network},
        )
    assert html.count("Overlaps") >= 30
    client = world.client_for("carla")
    client.get(agenda_url(world))
    with django_assert_max_num_queries(16):
        assert client.get(agenda_url(world)).status_code == 200
