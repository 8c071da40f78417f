"""Who may do what with QI coach certification, one condition a line, from the request's Viewer.

A country's focal point (and the coordinator) keep its certification: its standards, its candidates, their
knowledge checks. Mentors — coaches whose certification is in force and names them mentors — observe
candidates (not themselves). The country's certifying body (members with the "certifier" role and of that
country) decides. A candidate reads their own portfolio. Every member of the network, observers too, reads
the register of certified coaches (public fields only); anyone with a certificate's code may verify it.
"""

from __future__ import annotations

from qicop.network.models import Network, Role
from qicop.network.permissions import Viewer, can_view_network
from qicop.programmes.models import CoachCertification


def can_see_register(viewer: Viewer, network: Network) -> bool:
    return can_view_network(viewer, network)


def can_keep_certification(viewer: Viewer, network: Network | int, country_id: int) -> bool:
    """Enrol candidates, record knowledge checks, set the standards, withdraw: the focal point, the
    coordinator."""
    return viewer.is_coordinator(network) or viewer.is_focal_point_for(network, country_id)


def is_certifier_for(viewer: Viewer, network: Network | int, country_id: int) -> bool:
    return viewer.has_role(network, Role.CERTIFIER) and viewer.country_id == country_id


def is_candidate(viewer: Viewer, certification: CoachCertification) -> bool:
    return viewer.member_id is not None and viewer.member_id == certification.member_id


def can_see_portfolio(viewer: Viewer, certification: CoachCertification, *, is_mentor: bool) -> bool:
    """``is_mentor``: whether the viewer is a mentor in force in the network (selectors.is_mentor)."""
    network, country = certification.network_id, certification.country_id
    return (
        can_keep_certification(viewer, network, country)
        or is_certifier_for(viewer, network, country)
        or is_candidate(viewer, certification)
        or is_mentor
    )


def can_observe(viewer: Viewer, certification: CoachCertification, *, is_mentor: bool) -> bool:
    """Record an observation: a mentor in force, of a candidate still a candidate, not themselves."""
    return (
        is_mentor
        and certification.status == CoachCertification.Status.CANDIDATE
        and not is_candidate(viewer, certification)
    )


def can_decide(viewer: Viewer, certification: CoachCertification) -> bool:
    """Certify or not: the country's certifying body, never on their own candidacy."""
    return (
        certification.status == CoachCertification.Status.CANDIDATE
        and is_certifier_for(viewer, certification.network_id, certification.country_id)
        and not is_candidate(viewer, certification)
    )


def can_download_certificate(viewer: Viewer, certification: CoachCertification) -> bool:
    if certification.status != CoachCertification.Status.CERTIFIED:
        return False
    network, country = certification.network_id, certification.country_id
    return (
        is_candidate(viewer, certification)
        or can_keep_certification(viewer, network, country)
        or is_certifier_for(viewer, network, country)
    )


def can_see_candidates(viewer: Viewer, network: Network, country_id: int, *, is_mentor: bool) -> bool:
    """A country's certification work (its candidates, decisions, renewals due): its keepers, its
    certifying body, and the network's mentors in force (who observe candidates)."""
    return (
        can_keep_certification(viewer, network, country_id)
        or is_certifier_for(viewer, network, country_id)
        or is_mentor
    )


def can_withdraw(viewer: Viewer, certification: CoachCertification) -> bool:
    """Withdraw a candidacy (the service refuses one already closed): its keepers, or the candidate."""
    return can_keep_certification(viewer, certification.network_id, certification.country_id) or is_candidate(
        viewer, certification
    )


def can_renew(viewer: Viewer, certification: CoachCertification) -> bool:
    """Open a recertification candidacy for a certified coach (the service refuses any other): its
    keepers."""
    return can_keep_certification(viewer, certification.network_id, certification.country_id)
