"""After the session, the peers' recommendations become work: an action of the meeting for the team (owned
by its lead, for the country, with a due date) or a new change idea in the network's library, proposed at
the case presentation; one recommendation a submission, by the country's focal point or a coordinator."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.models import ChangeIdea, PresentationEvidence
from qicop.meetings.models import ActionItem, CasePresentation


@pytest.fixture
def work(world):
    return improvement_of(world)


@pytest.fixture
def held(world, work):
    """The personas' meeting, held six months into the collaborative."""
    start = datetime.combine(work.start + timedelta(days=190), datetime.min.time(), tzinfo=UTC)
    world.meeting.start, world.meeting.end = start + timedelta(hours=13), start + timedelta(hours=14)
    world.meeting.save()
    return world.meeting


@pytest.fixture
def case(world, work, held):
    case = CasePresentation.objects.create(
        meeting=held,
        country=world.kenya,
        title="Results that wait",
        question="How do we keep the daily review going?",
        recommendations="- Name a back-up reviewer\n- Call clients the same day",
        deadline=held.start - timedelta(days=7),
    )
    PresentationEvidence.objects.create(
        case_presentation=case, team=work.team, measure=work.measure, change_idea=work.idea
    )
    return case


def url(case):
    return f"/n/vln/improvement/presentations/{case.pk}/recommendations/"


def turn(world, case, persona="faith", **data):
    return world.client_for(persona).post(url(case), data)


def test_a_recommendation_becomes_an_action_for_the_team_lead(world, work, case):
    page = world.client_for("faith").get(url(case)).content.decode()
    assert "Name a back-up reviewer" in page

    due = (case.meeting.start + timedelta(days=30)).date()
    response = turn(world, case, kind="action", recommendation="Name a back-up reviewer", due=due.isoformat())

    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.meeting, action.owner, action.country, action.due) == (
        case.meeting,
        world.kim,
        world.kenya,
        due,
    )
    assert action.description == "Name a back-up reviewer"
    assert AuditEntry.objects.filter(verb="case.recommendation_action", target_id=str(case.pk)).exists()
    assert "Name a back-up reviewer" in world.client_for("carla").get(url(case)).content.decode()


def test_an_action_needs_a_due_date_after_the_session(world, work, case):
    response = turn(world, case, kind="action", recommendation="Name a back-up reviewer")
    assert response.status_code == 400
    assert "Give the action a due date." in response.content.decode()
    before = (case.meeting.start - timedelta(days=3)).date().isoformat()
    response = turn(world, case, kind="action", recommendation="Name a back-up reviewer", due=before)
    page = response.content.decode()
    assert response.status_code == 400 and "The action is due after the session of" in page
    assert 'value="Name a back-up reviewer"' in page and f'value="{before}"' in page
    assert not ActionItem.objects.exists()


def test_a_recommendation_becomes_a_change_idea_proposed_at_the_presentation(world, work, case):
    response = turn(
        world,
        case,
        "carla",
        kind="idea",
        recommendation="Same-day call to clients with a high result",
        description="The nurse calls the client the day the result arrives.",
    )

    assert response.status_code == 302
    idea = ChangeIdea.objects.get(title="Same-day call to clients with a high result")
    assert idea.source_presentation == case
    assert (idea.indicator, idea.country, idea.created_by) == (
        work.data.indicator,
        world.kenya,
        world.carla.user,
    )
    assert (
        "Same-day call to clients with a high result"
        in world.client_for("faith").get(url(case)).content.decode()
    )


def test_a_change_idea_from_a_case_that_showed_a_measure_on_data_elements_aims_at_no_indicator(
    world, work, case
):
    from qicop.improvement.collaboratives.services import add_measure

    evidence = case.evidence
    evidence.measure = add_measure(
        actor=world.faith.user,
        collaborative=work.kenya,
        kind="process",
        name="Clients suppressed",
        numerator=work.data.vl_suppressed,
    )
    evidence.save()
    assert turn(world, case, kind="idea", recommendation="Call back the same day").status_code == 302
    idea = ChangeIdea.objects.get(title="Call back the same day")
    assert idea.indicator is None and idea.source_presentation == case  # the country's elements are its own


def test_a_change_idea_whose_title_is_in_the_library_is_refused_naming_it(world, work, case):
    response = turn(world, case, kind="idea", recommendation="same-day viral load result review")

    assert response.status_code == 400
    page = response.content.decode()
    assert "The library already has the change idea “Same-day viral load result review”" in page
    assert 'value="same-day viral load result review"' in page
    assert ChangeIdea.objects.count() == 1


def test_before_the_session_recommendations_do_not_become_work(world, work, case):
    case.meeting.start = timezone.now() + timedelta(days=3)
    case.meeting.end = case.meeting.start + timedelta(hours=1)
    case.meeting.save()
    assert "Recommendations become work once the session has taken place" in (
        world.client_for("faith").get(url(case)).content.decode()
    )
    response = turn(world, case, kind="idea", recommendation="A new idea")
    assert response.status_code == 400 and not ChangeIdea.objects.filter(title="A new idea").exists()


def test_a_case_without_evidence_asks_for_it_first(world, work, case):
    PresentationEvidence.objects.all().delete()
    page = world.client_for("faith").get(url(case)).content.decode()
    assert f"/n/vln/improvement/presentations/{case.pk}/evidence/" in page
    response = turn(world, case, kind="idea", recommendation="A new idea")
    assert response.status_code == 400
    assert "Bind the case to its team&#x27;s evidence first" in response.content.decode()


@pytest.mark.parametrize("persona", ["kim", "dan", "henri"])
def test_other_participants_may_not_turn_recommendations_into_work(world, work, case, persona):
    assert turn(world, case, persona, kind="idea", recommendation="A new idea").status_code == 403
    assert not ChangeIdea.objects.filter(title="A new idea").exists()
