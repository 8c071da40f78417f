"""Pages of the meetings app: materials."""

from __future__ import annotations


def detail_panel(request, viewer, network, meeting) -> dict:
    """What the meeting page shows of this feature (rendered by meetings/_panel_materials.html)."""
    return {}
