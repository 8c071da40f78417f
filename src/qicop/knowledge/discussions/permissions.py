"""Who may do what in discussions: one condition a line, answered from the request's Viewer.

Members read and discuss in their networks; observers do not take part in discussions (they read
published case studies and resources only). Coordinators moderate: hide and lock. A thread attached to a
case study that is not published yet is read only by those who may read the draft: its authors (and
whoever started it), its country's focal point and the coordinators, as in cases/permissions.py.
Hidden threads are seen by coordinators only.
"""

from __future__ import annotations

from django.db.models import Q

from qicop.knowledge.models import CaseStudy, Post, Thread
from qicop.network.models import Membership, Network, Role
from qicop.network.permissions import PARTICIPANT_ROLES, Viewer, is_participant


def can_take_part(viewer: Viewer, network: Network | int) -> bool:
    """Discussion pages at all: participants of the network; observers and outsiders do not."""
    return is_participant(viewer, network)


def can_write(viewer: Viewer, network: Network | int) -> bool:
    """Start threads, reply, follow, report: a participant with a member profile (posts have authors)."""
    return can_take_part(viewer, network) and viewer.member_id is not None


def can_moderate(viewer: Viewer, network: Network | int) -> bool:
    return viewer.is_coordinator(network)


def can_read_case_study_draft(viewer: Viewer, case_study: CaseStudy) -> bool:
    if case_study.status == CaseStudy.Status.PUBLISHED:
        return True
    if viewer.is_coordinator(case_study.network_id):
        return True
    if viewer.is_focal_point_for(case_study.network_id, case_study.country_id):
        return True
    if viewer.user_id is not None and case_study.created_by_id == viewer.user_id:
        return True
    return viewer.member_id is not None and case_study.authors.filter(pk=viewer.member_id).exists()


def can_read_thread(viewer: Viewer, thread: Thread) -> bool:
    if not can_take_part(viewer, thread.network_id):
        return False
    if thread.hidden and not can_moderate(viewer, thread.network_id):
        return False
    if thread.case_study_id is None:
        return True
    return can_read_case_study_draft(viewer, thread.case_study)


def readable_threads(viewer: Viewer, network: Network) -> Q:
    """The same rule as ``can_read_thread`` as a filter on threads of ``network`` (for lists)."""
    if can_moderate(viewer, network):
        return Q()
    published = Q(case_study__isnull=True) | Q(case_study__status=CaseStudy.Status.PUBLISHED)
    own_country = (
        Q(case_study__country_id=viewer.country_id)
        if viewer.has_role(network, Role.FOCAL_POINT) and viewer.country_id
        else Q(pk__in=[])
    )
    authored = (
        Q(case_study__in=CaseStudy.objects.filter(authors=viewer.member_id).values("pk"))
        if viewer.member_id
        else Q(pk__in=[])
    )
    started = Q(case_study__created_by_id=viewer.user_id) if viewer.user_id else Q(pk__in=[])
    return Q(hidden=False) & (published | own_country | authored | started)


def can_reply(viewer: Viewer, thread: Thread) -> bool:
    """Checked after can_read_thread. A locked thread takes no replies, a hidden one neither."""
    if not can_write(viewer, thread.network_id):
        return False
    if thread.locked:
        return False
    return not thread.hidden


def can_edit_post(viewer: Viewer, post: Post) -> bool:
    if viewer.member_id is None or post.author_id != viewer.member_id:
        return False
    if post.hidden:
        return False
    return not post.thread.locked


def can_accept_answer(viewer: Viewer, thread: Thread) -> bool:
    """The thread's starter, or a coordinator, marks the answer that settled the question."""
    if can_moderate(viewer, thread.network_id):
        return True
    return viewer.member_id is not None and thread.created_by_id == viewer.member_id


def can_report(viewer: Viewer, post: Post) -> bool:
    if not can_write(viewer, post.thread.network_id):
        return False
    return post.author_id != viewer.member_id


def can_see_hidden_text(viewer: Viewer, network: Network | int) -> bool:
    return can_moderate(viewer, network)


def readers_among(thread: Thread, member_ids) -> set[int]:
    """Which of ``member_ids`` may read ``thread``: notifications and e-mails go to them only."""
    if thread.hidden:
        return set()
    memberships = Membership.objects.filter(
        network_id=thread.network_id, role__in=PARTICIPANT_ROLES, member_id__in=list(member_ids)
    )
    case_study = thread.case_study
    if case_study is not None and case_study.status != CaseStudy.Status.PUBLISHED:
        memberships = memberships.filter(
            Q(role=Role.COORDINATOR)
            | Q(role=Role.FOCAL_POINT, member__country_id=case_study.country_id)
            | Q(member__in=case_study.authors.all())
            | Q(member__user_id=case_study.created_by_id)
        )
    return set(memberships.values_list("member_id", flat=True))
