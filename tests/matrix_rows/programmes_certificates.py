"""Authorization matrix rows: programmes, QI coach certificates (built by tests/coaches_world.py)."""

from __future__ import annotations

ROWS: dict = {}
