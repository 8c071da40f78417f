"""Writes of assessment rounds: start (optionally from last year's answers), save a domain's answers,
submit, send back to draft, confirm, lock, share. Each is atomic and audited; each checks the round's
state itself (the caller checked the actor's permission, with programmes.permissions).

A locked round is never changed by anyone; a submitted round changes only once the coordinator sends it
back to draft with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.network.models import Country, Member, Network
from qicop.programmes.models import Answer, AssessmentRound, Instrument, Item

S = AssessmentRound.Status


@dataclass(frozen=True)
class Given:
    """What was typed for one item."""

    level: int | None
    evidence: str = ""
    comment: str = ""


def _not_editable(round_: AssessmentRound) -> ValidationError | None:
    if round_.status == S.LOCKED:
        return ValidationError(_("This round is locked: nobody changes its answers any more."))
    if round_.status == S.SUBMITTED:
        return ValidationError(
            _(
                "This round is submitted: it changes only once the coordinator sends it back to draft "
                "(with the reason on the round's page)."
            )
        )
    if round_.status == S.CONFIRMED:
        return ValidationError(_("This round is confirmed: its answers no longer change."))
    return None


def _already(country: Country, instrument: Instrument, year: int) -> ValidationError:
    return ValidationError(
        {
            "year": _(
                "%(country)s already has a round of %(instrument)s for %(year)s: open it from the rounds "
                "list, or choose another year."
            )
            % {"country": country.display_name, "instrument": instrument.name, "year": year}
        }
    )


def latest_earlier_round(
    *, network: Network, country: Country, instrument: Instrument, year: int
) -> AssessmentRound | None:
    """The country's latest round before ``year`` of the same instrument, whatever its version."""
    return (
        AssessmentRound.objects.filter(
            network=network, country=country, instrument__slug=instrument.slug, year__lt=year
        )
        .order_by("-year")
        .first()
    )


@transaction.atomic
def start_round(
    *,
    actor,
    network: Network,
    country: Country,
    instrument: Instrument,
    year: int,
    assessed_by: str,
    assessors: list[Member] | tuple = (),
    assessor_names: str = "",
    from_last_year: bool = False,
) -> AssessmentRound:
    """Start a draft round of ``instrument`` (its current version) for ``country`` in ``year``; one round a
    country, instrument and year. With ``from_last_year`` the answers (levels, evidence, comments) of the
    country's latest earlier round of the instrument are copied, item to item by lineage, so that a new
    version's carried items keep theirs; items without a predecessor start empty."""
    if not instrument.current:
        raise ValidationError(
            {
                "instrument": _(
                    "This version of the instrument has been replaced: start the round on the current one."
                )
            }
        )
    if not network.countries.filter(pk=country.pk).exists():
        raise ValidationError({"country": _("This country is not in the network.")})
    if AssessmentRound.objects.filter(
        network=network, country=country, instrument__slug=instrument.slug, year=year
    ).exists():
        raise _already(country, instrument, year)
    earlier = None
    if from_last_year:
        earlier = latest_earlier_round(network=network, country=country, instrument=instrument, year=year)
        if earlier is None:
            raise ValidationError(
                {
                    "from_last_year": _(
                        "%(country)s has no earlier round of this instrument to start from: untick "
                        "“start from last year's answers” to start an empty round."
                    )
                    % {"country": country.display_name}
                }
            )
    try:
        with transaction.atomic():
            round_ = AssessmentRound.objects.create(
                network=network,
                country=country,
                instrument=instrument,
                year=year,
                assessed_by=assessed_by,
                assessor_names=assessor_names.strip(),
                started_from=earlier,
                created_by=actor,
            )
    except IntegrityError:  # started at the same moment by someone else
        raise _already(country, instrument, year) from None
    round_.assessors.set(assessors)
    copied = _copy_answers(earlier, round_) if earlier else 0
    audit(
        actor=actor,
        verb="assessment_round.start",
        target=round_,
        year=year,
        started_from=earlier.pk if earlier else None,
        copied=copied,
    )
    return round_


def _copy_answers(earlier: AssessmentRound, round_: AssessmentRound) -> int:
    by_lineage = {
        lineage: answer
        for answer, lineage in (
            (a, a.item.lineage) for a in Answer.objects.filter(round=earlier).select_related("item")
        )
    }
    copies = [
        Answer(
            round=round_,
            item=item,
            level=previous.level,
            evidence=previous.evidence,
            comment=previous.comment,
        )
        for item in Item.objects.filter(domain__instrument_id=round_.instrument_id)
        if (previous := by_lineage.get(item.lineage)) is not None
    ]
    Answer.objects.bulk_create(copies)
    return len(copies)


def _needs_evidence(round_: AssessmentRound, level: int | None) -> bool:
    evidence_from = round_.instrument.evidence_from
    return level is not None and evidence_from is not None and level >= evidence_from


