"""Reads of assessment rounds, scoped to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qicop.network.models import Network
from qicop.network.permissions import Viewer, is_participant
from qicop.programmes.models import Answer, AssessmentRound, Domain, EvidenceFile
from qicop.programmes.permissions import VISIBLE_TO_OTHERS, can_see_gap_map, can_view_round
from qicop.programmes.scores import DomainResult, domain_results


def visible_rounds(viewer: Viewer, network: Network) -> QuerySet[AssessmentRound]:
    """The network's rounds the viewer may see (``permissions.can_view_round`` as a query)."""
    rounds = AssessmentRound.objects.filter(network=network)
    if viewer.is_coordinator(network):
        return rounds
    named = Q(assessors=viewer.member_id) if viewer.member_id else Q(pk__in=[])
    if not is_participant(viewer, network):
        return rounds.filter(named).distinct()
    return rounds.filter(
        named | Q(country_id=viewer.country_id) | Q(shared=True, status__in=VISIBLE_TO_OTHERS)
    ).distinct()


def readable_rounds(viewer: Viewer, network: Network) -> QuerySet[AssessmentRound]:
    """The rounds the API lists: those the viewer may see (``visible_rounds``), and for observers the
    confirmed rounds that countries share, whose levels the gap map shows them (not their answers:
    ``can_view_round`` decides those, as on the pages)."""
    if is_participant(viewer, network) or not can_see_gap_map(viewer, network):
        return visible_rounds(viewer, network)
    named = Q(assessors=viewer.member_id) if viewer.member_id else Q(pk__in=[])
    shared = Q(shared=True, status__in=VISIBLE_TO_OTHERS)
    return AssessmentRound.objects.filter(network=network).filter(named | shared).distinct()


def readable_round(viewer: Viewer, network: Network, round_id: int) -> AssessmentRound:
    """One of ``readable_rounds`` with its instrument, country and assessors; 404 whether missing or not
    the viewer's."""
    round_ = (
        readable_rounds(viewer, network)
        .filter(pk=round_id)
        .select_related("instrument", "country")
        .prefetch_related("assessors")
        .first()
    )
    if round_ is None:
        raise Http404("No such assessment round")
    round_.network = network
    return round_


def round_for(viewer: Viewer, network: Network, round_id: int) -> AssessmentRound:
    """One round with its instrument, country and assessors; 404 whether missing or not the viewer's."""
    round_ = (
        AssessmentRound.objects.filter(network=network, pk=round_id)
        .select_related("instrument", "country", "network", "started_from", "confirmed_by")
        .prefetch_related("assessors")
        .first()
    )
    if round_ is None or not can_view_round(viewer, round_):
        raise Http404("No such assessment round")
    return round_


def domains_of(round_: AssessmentRound) -> list[Domain]:
    """The round's instrument's domains, each with its items (two queries)."""
    return list(Domain.objects.filter(instrument_id=round_.instrument_id).prefetch_related("items"))


def answers_of(round_: AssessmentRound, *, domain: Domain | None = None) -> QuerySet[Answer]:
    """The round's answers (one domain's, or all), each with its number of evidence files
    (``file_count``), so that a page asks for the files only when there are some."""
    answers = Answer.objects.filter(round=round_)
    if domain is not None:
        answers = answers.filter(item__domain=domain)
    return answers.annotate(file_count=Count("files"))


def evidence_files(round_: AssessmentRound, *, domain: Domain | None = None) -> QuerySet[EvidenceFile]:
    """The round's evidence files (one domain's, or all), with their answers, in the order they were added;
    bounded by services.FILES_PER_ROUND. The caller has checked that the viewer may read the round."""
    files = EvidenceFile.objects.filter(answer__round=round_).select_related("answer")
    if domain is not None:
        files = files.filter(answer__item__domain=domain)
    return files.order_by("answer__item_id", "created_at", "id")


def previous_round(viewer: Viewer, round_: AssessmentRound) -> AssessmentRound | None:
    """The round this one is compared with: the one it started from, else the country's latest earlier
    round of the same instrument (any version) that the viewer may see."""
    if round_.started_from_id is not None and round_.started_from.year < round_.year:
        started = round_.started_from
        if started.network_id == round_.network_id:
            started.network = round_.network
            if can_view_round(viewer, started):
                return started
    return (
        visible_rounds(viewer, round_.network)
        .filter(country_id=round_.country_id, instrument__slug=round_.instrument.slug, year__lt=round_.year)
        .order_by("-year")
        .first()
    )


@dataclass(frozen=True)
class DomainChange:
    result: DomainResult
    before: float | None  # the domain's level in the previous round, None when not assessed then
    change: float | None


def domain_changes(round_: AssessmentRound, previous: AssessmentRound | None) -> list[DomainChange]:
    """Each domain's level and its change since ``previous``, domains matched by their code (stable across
    versions of the instrument)."""
    results = domain_results([round_] + ([previous] if previous else []))
    before = {d.code: d.level for d in results.get(previous.pk, [])} if previous else {}
    out = []
    for result in results[round_.pk]:
        level = before.get(result.code)
        change = result.level - level if result.level is not None and level is not None else None
        out.append(DomainChange(result=result, before=level, change=change))
    return out
