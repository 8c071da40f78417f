"""Authorization matrix rows: programmes, QI coach certification work (built by tests/coaches_world.py).

Kenya's certification work is seen by its keepers (Faith, Kenya's focal point; Carla, the coordinator), its
certifying body (Kim) and the network's mentors in force (Henri); Dan's portfolio by them and Dan himself.
Only the keepers set standards, enrol and record knowledge checks; only a mentor observes; only the
certifying body decides. The observer gets 403, the outsider 404."""

from __future__ import annotations

from coaches_world import coaches_of
from matrix_rows.common import expect, post_only

BASE = "/n/vln/programmes/coaches/"


def _dan(w) -> str:
    return BASE + f"certifications/{coaches_of(w).dan.pk}/"


def _kenya(w) -> str:
    coaches_of(w)
    return BASE + "KE/"


KEEP = expect(403, carla=200, faith=200, oscar=404, anonymous=302)

ROWS: dict = {
    "programmes:coach_candidates": (
        _kenya,
        expect(403, carla=200, faith=200, kim=200, henri=200, oscar=404, anonymous=302),
    ),
    "programmes:coach_standards": (lambda w: _kenya(w) + "standards/", KEEP),
    "programmes:coach_enrol": (lambda w: _kenya(w) + "new/", KEEP),
    "programmes:coach_portfolio": (
        _dan,
        expect(403, carla=200, faith=200, kim=200, henri=200, dan=200, oscar=404, anonymous=302),
    ),
    "programmes:coach_knowledge": (lambda w: _dan(w) + "knowledge/", KEEP),
    "programmes:coach_observe": (
        lambda w: _dan(w) + "observe/",
        expect(403, henri=200, oscar=404, anonymous=302),
    ),
    "programmes:coach_decide": (
        lambda w: _dan(w) + "decide/",
        expect(403, kim=200, oscar=404, anonymous=302),
    ),
    "programmes:coach_withdraw": (lambda w: _dan(w) + "withdraw/", post_only()),
    "programmes:coach_renew": (
        lambda w: BASE + f"certifications/{coaches_of(w).faith.pk}/renew/",
        post_only(),
    ),
}
