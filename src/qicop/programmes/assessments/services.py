"""Writes of assessment rounds: start (optionally from last year's answers), save a domain's answers with
their evidence files, submit, send back to draft, confirm, lock, share. Each is atomic and audited; each
checks the round's state itself (the caller checked the actor's permission, with programmes.permissions).

A locked round is never changed by anyone; a submitted round changes only once the coordinator sends it
back to draft with a reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qicop.core.audit import audit
from qicop.core.uploads import CheckedUpload, check_upload, safe_file_name
from qicop.network.models import Country, Member, Network
from qicop.programmes.models import Answer, AssessmentRound, EvidenceFile, Instrument, Item

S = AssessmentRound.Status

#: The most evidence files an answer carries, and a round: enough for the minutes, the plan and a report
#: of each item, few enough that a round's page and its storage stay bounded.
FILES_PER_ANSWER = 5
FILES_PER_ROUND = 100


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


def why_not_editable(round_: AssessmentRound) -> str:
    """Why the round's answers and files cannot change now ("" for a draft)."""
    refused = _not_editable(round_)
    return "" if refused is None else refused.messages[0]


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
    version's carried items keep theirs; items without a predecessor start empty. Evidence files are not
    copied: a file shows last year's state, and this year's level needs this year's (the written evidence
    is copied, to be corrected)."""
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


def _file_problems(
    round_: AssessmentRound,
    answers: dict[Item, Given],
    attach: dict[Item, object],
    remove: set[int],
    files: list[EvidenceFile],
) -> tuple[dict[str, list[str]], dict[int, int], dict[int, CheckedUpload]]:
    """The refusals of the files added and removed, each item's number of files once saved, and each
    accepted upload's checked content (by item id)."""
    errors: dict[str, list[str]] = {}
    checked: dict[int, CheckedUpload] = {}
    known = {f.pk for f in files}
    if remove - known:
        errors["__all__"] = [_("That file is not evidence of these questions: reload the page.")]
    count = {item.pk: 0 for item in answers}
    for kept in (f for f in files if f.pk not in remove):
        count[kept.answer.item_id] = count.get(kept.answer.item_id, 0) + 1
    for item, upload in attach.items():
        if item not in answers:
            errors.setdefault("__all__", []).append(_("This question is not part of the round's instrument."))
            continue
        try:
            content = check_upload(upload)
        except ValidationError as error:
            errors[f"file_{item.pk}"] = error.messages
            continue
        if count[item.pk] >= FILES_PER_ANSWER:
            errors[f"file_{item.pk}"] = [
                _(
                    "“%(item)s” already has %(count)s files, the most an answer carries: remove one "
                    "first (tick “Remove” beside it)."
                )
                % {"item": item.text, "count": FILES_PER_ANSWER}
            ]
            continue
        count[item.pk] += 1
        checked[item.pk] = content
    total = EvidenceFile.objects.filter(answer__round=round_).exclude(pk__in=remove).count() + len(checked)
    if total > FILES_PER_ROUND:
        errors.setdefault("__all__", []).append(
            _(
                "A round carries at most %(count)s evidence files and this one would have more: remove "
                "files the round no longer needs first."
            )
            % {"count": FILES_PER_ROUND}
        )
    return errors, count, checked


