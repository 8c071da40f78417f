"""A case presentation's page shows its evidence (the team, the chart of the measure up to the session's
date, the PDSA ramp in order with its decisions in words, the question) and nothing for a case without it;
the meeting's page names the evidence beside each case in a bounded number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from improvement_world import improvement_of
from qicop.improvement.models import Measure, PdsaCycle, PresentationEvidence
from qicop.indicators.models import NetworkIndicator
from qicop.meetings.models import CasePresentation


@pytest.fixture
def work(world):
    return improvement_of(world)


def kenya_case(world, **fields):
    return CasePresentation.objects.create(
        meeting=world.meeting,
        country=world.kenya,
        title="Results that wait",
        question="How do we keep the daily review going?",
        deadline=world.meeting.start - timedelta(days=7),
        **fields,
    )


def case_page(world, case, persona):
    return (
        world.client_for(persona).get(f"/n/vln/meetings/{world.meeting.pk}/cases/{case.pk}/").content.decode()
    )


def render_partial(world, case, persona):
    request = RequestFactory().get("/")
    request.user = getattr(world, persona).user
    return render_to_string(
        "improvement/presentations/_evidence.html",
        {"case": case, "network": world.network},
        request=request,
    )


def test_the_partial_renders_nothing_for_a_case_without_evidence(world, work):
    case = kenya_case(world)
    assert render_partial(world, case, "kim").strip() == ""
    assert "evidence" not in case_page(world, case, "henri").lower()


def test_the_focal_point_is_shown_how_to_add_the_evidence(world, work):
    case = kenya_case(world)
    page = case_page(world, case, "faith")
    assert "This presentation shows no team's evidence yet." in page
    assert f"/n/vln/improvement/presentations/{case.pk}/evidence/" in page


def test_the_case_page_shows_the_team_the_chart_the_ramp_in_order_and_the_question(world, work):
    case = kenya_case(world)
    second = PdsaCycle.objects.create(
        team=work.team,
        change_idea=work.idea,
        title="Review results daily for a month",
        objective="Does it hold for a month?",
        start=work.start + timedelta(days=10),
        end=work.start + timedelta(days=40),
        stage=PdsaCycle.Stage.DONE,
        decision=PdsaCycle.Decision.ADOPT,
        decided_on=work.start + timedelta(days=41),
        created_by=world.kim.user,
    )
    PresentationEvidence.objects.create(
        case_presentation=case, team=work.team, measure=work.measure, change_idea=work.idea
    )

    page = render_partial(world, case, "kim")

    assert "The team's evidence" in page and work.team.display_name in page
    assert "<svg" in page and "Viral suppression, up to the session of" in page
    assert page.index(work.cycle.title) < page.index(second.title)
    assert "adopted" in page
    assert "How do we keep the daily review going?" in page
    case_detail = case_page(world, case, "kim")
    assert "<svg" in case_detail and case_detail.count("How do we keep the daily review going?") == 1
    assert len(case_detail.encode()) < 100_000


def test_a_measure_without_data_says_why(world, work):
    case = kenya_case(world)
    unmapped = NetworkIndicator.objects.create(network=world.network, code="retention", name="Retention")
    measure = Measure.objects.create(collaborative=work.kenya, indicator=unmapped)
    PresentationEvidence.objects.create(case_presentation=case, team=work.team, measure=measure)

    page = render_partial(world, case, "kim")

    assert "<svg" not in page
    assert "has not mapped its data to this indicator yet" in page


def _on_elements(world, work, name, numerator, denominator=None, factor=1):
    from qicop.improvement.collaboratives.services import add_measure

    return add_measure(
        actor=world.faith.user,
        collaborative=work.kenya,
        kind="process",
        name=name,
        numerator=numerator,
        denominator=denominator,
        factor=factor,
    )


def test_a_case_shows_the_chart_of_a_measure_on_the_countrys_data_elements(world, work):
    case = kenya_case(world)
    measure = _on_elements(
        world, work, "Suppressed among tested", work.data.vl_suppressed, work.data.vl_tested, factor=100
    )
    PresentationEvidence.objects.create(case_presentation=case, team=work.team, measure=measure)

    page = render_partial(world, case, "kim")

    assert "Suppressed among tested, up to the session of" in page and "<svg" in page


def test_a_measure_on_data_elements_without_data_says_why(world, work):
    case = kenya_case(world)
    measure = _on_elements(world, work, "QI score", work.data.score)  # never reported at Nakuru
    PresentationEvidence.objects.create(case_presentation=case, team=work.team, measure=measure)

    page = render_partial(world, case, "kim")

    assert "<svg" not in page
    assert "No data yet: the facility&#x27;s months appear here as soon as they are imported." in page


def test_the_evidence_form_offers_the_collaboratives_measures_on_data_elements(world, work):
    measure = _on_elements(world, work, "Clients suppressed", work.data.vl_suppressed)
    case = kenya_case(world)
    url = f"/n/vln/improvement/presentations/{case.pk}/evidence/"
    page = world.client_for("faith").get(url).content.decode()
    assert f'<option value="{measure.pk}">Clients suppressed</option>' in page
    data = {"form": "attach", "team": work.team.pk, "measure": measure.pk, "change_idea": ""}
    assert world.client_for("faith").post(url, data).status_code == 302
    assert PresentationEvidence.objects.get(case_presentation=case).measure == measure


def test_another_countrys_member_sees_the_evidence_without_links_into_the_team_workspace(world, work):
    case = kenya_case(world)
    PresentationEvidence.objects.create(
        case_presentation=case, team=work.team, measure=work.measure, change_idea=work.idea
    )
    page = render_partial(world, case, "henri")
    assert work.cycle.title in page and work.team.display_name in page


def test_the_meeting_page_names_each_cases_evidence_in_the_same_number_of_queries(world, work):
    case = kenya_case(world)
    PresentationEvidence.objects.create(
        case_presentation=case, team=work.team, measure=work.measure, change_idea=work.idea
    )
    client = world.client_for("kim")
    url = f"/n/vln/meetings/{world.meeting.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "Evidence:" in page and "Viral suppression" in page

    for country in (world.haiti, world.thailand):
        other = CasePresentation.objects.create(
            meeting=world.meeting, country=country, deadline=world.meeting.start - timedelta(days=7)
        )
        PresentationEvidence.objects.create(
            case_presentation=other, team=work.jacmel, measure=work.haiti_measure
        )
    with CaptureQueriesContext(connection) as three:
        assert client.get(url).content.decode().count("Evidence:") == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_the_chart_is_drawn_up_to_the_sessions_date_or_today_while_it_is_to_come(world, work):
    from django.utils import timezone

    from qicop.improvement.presentations.selectors import drawn_until

    assert drawn_until(world.meeting) == timezone.localdate()  # the personas' meeting is in 2030
    world.meeting.start = world.meeting.start.replace(year=2024, month=5, day=10)
    assert drawn_until(world.meeting) == date(2024, 5, 10)
