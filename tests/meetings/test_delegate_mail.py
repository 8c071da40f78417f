"""The delegates of an in-person meeting get its invitation, updates and reminders, once each: delegates who
are members as members, the others at the address their focal point gave — in their country's language and
zone, with an unsubscribe link that works without an account."""

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail as outbox
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from qicop.meetings.delegations import services as delegations
from qicop.meetings.mail import sending as mail
from qicop.meetings.mail import unsubscribe
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


def test_a_delegate_who_is_not_a_member_reads_the_countrys_language_and_the_venues_time(world, summit):
    mail.send_invitations(summit.pk)
    (message,) = to(JEAN)
    assert message.extra_headers["Content-Language"] == "fr"
    # An in-person meeting is written on the venue's clock, which the mail names: the delegate flies there.
    venue = summit.start.astimezone(ZoneInfo(summit.time_zone))
    assert f"{venue:%H:%M}" in message.body and "(Nairobi, UTC+3," in message.body
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
    token = unsubscribe.address_unsubscribe_token(WANJIRU, "reminders")
    assert unsubscribe.read_unsubscribe_target(token) == (None, WANJIRU, "reminders")
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


def delegate(meeting, country, name, email):
    return Delegate.objects.create(
        meeting=meeting, country=country, full_name=name, email=email, affiliation="partner"
    )


def calendar_of(message) -> tuple[str, str]:
    """(content type, text) of the mail's calendar part."""
    return next((t, c) for c, t in message.alternatives if t.startswith("text/calendar"))


def test_a_typed_in_address_of_an_account_that_gets_no_members_mail_gets_the_delegates(world, summit):
    """Only a member who gets this very mail as a member is left out: a member of another network, an
    observer, a member from a country the meeting does not name and a deactivated account are mailed at
    the address — once each, however often the batches run."""
    from personas import make_member

    amina = make_member(
        "amina@moh.example", "Amina", world.kenya, network=world.other_network, roles=["member"]
    )
    world.dan.user.is_active = False
    world.dan.user.save()
    typed = {
        "amina@moh.example": "Amina Other-Network",
        world.olga.user.email: "Olga Observer",
        world.carla.user.email.upper(): "Carla From Thailand",
        world.dan.user.email: "Dan Deactivated",
    }
    for email, name in typed.items():
        delegate(summit, world.kenya, name, email)
    mail.send_invitations(summit.pk)
    mail.send_invitations(summit.pk)
    run_command()
    run_command()
    for email, name in typed.items():
        email = email.lower()
        invitations = [m for m in to(email) if m not in reminders_to(email)]
        assert len(invitations) == 1 and len(reminders_to(email)) == 1, email
        assert f"Dear {name}" in invitations[0].body and "as a delegate of Kenya" in invitations[0].body
        assert SentMail.objects.filter(member=None, email=email).count() == 2
    assert not SentMail.objects.filter(member__in=[amina, world.olga, world.carla, world.dan]).exists()
    assert "0 batches of meeting e-mail queued" in run_command()


def test_an_address_at_which_a_member_had_the_mail_is_not_mailed_again(world, summit):
    """Henri had the invitation as a member; once Haiti is no longer invited, his typed-in address is not
    sent it a second time. Amina had it at her address; once she joins the network she is not invited a
    second time as a member — and the update reaches each of them once."""
    from personas import make_member
    from qicop.network.models import Membership

    amina = make_member(
        "amina@moh.example", "Amina", world.kenya, network=world.other_network, roles=["member"]
    )
    delegate(summit, world.kenya, "Amina", "amina@moh.example")
    mail.send_invitations(summit.pk)
    assert len(to(world.henri.user.email)) == 1 and len(to("amina@moh.example")) == 1
    delegate(summit, world.haiti, "Henri again", world.henri.user.email)
    summit.countries.set([world.kenya])
    Membership.objects.create(member=amina, network=world.network, role="member")
    mail.send_invitations(summit.pk)
    assert len(to(world.henri.user.email)) == 1 and len(to("amina@moh.example")) == 1
    Meeting.objects.filter(pk=summit.pk).update(sequence=1, city="Mombasa")
    mail.send_updates(summit.pk)
    for email in (world.henri.user.email, "amina@moh.example", WANJIRU, JEAN, world.kim.user.email):
        assert len(to(email)) == 2, email
    assert SentMail.objects.filter(
        key=f"invitation:{summit.pk}:1", member=None, email="amina@moh.example"
    ).exists()


