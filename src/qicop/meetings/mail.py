"""Meeting e-mails: invitations, updates, cancellations, reminders and follow-ups."""

from __future__ import annotations


def meeting_changed(meeting, *, cancelled: bool = False) -> None:
    """Called (on commit) after a meeting's calendar data changed: sends the updated invitation (or the
    cancellation) to those who already received one."""
