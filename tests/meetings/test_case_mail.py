"""Every step of a case presentation that owes someone something is an e-mail: assigned (to the country's
focal points), submitted (to the coordinators), approved or returned (to the focal points) — each in the
recipient's language and zone, once, with the unsubscribe and preferences links."""

from datetime import UTC, datetime

from django.core import mail as outbox
from django.core.files.uploadedfile import SimpleUploadedFile

from qicop.meetings.agenda import services
from qicop.meetings.mail import sending
from qicop.meetings.models import CasePresentation, MailOptOut, SentMail

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DEADLINE = datetime(2030, 3, 3, 14, tzinfo=UTC)


def to(member):
    return [m for m in outbox.outbox if m.to == [member.user.email]]


def assigned(world) -> CasePresentation:
    return services.assign_case_presentation(
        actor=world.carla.user, meeting=world.meeting, country=world.kenya, deadline=DEADLINE
    )


def submitted(world, case) -> CasePresentation:
    upload = SimpleUploadedFile("case.pdf", PDF, content_type="application/pdf")
    return services.submit_case_presentation(
        actor=world.faith.user, case=case, title="Losing people after testing", question="How?", upload=upload
    )


def test_assigning_a_case_mails_the_countrys_focal_point_once_with_the_deadline_in_her_zone(world):
    case = assigned(world)
    (message,) = to(world.faith)
    assert "Kenya is asked to present a case" in message.subject
    body = message.body
    assert "5:00" in body and "(Nairobi, UTC+3)" in body  # 14:00 UTC is 17:00 in Nairobi
    assert f"/meetings/{world.meeting.pk}/cases/{case.pk}/" in body
    assert "To stop receiving" in body and "/meetings/mail-preferences/" in body
    assert message.extra_headers["List-Unsubscribe"].startswith("<")
    assert not to(world.kim) and not to(world.carla) and not to(world.henri)
    # Run again (a retried task): nothing more.
    assert sending.send_case_step(case.pk, "assigned", SentMail.objects.get().key.rsplit(":", 1)[1]) == 0
    assert len(to(world.faith)) == 1


def test_a_submission_mails_the_coordinators_in_their_language(world):
    world.carla.user.language = "fr"
    world.carla.user.save()
    case = assigned(world)
    submitted(world, case)
    (message,) = to(world.carla)
    # French dates, Bangkok's time (the new sentences are translated when the lead updates the catalogues).
    assert message.extra_headers["Content-Language"] == "fr"
    assert "Kenya" in message.subject and "mars 2030" in message.body and "20:00" in message.body
    assert len(to(world.faith)) == 1  # her assignment only


def test_approving_and_returning_mail_the_focal_point_each_time_once(world):
    case = assigned(world)
    submitted(world, case)
    carla = world.carla.user
    services.review_case_presentation(actor=carla, case=case, approve=False, comment="Add the data.")
    returned = to(world.faith)[-1]
    assert "Changes requested" in returned.subject and "Add the data." in returned.body
    submitted(world, case)
    assert len(to(world.carla)) == 2  # a second submission is announced again
    services.review_case_presentation(actor=world.carla.user, case=case, approve=True)
    assert "Approved" in to(world.faith)[-1].subject
    assert len(to(world.faith)) == 3  # assigned, returned, approved


def test_a_focal_point_who_unsubscribed_from_reminders_hears_nothing(world):
    MailOptOut.objects.create(member=world.faith, kind=MailOptOut.Kind.REMINDERS)
    assigned(world)
    assert not to(world.faith)


def test_a_step_undone_before_its_mail_went_is_not_announced(world):
    case = assigned(world)
    outbox.outbox.clear()
    assert sending.send_case_step(case.pk, "approved", "x") == 0
    assert not outbox.outbox


def test_the_deadline_reminder_already_exists_seven_and_two_days_before(world):
    from qicop.meetings.mail.triggers import DEADLINE_OFFSETS

    assert DEADLINE_OFFSETS == "7d,2d"