def test_an_address_whose_account_unsubscribed_is_not_mailed(world, summit):
    MailOptOut.objects.create(member=world.olga, kind="all")
    delegate(summit, world.kenya, "Olga Observer", world.olga.user.email)
    mail.send_invitations(summit.pk)
    mail.send_reminders(summit.pk, "1d")
    assert not to(world.olga.user.email)


def test_invited_delegates_get_the_update_when_the_meeting_is_moved_and_made_virtual(world, summit):
    from qicop.meetings.agenda import services as agenda

    mail.send_invitations(summit.pk)
    meeting = Meeting.objects.get(pk=summit.pk)
    agenda.update_meeting(
        actor=world.carla.user,
        meeting=meeting,
        kind=Meeting.Kind.VIRTUAL,
        join_url="https://zoom.example/j/9",
        start=meeting.start + timedelta(days=1),
        end=meeting.end + timedelta(days=1),
    )
    for address in (WANJIRU, JEAN):
        _invitation, update = to(address)
        mimetype, ics = calendar_of(update)
        assert mimetype == "text/calendar; method=REQUEST" and "SEQUENCE:1" in ics
        assert (
            "https://zoom.example/j/9" not in update.body
        )  # delegates of a virtual meeting are not expected
    (jeans,) = to(JEAN)[1:]
    assert jeans.extra_headers["Content-Language"] == "fr"
    local = (summit.start + timedelta(days=1)).astimezone(ZoneInfo("America/Port-au-Prince"))
    offset = int(local.utcoffset().total_seconds() // 3600)
    assert f"{local:%H:%M}" in jeans.body and f"(Port-au-Prince, UTC\u2212{-offset})" in jeans.body
    assert to(WANJIRU)[1].subject.startswith("Updated:") and "Dear Wanjiru Kamau" in to(WANJIRU)[1].body
    assert SentMail.objects.filter(key=f"invitation:{summit.pk}:1", member=None).count() == 2
    mail.send_updates(summit.pk)
    assert len(to(WANJIRU)) == 2 and len(to(JEAN)) == 2  # each version once


def test_an_invited_delegate_whose_row_was_removed_gets_the_cancellation(world, summit):
    from qicop.meetings.agenda import services as agenda

    mail.send_invitations(summit.pk)
    uid = f"UID:{summit.uid}@qicop"
    for row in Delegate.objects.filter(meeting=summit, member=None):
        delegations.remove_delegate(actor=world.carla.user, delegate=row)
    # Wanjiru is still named to another meeting: her mail is written as to that delegate
    other = Meeting.objects.create(
        network=world.network,
        title="Another meeting",
        kind=Meeting.Kind.IN_PERSON,
        start=summit.start + timedelta(days=30),
        end=summit.end + timedelta(days=30),
        time_zone="Africa/Nairobi",
    )
    delegate(other, world.kenya, "Wanjiru W. Kamau", WANJIRU)
    agenda.cancel_meeting(actor=world.carla.user, meeting=Meeting.objects.get(pk=summit.pk))
    for address in (WANJIRU, JEAN):
        invitation, cancellation = to(address)
        mimetype, ics = calendar_of(cancellation)
        assert mimetype == "text/calendar; method=CANCEL"
        assert "METHOD:CANCEL" in ics and uid in ics and "SEQUENCE:1" in ics
        assert uid in calendar_of(invitation)[1]
    assert "Dear Wanjiru W. Kamau" in to(WANJIRU)[1].body
    # Jean's delegation is known no more: the address, in English and the meeting's zone
    jeans = to(JEAN)[1]
    assert f"Dear {JEAN}" in jeans.body and jeans.extra_headers["Content-Language"] == "en"
    assert "(Nairobi, UTC+3, the venue's time)" in jeans.body
    mail.send_updates(summit.pk, cancelled=True)
    assert len(to(WANJIRU)) == 2 and len(to(JEAN)) == 2
