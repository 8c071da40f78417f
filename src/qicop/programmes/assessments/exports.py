"""A round's answers as rows for a spreadsheet: one row an item, in the instrument's order, texts in the
reader's language."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from qicop.programmes.models import Answer, AssessmentRound, Item
from qicop.programmes.scores import domain_results

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


def column_labels() -> list[str]:
    """``COLUMNS`` as the reader names them: the XLSX header row, in the active language."""
    labels = {
        "country": _("Country"),
        "instrument": _("Instrument"),
        "version": _("Version"),
        "year": _("Year"),
        "status": _("Status"),
        "domain": _("Domain"),
        "item_code": _("Item code"),
        "item": _("Item"),
        "level": _("Level"),
        "level_definition": _("Level definition"),
        "evidence": _("Evidence"),
        "comment": _("Comment"),
    }
    return [labels[column] for column in COLUMNS]


def domain_labels() -> list[str]:
    return [_("Domain code"), _("Domain"), _("Level"), _("Items answered"), _("Items")]


def domain_rows(round_: AssessmentRound) -> Iterator[list]:
    """The round's domains with their mean level (``scores.domain_results``), rounded as the pages show."""
    for result in domain_results([round_])[round_.pk]:
        level = None if result.level is None else round(result.level, 2)
        yield [result.code, result.name, level, result.answered, result.items]


def workbook_sheets(round_: AssessmentRound) -> list[tuple[str, list[str], Iterator[list]]]:
    """The round's XLSX: its answers, one row an item, and its domains' levels."""
    answers = ([row[column] for column in COLUMNS] for row in answer_rows(round_))
    return [
        (_("Answers"), column_labels(), answers),
        (_("Domains"), domain_labels(), domain_rows(round_)),
    ]
