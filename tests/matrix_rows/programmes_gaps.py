"""Authorization matrix rows: programmes, gap maps (built by tests/programmes_world.py)."""

from __future__ import annotations

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {}