def _answer_problems(
    round_: AssessmentRound, answers: dict[Item, Given], files_of: dict[int, int]
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item, given in answers.items():
        if item.domain.instrument_id != round_.instrument_id:
            errors.setdefault("__all__", []).append(_("This question is not part of the round's instrument."))
        elif given.level is not None and given.level not in round_.instrument.levels:
            errors[f"level_{item.pk}"] = [_("Choose one of the instrument's levels.")]
        elif (
            _needs_evidence(round_, given.level) and not given.evidence.strip() and not files_of.get(item.pk)
        ):
            errors[f"evidence_{item.pk}"] = [
                _(
                    "“%(item)s”: level %(level)s needs evidence (from level %(from)s the "
                    "instrument asks what shows it: minutes, a plan, a report…). Write it or attach "
                    "a file, or choose a lower level."
                )
                % {"item": item.text, "level": given.level, "from": round_.instrument.evidence_from}
            ]
    return errors


@transaction.atomic
def save_answers(
    *,
    actor,
    round_: AssessmentRound,
    answers: dict[Item, Given],
    attach: dict[Item, object] | None = None,
    remove: Iterable[int] = (),
) -> None:
    """Save the answers given for some of the round's items (one domain's, from its page), with the files
    attached to them (``attach``: one upload an item) and without the evidence files of ``remove`` (their
    ids). Only a draft; a level must be on the instrument's scale, and from the instrument's
    ``evidence_from`` it needs evidence, written or a file. A file is checked by its content as meeting
    materials are; an answer carries at most FILES_PER_ANSWER files, a round FILES_PER_ROUND. Nothing is
    saved (and no file stored) when anything is refused; errors are keyed ``level_<item id>``,
    ``evidence_<item id>`` and ``file_<item id>``."""
    refused = _not_editable(round_)
    if refused is not None:
        raise refused
    attach = attach or {}
    remove = set(remove)
    files = list(
        EvidenceFile.objects.filter(answer__round=round_, answer__item__in=list(answers)).select_related(
            "answer"
        )
    )
    errors, files_of, checked = _file_problems(round_, answers, attach, remove, files)
    for key, problems in _answer_problems(round_, answers, files_of).items():
        errors.setdefault(key, []).extend(problems)
    if errors:
        raise ValidationError(errors)
    existing = {a.item_id: a for a in Answer.objects.filter(round=round_, item__in=list(answers))}
    changed = []
    for item, given in answers.items():
        answer = existing.get(item.pk) or Answer(round=round_, item=item)
        existing[item.pk] = answer
        fields = {"level": given.level, "evidence": given.evidence.strip(), "comment": given.comment.strip()}
        if answer.pk and all(getattr(answer, k) == v for k, v in fields.items()):
            continue
        for name, value in fields.items():
            setattr(answer, name, value)
        answer.save()
        changed.append(item.code)
    removed = [f for f in files if f.pk in remove]
    _remove_files(removed)
    added = _store_files(
        actor, [(existing[item.pk], upload, checked[item.pk]) for item, upload in attach.items()]
    )
    if changed or added or removed:
        round_.save(update_fields=["updated_at"])
        audit(
            actor=actor,
            verb="assessment_round.answer",
            target=round_,
            items=changed,
            files_added=[f.original_name for f in added],
            files_removed=[f.original_name for f in removed],
        )


def _remove_files(files: list[EvidenceFile]) -> None:
    """Delete the rows now and their stored files once the deletion is committed."""
    if not files:
        return
    names = [f.file.name for f in files]
    storage = files[0].file.storage
    EvidenceFile.objects.filter(pk__in=[f.pk for f in files]).delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _store_files(actor, uploads: list[tuple[Answer, object, CheckedUpload]]) -> list[EvidenceFile]:
    """Store each upload (checked already) as evidence of its answer; if anything fails, the files already
    written are removed again, so that a refused save leaves no file behind."""
    member = getattr(actor, "member", None)
    stored: list[EvidenceFile] = []
    try:
        for answer, upload, checked in uploads:
            evidence = EvidenceFile(
                answer=answer,
                original_name=safe_file_name(upload.name, checked.extension),
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                added_by=member,
            )
            evidence.file.save(evidence.original_name, upload, save=False)
            stored.append(evidence)
            evidence.save()
    except Exception:
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise
    return stored


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
    with_files = set(
        EvidenceFile.objects.filter(answer__round=round_).values_list("answer__item_id", flat=True)
    )
    bare = [
        i
        for i in items
        if _needs_evidence(round_, answers[i.pk].level)
        and not answers[i.pk].evidence
        and i.pk not in with_files
    ]
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
