"""A round's results by domain: the one computation the round pages, the radar, the gap map and the exports
read. A domain's level is the mean of its answered items' levels (unanswered items are left out, and a
domain with none answered has no level)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from qicop.programmes.models import Answer, AssessmentRound, Domain


@dataclass(frozen=True)
class DomainResult:
    code: str  # stable across versions of the instrument
    name: str
    order: int
    level: float | None  # mean of the answered items, None when none is answered
    answered: int
    items: int


def domain_results(rounds: Iterable[AssessmentRound]) -> dict[int, list[DomainResult]]:
    """For each round (by id), its domains in the instrument's order with their levels. Two queries."""
    rounds = list(rounds)
    if not rounds:
        return {}
    domains = list(
        Domain.objects.filter(instrument_id__in={r.instrument_id for r in rounds}).prefetch_related("items")
    )
    levels: dict[int, dict[int, int | None]] = defaultdict(dict)
    for round_id, item_id, level in Answer.objects.filter(round__in=rounds).values_list(
        "round_id", "item_id", "level"
    ):
        levels[round_id][item_id] = level
    out: dict[int, list[DomainResult]] = {}
    for round_ in rounds:
        answered = levels.get(round_.pk, {})
        results = []
        for domain in (d for d in domains if d.instrument_id == round_.instrument_id):
            items = list(domain.items.all())
            given = [answered[i.pk] for i in items if answered.get(i.pk) is not None]
            results.append(
                DomainResult(
                    code=domain.code,
                    name=domain.name,
                    order=domain.order,
                    level=sum(given) / len(given) if given else None,
                    answered=len(given),
                    items=len(items),
                )
            )
        out[round_.pk] = results
    return out
