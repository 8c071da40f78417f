"""Authorization matrix rows: improvement work on a *shared* collaborative (built by
tests/improvement_world.py).

Haiti's collaborative is shared with the network; its team at Jacmel is led by Henri. Its picture (the
page, the learning-session report) is everyone's in the network, observers included (Olga). Its team
workspaces are the participants' only: Kenya's people read them (200) but may not write them (403), and
Olga gets 404 as if the team did not exist, and 403 for the export of the teams' reports. Only the
coordinator runs it (Haiti has no focal point among the personas), and Henri (its team lead) writes his
team's workspace. The keys add " (shared)" to the URL name: the same URLs as Kenya's rows, another object.
"""

from __future__ import annotations

from improvement_world import improvement_of
from matrix_rows.common import expect, members_only

LIST = "/n/vln/improvement/"
API = "/api/v1/networks/vln"


def _haiti(w) -> str:
    return LIST + f"{improvement_of(w).haiti.pk}/"


def _jacmel(w) -> str:
    return _haiti(w) + f"teams/{improvement_of(w).jacmel.pk}/"


def _api_jacmel(w) -> str:
    work = improvement_of(w)
    return API + f"/collaboratives/{work.haiti.pk}/teams/{work.jacmel.pk}"


PICTURE = members_only()
WORKSPACE_READERS = expect(200, olga=404, oscar=404, anonymous=302)
WORKSPACE_WRITERS = expect(403, carla=200, henri=200, olga=404, oscar=404, anonymous=302)

# "url name (variant)" → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "improvement:collaborative_detail (shared)": (_haiti, PICTURE),
    "improvement:collaborative_report (shared)": (lambda w: _haiti(w) + "report/", PICTURE),
    "improvement:collaborative_export_csv (shared)": (
        lambda w: _haiti(w) + "export.csv",
        expect(200, olga=403, oscar=404, anonymous=302),
    ),
    "improvement:collaborative_edit (shared)": (
        lambda w: _haiti(w) + "edit/",
        expect(403, carla=200, oscar=404, anonymous=302),
    ),
    "improvement:team_detail (shared)": (_jacmel, WORKSPACE_READERS),
    "improvement:report_list (shared)": (lambda w: _jacmel(w) + "reports/", WORKSPACE_READERS),
    "improvement:team_aim_edit (shared)": (lambda w: _jacmel(w) + "aim/", WORKSPACE_WRITERS),
    "improvement:driver_diagram_edit (shared)": (lambda w: _jacmel(w) + "driver-diagram/", WORKSPACE_WRITERS),
    "improvement:cycle_create (shared)": (lambda w: _jacmel(w) + "cycles/new/", WORKSPACE_WRITERS),
    "api:get_collaborative (shared)": (
        lambda w: API + f"/collaboratives/{improvement_of(w).haiti.pk}",
        expect(200, oscar=404, anonymous=401),
    ),
    "api:get_team (shared)": (_api_jacmel, expect(200, olga=404, oscar=404, anonymous=401)),
}
