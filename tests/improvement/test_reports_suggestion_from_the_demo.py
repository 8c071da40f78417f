"""The suggested score read from real charts: the demo's Kenyan teams, whose data steps up when their main
change is adopted (the demo starts a new phase there), are suggested 3.0 or more once the data moved, and
no more than 2.5 before."""

from __future__ import annotations

from decimal import Decimal

from qicop.improvement.collaboratives.services import add_months
from qicop.improvement.models import PdsaCycle, Team
from qicop.improvement.reports.services import suggestion_for


def _lead_team():
    return Team.objects.select_related("collaborative", "org_unit__country").get(
        lead__user__email="lead.ke@example.org"
    )


def test_a_team_whose_chart_moved_after_its_adopted_change_is_suggested_at_least_3(demo):
    team = _lead_team()
    adopted = (
        PdsaCycle.objects.filter(team=team, decision=PdsaCycle.Decision.ADOPT).order_by("decided_on").first()
    )
    month = add_months(adopted.decided_on.replace(day=1), 3)
    suggestion = suggestion_for(user=team.lead.user, team=team, month=month)
    assert suggestion.score >= Decimal("3.0"), suggestion


def test_before_its_data_moved_a_team_is_suggested_no_more_than_changes_without_improvement(demo):
    team = _lead_team()
    adopted = (
        PdsaCycle.objects.filter(team=team, decision=PdsaCycle.Decision.ADOPT).order_by("decided_on").first()
    )
    month = add_months(adopted.decided_on.replace(day=1), -1)
    suggestion = suggestion_for(user=team.lead.user, team=team, month=month)
    assert suggestion.score <= Decimal("2.5"), suggestion
