"""Demo data: delegations for the all-country meetings, attendance for the held virtual sessions."""

from django.test import Client

from qicop.meetings.delegations import demo as delegations_demo
from qicop.meetings.models import Attendance, Delegate, Meeting


def test_the_demo_fills_delegations_and_attendance_and_loads_only_once(demo):
    counts = (Delegate.objects.count(), Attendance.objects.count())
    delegations_demo.load_demo()
    assert (Delegate.objects.count(), Attendance.objects.count()) == counts

    for meeting in Meeting.objects.filter(network__slug="all-country"):
        heads = Delegate.objects.filter(meeting=meeting, role="head")
        assert heads.count() == meeting.countries.count()  # one head per country
        assert not heads.exclude(affiliation="moh").exists()
        assert Delegate.objects.filter(meeting=meeting, affiliation="cdc").exists()
        assert Delegate.objects.filter(meeting=meeting, role__in=["panellist", "presenter"]).exists()
        assert Delegate.objects.filter(meeting=meeting, member__isnull=True).exists()  # invented people
        assert Delegate.objects.filter(meeting=meeting, member__isnull=False).exists()
    for meeting in Meeting.objects.filter(network__slug="virtual", status="held"):
        rows = Attendance.objects.filter(meeting=meeting)
        assert rows.filter(member__isnull=False).count() >= 5
        invited = set(meeting.countries.values_list("pk", flat=True))
        countries = set(rows.exclude(member=None).values_list("member__country_id", flat=True))
        assert invited & countries

    client = Client()
    assert client.login(username="focal.ke@example.org", password="demo")
    page = client.get("/n/virtual/meetings/statistics/").content.decode()
    assert "Virtual learning network sessions" in page and "Kenya" in page
    meeting = Meeting.objects.get(network__slug="all-country", start__year=2011)
    page = client.get(f"/n/all-country/meetings/{meeting.pk}/delegations/")
    assert page.status_code == 200 and "Head of delegation" in page.content.decode()
    assert len(page.content) < 100_000  # light enough for a costly connection


def test_the_demo_coordinators_run_the_meetings_rather_than_lead_a_delegation(demo):
    assert not Delegate.objects.filter(member__memberships__role="coordinator").exists()
    assert Delegate.objects.filter(member__user__email="focal.ke@example.org", role="head").count() == 3
