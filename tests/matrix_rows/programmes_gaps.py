"""Authorization matrix rows: programmes, gap maps (built by tests/programmes_world.py).

The gap map is every member's, observers too (shared results only); a country's results page is for
participants (observers 403); Thailand's radar shows its confirmed round that it does not share, so only
the coordinator gets it and everyone else a 404 as if it did not exist.
"""

from __future__ import annotations

from matrix_rows.common import api_members_only, expect, members_only, participants_only
from programmes_world import programmes_of

ROOT = "/n/vln/programmes/"
API = "/api/v1/networks/vln"


def _with_rounds(path: str):
    def build(w) -> str:
        programmes_of(w)
        return path

    return build


# url name → (path builder taking the World, expected status by persona)
ROWS: dict = {
    "programmes:gap_map": (_with_rounds(ROOT + "gap-map/"), members_only()),
    "programmes:gap_map_csv": (_with_rounds(ROOT + "gap-map.csv"), members_only()),
    "programmes:gap_map_xlsx": (_with_rounds(ROOT + "gap-map.xlsx"), members_only()),
    "programmes:country_results": (_with_rounds(ROOT + "countries/KE/"), participants_only()),
    "programmes:country_results_csv": (_with_rounds(ROOT + "countries/KE/results.csv"), participants_only()),
    "programmes:country_results_xlsx": (
        _with_rounds(ROOT + "countries/KE/results.xlsx"),
        participants_only(),
    ),
    "programmes:country_radar_png": (
        _with_rounds(ROOT + "countries/TH/national-qm-programme.png"),
        expect(404, carla=200, olga=403, anonymous=302),
    ),
    # The programmes API (api/programmes.py): every member reads instruments, rounds and the gap map; a
    # round is 404 for whoever its page would not show (Kenya's 2026 draft: Haiti, the observer, outsiders).
    "api:list_instruments": (_with_rounds(API + "/instruments"), api_members_only()),
    "api:get_instrument_version": (
        _with_rounds(API + "/instruments/national-qm-programme/versions/1"),
        api_members_only(),
    ),
    "api:list_assessment_rounds": (_with_rounds(API + "/assessment-rounds"), api_members_only()),
    "api:get_assessment_round": (
        lambda w: API + f"/assessment-rounds/{programmes_of(w).kenya_2026.pk}",
        expect(200, henri=404, olga=404, oscar=404, anonymous=401),
    ),
    "api:get_gap_map": (_with_rounds(API + "/gap-map"), api_members_only()),
}