@transaction.atomic
def save_answers(*, actor, round_: AssessmentRound, answers: dict[Item, Given]) -> None:
    """Save the answers given for some of the round's items (one domain's, from its page). Only a draft;
    a level must be on the instrument's scale, and from the instrument's ``evidence_from`` it needs
    evidence. Nothing is saved when any answer is refused; errors are keyed ``level_<item id>`` and
    ``evidence_<item id>``."""
    refused = _not_editable(round_)
    if refused is not None:
        raise refused
    errors: dict[str, list[str]] = {}
    for item, given in answers.items():
        if item.domain.instrument_id != round_.instrument_id:
            errors.setdefault("__all__", []).append(_("This question is not part of the round's instrument."))
        elif given.level is not None and given.level not in round_.instrument.levels:
            errors[f"level_{item.pk}"] = [_("Choose one of the instrument's levels.")]
        elif _needs_evidence(round_, given.level) and not given.evidence.strip():
            errors[f"evidence_{item.pk}"] = [
                _(
                    "“%(item)s”: level %(level)s needs evidence (from level %(from)s the "
                    "instrument asks what shows it: minutes, a plan, a report…). Write it, or choose "
                    "a lower level."
                )
                % {"item": item.text, "level": given.level, "from": round_.instrument.evidence_from}
            ]
    if errors:
        raise ValidationError(errors)
    existing = {a.item_id: a for a in Answer.objects.filter(round=round_, item__in=list(answers))}
    changed = []
    for item, given in answers.items():
        answer = existing.get(item.pk) or Answer(round=round_, item=item)
        fields = {"level": given.level, "evidence": given.evidence.strip(), "comment": given.comment.strip()}
        if answer.pk and all(getattr(answer, k) == v for k, v in fields.items()):
            continue
        for name, value in fields.items():
            setattr(answer, name, value)
        answer.save()
        changed.append(item.code)
    if changed:
        round_.save(update_fields=["updated_at"])
        audit(actor=actor, verb="assessment_round.answer", target=round_, items=changed)


@transaction.atomic
def submit_round(*, actor, round_: AssessmentRound, now=None) -> AssessmentRound:
    """Submit a draft for the coordinator's confirmation: every item answered (with its evidence where
    the instrument asks for it), else refused with the list of the items left."""
    if round_.status != S.DRAFT:
        raise _not_editable(round_)
    answers = {a.item_id: a for a in Answer.objects.filter(round=round_)}
    items = list(Item.objects.filter(domain__instrument_id=round_.instrument_id).select_related("domain"))
    unanswered = [i for i in items if answers.get(i.pk) is None or answers[i.pk].level is None]
    if unanswered:
        raise ValidationError(
            _("Answer every item before submitting; still without a level: %(items)s.")
            % {"items": "; ".join(f"{i.domain.name} \u2014 {i.text}" for i in unanswered)}
        )
    bare = [i for i in items if _needs_evidence(round_, answers[i.pk].level) and not answers[i.pk].evidence]
    if bare:
        raise ValidationError(
            _("Give the evidence of these items' levels before submitting: %(items)s.")
            % {"items": "; ".join(f"{i.domain.name} \u2014 {i.text}" for i in bare)}
        )
    round_.status = S.SUBMITTED
    round_.submitted_at = now or timezone.now()
    round_.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(actor=actor, verb="assessment_round.submit", target=round_)
    return round_


@transaction.atomic
def return_round(*, actor, round_: AssessmentRound, reason: str) -> AssessmentRound:
    """The coordinator sends a submitted round back to draft, saying why (kept in the audit trail and
    shown on the round's page)."""
    if round_.status != S.SUBMITTED:
        raise ValidationError(_("Only a submitted round can be sent back to draft."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the round goes back to draft: its assessors read it.")})
    round_.status = S.DRAFT
    round_.submitted_at = None
    round_.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(actor=actor, verb="assessment_round.return", target=round_, reason=reason.strip())
    return round_


@transaction.atomic
def confirm_round(*, actor, round_: AssessmentRound, now=None) -> AssessmentRound:
    """The coordinator confirms a submitted round; other countries see it once the country shares it."""
    if round_.status != S.SUBMITTED:
        raise ValidationError(_("Only a submitted round can be confirmed."))
    round_.status = S.CONFIRMED
    round_.confirmed_at = now or timezone.now()
    round_.confirmed_by = actor
    round_.save(update_fields=["status", "confirmed_at", "confirmed_by", "updated_at"])
    audit(actor=actor, verb="assessment_round.confirm", target=round_)
    return round_


@transaction.atomic
def lock_round(*, actor, round_: AssessmentRound, now=None) -> AssessmentRound:
    """The coordinator locks a confirmed round: from then on nobody changes it."""
    if round_.status != S.CONFIRMED:
        raise ValidationError(_("Only a confirmed round can be locked."))
    round_.status = S.LOCKED
    round_.locked_at = now or timezone.now()
    round_.save(update_fields=["status", "locked_at", "updated_at"])
    audit(actor=actor, verb="assessment_round.lock", target=round_)
    return round_


@transaction.atomic
def share_round(*, actor, round_: AssessmentRound, shared: bool) -> AssessmentRound:
    """Share the round with the network's other countries (they see it once confirmed), or stop."""
    if round_.shared != shared:
        round_.shared = shared
        round_.save(update_fields=["shared", "updated_at"])
        audit(
            actor=actor,
            verb="assessment_round.share" if shared else "assessment_round.unshare",
            target=round_,
        )
    return round_
