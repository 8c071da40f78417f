"""Writes of QI coach certification: a country's standards, enrolling a candidate, the knowledge check, a
mentor's observation, the certifying body's decision, withdrawing a candidacy and opening a renewal.

Each is atomic and audited. The caller checked the actor's permission (coaches/permissions.py); each service
checks again what it must not rely on a form for (the mentor is a mentor in force, the decider is the
country's certifying body, the team observed is one the candidate coaches, the candidacy is still open).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.when import when
from qicop.improvement.models import Team
from qicop.network.models import Country, Member, Membership, Network, Role
from qicop.programmes.coaches import words
from qicop.programmes.coaches.framework import DEFAULT_FRAMEWORK
from qicop.programmes.coaches.portfolio import in_force, portfolio_of, requirements, snapshot, teams_coached
from qicop.programmes.coaches.stages import valid_until_for
from qicop.programmes.coaches.standards import competencies_of, standard_for
from qicop.programmes.coaches.tasks import send_decision_email
from qicop.programmes.models import (
    CertificationStandard,
    CoachCertification,
    Competency,
    CompetencyRating,
    MentorObservation,
)

STANDARD_FIELDS = (
    "validity_years",
    "min_teams",
    "min_cycles",
    "min_assessments",
    "min_sessions",
    "knowledge_pass",
    "min_observations",
    "min_rating",
    "renewal_teams",
    "renewal_sessions",
    "notes",
)

OPEN = CoachCertification.Status.CANDIDATE


def closed_message(certification: CoachCertification) -> str:
    return _("This candidacy is closed (%(status)s): nothing more is recorded on it.") % {
        "status": certification.get_status_display().lower()
    }


def _closed(certification: CoachCertification) -> ValidationError | None:
    return None if certification.status == OPEN else ValidationError(closed_message(certification))


def _not_in_future(day: date | None, field: str, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ValidationError({field: _("%(what)s cannot be in the future.") % {"what": what}})


# --- standards ------------------------------------------------------------------------------------------


@transaction.atomic
def save_standard(
    *, actor, network: Network, country: Country, competencies: list[Competency], **values
) -> CertificationStandard:
    """Save the country's standards (creating them on first save; the network's defaults until then).
    ``competencies`` empty: observations rate the whole shared framework."""
    standard = standard_for(network, country)
    for key in STANDARD_FIELDS:
        setattr(standard, key, values.get(key) if key != "notes" else (values.get(key) or "").strip())
    standard.updated_by = actor
    try:
        standard.full_clean(exclude=["network", "country", "updated_by", "competencies"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    foreign = [c for c in competencies if c.framework != DEFAULT_FRAMEWORK]
    if foreign:
        raise ValidationError({"competencies": _("Choose competencies of the network's shared framework.")})
    standard.save()
    standard.competencies.set(competencies)
    audit(
        actor=actor,
        verb="coaches.standard",
        target=standard,
        country=country.iso2,
        competencies=[c.code for c in competencies],
    )
    return standard


# --- candidacies ----------------------------------------------------------------------------------------


@transaction.atomic
def enrol_candidate(
    *, actor, network: Network, country: Country, member: Member, started_on: date, notes: str = ""
) -> CoachCertification:
    """Open a first candidacy for ``member``, a member of ``country`` in ``network``."""
    if member.country_id != country.pk:
        raise ValidationError(
            {
                "member": _(
                    "%(name)s is a member of another country: a candidate is enrolled by their own country."
                )
                % {"name": member.full_name}
            }
        )
    if not Membership.objects.filter(member=member, network=network).exists():
        raise ValidationError({"member": _("%(name)s is not in this network.") % {"name": member.full_name}})
    mine = CoachCertification.objects.select_for_update().filter(network=network, member=member)
    if mine.filter(status=OPEN).exists():
        raise ValidationError(
            {
                "member": _("%(name)s already has an open candidacy: continue it, or withdraw it first.")
                % {"name": member.full_name}
            }
        )
    today = timezone.localdate()
    if in_force(network.pk, member.pk, today):
        raise ValidationError(
            {
                "member": _(
                    "%(name)s is already certified and the certificate is in force: renew it instead."
                )
                % {"name": member.full_name}
            }
        )
    if not started_on:
        raise ValidationError({"started_on": _("Give the day the candidacy starts.")})
    _not_in_future(started_on, "started_on", _("The start of a candidacy"))
    certification = CoachCertification.objects.create(
        network=network,
        country=country,
        member=member,
        kind=CoachCertification.Kind.INITIAL,
        started_on=started_on,
        notes=(notes or "").strip(),
        created_by=actor,
    )
    audit(actor=actor, verb="coaches.enrol", target=certification, member=member.pk, country=country.iso2)
    return certification


@transaction.atomic
def record_knowledge_check(
    *, actor, certification: CoachCertification, score: int, taken_on: date
) -> CoachCertification:
    if error := _closed(certification):
        raise error
    if score is None or not 0 <= score <= 100:
        raise ValidationError({"score": _("Give the result as a percentage, from 0 to 100.")})
    if not taken_on:
        raise ValidationError({"taken_on": _("Give the day the knowledge check was taken.")})
    _not_in_future(taken_on, "taken_on", _("The day of the knowledge check"))
    certification.knowledge_score = score
    certification.knowledge_on = taken_on
    certification.save(update_fields=["knowledge_score", "knowledge_on", "updated_at"])
    audit(actor=actor, verb="coaches.knowledge", target=certification, score=score)
    return certification


def observation_refusal(mentor: Member | None, certification: CoachCertification, today: date) -> str:
    """Why ``mentor`` may not observe this candidacy ("" when they may)."""
    if certification.status != OPEN:
        return closed_message(certification)
    if mentor is None or not in_force(certification.network_id, mentor.pk, today, mentor=True):
        return _(
            "Only a certified mentor may observe a candidate: a coach whose certificate is in force and "
            "names them a mentor."
        )
    if mentor.pk == certification.member_id:
        return _("A candidate cannot observe themselves: another mentor records the observation.")
    return ""


@transaction.atomic
def record_observation(
    *,
    actor,
    mentor: Member | None,
    certification: CoachCertification,
    observed_on: date,
    setting: str,
    team: Team | None = None,
    summary: str = "",
    ratings: dict[int, tuple[int | None, str]],
) -> MentorObservation:
    """Record a mentor's observation: ``ratings`` maps each competency id of the country's standard to
    (rating 1–4, comment); every competency is rated."""
    today = timezone.localdate()
    if refusal := observation_refusal(mentor, certification, today):
        raise ValidationError(refusal)
    errors: dict[str, str] = {}
    if not observed_on:
        errors["observed_on"] = _("Give the day of the observation.")
    elif observed_on > today:
        errors["observed_on"] = _("The day of the observation cannot be in the future.")
    elif observed_on < certification.started_on:
        errors["observed_on"] = _("The observation cannot be before the candidacy started (%(day)s).") % {
            "day": when(certification.started_on, "date")
        }
    if setting not in MentorObservation.Setting.values:
        errors["setting"] = _("Choose where the candidate was observed.")
    if team is not None and not teams_coached(certification).filter(pk=team.pk).exists():
        errors["team"] = _("Choose a team the candidate coaches in the country's collaboratives, or none.")
    competencies = competencies_of(standard_for(certification.network, certification.country))
    for competency in competencies:
        rating = (ratings.get(competency.pk) or (None, ""))[0]
        if rating not in CompetencyRating.Rating.values:
            errors[f"rating_{competency.pk}"] = _("Rate “%(name)s” from 1 to 4.") % {"name": competency.name}
    if errors:
        raise ValidationError(errors)
    observation = MentorObservation.objects.create(
        certification=certification,
        mentor=mentor,
        observed_on=observed_on,
        setting=setting,
        team=team,
        summary=(summary or "").strip(),
        created_by=actor,
    )
    CompetencyRating.objects.bulk_create(
        CompetencyRating(
            observation=observation,
            competency=competency,
            rating=ratings[competency.pk][0],
            comment=(ratings[competency.pk][1] or "").strip(),
        )
        for competency in competencies
    )
    audit(actor=actor, verb="coaches.observe", target=certification, observation=observation.pk)
    return observation


def _is_certifier(member: Member | None, certification: CoachCertification) -> bool:
    return (
        member is not None
        and member.country_id == certification.country_id
        and Membership.objects.filter(
            member=member, network_id=certification.network_id, role=Role.CERTIFIER
        ).exists()
    )


@transaction.atomic
def decide_certification(
    *,
    actor,
    certifier: Member | None,
    certification: CoachCertification,
    certify: bool,
    decided_on: date,
    mentor: bool = False,
    notes: str = "",
) -> CoachCertification:
    """The certifying body's decision. Certifying needs every requirement of the country's standard met
    (refused naming each one that is not); it sets the validity and keeps what the portfolio held."""
    if error := _closed(certification):
        raise error
    if not _is_certifier(certifier, certification):
        raise ValidationError(_("Only the country's certifying body decides a certification."))
    if certifier.pk == certification.member_id:
        raise ValidationError(_("A certifying body does not decide its own candidacy."))
    notes = (notes or "").strip()
    if not decided_on:
        raise ValidationError({"decided_on": _("Give the day of the decision.")})
    _not_in_future(decided_on, "decided_on", _("The day of the decision"))
    if decided_on < certification.started_on:
        raise ValidationError(
            {
                "decided_on": _("The decision cannot be before the candidacy started (%(day)s).")
                % {"day": when(certification.started_on, "date")}
            }
        )
    if not certify and not notes:
        raise ValidationError(
            {"decision_notes": _("Write why the candidate is not certified: they read it.")}
        )
    standard = standard_for(certification.network, certification.country)
    portfolio = portfolio_of(certification)
    needs = requirements(portfolio, standard)
    if certify:
        unmet = [words.sentence(r) for r in needs if not r.met]
        if unmet:
            raise ValidationError(
                [_("The portfolio does not meet the country's standard yet:"), *unmet],
            )
        certification.status = CoachCertification.Status.CERTIFIED
        certification.valid_until = valid_until_for(decided_on, standard.validity_years)
        certification.mentor = bool(mentor)
    else:
        certification.status = CoachCertification.Status.NOT_CERTIFIED
        certification.mentor = False
    certification.decided_on = decided_on
    certification.decided_by = certifier
    certification.decision_notes = notes
    certification.portfolio = snapshot(portfolio, standard)
    certification.save()
    audit(
        actor=actor,
        verb="coaches.decide",
        target=certification,
        status=certification.status,
        valid_until=certification.valid_until.isoformat() if certification.valid_until else None,
    )
    transaction.on_commit(lambda: send_decision_email.enqueue(certification.pk))
    return certification


@transaction.atomic
def withdraw_candidacy(*, actor, certification: CoachCertification) -> CoachCertification:
    if error := _closed(certification):
        raise error
    certification.status = CoachCertification.Status.WITHDRAWN
    certification.save(update_fields=["status", "updated_at"])
    audit(actor=actor, verb="coaches.withdraw", target=certification)
    return certification


@transaction.atomic
def open_renewal(*, actor, certification: CoachCertification) -> CoachCertification:
    """Open a recertification candidacy for a certified coach (certified, expiring or lapsed): what counts
    for it is what happened since the certificate it renews was decided."""
    if certification.status != CoachCertification.Status.CERTIFIED:
        raise ValidationError(_("Only a certified coach's certificate is renewed."))
    mine = CoachCertification.objects.select_for_update().filter(
        network_id=certification.network_id, member_id=certification.member_id
    )
    if mine.filter(status=OPEN).exists():
        raise ValidationError(
            _("%(name)s already has an open candidacy: continue it rather than open another.")
            % {"name": certification.member.full_name}
        )
    if certification.renewals.filter(status=CoachCertification.Status.CERTIFIED).exists():
        raise ValidationError(_("This certificate was already renewed."))
    renewal = CoachCertification.objects.create(
        network_id=certification.network_id,
        country_id=certification.country_id,
        member_id=certification.member_id,
        kind=CoachCertification.Kind.RENEWAL,
        renews=certification,
        started_on=timezone.localdate(),
        created_by=actor,
    )
    audit(actor=actor, verb="coaches.renew", target=renewal, renews=certification.pk)
    return renewal
