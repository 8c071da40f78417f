"""After a meeting: coordinators send the minutes, materials, decisions and actions to those who registered
or attended. And the meeting page's mail panel."""

from datetime import date

from django.core import mail as outbox

from qicop.meetings.mail import views as views_mail
from qicop.meetings.models import (
    ActionItem,
    Attendance,
    Decision,
    MailOptOut,
    Material,
    Meeting,
    Registration,
)
from qicop.network.permissions import viewer_for


def follow_up_url(world):
    return f"/n/vln/meetings/{world.meeting.pk}/mail/follow-up/"


def to(member):
    return [m for m in outbox.outbox if m.to == [member.user.email]]


def held_with_minutes(world) -> Meeting:
    Meeting.objects.filter(pk=world.meeting.pk).update(
        minutes="**Kenya** presented its *retention* work.<script>alert(1)</script>", status="held"
    )
    Registration.objects.create(meeting=world.meeting, member=world.kim, status="registered")
    Attendance.objects.create(
        meeting=world.meeting, member=world.henri, name="Henri", source="zoom", minutes=80
    )
    Decision.objects.create(meeting=world.meeting, text="Share the retention toolkit")
    ActionItem.objects.create(
        meeting=world.meeting, description="Send the toolkit", owner=world.faith, due=date(2030, 4, 1)
    )
    Material.objects.create(
        meeting=world.meeting, title="Kenya slides", kind="link", url="https://example.org/slides"
    )
    return Meeting.objects.get(pk=world.meeting.pk)


def test_the_follow_up_goes_to_those_who_registered_or_attended(world):
    meeting = held_with_minutes(world)
    response = world.client_for("carla").post(follow_up_url(world))
    assert response.status_code == 302
    assert sorted(m.to[0] for m in outbox.outbox) == ["henri@example.org", "kim@example.org"]
    (message,) = to(world.kim)
    assert message.subject == "Minutes and materials: Reaching the second 95"
    assert "Share the retention toolkit" in message.body
    assert "Send the toolkit — Faith Focal, due Apr 1, 2030" in message.body
    material = Material.objects.get()
    assert f"Kenya slides: http://127.0.0.1:8000/n/vln/meetings/{meeting.pk}/materials/{material.pk}/" in (
        message.body
    )
    html = message.alternatives[0].content
    assert "<strong>Kenya</strong> presented its <em>retention</em> work." in html
    assert "<script>" not in html
    url = message.extra_headers["List-Unsubscribe"]
    assert "/meetings/unsubscribe/" in url


def test_the_follow_up_is_in_the_recipients_language(world):
    held_with_minutes(world)
    world.client_for("carla").post(follow_up_url(world))
    (message,) = to(world.henri)  # Haiti: French
    assert "1 avr. 2030" in message.body and "10 mars 2030" in message.body


def test_pressing_twice_sends_the_follow_up_once_and_latecomers_get_theirs(world):
    held_with_minutes(world)
    client = world.client_for("carla")
    client.post(follow_up_url(world))
    client.post(follow_up_url(world))
    assert len(outbox.outbox) == 2
    Attendance.objects.create(meeting=world.meeting, member=world.dan, name="Dan", source="teams", minutes=30)
    client.post(follow_up_url(world))
    assert len(outbox.outbox) == 3 and len(to(world.dan)) == 1


def test_no_follow_up_without_minutes_nor_to_the_opted_out(world):
    client = world.client_for("carla")
    Registration.objects.create(meeting=world.meeting, member=world.kim, status="registered")
    response = client.post(follow_up_url(world), follow=True)
    assert "Write the minutes first" in response.content.decode()
    assert not outbox.outbox
    Meeting.objects.filter(pk=world.meeting.pk).update(minutes="Notes")
    MailOptOut.objects.create(member=world.kim, kind="follow_ups")
    client.post(follow_up_url(world))
    assert not outbox.outbox


def test_only_coordinators_send_the_follow_up(world):
    held_with_minutes(world)
    assert world.client_for("kim").post(follow_up_url(world)).status_code == 403
    assert world.client_for("olga").post(follow_up_url(world)).status_code == 403
    assert not outbox.outbox


def test_the_coordinator_sees_what_went_out_and_the_buttons(world):
    client = world.client_for("carla")
    page = client.get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "No invitation sent yet." in page and "Send invitations" in page
    assert "Send the minutes and materials" not in page  # no minutes yet
    client.post(f"/n/vln/meetings/{world.meeting.pk}/mail/invitations/")
    page = client.get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "Invitation sent to 5 members" in page
    # Carla reads times in Bangkok: the 1-day reminder goes out on 9 March at 20:00 there.
    assert "Reminders to registered members" in page and "(1d)" in page and "(7d)" in page
    assert "Mar 9, 2030, 8:00 PM (1d)" in page.replace("\u202f", " ")


def test_members_see_only_the_link_to_their_mail_preferences(world):
    page = world.client_for("kim").get(f"/n/vln/meetings/{world.meeting.pk}/").content.decode()
    assert "Send invitations" not in page and "Invitation sent" not in page
    assert "/n/vln/meetings/mail-preferences/" in page


def test_the_panel_asks_the_database_at_most_twice(world, rf, django_assert_max_num_queries):
    viewer = viewer_for(world.carla.user)
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    with django_assert_max_num_queries(2):
        panel = views_mail.detail_panel(rf.get("/"), viewer, world.network, meeting)
    assert panel["manage"] and panel["can_invite"]


def test_the_follow_up_links_the_evaluation_survey_once_it_is_open(world):
    from datetime import timedelta

    from django.utils import timezone

    held_with_minutes(world)
    started = timezone.now() - timedelta(days=1)
    Meeting.objects.filter(pk=world.meeting.pk).update(start=started, end=started + timedelta(hours=2))
    world.client_for("carla").post(follow_up_url(world))
    from django.conf import settings

    survey = f"{settings.BASE_URL}/n/vln/meetings/{world.meeting.pk}/evaluation/"  # absolute: it is a mail
    (message,) = to(world.kim)
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert f"evaluation survey: {survey}" in message.body
    assert f'href="{survey}"' in html


def test_no_survey_link_before_the_meeting_started(world):
    held_with_minutes(world)  # the meeting is in 2030: its survey is not open yet
    world.client_for("carla").post(follow_up_url(world))
    (message,) = to(world.kim)
    assert "/evaluation/" not in message.body


def test_an_actions_country_is_in_the_follow_up(world):
    held_with_minutes(world)
    ActionItem.objects.create(meeting=world.meeting, description="Map the clinics", country=world.haiti)
    world.client_for("carla").post(follow_up_url(world))
    (message,) = to(world.kim)
    assert f"Map the clinics ({world.haiti.display_name})" in message.body
