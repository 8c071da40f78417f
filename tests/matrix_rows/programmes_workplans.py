"""Authorization matrix rows: programmes, work plans (built by tests/programmes_world.py).

The rows use Kenya's 2025 locked, shared round: Faith (Kenya's focal point) and Carla (the coordinator)
edit its plan; Dan, Kim and Henri (Haiti: the round is shared) read it; the observer and the outsider do not
see the round (404)."""

from __future__ import annotations

from matrix_rows.common import expect, post_only
from programmes_world import programmes_of

BASE = "/n/vln/programmes/assessments/"


def _plan(w) -> str:
    return BASE + f"{programmes_of(w).kenya_2025.pk}/work-plan/"


def _objective(w) -> str:
    from qicop.programmes.workplans import services

    work = programmes_of(w)
    objective = services.add_objective(
        actor=w.faith.user, round_=work.kenya_2025, domain_code="measurement", text="Monthly data reviews"
    )
    return _plan(w) + f"objectives/{objective.pk}/steps/new/"


READ = expect(200, olga=404, oscar=404, anonymous=302)
EDIT = expect(403, carla=200, faith=200, olga=404, oscar=404, anonymous=302)

ROWS: dict = {
    "programmes:workplan_detail": (_plan, READ),
    "programmes:workplan_objective_add": (lambda w: _plan(w) + "objectives/new/", EDIT),
    "programmes:workplan_action_add": (_objective, EDIT),
    "programmes:workplan_action_status": (lambda w: _plan(w) + "steps/1/status/", post_only()),
}
