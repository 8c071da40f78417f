"""Reminders before a meeting and before a case presentation's deadline: found by the cron command
(`qicop send_meeting_mail`), sent by background tasks, never twice."""

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail as outbox
from django.core.management import call_command
from django.utils import timezone

from qicop.meetings.mail import triggers, unsubscribe
from qicop.meetings.models import CasePresentation, MailOptOut, Meeting, Registration, SentMail


def starting_in(world, delta, **fields) -> Meeting:
    start = timezone.now().replace(microsecond=0) + delta
    end = start + timedelta(minutes=90)
    Meeting.objects.filter(pk=world.meeting.pk).update(start=start, end=end, **fields)
    return Meeting.objects.get(pk=world.meeting.pk)


def register(world, *personas):
    for persona in personas:
        member = getattr(world, persona)
        Registration.objects.create(meeting=world.meeting, member=member, status="registered")


def to(member):
    return [m for m in outbox.outbox if m.to == [member.user.email]]


def run_command() -> str:
    out = StringIO()
    call_command("send_meeting_mail", stdout=out)
    return out.getvalue()


def test_running_the_reminder_command_twice_sends_each_registered_member_one_reminder(world):
    meeting = starting_in(world, timedelta(hours=20))
    register(world, "kim", "henri")
    output = run_command()
    assert f"reminder {meeting.pk} 1d" in output
    run_command()
    assert sorted(m.to[0] for m in outbox.outbox) == ["henri@example.org", "kim@example.org"]
    assert SentMail.objects.filter(key=f"reminder:{meeting.pk}:1d").count() == 2
    assert "0 batches of meeting e-mail queued" in run_command()


def test_reminders_carry_the_join_link_in_the_members_language_and_zone(world):
    user = world.henri.user
    user.language, user.time_zone = "fr", "America/Port-au-Prince"
    user.save()
    meeting = starting_in(world, timedelta(hours=20))
    register(world, "henri")
    run_command()
    (message,) = to(world.henri)
    assert message.extra_headers["Content-Language"] == "fr"
    local = meeting.start.astimezone(ZoneInfo(user.time_zone))
    # The start in Haiti's time (the end may fall on the next day there, depending on when the test runs).
    behind = -local.utcoffset().total_seconds() // 3600  # 5, or 4 in summer
    assert f"{local:%H:%M}" in message.body and f"(Port-au-Prince, UTC\u2212{behind:.0f})" in message.body
    assert "https://zoom.example.org/j/123" in message.body
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.read_unsubscribe_token(url.rsplit("/", 2)[1]) == (world.henri.pk, "reminders")


def test_each_offset_goes_out_once_and_a_late_reminder_never_follows_an_earlier_one(world):
    meeting = starting_in(world, timedelta(days=10), reminder_offsets="7d,1d,2h")
    register(world, "kim")
    now = timezone.now()
    assert triggers.enqueue_due(now) == []  # ten days ahead: nothing yet
    assert [d.offset for d in triggers.enqueue_due(now + timedelta(days=3, hours=1))] == ["7d"]
    assert triggers.enqueue_due(now + timedelta(days=4)) == []
    assert [d.offset for d in triggers.enqueue_due(now + timedelta(days=9, hours=23))] == ["2h"]
    assert triggers.enqueue_due(now + timedelta(days=9, hours=23)) == []
    assert [d.offset for d in triggers.due_now(now + timedelta(days=9, hours=23))] == []
    assert len(to(world.kim)) == 2
    keys = set(SentMail.objects.filter(meeting=meeting).values_list("key", flat=True))
    assert keys == {f"reminder:{meeting.pk}:7d", f"reminder:{meeting.pk}:2h"}


def test_a_member_who_registers_late_gets_the_reminder_that_is_due(world):
    meeting = starting_in(world, timedelta(hours=20))
    register(world, "kim")
    run_command()
    register(world, "henri")
    run_command()
    assert len(to(world.kim)) == 1 and len(to(world.henri)) == 1
    assert SentMail.objects.filter(key=f"reminder:{meeting.pk}:1d").count() == 2


def test_no_reminders_for_opted_out_members_observers_the_unregistered_or_cancelled_meetings(world):
    starting_in(world, timedelta(hours=20))
    register(world, "kim", "henri", "dan", "olga")  # Olga registered before she became an observer
    MailOptOut.objects.create(member=world.henri, kind="reminders")
    MailOptOut.objects.create(member=world.dan, kind="all")
    run_command()
    assert [m.to for m in outbox.outbox] == [["kim@example.org"]]
    outbox.outbox.clear()
    other = Meeting.objects.create(
        network=world.network,
        title="Called off",
        start=world.meeting.start,
        end=world.meeting.end,
        status=Meeting.Status.CANCELLED,
    )
    Registration.objects.create(meeting=other, member=world.faith, status="registered")
    Registration.objects.create(meeting=world.meeting, member=world.faith, status="declined")
    run_command()
    assert not outbox.outbox


def case_due_in(world, delta, **fields) -> CasePresentation:
    return CasePresentation.objects.create(
        meeting=world.meeting,
        country=world.kenya,
        title="Retention in care in Kisumu",
        deadline=timezone.now().replace(microsecond=0) + delta,
        **fields,
    )


def test_the_focal_points_of_the_country_are_reminded_of_the_case_presentation_deadline(world):
    starting_in(world, timedelta(days=9))
    case = case_due_in(world, timedelta(days=1, hours=12))
    output = run_command()
    assert f"deadline {case.pk} 2d" in output
    run_command()
    # Faith is Kenya's focal point; Dan and Kim are Kenyan too, but not focal points.
    (message,) = outbox.outbox
    assert message.to == ["faith@example.org"]
    assert "Kenya" in message.body and "Retention in care in Kisumu" in message.body
    assert message.subject.startswith("Case presentation due")


def test_no_deadline_reminder_once_the_presentation_is_submitted(world):
    starting_in(world, timedelta(days=9))
    case_due_in(world, timedelta(days=1), status=CasePresentation.Status.SUBMITTED)
    case_due_in(world, timedelta(days=20))  # not yet: reminders start 7 days before
    run_command()
    assert not outbox.outbox


def test_the_command_explains_itself_for_cron(world):
    from qicop.meetings.management.commands.send_meeting_mail import Command

    assert "every 15 minutes" in Command.help
    out = StringIO()
    starting_in(world, timedelta(hours=20))
    register(world, "kim")
    call_command("send_meeting_mail", "--dry-run", stdout=out)
    assert "1 batches of meeting e-mail due" in out.getvalue()
    assert not outbox.outbox
