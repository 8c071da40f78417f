"""Authorization matrix rows: meeting materials and the low-bandwidth pack."""

from __future__ import annotations

from matrix_rows.common import expect, participants_only, post_only  # noqa: F401

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "meetings:material": (
        lambda w: f"/n/vln/meetings/{w.meeting.pk}/materials/999/",
        participants_only(404),
    ),
}
