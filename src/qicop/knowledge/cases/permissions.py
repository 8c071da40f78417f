"""Who may do what with case studies, resources and topics: one condition a line.

Members read published content of their networks; authors and their country's focal point edit drafts
and case studies in review; coordinators publish and may change everything; observers read published
case studies and resources only. A draft is seen by the people who may edit or review it, nobody else.

Every function answers from the request's Viewer; ``author_ids`` are the member ids of the case study's
authors (prefetched by the selector), so that a list page asks nothing per row.
"""

from __future__ import annotations

from collections.abc import Collection

from qicop.indicators.permissions import ReadScope
from qicop.knowledge.models import CaseStudy, CaseStudyChart, Resource
from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant


def is_author(viewer: Viewer, case: CaseStudy, author_ids: Collection[int]) -> bool:
    if viewer.member_id is not None and viewer.member_id in author_ids:
        return True
    return viewer.user_id is not None and case.created_by_id == viewer.user_id


def can_write_case_studies(viewer: Viewer, network: Network | int) -> bool:
    """Start a case study: members in any role but observer."""
    return is_participant(viewer, network)


def can_see_unpublished(viewer: Viewer, network: Network | int) -> bool:
    """May see some drafts or case studies in review (their own, their country's, all): participants."""
    return is_participant(viewer, network)


def writes_about_any_country(viewer: Viewer, network: Network | int) -> bool:
    """Writes about, and reviews, any of the network's countries: coordinators (everyone else: their own)."""
    return viewer.is_coordinator(network)


def reviews_in(viewer: Viewer, network: Network | int) -> bool:
    """Reviews some of the network's case studies: a coordinator (all), a focal point (their country's)."""
    return viewer.is_coordinator(network) or viewer.is_focal_point_for(network, viewer.country_id)


def can_see_case_study(viewer: Viewer, case: CaseStudy, author_ids: Collection[int]) -> bool:
    if case.status == CaseStudy.Status.PUBLISHED:
        return True  # the caller has already checked that the viewer belongs to the network
    if viewer.is_coordinator(case.network_id):
        return True
    if viewer.is_focal_point_for(case.network_id, case.country_id):
        return True
    # An author who is now an observer reads published case studies only, as in the lists.
    return is_participant(viewer, case.network_id) and is_author(viewer, case, author_ids)


def can_edit_case_study(viewer: Viewer, case: CaseStudy, author_ids: Collection[int]) -> bool:
    if viewer.is_coordinator(case.network_id):
        return True
    if case.status == CaseStudy.Status.PUBLISHED:
        return False  # published text changes through a coordinator, or back to draft first
    if viewer.is_focal_point_for(case.network_id, case.country_id):
        return True
    return is_participant(viewer, case.network_id) and is_author(viewer, case, author_ids)


def can_submit_for_review(viewer: Viewer, case: CaseStudy, author_ids: Collection[int]) -> bool:
    if case.status != CaseStudy.Status.DRAFT:
        return False
    return can_edit_case_study(viewer, case, author_ids)


def can_review(viewer: Viewer, case: CaseStudy) -> bool:
    """Comment on a case study in review: coordinators, or the focal point of its country."""
    if case.status != CaseStudy.Status.REVIEW:
        return False
    if viewer.is_coordinator(case.network_id):
        return True
    return viewer.is_focal_point_for(case.network_id, case.country_id)


def can_publish(viewer: Viewer, case: CaseStudy) -> bool:
    if case.status == CaseStudy.Status.PUBLISHED:
        return False
    return viewer.is_coordinator(case.network_id)


def can_return_to_draft(viewer: Viewer, case: CaseStudy) -> bool:
    if case.status == CaseStudy.Status.DRAFT:
        return False
    if viewer.is_coordinator(case.network_id):
        return True
    if case.status == CaseStudy.Status.PUBLISHED:
        return False
    return viewer.is_focal_point_for(case.network_id, case.country_id)


def can_add_resources(viewer: Viewer, network: Network | int) -> bool:
    return is_participant(viewer, network)


def can_edit_resource(viewer: Viewer, resource: Resource) -> bool:
    if viewer.is_coordinator(resource.network_id):
        return True
    if not is_participant(viewer, resource.network_id):
        return False
    return viewer.member_id is not None and resource.added_by_id == viewer.member_id


def can_see_meetings_and_discussions(viewer: Viewer, network: Network | int) -> bool:
    """On a topic page: meetings and discussions are for participants; observers read the rest."""
    return is_participant(viewer, network)


def can_manage_topics(viewer: Viewer, network: Network | int) -> bool:
    return viewer.is_coordinator(network)


def may_read_live(user, chart: CaseStudyChart) -> bool:
    """Whether ``user`` may see this chart's current data: observers see national totals only."""

    scope = ReadScope(user)
    if scope.everything or chart.org_unit.country_id in scope.countries:
        return True
    if scope.national_only:
        return chart.org_unit.level == 1
    return scope.published or scope.own_country_id is not None
