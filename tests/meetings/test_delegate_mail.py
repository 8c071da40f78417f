"""The delegates of an in-person meeting get its invitation and its reminders, once each: delegates who are
members as members, the others at the address their focal point gave — in their country's language and
zone, with an unsubscribe link that works without an account."""

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qicop.meetings import delegations, mail
from qicop.meetings.models import Delegate, MailOptOut, Meeting, SentMail

WANJIRU = "wanjiru.kamau@health.go.ke"
JEAN = "jean.pierre@mspp.gouv.ht"


@pytest.fixture
def summit(world) -> Meeting:
    """An all-country meeting starting in 20 hours (the 1-day reminder is due), Kenya and Haiti taking
    part, with Kim (a member) and two people who are not members in the delegations."""
    start = timezone.now().replace(microsecond=0) + timedelta(hours=20)
    meeting = Meeting.objects.create(
        network=world.network,
        title="All-country meeting",
        kind=Meeting.Kind.IN_PERSON,
        start=start,
        end=start + timedelta(days=2),
        time_zone="Africa/Nairobi",
        city="Nairobi",
        host_country=world.kenya,
    )
    meeting.countries.set([world.kenya, world.haiti])
    Delegate.objects.create(
        meeting=meeting, country=world.kenya, member=world.kim, full_name="Kim Member", affiliation="moh"
    )
    Delegate.objects.create(
        meeting=meeting, country=world.kenya, full_name="Wanjiru Kamau", email=WANJIRU, affiliation="moh"
    )
    Delegate.objects.create(
        meeting=meeting, country=world.haiti, full_name="Jean Pierre", email=JEAN, affiliation="cdc"
    )
    return meeting


def to(address):
    return [m for m in outbox.outbox if m.to == [address]]


def reminders_to(address):
    return [m for m in to(address) if "reminder" in m.subject.lower() or "rappel" in m.subject.lower()]


def run_command() -> str:
    out = StringIO()
    call_command("send_meeting_mail", stdout=out)
    return out.getvalue()


def test_delegates_who_are_not_members_get_the_invitation_once(world, summit):
    carla = world.client_for("carla")
    carla.post(f"/n/vln/meetings/{summit.pk}/mail/invitations/")
    carla.post(f"/n/vln/meetings/{summit.pk}/mail/invitations/")
    assert len(to(WANJIRU)) == 1 and len(to(JEAN)) == 1
    (message,) = to(WANJIRU)
    assert "Dear Wanjiru Kamau" in message.body and "as a delegate of Kenya" in message.body
    assert any(t.startswith("text/calendar") for _c, t in message.alternatives)
    assert SentMail.objects.filter(key=f"invitation:{summit.pk}:0", member=None).count() == 2
    panel = carla.get(f"/n/vln/meetings/{summit.pk}/").content.decode()
    assert "Also sent to 2 delegates who are not members." in panel


def test_a_delegate_who_is_not_a_member_reads_the_countrys_language_and_zone(world, summit):
    mail.send_invitations(summit.pk)
    (message,) = to(JEAN)
    assert message.extra_headers["Content-Language"] == "fr"
    local = summit.start.astimezone(ZoneInfo("America/Port-au-Prince"))
    assert f"{local:%H:%M}" in message.body and "(America/Port-au-Prince)" in message.body
    # no preferences page and no meeting page: both need an account
    assert "mail-preferences" not in message.body
    assert f"/meetings/{summit.pk}/" not in message.body


def test_a_member_delegate_is_invited_with_the_join_link_like_a_registered_member(world, summit):
    Meeting.objects.filter(pk=summit.pk).update(kind=Meeting.Kind.HYBRID, join_url="https://zoom.example/j/1")
    mail.send_invitations(summit.pk)
    (message,) = to(world.kim.user.email)
    assert "https://zoom.example/j/1" in message.body


def test_delegates_get_each_reminder_once_members_and_others_alike(world, summit):
    output = run_command()
    assert f"reminder {summit.pk} 1d" in output
    run_command()
    for address in (world.kim.user.email, WANJIRU, JEAN):
        assert len(reminders_to(address)) == 1, address
    assert "A reminder of the meeting you are a delegate to" in reminders_to(WANJIRU)[0].body
    assert "0 batches of meeting e-mail queued" in run_command()


def test_an_address_that_is_a_members_gets_the_members_mail_only(world, summit):
    Delegate.objects.create(
        meeting=summit,
        country=world.kenya,
        full_name="Faith again",
        email=world.faith.user.email.upper(),
        affiliation="moh",
    )
    mail.send_invitations(summit.pk)
    assert len(to(world.faith.user.email)) == 1
    assert not SentMail.objects.filter(member=None, email=world.faith.user.email).exists()


def test_a_delegate_unsubscribes_by_the_link_in_the_mail_without_an_account(world, summit):
    mail.send_reminders(summit.pk, "1d")
    (message,) = reminders_to(WANJIRU)
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    path = link.split("://", 1)[1].split("/", 1)[1]
    anonymous = Client(enforce_csrf_checks=True)
    confirm = anonymous.get("/" + path)
    assert confirm.status_code == 200 and WANJIRU in confirm.content.decode()
    assert not MailOptOut.objects.exists()  # a link scanner's GET changes nothing
    done = anonymous.post("/" + path)  # RFC 8058 one-click, no cookie
    assert done.status_code == 200
    assert "Ask the network's coordinators" in done.content.decode()  # no account to sign in to
    assert MailOptOut.objects.filter(member=None, email=WANJIRU, kind="reminders").exists()
    SentMail.objects.all().delete()
    outbox.outbox.clear()
    mail.send_reminders(summit.pk, "1d")
    assert not to(WANJIRU) and len(to(JEAN)) == 1


def test_an_address_token_cannot_be_forged_into_a_members(world, summit):
    token = mail.address_unsubscribe_token(WANJIRU, "reminders")
    assert mail.read_unsubscribe_target(token) == (None, WANJIRU, "reminders")
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert Client().get(f"/meetings/unsubscribe/{tampered}/").status_code == 400


def test_a_delegate_named_after_the_invitations_went_out_gets_theirs(world, summit):
    mail.send_invitations(summit.pk)
    before = len(outbox.outbox)
    delegations.add_delegate(
        actor=world.faith.user,
        meeting=summit,
        country=world.kenya,
        affiliation="partner",
        role="delegate",
        full_name="Otieno Ouma",
        email="otieno@partner.example",
    )
    assert len(to("otieno@partner.example")) == 1
    assert len(outbox.outbox) == before + 1  # nobody else is mailed again


def test_an_update_of_the_meeting_reaches_delegates_who_had_the_invitation(world, summit):
    mail.send_invitations(summit.pk)
    Meeting.objects.filter(pk=summit.pk).update(sequence=1, city="Mombasa")
    mail.send_updates(summit.pk)
    assert len(to(WANJIRU)) == 2
    assert "Mombasa" in to(WANJIRU)[-1].body
