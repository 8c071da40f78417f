"""Linking the people of an attendance report to network members: by e-mail first, then by name.

A name match needs a score of at least ``threshold`` (0–100, rapidfuzz ``token_sort_ratio`` on names with
accents folded, so word order and "Nadège"/"Nadege" do not matter) and a lead of more than ``AMBIGUITY``
points over the next member; otherwise the person stays unmatched and a coordinator links them by hand,
with ``Match.candidates`` as suggestions. A wrong automatic link would credit someone else's attendance.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from ._model import Participant
from ._people import TRUNCATION_MARKS

AMBIGUITY = 3.0

Member = tuple[int, str, str | None]


@dataclass(frozen=True)
class Match:
    participant: Participant
    member_id: int | None
    method: Literal["email", "name"] | None
    score: float
    # Members that came close, best first, for a person to choose from when nothing was matched.
    candidates: tuple[int, ...] = ()


def match_participants(
    participants: Sequence[Participant], members: Sequence[Member], *, threshold: int = 85
) -> list[Match]:
    """One Match per participant, in the same order."""
    by_email: dict[str, list[int]] = {}
    for member_id, _name, email in members:
        if email:
            by_email.setdefault(email.strip().casefold(), []).append(member_id)
    folded = [(member_id, fold(name)) for member_id, name, _email in members]
    matches = []
    for participant in participants:
        member_id = _email_match(participant.email, by_email)
        if member_id is not None:
            matches.append(Match(participant, member_id, "email", 100.0))
        else:
            matches.append(_name_match(participant, folded, threshold))
    return matches


def _email_match(email: str | None, by_email: dict[str, list[int]]) -> int | None:
    """The one member with this address. A truncated address (``taro1…``) matches the one member whose
    address starts with what is left of it; if several do, it matches no one."""
    if not email:
        return None
    email = email.strip().casefold()
    for mark in TRUNCATION_MARKS:
        if email.endswith(mark):
            prefix = email[: -len(mark)]
            found = {mid for address, ids in by_email.items() if address.startswith(prefix) for mid in ids}
            return found.pop() if len(found) == 1 and prefix else None
    ids = set(by_email.get(email, ()))
    return ids.pop() if len(ids) == 1 else None


def _name_match(participant: Participant, members: list[tuple[int, str]], threshold: int) -> Match:
    variants = name_variants(participant.name)
    scored = sorted(
        (
            (max(fuzz.token_sort_ratio(v, name) for v in variants), member_id)
            for member_id, name in members
            if name
        ),
        reverse=True,
    )
    if not scored:
        return Match(participant, None, None, 0.0)
    best_score, best_id = scored[0]
    close = tuple(member_id for score, member_id in scored if score >= threshold - 10)[:5]
    runner_up = next((score for score, member_id in scored[1:] if member_id != best_id), None)
    if best_score < threshold or (runner_up is not None and best_score - runner_up <= AMBIGUITY):
        return Match(participant, None, None, round(best_score, 1), close)
    return Match(participant, best_id, "name", round(best_score, 1), close)


def fold(name: str) -> str:
    """Lower case, accents removed (``Nadège`` → ``nadege``), punctuation as spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return default_process(stripped.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("Ø", "O"))


_PARENTHESES = re.compile(r"\(([^)]*)\)")


def name_variants(display: str) -> list[str]:
    """The ways a display name may carry the member's name: as is, without what is in parentheses
    (``JANSSENS JAN (EXT)``), only what is in parentheses (Zoom's original name in ``015_Loki (Loki
    Laufeyson)``), each also without tokens holding digits (``015_Loki``, ``CS-21-043 Siddharth Singh``)."""
    outside = _PARENTHESES.sub(" ", display)
    inside = " ".join(_PARENTHESES.findall(display))
    variants = []
    for text in (display, outside, inside):
        for candidate in (fold(text), _without_codes(fold(text))):
            if candidate and candidate not in variants:
                variants.append(candidate)
    return variants or [""]


def _without_codes(folded: str) -> str:
    return " ".join(token for token in folded.split() if not any(char.isdigit() for char in token))
