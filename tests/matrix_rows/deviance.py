"""Authorization matrix rows: the positive-deviance feed (page and Atom)."""

from __future__ import annotations

from matrix_rows.common import members_only

ROWS: dict = {
    "deviance:feed": (lambda w: "/n/vln/improvements/", members_only()),
    "deviance:atom": (lambda w: "/n/vln/improvements/feed/", members_only()),
}
