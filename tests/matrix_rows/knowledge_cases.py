"""Authorization matrix rows: case studies, resources, topics, feeds."""

from __future__ import annotations

from matrix_rows.common import expect, members_only, participants_only, post_only  # noqa: F401

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {}
