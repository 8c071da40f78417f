"""Comments on a monthly report: the coach comments on the teams they coach, the team answers, faculty
advise; the team lead and the coach get each comment by e-mail; nobody else of the country, no other
country and no observer reads them."""

from __future__ import annotations

from decimal import Decimal

from django.core import mail
from django.test import Client

from improvement_world import improvement_of
from personas import make_member
from qicop.core.models import AuditEntry
from qicop.improvement.models import ReportComment, TeamReport
from qicop.improvement.reports.comments import send_report_comment_mail
from qicop.network.models import Role


def report_url(work, team=None) -> str:
    team = team or work.team
    return f"/n/vln/improvement/{team.collaborative_id}/teams/{team.pk}/reports/{work.start:%Y-%m}/"


def comment(client, work, body, team=None):
    return client.post(report_url(work, team) + "comments/", {"body": body})


def test_the_coach_comments_and_the_team_lead_reads_it_on_the_report_and_by_mail(world):
    work = improvement_of(world)
    mail.outbox.clear()
    response = comment(world.client_for("dan"), work, "Good first cycle. Next: test it on weekends too.")
    assert response.status_code == 302 and response["Location"] == report_url(work) + "#comments"
    saved = ReportComment.objects.get(report=work.report)
    assert saved.author == world.dan and saved.body == "Good first cycle. Next: test it on weekends too."
    assert AuditEntry.objects.filter(verb="team_report.comment", target_id=str(work.report.pk)).exists()
    (sent,) = mail.outbox
    assert sent.to == ["kim@example.org"]
    assert "Nakuru Level 5 Hospital: a comment on the report for" in sent.subject
    assert "Dan Data commented on the report of Nakuru Level 5 Hospital" in sent.body
    assert "test it on weekends too" in sent.body and report_url(work) in sent.body
    page = world.client_for("kim").get(report_url(work)).content.decode()
    assert "Good first cycle. Next: test it on weekends too." in page
    assert '<strong>Dan Data</strong> <span class="role">Coach</span>' in page


def test_the_mail_is_written_in_the_team_leads_language(world):
    work = improvement_of(world)
    world.kim.user.language = "fr"
    world.kim.user.save(update_fields=["language"])
    mail.outbox.clear()
    comment(world.client_for("dan"), work, "Bravo.")
    (sent,) = mail.outbox
    assert sent.extra_headers["Content-Language"] == "fr"


def test_the_team_answers_and_its_coach_hears_of_it(world):
    work = improvement_of(world)
    mail.outbox.clear()
    assert comment(world.client_for("kim"), work, "We will, from Saturday.").status_code == 302
    assert [m.to for m in mail.outbox] == [["dan@example.org"]]


def test_faculty_advise_and_both_the_lead_and_the_coach_hear(world):
    work = improvement_of(world)
    mail.outbox.clear()
    assert comment(world.client_for("faith"), work, "Share the checklist with Naivasha.").status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == ["dan@example.org", "kim@example.org"]


def test_a_comment_mail_goes_once_however_often_the_task_runs(world):
    work = improvement_of(world)
    comment(world.client_for("dan"), work, "Once.")
    saved = ReportComment.objects.get(report=work.report)
    assert send_report_comment_mail(saved.pk) == 0


def test_a_participant_of_the_country_who_is_not_on_the_team_neither_reads_nor_writes_comments(world):
    work = improvement_of(world)
    comment(world.client_for("dan"), work, "For the team only.")
    kofi = make_member("kofi@example.org", "Kofi", world.kenya, network=world.network, roles=[Role.MEMBER])
    client = Client()
    client.force_login(kofi.user)
    page = client.get(report_url(work))
    assert page.status_code == 200  # he reads his country's workspaces
    assert (
        "For the team only." not in page.content.decode() and "Send the comment" not in page.content.decode()
    )
    assert comment(client, work, "May I?").status_code == 403
    assert ReportComment.objects.count() == 1


def test_other_countries_and_observers_never_read_a_shared_teams_comments(world):
    work = improvement_of(world)
    TeamReport.objects.create(
        team=work.jacmel, month=work.start, status="submitted", self_score=Decimal("2.0"), tested="SMS"
    )
    assert comment(world.client_for("henri"), work, "Nous avons commencé.", work.jacmel).status_code == 302
    kim = world.client_for("kim").get(report_url(work, work.jacmel))
    assert kim.status_code == 200 and "Nous avons commencé." not in kim.content.decode()
    assert comment(world.client_for("kim"), work, "Hello", work.jacmel).status_code == 403
    assert world.client_for("olga").get(report_url(work, work.jacmel)).status_code == 404
    assert comment(world.client_for("olga"), work, "Hello", work.jacmel).status_code == 404


def test_an_empty_comment_is_refused_and_a_too_long_one_is_kept_on_the_form(world):
    work = improvement_of(world)
    dan = world.client_for("dan")
    empty = comment(dan, work, "   ")
    assert empty.status_code == 400 and "Write the comment before you send it." in empty.content.decode()
    typed = "Long " + "x" * 5000
    long = comment(dan, work, typed)
    page = long.content.decode()
    assert long.status_code == 400
    assert "Keep the comment to 5000 characters (it has 5005)." in page and typed in page
    assert not ReportComment.objects.exists()


def test_a_month_without_a_report_takes_no_comment(world):
    work = improvement_of(world)
    month = f"{work.start.year + (work.start.month == 12)}-{work.start.month % 12 + 1:02d}"
    path = f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/reports/{month}/comments/"
    assert world.client_for("dan").post(path, {"body": "Where?"}).status_code == 404
