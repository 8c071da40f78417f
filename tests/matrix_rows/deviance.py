"""Authorization matrix rows: the positive-deviance feed (page and Atom), "who solved this?" and "Ask them
how"."""

from __future__ import annotations

from matrix_rows.common import members_only, participants_only

ROWS: dict = {
    "deviance:feed": (lambda w: "/n/vln/improvements/", members_only()),
    "deviance:atom": (lambda w: "/n/vln/improvements/feed/", members_only()),
    # An unknown measure or place answers 404, as the chart page does; with both known, every member reads
    # it (tests/deviance/test_peers.py).
    "deviance:peers": (
        lambda w: "/n/vln/improvements/peers/?indicator=unknown&org_unit=NoSuchUnit1",
        members_only(404),
    ),
    # Those who may start a discussion ask; an unknown chart answers 404 (tests/deviance/test_ask.py).
    "deviance:ask": (lambda w: "/n/vln/improvements/ask/?chart=unknown/NoSuchUnit1", participants_only(404)),
}
