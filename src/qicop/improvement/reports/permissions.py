"""Who may change a monthly report, on top of the app's rules (improvement.permissions): the team edits its
draft; once submitted the report is the coach's to confirm, and once confirmed only whoever runs the
collaborative changes it."""

from __future__ import annotations

from qicop.improvement import permissions
from qicop.improvement.models import Team, TeamReport
from qicop.network.permissions import Viewer


def can_edit_report(viewer: Viewer, team: Team, report: TeamReport | None) -> bool:
    if not permissions.can_edit_team(viewer, team):
        return False
    if report is None or report.status == TeamReport.Status.DRAFT:
        return True
    return permissions.can_run(viewer, team.collaborative)


def can_confirm(viewer: Viewer, report: TeamReport | None) -> bool:
    if report is None or report.status == TeamReport.Status.DRAFT:
        return False
    if report.status == TeamReport.Status.CONFIRMED:
        return permissions.can_run(viewer, report.team.collaborative)
    return permissions.can_confirm_score(viewer, report)
