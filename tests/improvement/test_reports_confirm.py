"""The coach confirms the team's score, or changes it with a reason the team reads."""

from __future__ import annotations

from decimal import Decimal

from improvement_world import improvement_of
from qicop.core.models import AuditEntry
from qicop.improvement.models import TeamReport


def confirm_url(work) -> str:
    return f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/reports/{work.start:%Y-%m}/confirm/"


def test_the_coach_confirms_the_teams_score_without_a_reason(world):
    work = improvement_of(world)
    response = world.client_for("dan").post(confirm_url(work), {"score": "2.0", "reason": ""})
    assert response.status_code == 302
    work.report.refresh_from_db()
    assert work.report.status == TeamReport.Status.CONFIRMED and work.report.coach_score == Decimal("2.0")
    assert work.report.confirmed_by == world.dan.user
    assert AuditEntry.objects.filter(verb="team_report.confirm", target_id=str(work.report.pk)).exists()


def test_changing_the_score_needs_a_reason_and_keeps_the_choice(world):
    work = improvement_of(world)
    dan = world.client_for("dan")
    response = dan.post(confirm_url(work), {"score": "2.5", "reason": "  "})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say why you change the team&#x27;s score from 2.0 to 2.5" in page
    assert 'value="2.5" checked' in page
    work.report.refresh_from_db()
    assert work.report.status == TeamReport.Status.SUBMITTED and work.report.coach_score is None
    reason = "The daily review was tested to the end in the first week."
    assert dan.post(confirm_url(work), {"score": "2.5", "reason": reason}).status_code == 302
    work.report.refresh_from_db()
    assert work.report.coach_score == Decimal("2.5") and work.report.coach_reason == reason
    page = world.client_for("kim").get(confirm_url(work)[: -len("confirm/")]).content.decode()
    assert "2.5 — Changes tested, no improvement yet" in page and reason in page


def test_a_confirmed_score_off_the_scale_is_refused(world):
    work = improvement_of(world)
    response = world.client_for("dan").post(confirm_url(work), {"score": "6", "reason": "Great work"})
    assert response.status_code == 400
    assert "A score on the IHI scale is 1.0 to 5.0 in half points; 6 is not one." in response.content.decode()


def test_the_team_cannot_confirm_its_own_score_and_a_confirmed_one_is_left_to_whoever_runs_it(world):
    work = improvement_of(world)
    assert world.client_for("kim").post(confirm_url(work), {"score": "5.0"}).status_code == 403
    world.client_for("dan").post(confirm_url(work), {"score": "2.0"})
    assert world.client_for("dan").get(confirm_url(work)).status_code == 403
    assert world.client_for("faith").get(confirm_url(work)).status_code == 200
    edit = confirm_url(work).replace("confirm/", "edit/")
    assert world.client_for("kim").get(edit).status_code == 403
    assert world.client_for("faith").get(edit).status_code == 200


def test_a_draft_has_no_score_to_confirm(world):
    work = improvement_of(world)
    TeamReport.objects.filter(pk=work.report.pk).update(status=TeamReport.Status.DRAFT)
    assert world.client_for("dan").get(confirm_url(work)).status_code == 403
