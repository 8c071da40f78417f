"""Whom an account belongs to, for writing to it in its owner's language and time zone.

Core and accounts know accounts only; the app that knows members (network) says, when it is ready, how
to find the member an account belongs to (``know_members_by``). Without it every account is a reader
of its own preferences alone.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_member_of: Callable[[Any], Any | None] = lambda user: None  # noqa: E731


def know_members_by(lookup: Callable[[Any], Any | None]) -> None:
    """``lookup(user)`` answers the member of an account, with its ``user`` and ``country``, or None."""
    global _member_of
    _member_of = lookup


def member_of(user) -> Any | None:
    """The member an account belongs to (its ``country`` at hand), or None."""
    return _member_of(user)
