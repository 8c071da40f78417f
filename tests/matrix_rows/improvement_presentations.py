"""Authorization matrix rows: improvement work, presentations (built by tests/improvement_world.py)."""

from __future__ import annotations

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {}
