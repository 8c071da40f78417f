"""Pages of the meetings app: mail."""

from __future__ import annotations


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_mail.html)."""
    return {}
