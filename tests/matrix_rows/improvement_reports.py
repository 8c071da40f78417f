"""Authorization matrix rows: improvement work, reports (built by tests/improvement_world.py)."""

from __future__ import annotations

from improvement_world import improvement_of
from matrix_rows.common import expect, post_only


def _reports(w) -> str:
    work = improvement_of(w)
    return f"/n/vln/improvement/{work.kenya.pk}/teams/{work.team.pk}/reports/"


def _filed(w) -> str:
    """The month the team reported on (submitted, waiting for the coach)."""
    return _reports(w) + f"{improvement_of(w).start:%Y-%m}/"


def _next(w) -> str:
    """A month of the collaborative with no report yet."""
    start = improvement_of(w).start
    return _reports(w) + f"{start.year + (start.month == 12)}-{start.month % 12 + 1:02d}/"


def workspace() -> dict[str, int]:
    """Kenya's unshared collaborative: Kenya's participants and the coordinator; Haiti and observers 404."""
    return expect(200, henri=404, olga=404, oscar=404, anonymous=302)


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "improvement:report_list": (_reports, workspace()),
    "improvement:report_detail": (_filed, workspace()),
    # Dan coaches the team (so he is on it); Faith runs the collaborative; Carla coordinates.
    "improvement:report_edit": (lambda w: _next(w) + "edit/", workspace()),
    # The coach (Dan) or whoever runs the collaborative confirms; the team (Kim) may not.
    "improvement:report_confirm": (lambda w: _filed(w) + "confirm/", workspace() | {"kim": 403}),
    # Comments are posted to the report's page (which shows them); a GET is not an action.
    "improvement:report_comment": (lambda w: _filed(w) + "comments/", post_only()),
}
