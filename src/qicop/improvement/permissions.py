"""Who may do what with improvement work: one condition a line, answered from the request's Viewer.

A country's focal point runs its country's collaboratives (with the collaborative's faculty); coaches
confirm the scores of the teams they coach; team members edit their team's workspace; coordinators see and
help everywhere. Other countries' participants see a collaborative once its country shares it (as with
published data); observers see shared collaboratives' pictures, never team workspaces.

Functions that ask about faculty or team members read ``collaborative.faculty`` and ``team.members``:
prefetch them on list pages (selectors do).
"""

from __future__ import annotations

from collections.abc import Collection

from qicop.improvement.models import ChangeIdea, Collaborative, PdsaCycle, Team, TeamReport
from qicop.knowledge.cases import permissions as case_rules
from qicop.knowledge.models import CaseStudy
from qicop.network.models import Network
from qicop.network.permissions import Viewer, can_view_network, is_participant


def is_own_country(viewer: Viewer, collaborative: Collaborative) -> bool:
    """Whether the viewer belongs to a country that runs the collaborative."""
    return viewer.country_id is not None and viewer.country_id in collaborative.country_ids()


def is_faculty(viewer: Viewer, collaborative: Collaborative) -> bool:
    return viewer.member_id is not None and any(m.pk == viewer.member_id for m in collaborative.faculty.all())


def can_create_collaborative(viewer: Viewer, network: Network, country_id: int | None) -> bool:
    return viewer.is_coordinator(network) or viewer.is_focal_point_for(network, country_id)


def can_create_anywhere(viewer: Viewer, network: Network) -> bool:
    """Whether the "new collaborative" link shows: a coordinator, or a focal point for their own country."""
    return can_create_collaborative(viewer, network, viewer.country_id)


def can_view_collaborative(viewer: Viewer, collaborative: Collaborative) -> bool:
    """The collaborative's page and picture (aim, teams' key measures, scores)."""
    if not can_view_network(viewer, collaborative.network):
        return False
    if viewer.is_coordinator(collaborative.network_id):
        return True
    if is_participant(viewer, collaborative.network_id) and is_own_country(viewer, collaborative):
        return True
    return collaborative.shared


def can_view_workspaces(viewer: Viewer, collaborative: Collaborative) -> bool:
    """Team workspaces (driver diagrams, PDSA cycles, reports): participants only, never observers."""
    if viewer.is_coordinator(collaborative.network_id):
        return True
    if not is_participant(viewer, collaborative.network_id):
        return False
    return is_own_country(viewer, collaborative) or collaborative.shared


def can_run(viewer: Viewer, collaborative: Collaborative) -> bool:
    """Edit the collaborative, its measures, meetings and teams."""
    if viewer.is_coordinator(collaborative.network_id):
        return True
    if any(viewer.is_focal_point_for(collaborative.network_id, c) for c in collaborative.country_ids()):
        return True
    return is_participant(viewer, collaborative.network_id) and is_faculty(viewer, collaborative)


def is_on_team(viewer: Viewer, team: Team) -> bool:
    if viewer.member_id is None:
        return False
    return (
        team.lead_id == viewer.member_id
        or team.coach_id == viewer.member_id
        or any(seat.member_id == viewer.member_id for seat in team.members.all())
    )


def can_edit_team(viewer: Viewer, team: Team) -> bool:
    """The team's workspace: aim, driver diagram, PDSA cycles, monthly reports."""
    if can_run(viewer, team.collaborative):
        return True
    return is_participant(viewer, team.collaborative.network_id) and is_on_team(viewer, team)


def can_edit_cycle(viewer: Viewer, cycle: PdsaCycle) -> bool:
    return can_edit_team(viewer, cycle.team)


def can_confirm_score(viewer: Viewer, report: TeamReport) -> bool:
    """The team's coach (or whoever runs the collaborative) confirms or changes a submitted self-score."""
    team = report.team
    if can_run(viewer, team.collaborative):
        return True
    return viewer.member_id is not None and team.coach_id == viewer.member_id


def can_discuss_reports(viewer: Viewer, team: Team) -> bool:
    """Read and write the comments on the team's monthly reports: the team, its coach (who comments on the
    teams they coach), faculty, the focal point and the coordinators; not the rest of the country, not
    other countries, never observers."""
    return can_edit_team(viewer, team)


def can_see_change_ideas(viewer: Viewer, network: Network) -> bool:
    return can_view_network(viewer, network)


def can_propose_change_idea(viewer: Viewer, network: Network) -> bool:
    return is_participant(viewer, network)


def can_cite_change_ideas(viewer: Viewer, case: CaseStudy, author_ids: Collection[int]) -> bool:
    """Choose the change ideas a case study tells the story of: whoever may edit the case study, and its
    authors even once it is published (the citations are not its text)."""
    if case_rules.can_edit_case_study(viewer, case, author_ids):
        return True
    return is_participant(viewer, case.network_id) and case_rules.is_author(viewer, case, author_ids)


def can_edit_change_idea(viewer: Viewer, idea: ChangeIdea) -> bool:
    if viewer.is_coordinator(idea.network_id):
        return True
    if idea.created_by_id == viewer.user_id and is_participant(viewer, idea.network_id):
        return True
    return viewer.is_focal_point_for(idea.network_id, idea.country_id)
