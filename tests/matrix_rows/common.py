"""Helpers for the authorization matrix: the status each persona must get."""

from __future__ import annotations

from personas import PERSONAS

ALL = dict.fromkeys(PERSONAS)
SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
NETWORK_MEMBERS = ["carla", "faith", "dan", "kim", "henri", "olga"]


def expect(default: int, **overrides: int) -> dict[str, int]:
    statuses = dict.fromkeys(PERSONAS, default)
    statuses.update(overrides)
    return statuses


def members_only(status: int = 200) -> dict[str, int]:
    """A network page: members see it, the outsider gets 404 (as if missing), visitors must sign in."""
    return expect(status, oscar=404, anonymous=302)


def api_members_only() -> dict[str, int]:
    return expect(200, oscar=404, anonymous=401)


def post_only() -> dict[str, int]:
    return expect(405, anonymous=302)


def participants_only(status: int = 200) -> dict[str, int]:
    """A meetings page: members in any role but observer see it; observers read proceedings only."""
    return expect(status, olga=403, oscar=404, anonymous=302)
