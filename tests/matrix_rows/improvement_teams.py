"""Authorization matrix rows: improvement work, teams (built by tests/improvement_world.py).

Kenya's collaborative is not shared: Henri (Haiti) and Olga (observer) get 404 as if it did not exist;
those who run it (Carla, Faith) add and edit teams; everyone on Kenya's side reads the team's workspace,
and Kim (on the team) and Dan (its coach) edit its aim and driver diagram.
"""

from __future__ import annotations

from improvement_world import improvement_of
from matrix_rows.common import expect

KENYA_READERS = expect(404, carla=200, faith=200, dan=200, kim=200, anonymous=302)
RUNNERS = expect(404, carla=200, faith=200, dan=403, kim=403, anonymous=302)


def _teams(w) -> str:
    return f"/n/vln/improvement/{improvement_of(w).kenya.pk}/teams/"


def _team(w) -> str:
    return _teams(w) + f"{improvement_of(w).team.pk}/"


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "improvement:team_create": (lambda w: _teams(w) + "new/", RUNNERS),
    "improvement:team_detail": (_team, KENYA_READERS),
    "improvement:team_edit": (lambda w: _team(w) + "edit/", RUNNERS),
    "improvement:team_aim_edit": (lambda w: _team(w) + "aim/", KENYA_READERS),
    "improvement:driver_diagram_edit": (lambda w: _team(w) + "driver-diagram/", KENYA_READERS),
    "improvement:driver_diagram_svg": (lambda w: _team(w) + "driver-diagram.svg", KENYA_READERS),
    "improvement:driver_diagram_png": (lambda w: _team(w) + "driver-diagram.png", KENYA_READERS),
    "improvement:team_chart": (lambda w: _team(w) + "charts/vl-suppression/", KENYA_READERS),
}
