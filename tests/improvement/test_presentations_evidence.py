"""A case presentation is bound to its team's evidence (a chart, a PDSA ramp) by its country's focal point
or a coordinator; a team of another country, a measure not of the team's collaborative and an idea the
team never tested are each refused with a message that says so, and the choices sent stay on the form."""

from datetime import timedelta

import pytest

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.models import ChangeIdea, Measure, PresentationEvidence
from qicop.indicators.models import NetworkIndicator
from qicop.meetings.models import CasePresentation


@pytest.fixture
def work(world):
    return improvement_of(world)


@pytest.fixture
def case(world, work):
    return CasePresentation.objects.create(
        meeting=world.meeting,
        country=world.kenya,
        title="Results that wait",
        question="How do we keep the daily review going?",
        deadline=world.meeting.start - timedelta(days=7),
    )


def url(case):
    return f"/n/vln/improvement/presentations/{case.pk}/evidence/"


def attach(world, case, persona="faith", **overrides):
    work = improvement_of(world)
    data = {
        "form": "attach",
        "team": work.team.pk,
        "measure": work.measure.pk,
        "change_idea": work.idea.pk,
    }
    data.update(overrides)
    return world.client_for(persona).post(url(case), data)


def test_the_focal_point_binds_the_case_to_a_team_a_measure_and_a_ramp(world, work, case):
    page = world.client_for("faith").get(url(case)).content.decode()
    assert "Nakuru" in page and work.idea.title in page and "Viral suppression" in page
    assert "Jacmel" not in page  # only Kenya's teams are proposed

    response = attach(world, case)

    assert response.status_code == 302
    assert response["Location"] == f"/n/vln/meetings/{world.meeting.pk}/cases/{case.pk}/"
    evidence = PresentationEvidence.objects.get(case_presentation=case)
    assert (evidence.team, evidence.measure, evidence.change_idea) == (work.team, work.measure, work.idea)
    assert AuditEntry.objects.filter(verb="case.evidence", target_id=str(case.pk)).exists()


def test_the_coordinator_may_bind_it_too_and_binding_again_replaces_the_evidence(world, work, case):
    attach(world, case, "faith")
    assert attach(world, case, "carla", change_idea="").status_code == 302
    evidence = PresentationEvidence.objects.get(case_presentation=case)
    assert evidence.change_idea is None


def test_a_team_of_another_country_is_refused_and_stays_chosen_on_the_form(world, work, case):
    response = attach(world, case, team=work.jacmel.pk)

    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "is a team of Haiti" in page
        and "Kenya&#x27;s case presentation shows one of Kenya&#x27;s teams" in page
    )
    assert f'<option value="{work.jacmel.pk}" selected>' in page
    assert not PresentationEvidence.objects.exists()


def test_a_measure_that_is_not_the_collaboratives_is_refused(world, work, case):
    retention = NetworkIndicator.objects.create(
        network=world.network, code="retention", name="Retention at 12 months"
    )
    other = Measure.objects.create(collaborative=work.haiti, indicator=retention)  # shared: Faith sees it

    response = attach(world, case, measure=other.pk)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Retention at 12 months is not a measure of Kenya viral-load suppression collaborative" in page
    assert (
        f'<option value="{other.pk}" selected>Retention at 12 months — Rétention à 12 mois</option>' in page
    )
    assert not PresentationEvidence.objects.exists()


def test_an_idea_the_team_never_tested_is_refused(world, work, case):
    untested = ChangeIdea.objects.create(
        network=world.network, title="Text message reminders", created_by=world.carla.user
    )

    response = attach(world, case, change_idea=untested.pk)

    assert response.status_code == 400
    assert "has not tested “Text message reminders” in a PDSA cycle" in response.content.decode()
    assert not PresentationEvidence.objects.exists()


def test_the_evidence_is_removed_and_the_removal_audited(world, work, case):
    attach(world, case)

    response = world.client_for("faith").post(url(case), {"form": "remove"})

    assert response.status_code == 302
    assert not PresentationEvidence.objects.exists()
    assert AuditEntry.objects.filter(verb="case.evidence_remove", target_id=str(case.pk)).exists()


@pytest.mark.parametrize("persona", ["kim", "dan", "henri"])
def test_participants_who_may_not_send_the_case_may_not_bind_it(world, work, case, persona):
    assert attach(world, case, persona).status_code == 403
    assert not PresentationEvidence.objects.exists()


def test_a_case_of_another_network_is_not_found(world, work):
    from qicop.meetings.models import Meeting

    other = Meeting.objects.create(
        network=world.other_network,
        title="Elsewhere",
        start=world.meeting.start,
        end=world.meeting.end,
    )
    case = CasePresentation.objects.create(meeting=other, country=world.kenya, deadline=world.meeting.start)
    assert world.client_for("carla").get(url(case)).status_code == 404
