"""Reminders before a monthly report is due (the 10th of the next month, in the team's zone), once, in the
team lead's language; and the reports a lead owes, on their home page."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from improvement_world import improvement_of
from qicop.core.when import when
from qicop.improvement.models import Team, TeamReport
from qicop.improvement.reports.calendar import first_of
from qicop.improvement.reports.reminders import send_report_reminders

NAIROBI = ZoneInfo("Africa/Nairobi")


def running(world):
    """Kenya's collaborative, running now: it began five months ago and ends in a year."""
    work = improvement_of(world)
    today = timezone.localdate()
    work.kenya.start = first_of(today - timedelta(days=150))
    work.kenya.end = today + timedelta(days=365)
    work.kenya.save()
    last_month = first_of(first_of(today) - timedelta(days=1))
    return work, last_month


def on_day(day: int, hour: int = 12) -> datetime:
    today = timezone.localdate()
    return datetime(today.year, today.month, day, hour, tzinfo=NAIROBI)


def to_kim():
    return [m for m in mail.outbox if m.to == ["kim@example.org"]]


def test_the_lead_is_reminded_once_three_days_before_the_report_is_due_in_their_language(world):
    work, last_month = running(world)
    world.kim.user.language = "fr"
    world.kim.user.save()
    assert send_report_reminders(on_day(6)) == 0  # more than three days ahead
    assert send_report_reminders(on_day(8)) == 1
    assert send_report_reminders(on_day(9)) == 0  # once
    (message,) = to_kim()
    assert message.extra_headers["Content-Language"] == "fr"
    with translation.override("fr"):
        month = when(last_month, "long_month")
    assert month in message.subject and month in message.body
    assert f"/teams/{work.team.pk}/reports/{last_month:%Y-%m}/edit/" in message.body


def test_no_reminder_once_the_report_is_submitted_or_after_it_is_due(world):
    work, last_month = running(world)
    TeamReport.objects.create(team=work.team, month=last_month, status=TeamReport.Status.SUBMITTED)
    assert send_report_reminders(on_day(9)) == 0
    TeamReport.objects.filter(team=work.team, month=last_month).delete()
    assert send_report_reminders(on_day(11)) == 0


def test_the_command_queues_the_reminders(world):
    running(world)
    out = StringIO()
    call_command("send_report_reminders", stdout=out)  # today may be any day: it queues, whatever is due
    assert "queued" in out.getvalue()


def test_a_late_report_is_owed_on_the_team_leads_home_with_its_due_date_and_a_link_to_the_form(world):
    work = improvement_of(world)
    page = world.client_for("kim").get("/n/vln/").content.decode()
    assert "Waiting for you" in page and "the monthly report for" in page
    second = first_of(work.start + timedelta(days=40))
    edit = f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/reports/{second:%Y-%m}/edit/"
    assert edit in page and "late: it was due by" in page
    # Most urgent first: the earliest month not filed (the first month is submitted).
    assert page.index(edit) < page.index("/reports/", page.index(edit) + len(edit))
    assert f"/reports/{work.start:%Y-%m}/edit/" not in page


def test_henri_owes_nothing_for_a_team_he_does_not_lead(world):
    work = improvement_of(world)
    page = world.client_for("henri").get("/n/vln/").content.decode()
    assert f"/teams/{work.team.pk}/reports/" not in page


def test_the_owed_reports_of_more_teams_cost_no_more_queries(world, django_assert_max_num_queries):
    work = improvement_of(world)
    kim = world.client_for("kim")
    with CaptureQueriesContext(connection) as one_team:
        kim.get("/n/vln/")
    team = Team.objects.create(collaborative=work.haiti, org_unit=work.nakuru_unit, lead=world.kim)
    with django_assert_max_num_queries(len(one_team.captured_queries)):
        page = kim.get("/n/vln/").content.decode()
    assert f"/teams/{team.pk}/reports/" in page
