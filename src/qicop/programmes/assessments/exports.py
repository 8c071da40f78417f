"""A round's answers as rows for a spreadsheet: one row an item, in the instrument's order, texts in the
reader's language."""

from __future__ import annotations

from collections.abc import Iterator

from qicop.programmes.models import Answer, AssessmentRound, Item

COLUMNS = [
    "country",
    "instrument",
    "version",
    "year",
    "status",
    "domain",
    "item_code",
    "item",
    "level",
    "level_definition",
    "evidence",
    "comment",
]


def answer_rows(round_: AssessmentRound) -> Iterator[dict]:
    """Every item of the round's instrument, answered or not (two queries)."""
    answers = {a.item_id: a for a in Answer.objects.filter(round=round_)}
    items = Item.objects.filter(domain__instrument_id=round_.instrument_id).select_related("domain")
    for item in items.order_by("domain__order", "domain_id", "order", "id"):
        answer = answers.get(item.pk)
        level = answer.level if answer else None
        yield {
            "country": round_.country.display_name,
            "instrument": round_.instrument.name,
            "version": round_.instrument.version,
            "year": round_.year,
            "status": str(round_.get_status_display()),
            "domain": item.domain.name,
            "item_code": item.code,
            "item": item.text,
            "level": level,
            "level_definition": item.level_text(level) if level is not None else "",
            "evidence": answer.evidence if answer else "",
            "comment": answer.comment if answer else "",
        }
