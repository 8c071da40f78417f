"""An import's messages, said twice: in English for DHIS2's answer, in its reader's language on a page.

DHIS2's clients read an import summary's ``description`` and each conflict's ``value`` in English, whatever
the language of the person who sent the file; the import's page, the CLI and the CSV of conflicts are read
by a person in French or Portuguese. So a message is made here as a :class:`Said`: a ``str`` holding the
English text (what the answer, the CSV and every comparison use), which also keeps its message id and
parameters. The summary stores them (``TEXTS``, never sent to a DHIS2 client), and :func:`in_language`
says them again, through gettext, in the language active where they are read.

The two functions are named ``gettext`` and ``ngettext`` so that ``makemessages`` finds every message id
(``english.gettext("…")``): the catalogs translate them like any other string.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import number_format
from django.utils.translation import gettext as _gettext
from django.utils.translation import ngettext as _ngettext

from qicop.core.when import when

#: where a summary keeps its texts as message ids and parameters (removed from every DHIS2 answer)
TEXTS = "qicopTexts"


class Said(str):
    """A message in English (its ``str`` value) that remembers how to be said in another language."""

    msgid: str | tuple[str, str]
    number: str | None
    params: dict

    def __new__(cls, msgid, params: dict | None = None, number: str | None = None):
        params = params or {}
        template = msgid if isinstance(msgid, str) else (msgid[0] if params[number] == 1 else msgid[1])
        shown = {key: _english(template, key, value) for key, value in params.items()}
        said = super().__new__(cls, template % shown if params else template)
        said.msgid, said.params, said.number = msgid, params, number
        return said

    def to_json(self) -> dict:
        data = {"m": self.msgid if isinstance(self.msgid, str) else list(self.msgid), "p": {}}
        for key, value in self.params.items():
            if isinstance(value, Said):
                value = value.to_json()
            elif isinstance(value, dt.date):
                value = {"date": value.isoformat()}
            data["p"][key] = value
        if self.number is not None:
            data["n"] = self.number
        return data


def _english(template: str, key: str, value):
    if isinstance(value, dt.date):
        return when(value, "date", language="en")
    return f"{value:,}" if _grouped(template, key, value) else value


def _param(value):
    """A stored parameter as the active language writes it: a message said, a date through the one
    formatter."""
    if isinstance(value, dict) and "date" in value:
        return when(dt.date.fromisoformat(value["date"]), "date")
    if isinstance(value, dict):
        return in_language(value)
    return value


def _grouped(template: str, key: str, value) -> bool:
    """Whether a number is written with its thousands grouped: one a text writes as text ("%(total)s")."""
    return type(value) is int and f"%({key})s" in template


def without_texts(summary: dict) -> dict:
    """The summary as DHIS2's clients read it: without the texts kept for people."""
    return {key: value for key, value in summary.items() if key != TEXTS}


def gettext(msgid: str, **params) -> Said:
    """``msgid % params`` in English, to be said in the reader's language later."""
    return Said(msgid, params)


def ngettext(singular: str, plural: str, number: int, **params) -> Said:
    """The singular or plural form for ``number`` (given to the text as ``%(count)d``)."""
    return Said((singular, plural), {**params, "count": number}, "count")


def to_json(text) -> dict | str:
    """A text as the summary stores it: a Said's id and parameters, or a plain text as it is."""
    return text.to_json() if isinstance(text, Said) else str(text)


def in_language(stored) -> str:
    """A stored text (``to_json``) said in the active language; a plain text as it was written."""
    if not isinstance(stored, dict) or "m" not in stored:
        return "" if stored is None else str(stored)
    params = {key: _param(value) for key, value in stored["p"].items()}
    msgid = stored["m"]
    if isinstance(msgid, str):
        template = _gettext(msgid)
    else:
        template = _ngettext(msgid[0], msgid[1], params.get(stored.get("n") or "count", 0))
    params = {
        key: number_format(value, force_grouping=True) if _grouped(template, key, value) else value
        for key, value in params.items()
    }
    try:
        return template % params if params else template
    except (KeyError, TypeError, ValueError):
        # A catalog whose translation names other parameters must never break the page: say it in English.
        return msgid % params if isinstance(msgid, str) else str(Said(tuple(msgid), params, stored.get("n")))


def where(indexes: list[int], lines: list[int | None], fmt: str) -> str:
    """Where a conflict's values are, as the person finds them in their file: line numbers (counting the
    header line) where the reader knows them; in a spreadsheet, its row numbers; in JSON, the values'
    positions counted from 1 ("value 13": the thirteenth data value of the file). DHIS2's answer keeps its
    0-based ``indexes``."""
    known = [line for line in lines[: len(indexes)] if line is not None]
    if known and len(known) == len(indexes):
        numbers = ", ".join(str(line) for line in known)
        if fmt == "template-xlsx":
            return _ngettext("row %(numbers)s", "rows %(numbers)s", len(known)) % {"numbers": numbers}
        return _ngettext("line %(numbers)s", "lines %(numbers)s", len(known)) % {"numbers": numbers}
    numbers = ", ".join(str(index + 1) for index in indexes)
    return _ngettext("value %(numbers)s", "values %(numbers)s", len(indexes)) % {"numbers": numbers}


def readable(summary: dict, *, fmt: str = "", listed: int = 20) -> dict:
    """What a person reads of a stored or returned data value import summary, in the active language:
    the description, and each listed conflict's text and where its values are (the first ``listed``).
    A summary kept before its texts were (or a failed job's) is read as it was written."""
    texts = summary.get(TEXTS) or {}
    fmt = texts.get("format") or fmt
    description = (
        " ".join(in_language(text) for text in texts["description"])
        if texts.get("description")
        else summary.get("description", "")
    )
    conflict_texts = texts.get("conflicts") or []
    conflicts = []
    for position, conflict in enumerate(summary.get("conflicts") or []):
        text = conflict_texts[position] if position < len(conflict_texts) else {}
        indexes = list(conflict.get("indexes") or [])
        lines = list(text.get("lines") or [])
        count = conflict.get("count") or len(indexes)
        conflicts.append(
            {
                **conflict,
                "text": in_language(text["text"])
                if text.get("text") is not None
                else conflict.get("value", ""),
                "values": count,
                "where": where(indexes[:listed], lines[:listed], fmt) if indexes else "",
                "more": count > min(len(indexes), listed),
            }
        )
    return {"description": description, "conflicts": conflicts, "dry_run": _dry_run(summary)}


def _dry_run(summary: dict) -> bool:
    return bool((summary.get("importOptions") or {}).get("dryRun"))
