"""Registration capacity: a full meeting refuses registrations; declining frees a seat."""

import pytest
from django.core.exceptions import PermissionDenied

from qicop.meetings import services
from qicop.meetings.models import Meeting, Registration


@pytest.fixture
def two_seats(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(capacity=2)
    world.meeting.refresh_from_db()
    return world.meeting


def register(world, persona, attending=True):
    return services.register(actor=getattr(world, persona).user, meeting=world.meeting, attending=attending)


def page(world, persona):
    return world.client_for(persona).get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()


def test_registration_is_refused_once_every_seat_is_taken(world, two_seats):
    register(world, "kim")
    register(world, "henri")
    with pytest.raises(services.MeetingFull, match="all 2 seats are taken"):
        register(world, "dan")
    assert not Registration.objects.filter(member=world.dan).exists()


def test_a_full_meeting_is_refused_through_the_register_page_too(world, two_seats):
    register(world, "kim")
    register(world, "henri")
    response = world.client_for("dan").post(
        f"/n/vln/meetings/{world.meeting.pk}/register/", {"attending": "yes"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"/meetings/{world.meeting.pk}/")
    assert "This meeting is full" in response.content.decode()
    assert Registration.objects.filter(status="registered").count() == 2


def test_declining_frees_a_seat(world, two_seats):
    register(world, "kim")
    register(world, "henri")
    register(world, "kim", attending=False)
    register(world, "dan")
    assert set(
        Registration.objects.filter(status="registered").values_list("member__full_name", flat=True)
    ) == {"Henri Haïtien", "Dan Data"}


def test_a_registered_member_keeps_the_seat_when_registering_again(world, two_seats):
    register(world, "kim")
    register(world, "henri")
    register(world, "kim")
    assert Registration.objects.filter(status="registered").count() == 2


def test_anyone_may_decline_a_full_meeting(world, two_seats):
    register(world, "kim")
    register(world, "henri")
    register(world, "dan", attending=False)
    assert Registration.objects.get(member=world.dan).status == "declined"


def test_without_a_capacity_there_is_no_limit(world):
    for persona in ("carla", "faith", "dan", "kim", "henri"):
        register(world, persona)
    assert Registration.objects.filter(status="registered").count() == 5


def test_the_meeting_page_counts_the_seats_and_says_when_the_meeting_is_full(world, two_seats):
    register(world, "kim")
    assert "1 of 2 seats taken" in page(world, "henri")
    assert "This meeting is full" not in page(world, "henri")
    register(world, "henri")
    text = page(world, "dan")
    assert "2 of 2 seats taken" in text and "This meeting is full" in text


def test_the_service_locks_the_meeting_row_before_counting(world, two_seats, monkeypatch):
    # Race safety: the capacity is read through SELECT ... FOR UPDATE on the meeting row.
    from django.db.models import QuerySet

    locked = []
    original = QuerySet.select_for_update

    def spy(self, *args, **kwargs):
        locked.append(self.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", spy)
    register(world, "kim")
    assert locked[0] is Meeting  # before update_or_create locks the registration


def test_observers_still_cannot_register_for_a_meeting_with_seats(world, two_seats):
    with pytest.raises(PermissionDenied):
        register(world, "olga")
