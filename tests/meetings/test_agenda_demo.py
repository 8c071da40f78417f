"""The demo's agendas name their people, each virtual session has its case presentation, meetings carry
topics; loading twice changes nothing."""

from django.test import Client

from qicop.meetings.agenda import demo as demo_agenda
from qicop.meetings.models import AgendaItem, CasePresentation, Meeting
from qicop.network.models import Topic


def test_the_demo_agendas_name_panellists_moderators_presenters_and_speakers(demo):
    for meeting in Meeting.objects.filter(network__slug="all-country"):
        panel = meeting.agenda.get(kind=AgendaItem.Kind.PANEL)
        assert panel.panellists.count() == 4 and panel.moderator is not None
        assert meeting.agenda.get(kind=AgendaItem.Kind.EXPERT).speakers
        assert meeting.topics.exists()
    session = Meeting.objects.filter(network__slug="virtual", kind="virtual", status="held").first()
    assert session.agenda.get(kind=AgendaItem.Kind.COUNTRY).presenters.count() == 1
    assert session.agenda.get(kind=AgendaItem.Kind.EXPERT).speakers


def test_each_held_session_has_an_approved_case_with_recommendations_and_kenya_owes_the_next(demo):
    held = Meeting.objects.filter(network__slug="virtual", kind="virtual", status="held")
    cases = CasePresentation.objects.filter(meeting__in=held)
    assert cases.count() == 7
    assert all(c.status == "approved" and c.question and c.recommendations for c in cases)
    upcoming = Meeting.objects.get(network__slug="virtual", status="confirmed")
    (due,) = upcoming.case_presentations.all()
    assert due.country.iso2 == "KE" and due.status == "assigned" and due.deadline < upcoming.start
    client = Client()
    assert client.login(username="focal.ke@example.org", password="demo")
    page = client.get(f"/n/virtual/meetings/{upcoming.pk}/").content.decode()
    assert "case presentation is due on" in page


def test_loading_the_demo_twice_changes_nothing(demo):
    counts = (
        CasePresentation.objects.count(),
        Topic.objects.count(),
        AgendaItem.panellists.through.objects.count(),
    )
    demo_agenda.load_demo()
    assert counts == (
        CasePresentation.objects.count(),
        Topic.objects.count(),
        AgendaItem.panellists.through.objects.count(),
    )


def test_demo_meeting_pages_stay_light(demo):
    client = Client()
    assert client.login(username="coordinator@example.org", password="demo")
    meeting = Meeting.objects.filter(network__slug="all-country").first()
    for path in ("", "agenda/", "edit/"):
        response = client.get(f"/n/all-country/meetings/{meeting.pk}/{path}")
        assert response.status_code == 200, path
        assert len(response.content) < 100_000, (path, len(response.content))
