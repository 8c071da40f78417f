"""Ids read from query strings and hidden fields: a bad one is "none", never a 500.

``str.isdigit`` is not enough: it accepts "²" and other Unicode digits that ``int`` refuses, and a
thousand-digit number is refused by ``int`` (or overflows the database's integers).
"""

from __future__ import annotations

MAX_ID_DIGITS = 18  # fits a 64-bit signed integer


def id_or_none(value) -> int | None:
    """``value`` as a positive database id, or None when it is missing or is not one."""
    text = str(value if value is not None else "").strip()
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number or None
