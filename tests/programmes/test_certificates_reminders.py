"""Reminders before a coach's certificate ends: once 90 days before and once 30 days before, to the coach in
their language with the country's focal points in copy, saying the date and what renewal asks under the
country's standard; nothing for a lapsed certificate, a candidate, a coach who renewed, or twice."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from coaches_world import coaches_of
from personas import make_member
from qicop.core.when import when
from qicop.network.models import Role
from qicop.programmes.certificates.reminders import due_reminders, reminder_due, send_certification_reminders
from qicop.programmes.coaches.stages import valid_until_for
from qicop.programmes.models import CoachCertification


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_the_reminder_due_is_the_nearest_of_90_and_30_days_not_sent_yet():
    end = timezone.localdate() + timedelta(days=100)
    assert reminder_due(end, end - timedelta(days=91), []) is None
    assert reminder_due(end, end - timedelta(days=90), []) == 90
    assert reminder_due(end, end - timedelta(days=31), [90]) is None
    assert reminder_due(end, end - timedelta(days=30), [90]) == 30
    assert reminder_due(end, end - timedelta(days=10), []) == 30  # found late: the nearest one only
    assert reminder_due(end, end, [90, 30]) is None
    assert reminder_due(end, end + timedelta(days=1), []) is None  # lapsed


def test_only_the_coach_whose_certificate_ends_within_90_days_is_due(world):
    coaches = coaches_of(world)
    today = timezone.localdate()
    # Henri's ends in about two years, Rose's lapsed, Dan is a candidate: Faith's ends in 60 days
    assert [(c.pk, days) for c, days in due_reminders(today)] == [(coaches.faith.pk, 90)]


def test_the_coach_is_reminded_once_at_90_days_and_once_at_30(world):
    coaches = coaches_of(world)
    today = timezone.localdate()
    assert send_certification_reminders(today) == 1
    assert send_certification_reminders(today) == 0  # once
    assert send_certification_reminders(today + timedelta(days=20)) == 0  # 40 days left: already told
    assert send_certification_reminders(today + timedelta(days=30)) == 1  # 30 days left
    assert send_certification_reminders(today + timedelta(days=45)) == 0
    assert send_certification_reminders(today + timedelta(days=61)) == 0  # lapsed
    assert len(to("faith@example.org")) == 2
    coaches.faith.refresh_from_db()
    assert coaches.faith.reminders_sent == [90, 30]


def test_the_reminder_says_the_date_and_what_renewal_asks_under_the_countrys_standard(world):
    coaches = coaches_of(world)
    coaches.kenya_standard.renewal_teams = 3
    coaches.kenya_standard.renewal_sessions = 4
    coaches.kenya_standard.save()
    send_certification_reminders(timezone.localdate())
    (message,) = to("faith@example.org")
    until = when(coaches.faith.valid_until, "date")
    assert message.subject == f"Your QI coach certificate ends on {until}"
    body = message.body
    assert when(coaches.faith.valid_until, "long_date") in body and "60 days from today" in body
    assert "at least 3 teams coached" in body and "at least 4 network sessions attended" in body
    assert "passed with at least 70%" in body and "1 observation by a certified mentor" in body
    assert "/n/vln/programmes/certified-coaches/KE/" in body
    assert f"/n/vln/programmes/certified-coaches/{coaches.faith.pk}/certificate.pdf" in body
    assert message.extra_headers["Content-Language"] == "en"


def test_a_haitian_coach_is_reminded_in_french_with_haitis_focal_point_in_copy(world):
    coaches = coaches_of(world)
    make_member(
        "fp@example.org", "Fabienne Point", world.haiti, network=world.network, roles=[Role.FOCAL_POINT]
    )
    today = timezone.localdate()
    CoachCertification.objects.filter(pk=coaches.henri.pk).update(valid_until=today + timedelta(days=25))
    send_certification_reminders(today)
    (message,) = to("henri@example.org")
    assert message.extra_headers["Content-Language"] == "fr"
    assert when(today + timedelta(days=25), "long_date", language="fr") in message.body
    assert message.cc == ["fp@example.org"]
    assert CoachCertification.objects.get(pk=coaches.henri.pk).reminders_sent == [30]


def test_a_coach_who_is_also_the_focal_point_is_not_copied_to_themselves(world):
    coaches_of(world)
    send_certification_reminders(timezone.localdate())
    (message,) = to("faith@example.org")
    assert message.cc == []


def test_a_coach_who_renewed_is_not_reminded_of_the_certificate_that_ends(world):
    coaches = coaches_of(world)
    today = timezone.localdate()
    CoachCertification.objects.create(
        network=world.network,
        country=world.kenya,
        member=world.faith,
        kind=CoachCertification.Kind.RENEWAL,
        renews=coaches.faith,
        status=CoachCertification.Status.CERTIFIED,
        started_on=today - timedelta(days=90),
        decided_on=today - timedelta(days=5),
        valid_until=valid_until_for(today - timedelta(days=5), 3),
        created_by=world.carla.user,
    )
    assert send_certification_reminders(today) == 0 and mail.outbox == []


def test_a_withdrawn_certificate_is_not_reminded(world):
    coaches = coaches_of(world)
    CoachCertification.objects.filter(pk=coaches.faith.pk).update(status=CoachCertification.Status.WITHDRAWN)
    assert send_certification_reminders(timezone.localdate()) == 0


def test_a_failed_send_is_not_recorded_and_goes_out_on_the_next_run(world, monkeypatch):
    coaches = coaches_of(world)
    from django.core.mail import EmailMessage

    def refuse(self, fail_silently=False):
        raise OSError("the mail server is down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailMessage, "send", refuse)
        assert send_certification_reminders(timezone.localdate()) == 0
    coaches.faith.refresh_from_db()
    assert coaches.faith.reminders_sent == []
    assert send_certification_reminders(timezone.localdate()) == 1


def test_the_command_queues_the_reminders_which_run_at_once_in_tests(world):
    coaches_of(world)
    out = StringIO()
    call_command("send_certification_reminders", stdout=out)
    assert "queued" in out.getvalue()
    assert len(to("faith@example.org")) == 1
