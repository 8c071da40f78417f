"""Rows of the same person merged into one Participant."""

from __future__ import annotations

from datetime import datetime

from ._columns import YES, normalise
from ._model import Participant, Segment
from ._segments import RawRow, total_minutes

# Japanese Zoom exports cut e-mail addresses short and end them with an ellipsis.
TRUNCATION_MARKS = ("…", "...")


def clean_email(cell: str | None) -> str | None:
    """The address in the cell, or None: empty cells, and placeholders left by anonymisers (``EMAIL``)
    are not addresses. A truncated address (``taro1…``) is kept as written; matching treats it as a prefix."""
    if not cell:
        return None
    cell = cell.strip()
    if " " in cell:
        return None
    if "@" in cell or cell.endswith(TRUNCATION_MARKS):
        return cell
    return None


def is_guest(row: RawRow) -> bool:
    """The tool's own flag when it has one (Zoom's ``Guest``: not signed in to the host's account);
    otherwise someone who gave no e-mail and has no account id, in a format that records e-mails."""
    if row.guest is not None:
        return normalise(row.guest) in YES
    if row.email is None:
        return False
    return not row.email.strip() and not (row.user_id or "").strip()


def group(rows: list[tuple[RawRow, Segment]], report_end: datetime | None) -> list[Participant]:
    """Same e-mail (case-insensitive) → same person; without an e-mail, the same name. A row without an
    e-mail whose name is that of exactly one person with an e-mail joins that person (someone who rejoined
    from a phone as a guest). Participants come in the order they first appear in the file."""
    groups: dict[tuple[str, str], list[tuple[RawRow, Segment]]] = {}
    emails_by_name: dict[str, set[tuple[str, str]]] = {}
    for row, segment in rows:
        email = clean_email(row.email)
        if email:
            key = ("email", email.casefold())
            groups.setdefault(key, []).append((row, segment))
            emails_by_name.setdefault(normalise(row.name), set()).add(key)
    for row, segment in rows:
        if clean_email(row.email):
            continue
        owners = emails_by_name.get(normalise(row.name), set())
        key = next(iter(owners)) if len(owners) == 1 else ("name", normalise(row.name))
        groups.setdefault(key, []).append((row, segment))
    first_seen = {id(row): index for index, (row, _segment) in enumerate(rows)}
    people = [_participant(members, report_end) for members in groups.values()]
    order = [min(first_seen[id(row)] for row, _segment in members) for members in groups.values()]
    return [person for _position, person in sorted(zip(order, people, strict=True), key=lambda p: p[0])]


def _participant(members: list[tuple[RawRow, Segment]], report_end: datetime | None) -> Participant:
    first = members[0][0]
    segments = [segment for _row, segment in members]
    email = next((clean_email(row.email) for row, _segment in members if clean_email(row.email)), None)
    return Participant(
        name=first.name,
        email=email,
        segments=sorted(segments, key=_join_key),
        total_minutes=total_minutes(segments, report_end),
        guest=all(is_guest(row) for row, _segment in members),
        role=next((row.role for row, _segment in members if row.role), None),
    )


def _join_key(segment: Segment) -> tuple[int, float]:
    if segment.joined is None:
        return (1, 0.0)
    return (0, segment.joined.timestamp())
