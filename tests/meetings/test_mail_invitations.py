"""Invitations by e-mail: per recipient, in their language and zone, with an iMIP calendar that real clients
accept; an edit sends one update (same UID, higher SEQUENCE), a cancellation sends METHOD:CANCEL."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from django.core import mail as outbox

from qicop.meetings.mail import sending as mail
from qicop.meetings.mail import triggers, unsubscribe
from qicop.meetings.models import MailOptOut, Meeting, Registration, SentMail

PAST = datetime(2020, 3, 10, 13, tzinfo=UTC)


def plain(text: str) -> str:
    """CLDR's narrow and thin spaces (before AM/PM, around an interval's dash) as plain spaces."""
    return text.replace("\u202f", " ").replace("\u2009", " ")


def send_invitations(world):
    return world.client_for("carla").post(f"/n/vln/meetings/{world.meeting.pk}/mail/invitations/")


def to(member):
    return [m for m in outbox.outbox if m.to == [member.user.email]]


def calendar_part(message) -> tuple[str, icalendar.Calendar]:
    (content, mimetype) = next((c, t) for c, t in message.alternatives if t.startswith("text/calendar"))
    return mimetype, icalendar.Calendar.from_ical(content)


def event_of(message) -> icalendar.Event:
    _mimetype, calendar = calendar_part(message)
    (event,) = calendar.walk("VEVENT")
    return event


@pytest.fixture
def french_henri(world):
    user = world.henri.user
    user.language, user.time_zone = "fr", "America/Port-au-Prince"
    user.save()
    return world.henri


def test_a_coordinator_sends_invitations_to_the_participants_of_the_meetings_countries(world):
    response = send_invitations(world)
    assert response.status_code == 302
    recipients = sorted(m.to[0] for m in outbox.outbox)
    # Kenya, Haiti and Thailand take part; Olga observes from Namibia and gets nothing.
    assert recipients == [
        "carla@example.org",
        "dan@example.org",
        "faith@example.org",
        "henri@example.org",
        "kim@example.org",
    ]
    assert SentMail.objects.filter(key=f"invitation:{world.meeting.pk}:0").count() == 5


def test_a_meeting_without_countries_invites_the_whole_network_but_not_its_observers(world):
    world.meeting.countries.clear()
    send_invitations(world)
    assert len(outbox.outbox) == 5
    assert not to(world.olga)


def test_a_french_speaking_member_gets_the_invitation_in_french_with_times_in_their_zone(world, french_henri):
    send_invitations(world)
    (message,) = to(french_henri)
    assert message.extra_headers["Content-Language"] == "fr"
    # 13:00 UTC on Sunday 10 March 2030 is 09:00 in Port-au-Prince (daylight time began that night),
    # 16:00 for the organiser in Nairobi. Each zone by its city and its offset on that day (UTC−4 in
    # Port-au-Prince from that night on, not the winter's UTC−5).
    body = plain(message.body)
    assert "dim. 10 mars 2030, 09:00 – 10:30 (Port-au-Prince, UTC\u22124)" in body
    assert "dim. 10 mars 2030, 16:00 – 17:30 (Nairobi, UTC+3)" in body
    html = plain({t: c for c, t in message.alternatives}["text/html"])
    assert 'lang="fr"' in html and "09:00 – 10:30 (Port-au-Prince, UTC\u22124)" in html
    assert "10 mars 2030" in message.subject
    # Kim reads English, in Nairobi: the organiser's zone, so no second time.
    (kims,) = to(world.kim)
    assert "Sun, Mar 10, 2030, 4:00 – 5:30 PM (Nairobi, UTC+3)" in plain(kims.body)
    assert "Africa/" not in kims.body and "America/" not in body
    assert "Organiser" not in kims.body


def test_a_member_who_follows_the_browser_gets_mail_in_their_countrys_language(world):
    send_invitations(world)
    (message,) = to(world.henri)  # Haiti's language is French; Henri chose none
    assert message.extra_headers["Content-Language"] == "fr"
    assert "mars 2030" in message.body


def test_the_invitation_carries_an_imip_request_that_calendar_clients_accept(world):
    send_invitations(world)
    (message,) = to(world.kim)
    mimetype, calendar = calendar_part(message)
    assert mimetype == "text/calendar; method=REQUEST"
    assert calendar["METHOD"] == "REQUEST"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Africa/Nairobi"]
    event = event_of(message)
    assert str(event["UID"]) == f"{world.meeting.uid}@qicop"
    assert event["SEQUENCE"] == 0
    assert event.decoded("DTSTART") == world.meeting.start
    assert event["DTSTART"].params["TZID"] == "Africa/Nairobi"
    assert str(event["ORGANIZER"]) == "mailto:noreply@localhost"  # a bare address, not "qicop <…>"
    # The recipient alone is the attendee: nobody learns the others' addresses.
    assert str(event["ATTENDEE"]) == "mailto:kim@example.org"
    (attachment,) = message.attachments
    assert attachment[0] == "invite.ics" and b"METHOD:REQUEST" in attachment[1]


def test_the_join_link_goes_only_to_registered_members(world):
    Registration.objects.create(meeting=world.meeting, member=world.kim, status="registered")
    send_invitations(world)
    (kims,) = to(world.kim)
    (henris,) = to(world.henri)
    assert "zoom.example.org" in kims.body and "zoom.example.org" in str(event_of(kims)["DESCRIPTION"])
    assert "zoom.example.org" not in henris.body
    assert "zoom.example.org" not in henris.alternatives[1].content
    assert f"/n/vln/meetings/{world.meeting.pk}/" in str(event_of(henris)["URL"])


def test_pressing_send_twice_sends_each_member_one_invitation(world):
    send_invitations(world)
    send_invitations(world)
    assert len(to(world.kim)) == 1
    assert len(outbox.outbox) == 5


def test_a_member_who_opted_out_of_invitations_gets_none(world):
    MailOptOut.objects.create(member=world.kim, kind="invitations")
    MailOptOut.objects.create(member=world.dan, kind="all")
    MailOptOut.objects.create(member=world.faith, kind="reminders")
    send_invitations(world)
    assert not to(world.kim) and not to(world.dan)
    assert to(world.faith)


def test_every_invitation_has_its_own_one_click_unsubscribe_link(world):
    send_invitations(world)
    (message,) = to(world.kim)
    header = message.extra_headers["List-Unsubscribe"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in message.body
    assert unsubscribe.read_unsubscribe_token(url.rsplit("/", 2)[1]) == (world.kim.pk, "invitations")


def test_only_coordinators_send_invitations(world):
    response = world.client_for("faith").post(f"/n/vln/meetings/{world.meeting.pk}/mail/invitations/")
    assert response.status_code == 403
    assert not outbox.outbox


def test_no_invitations_for_a_cancelled_or_past_meeting(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(status="cancelled")
    client = world.client_for("carla")
    response = client.post(f"/n/vln/meetings/{world.meeting.pk}/mail/invitations/", follow=True)
    assert "This meeting is cancelled: no invitations are sent for it." in response.content.decode()
    Meeting.objects.filter(pk=world.meeting.pk).update(
        status="held", start=PAST, end=PAST + timedelta(hours=1)
    )
    response = client.post(f"/n/vln/meetings/{world.meeting.pk}/mail/invitations/", follow=True)
    assert "This meeting is over" in response.content.decode()
    assert not outbox.outbox


def test_an_edit_after_the_invitations_sends_one_update_with_the_same_uid_and_a_higher_sequence(
    world, french_henri
):
    send_invitations(world)
    first = event_of(to(world.kim)[0])
    outbox.outbox.clear()
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    meeting.start += timedelta(hours=1)
    meeting.end += timedelta(hours=1)
    meeting.save()
    triggers.meeting_changed(meeting)
    triggers.meeting_changed(meeting)  # called twice for one change: still one update each
    assert len(outbox.outbox) == 5
    (message,) = to(world.kim)
    update = event_of(message)
    assert str(update["UID"]) == str(first["UID"])
    assert update["SEQUENCE"] == 1
    assert update.decoded("DTSTART") == meeting.start
    assert calendar_part(message)[1]["METHOD"] == "REQUEST"
    assert message.subject.startswith("Updated:")
    (henris,) = to(french_henri)
    assert "10:00 – 11:30 (Port-au-Prince, UTC\u22124)" in plain(henris.body)


def test_an_editor_that_raised_the_sequence_itself_is_not_raised_again(world):
    send_invitations(world)
    outbox.outbox.clear()
    Meeting.objects.filter(pk=world.meeting.pk).update(sequence=1, title="Reaching the second 95 (moved)")
    triggers.meeting_changed(Meeting.objects.get(pk=world.meeting.pk))
    assert Meeting.objects.get(pk=world.meeting.pk).sequence == 1
    assert event_of(to(world.kim)[0])["SEQUENCE"] == 1


def test_a_change_before_any_invitation_sends_nothing(world):
    triggers.meeting_changed(world.meeting)
    assert not outbox.outbox
    assert Meeting.objects.get(pk=world.meeting.pk).sequence == 0


def test_members_who_joined_later_get_the_current_version_on_the_next_press(world):
    send_invitations(world)
    Meeting.objects.filter(pk=world.meeting.pk).update(sequence=3)
    world.meeting.countries.add(world.namibia)
    from personas import make_member

    newcomer = make_member(
        "nia@example.org", "Nia New", world.namibia, network=world.network, roles=["member"]
    )
    outbox.outbox.clear()
    send_invitations(world)
    assert [m.to for m in outbox.outbox] == [["nia@example.org"]]
    assert event_of(outbox.outbox[0])["SEQUENCE"] == 3
    assert SentMail.objects.filter(member=newcomer, key=f"invitation:{world.meeting.pk}:3").exists()


def test_a_cancellation_is_sent_as_method_cancel_to_everyone_invited(world):
    send_invitations(world)
    outbox.outbox.clear()
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    meeting.status = "cancelled"
    meeting.save()
    triggers.meeting_changed(meeting, cancelled=True)
    assert len(outbox.outbox) == 5
    (message,) = to(world.kim)
    mimetype, calendar = calendar_part(message)
    assert mimetype == "text/calendar; method=CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    assert str(event["UID"]) == f"{world.meeting.uid}@qicop"
    assert message.subject.startswith("Cancelled:")
    triggers.meeting_changed(meeting, cancelled=True)
    assert len(outbox.outbox) == 5  # told twice, sent once


def test_the_planning_services_edits_and_cancellation_reach_the_invited_as_one_event(world):
    from qicop.meetings.agenda import services as agenda

    send_invitations(world)
    outbox.outbox.clear()
    carla = world.carla.user
    meeting = Meeting.objects.get(pk=world.meeting.pk)
    agenda.update_meeting(
        actor=carla,
        meeting=meeting,
        start=meeting.start + timedelta(days=1),
        end=meeting.end + timedelta(days=1),
    )
    assert [event_of(m)["SEQUENCE"] for m in to(world.kim)] == [1]
    agenda.cancel_meeting(actor=carla, meeting=Meeting.objects.get(pk=world.meeting.pk))
    kims = to(world.kim)
    assert len(kims) == 2
    assert calendar_part(kims[1])[1]["METHOD"] == "CANCEL" and event_of(kims[1])["SEQUENCE"] == 2
    assert {str(event_of(m)["UID"]) for m in kims} == {f"{world.meeting.uid}@qicop"}


def test_a_failed_delivery_is_retried_and_what_went_is_not_sent_again(world, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    real_send = EmailBackend.send_messages

    def flaky(self, messages):
        if messages[0].to == ["henri@example.org"]:
            raise OSError("mailbox unavailable")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    assert mail.send_invitations(world.meeting.pk) == 4
    assert not SentMail.objects.filter(member=world.henri).exists()
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert mail.send_invitations(world.meeting.pk) == 1
    assert len(outbox.outbox) == 5 and len(to(world.henri)) == 1


def test_rendering_asks_the_database_nothing_per_recipient_beyond_the_sent_record(
    world, django_assert_max_num_queries
):
    # Four reads for the batch, then per recipient: lock the meeting row to check its version, and claim
    # the SentMail row (savepoints, select, insert).
    with django_assert_max_num_queries(4 + 7 * 5):
        assert mail.send_invitations(world.meeting.pk) == 5


def test_an_edit_saved_while_the_invitations_go_out_reaches_everyone_in_its_current_version(
    world, monkeypatch
):
    """A coordinator fixes the time while the batch is half-way: nobody is left with the old time."""
    from qicop.meetings import calendars

    real_ics = calendars.invitation_ics
    moved = world.meeting.start + timedelta(hours=2)

    def edited_after_the_first_mail(meeting, **kwargs):
        calendar = real_ics(meeting, **kwargs)
        # The edit commits between two mails of the batch (as another request or worker would).
        Meeting.objects.filter(pk=meeting.pk, sequence=0).update(
            sequence=1, start=moved, end=moved + timedelta(minutes=90)
        )
        return calendar

    monkeypatch.setattr(calendars, "invitation_ics", edited_after_the_first_mail)
    mail.send_invitations(world.meeting.pk)
    for member in (world.carla, world.faith, world.dan, world.kim, world.henri):
        latest = event_of(to(member)[-1])
        assert latest["SEQUENCE"] == 1, member.full_name
        assert latest.decoded("DTSTART") == moved
    assert len(to(world.kim)) == 1  # not reached before the edit: the current version only


def test_an_in_person_meeting_over_several_days_is_written_on_the_venues_clock(world, french_henri):
    # Three days in Nairobi, 09:00 on Sunday 10 March to 17:00 on Tuesday 12 March (06:00 and 14:00 UTC).
    Meeting.objects.filter(pk=world.meeting.pk).update(
        kind="in_person",
        start=datetime(2030, 3, 10, 6, tzinfo=UTC),
        end=datetime(2030, 3, 12, 14, tzinfo=UTC),
    )
    mail.send_invitations(world.meeting.pk)
    (kims,) = to(world.kim)
    venue = "Sun, Mar 10 – Tue, Mar 12, 2030, each day 9:00 AM – 5:00 PM (Nairobi, UTC+3, the venue's time)"
    assert venue in plain(kims.body)
    html = plain({t: c for c, t in kims.alternatives}["text/html"])
    assert venue in html
    # Henri, in Port-au-Prince, reads the venue's hours too: he travels to Nairobi for it.
    (henris,) = to(french_henri)
    assert "dim. 10 – mar. 12 mars 2030" in plain(henris.body) and "09:00 – 17:00" in plain(henris.body)
    assert "America/Port-au-Prince" not in henris.body


def test_a_session_that_ends_after_midnight_for_the_reader_says_so(world):
    # 20:00–21:30 UTC is 23:00–00:30 in Nairobi: Kim's session ends on Monday.
    Meeting.objects.filter(pk=world.meeting.pk).update(
        start=datetime(2030, 3, 10, 20, tzinfo=UTC), end=datetime(2030, 3, 10, 21, 30, tzinfo=UTC)
    )
    mail.send_invitations(world.meeting.pk)
    (kims,) = to(world.kim)
    assert "Sun, Mar 10, 2030, 11:00 PM – Mon, Mar 11, 2030, 12:30 AM (Nairobi, UTC+3)" in plain(kims.body)


def test_subjects_and_plain_text_carry_the_title_as_written_and_the_html_escapes_it(world):
    Meeting.objects.filter(pk=world.meeting.pk).update(title='Q&A: "children\'s" care <2 years')
    mail.send_invitations(world.meeting.pk)
    (kims,) = to(world.kim)
    assert kims.subject == 'Invitation: Q&A: "children\'s" care <2 years, Mar 10, 2030'
    assert 'Q&A: "children\'s" care <2 years' in kims.body
    html = {t: c for c, t in kims.alternatives}["text/html"]
    assert "Q&amp;A: &quot;children&#x27;s&quot; care &lt;2 years" in html and "<2 years" not in html
