"""Authorization matrix rows: improvement work, pdsa (built by tests/improvement_world.py).

Kenya's collaborative is not shared: its team (Kim on it, Dan its coach), Faith (who runs it) and Carla (the
coordinator) read and write its cycles; Henri (Haiti), Olga (an observer) and Oscar (an outsider) get 404,
as if the team did not exist."""

from __future__ import annotations

from improvement_world import improvement_of
from matrix_rows.common import expect


def _team(w) -> str:
    work = improvement_of(w)
    return f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/cycles/"


def _cycle(w) -> str:
    return _team(w) + f"{improvement_of(w).cycle.pk}/"


KENYAN_TEAM = expect(200, henri=404, olga=404, oscar=404, anonymous=302)

# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "improvement:cycle_create": (lambda w: _team(w) + "new/", KENYAN_TEAM),
    "improvement:cycle_detail": (_cycle, KENYAN_TEAM),
    "improvement:cycle_edit": (lambda w: _cycle(w) + "edit/", KENYAN_TEAM),
    "improvement:cycle_do": (lambda w: _cycle(w) + "do/", KENYAN_TEAM),
    "improvement:cycle_study": (lambda w: _cycle(w) + "study/", KENYAN_TEAM),
    "improvement:cycle_act": (lambda w: _cycle(w) + "act/", KENYAN_TEAM),
}
